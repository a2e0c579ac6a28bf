"""Helpers shared by the scenario tests: copies of the tutorial edited in a temporary folder.

Expected line numbers are found by searching the edited text for a fragment, not written as
numbers, so the tests keep working when the tutorial grows, and still fail when the loader
points at the wrong line.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from wargame.scenario import Problem, ScenarioError, load_scenario
from wargame.scenario.loading import SCENARIO_DIR

TUTORIAL = SCENARIO_DIR / "tutorial.yaml"


def tutorial_text() -> str:
    """The shipped tutorial's text, the starting point of every malformed case."""
    return TUTORIAL.read_text(encoding="utf-8")


def edit(text: str, old: str, new: str) -> str:
    """``text`` with the one occurrence of ``old`` replaced (an edit that misses is a test bug)."""
    assert text.count(old) == 1, f"the edit must match exactly once: {old!r}"
    return text.replace(old, new)


def line_of(text: str, fragment: str) -> int:
    """The 1-based line on which the one occurrence of ``fragment`` starts."""
    assert text.count(fragment) == 1, f"the fragment must occur exactly once: {fragment!r}"
    return text[: text.index(fragment)].count("\n") + 1


def problems_of(path: Path | str) -> list[Problem]:
    """The problems ``load_scenario`` reports for a file; the test fails if the file loads."""
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    return caught.value.problems
