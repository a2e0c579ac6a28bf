"""Fixtures for the browser tests: Debian's Chromium through pytest-playwright, the kit's
notebooks copied to a temporary folder, and JupyterLab and Voilà servers started and stopped
by the tests.

Without /usr/bin/chromium the browser tests skip (one line in the report says how to enable
them), except in CI (``CI=true``), where they fail: see ``gate.py``. The decision is taken
before a test's fixtures are set up, so no server starts for a test that skips.
"""

from __future__ import annotations

import shutil

import pytest
from playwright.sync_api import expect

from . import gate, servers
from .driver import ACTION_TIMEOUT, ARTIFACTS, Console, OfflineGuard

# Every assertion on the page retries for up to this long (Playwright's default is 5 s): a
# widget change goes through the kernel, which may be slow on a busy two-core machine.
expect.set_options(timeout=ACTION_TIMEOUT)

VIEWPORT = {"width": 1400, "height": 1000}

# A test that asks for any of these needs the browser (pytest-playwright's and ours).
BROWSER_FIXTURES = {
    "page", "context", "new_context", "offline_guard", "browser", "browser_type", "chromium", "jupyterlab_server", "voila_server", "notebooks",
}


def pytest_runtest_setup(item):
    """Skip (or, in CI, fail) a browser test before its fixtures start anything.

    Raised here rather than in a fixture, the skip keeps its own location (pytest reports a
    skip raised by a fixture at each test's line), so the report folds every skipped browser
    test into one line: ``SKIPPED [n] tests/browser/gate.py:..: browser tests skipped: ...``.
    """
    if BROWSER_FIXTURES & set(getattr(item, "fixturenames", ())):
        gate.require_chromium()


@pytest.fixture(scope="session")
def chromium():
    """Debian's Chromium, or the browser test skips (on a user's machine) or fails (in CI)."""
    return gate.require_chromium()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args, chromium):
    """pytest-playwright's launch options, with the system Chromium and the flags it needs here."""
    return {**browser_type_launch_args, "executable_path": str(chromium), "args": list(gate.CHROMIUM_ARGS)}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args, chromium):
    return {**browser_context_args, "viewport": VIEWPORT}


@pytest.fixture
def offline_guard():
    """What the test's browser context tried to fetch from beyond this machine (all blocked)."""
    return OfflineGuard()


@pytest.fixture
def context(context, offline_guard):
    """pytest-playwright's context, offline: every request that would leave the machine is
    blocked, and the test fails (at teardown, if not before) when one was tried."""
    offline_guard.attach(context)
    yield context
    offline_guard.assert_offline()


@pytest.fixture
def console(page):
    """What the browser reports as errors in this test's page (``console.assert_clean()``)."""
    return Console(page)


@pytest.fixture(scope="session")
def artifacts():
    """test-artifacts/browser/: screenshots and server logs (git-ignored), without the failure
    screenshots of an earlier run."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob("FAILED-*.png"):
        old.unlink()
    return ARTIFACTS


@pytest.fixture
def page(page, artifacts):
    """pytest-playwright's page, once the artefacts folder is ready."""
    return page


@pytest.fixture(scope="session")
def notebooks(chromium, tmp_path_factory):
    """A copy of notebooks/ (a server running a notebook may save it; the repository's stay
    untouched), beside a link to assets/ for notebooks that read files from there."""
    root = tmp_path_factory.mktemp("kit")
    shutil.copytree(servers.REPO / "notebooks", root / "notebooks", ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    (root / "assets").symlink_to(servers.REPO / "assets", target_is_directory=True)
    return root / "notebooks"


def _server_log(artifacts, name: str):
    path = artifacts / f"{name}-server.log"
    path.unlink(missing_ok=True)
    return path


@pytest.fixture(scope="module")
def jupyterlab_server(chromium, notebooks, tmp_path_factory, artifacts):
    """JupyterLab on a free loopback port, serving the notebooks' copy, with its own
    temporary configuration; stopped (and checked gone, kernels included) afterwards."""
    server = servers.jupyterlab(notebooks, tmp_path_factory.mktemp("jupyterlab-home"), _server_log(artifacts, "jupyterlab"))
    try:
        yield server
    finally:
        servers.stop(server)


@pytest.fixture(scope="module")
def voila_server(chromium, notebooks, tmp_path_factory, artifacts):
    """Voilà on a free loopback port, serving the notebooks' copy; stopped and checked gone."""
    server = servers.voila(notebooks, tmp_path_factory.mktemp("voila-home"), _server_log(artifacts, "voila"))
    try:
        yield server
    finally:
        servers.stop(server)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """A screenshot of the page as it was when a browser test failed, for the artefacts."""
    report = yield
    page = item.funcargs.get("page") if hasattr(item, "funcargs") else None
    if report.when == "call" and report.failed and page is not None:
        try:
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=ARTIFACTS / f"FAILED-{item.name}.png", timeout=10_000)
        except Exception as error:  # the page may be gone; the failure itself is what matters
            report.sections.append(("failure screenshot", f"not taken: {error}"))
    return report
