"""Whether the browser tests can run here: Debian's Chromium at /usr/bin/chromium.

On a learner's or instructor's machine without it, the browser tests skip, all with one
line in the report that says how to enable them. In CI (``CI`` set to true, as ``.ci/run``
does) a missing browser is a failure: a CI run that skipped them would look green without
having played the kit once.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

#: Debian's Chromium (``apt-get install chromium``); Playwright cannot download browsers here.
CHROMIUM = Path("/usr/bin/chromium")

#: Flags known to work with that Chromium under Playwright (found by trying them here: Playwright cannot download its own browser).
CHROMIUM_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)

SKIP_MESSAGE = "browser tests skipped: install Debian's chromium (sudo apt-get install chromium) to run them"
FAIL_MESSAGE = (
    "browser tests cannot run: {path} is missing and CI is set, so they fail instead of skipping; "
    "install Debian's chromium (apt-get install chromium), as .ci/run does"
)

FALSE_WORDS = {"", "0", "false", "no", "off"}


def in_ci(environ=None) -> bool:
    """``CI`` set to anything but an empty or false-like value (CI services set ``CI=true``)."""
    environ = os.environ if environ is None else environ
    return environ.get("CI", "").strip().lower() not in FALSE_WORDS


def chromium_present() -> bool:
    return CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)


def decide(environ=None) -> tuple[str, str]:
    """``("run", "")``, ``("skip", why)`` or ``("fail", why)`` for the browser tests."""
    if chromium_present():
        return "run", ""
    if in_ci(environ):
        return "fail", FAIL_MESSAGE.format(path=CHROMIUM)
    return "skip", SKIP_MESSAGE


def require_chromium() -> Path:
    """The browser's path, or skip (on a user's machine) or fail (in CI) the calling test.

    Skips are raised from this one line, so pytest's report folds every skipped browser test
    into a single ``SKIPPED [n] ...: browser tests skipped: ...`` line.
    """
    action, why = decide()
    if action == "fail":
        pytest.fail(why, pytrace=False)
    if action == "skip":
        pytest.skip(why)
    return CHROMIUM
