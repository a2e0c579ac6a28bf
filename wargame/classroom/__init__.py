"""Class sessions: the debrief of saved games today, a live class session as it grows.

The package keeps the names of the former ``wargame/classroom.py`` module, so notebooks and
tests that wrote ``from wargame import classroom`` and ``classroom.compare(...)`` keep working.
The debrief (loading a folder of save files, comparing and ranking the games) lives in
``wargame.classroom.debrief``; see its docstring for what each function does.

The live class session: ``store`` (the session's database), ``session`` (teams joining and
holding their games), ``app`` (the student app), ``serve`` (Voilà on the app), ``console``
(the instructor's widgets); ``python -m wargame.classroom serve FOLDER`` starts one (``cli``).
"""

from __future__ import annotations

from . import debrief
from .debrief import (
    BETTER,
    DECISION_COLUMNS,
    EXAMPLE_FOLDER_NAME,
    OUTCOME_COLUMNS,
    RANK_BY,
    SPEND_COLUMNS,
    Session,
    _example_plans,
    build_parser,
    compare,
    decisions,
    describe_plan,
    example_session_folder,
    figure_directions,
    game_outcome,
    load_session,
    make_example_session,
    rank,
    rank_policies,
    run_outcomes,
)
from .cli import main
from .store import load_stored_session


def __getattr__(name: str):
    """Any other name of the debrief module, as ``classroom.NAME`` worked when it was one module."""
    try:
        return getattr(debrief, name)
    except AttributeError:
        raise AttributeError(f"module 'wargame.classroom' has no attribute {name!r}") from None
