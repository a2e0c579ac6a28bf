"""Progress bars for long runs (``simulate``, training, balancing), shown only when they help.

``progress(total=..., desc=...)`` is a ``tqdm.auto`` bar: a widget in a notebook, plain text on
the command line. It appears only once a run has lasted ``SHOW_AFTER_SECONDS`` (short runs stay
silent), and never when the output is not a terminal or a notebook (a pipe, a log file) or
under pytest. ``WARGAME_PROGRESS=1`` (or ``0``) forces bars on (or off).
"""

from __future__ import annotations

import os
import sys

SHOW_AFTER_SECONDS = 2.0
SWITCH = "WARGAME_PROGRESS"


def _in_notebook() -> bool:
    """Whether this runs in a Jupyter kernel (JupyterLab, Voila), where bars are widgets."""
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None and hasattr(ipython, "get_ipython") else None
    return shell is not None and type(shell).__name__ == "ZMQInteractiveShell"


def progress_enabled() -> bool:
    """Whether bars show: forced by ``WARGAME_PROGRESS``, else in a notebook or a terminal, never in tests."""
    forced = os.environ.get(SWITCH)
    if forced is not None:
        return forced.strip().lower() not in ("0", "", "off", "false", "no")
    if "PYTEST_CURRENT_TEST" in os.environ or "pytest" in sys.modules:
        return False
    if _in_notebook():
        return True
    stream = sys.stderr
    return bool(stream is not None and hasattr(stream, "isatty") and stream.isatty())


def progress(iterable=None, *, total: float | None = None, desc: str | None = None, unit: str = "it", **options):
    """A progress bar over ``iterable`` (or updated by hand up to ``total``); silent when off."""
    from tqdm.auto import tqdm

    options.setdefault("delay", SHOW_AFTER_SECONDS)
    options.setdefault("disable", not progress_enabled())
    options.setdefault("leave", False)
    return tqdm(iterable, total=total, desc=desc, unit=unit, **options)
