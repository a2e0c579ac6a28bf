"""Offline and light: nothing leaves the machine, and BokehJS reaches a page once.

Every browser test runs with ``OfflineGuard`` (conftest's ``context`` fixture): requests that
would leave the machine are blocked and fail the test. The first test here shows that the
guard catches such requests; the second plays two dashboards in one JupyterLab notebook,
counts the BokehJS payloads the kernel sends the page, and runs axe-core on a dashboard there.
"""

from __future__ import annotations

import functools
import http.server
import json
import re
import threading

import pytest
from playwright.sync_api import expect

from .driver import ARTIFACTS, END_TURN, KERNEL_TIMEOUT, RENDER_TIMEOUT, wait_for_drawn_canvases
from .test_accessibility import assert_accessible

# BokehJS's own first line, inside the inline resources that ``load_bokehjs`` sends
BOKEHJS_MARKER = b"BEGIN bokeh.min.js"

PLANTED_PAGE = """<!doctype html><html lang="en"><head><title>planted</title>
<link rel="stylesheet" href="https://cdn.jsdelivr.net/npm/@fortawesome/fontawesome-free@5/css/all.min.css">
</head><body><img alt="" src="http://192.0.2.1/pixel.png">
<script>
  new WebSocket("wss://example.invalid/socket");
  fetch("/local.txt").then(r => r.text()).then(t => { document.body.dataset.local = t; });
</script></body></html>"""


@pytest.fixture
def loopback_site(tmp_path):
    """A page served on the loopback that asks for three things beyond the machine."""
    (tmp_path / "index.html").write_text(PLANTED_PAGE, encoding="utf-8")
    (tmp_path / "local.txt").write_text("served locally", encoding="utf-8")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_the_guard_blocks_and_reports_every_request_beyond_the_machine(loopback_site, page, offline_guard):
    page.goto(f"{loopback_site}/index.html")
    expect(page.locator("body")).to_have_attribute("data-local", "served locally")  # loopback passes
    page.wait_for_function("() => performance.getEntriesByType('resource').length >= 3")
    expected = {
        "https://cdn.jsdelivr.net/npm/@fortawesome/fontawesome-free@5/css/all.min.css",
        "http://192.0.2.1/pixel.png",
        "wss://example.invalid/socket",
    }
    for _ in range(50):
        if expected <= set(offline_guard.blocked):
            break
        page.wait_for_timeout(100)
    assert set(offline_guard.blocked) == expected
    with pytest.raises(AssertionError, match="tried to reach beyond this machine"):
        offline_guard.assert_offline()
    offline_guard.blocked.clear()  # caught on purpose: the fixture's own check passes


TWO_DASHBOARDS = "two_dashboards.ipynb"


def write_two_dashboards(folder) -> None:
    """A notebook that shows two dashboards, as a lesson comparing two games would."""
    cells = [
        "from wargame.ui import play",
        'first = play("tutorial", seed=1, forecast_runs=20)\nfirst',
        'second = play("tutorial", seed=2, forecast_runs=20)\nsecond',
    ]
    notebook = {
        "cells": [
            {"cell_type": "code", "execution_count": None, "id": f"cell{k}", "metadata": {}, "outputs": [], "source": source}
            for k, source in enumerate(cells)
        ],
        "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    (folder / TWO_DASHBOARDS).write_text(json.dumps(notebook), encoding="utf-8")


class PayloadCounter:
    """Kernel messages that carry BokehJS, received by the page over its web sockets."""

    def __init__(self, page):
        self.count = 0
        page.on("websocket", lambda socket: socket.on("framereceived", self._frame))

    def _frame(self, payload) -> None:
        data = payload.encode("utf-8") if isinstance(payload, str) else payload
        if BOKEHJS_MARKER in data:
            self.count += 1


def run_all_and_wait(page, url: str) -> None:
    page.goto(f"{url}/lab/tree/{TWO_DASHBOARDS}?reset", timeout=KERNEL_TIMEOUT)
    expect(page.locator("#jp-main-statusbar")).to_contain_text(re.compile(r"\S \| Idle"), timeout=KERNEL_TIMEOUT)
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.locator('li.lm-Menu-item[data-command="runmenu:run-all"]').click()
    dashboards = page.locator(".jp-OutputArea-output").filter(has=page.get_by_role("button", name=END_TURN))
    expect(dashboards).to_have_count(2, timeout=RENDER_TIMEOUT)
    expect(page.locator("#jp-main-statusbar")).to_contain_text(re.compile(r"\S \| Idle"), timeout=RENDER_TIMEOUT)
    for k in range(2):
        dashboards.nth(k).evaluate("(e, k) => e.setAttribute('data-test-dashboard', String(k))", k)
        # each dashboard draws its four charts: BokehJS is there for both
        wait_for_drawn_canvases(page, f'[data-test-dashboard="{k}"]', 4)


def test_two_dashboards_in_one_notebook_get_bokehjs_once(jupyterlab_server, notebooks, page, console):
    page.set_viewport_size({"width": 1366, "height": 768})
    write_two_dashboards(notebooks)
    payloads = PayloadCounter(page)
    run_all_and_wait(page, jupyterlab_server.url)
    assert payloads.count == 1, f"the kernel sent BokehJS {payloads.count} times for two play() calls"
    # the dashboard in JupyterLab passes axe-core as it does in Voilà (test_accessibility)
    assert_accessible(page, ['[data-test-dashboard="0"]'], "a dashboard in JupyterLab")
    page.screenshot(path=ARTIFACTS / "jupyterlab-two-dashboards-1366x768.png")

    # The page reloaded, the kernel still running: the new page has lost BokehJS with the old
    # one, so running the notebook again must send it again, once.
    reloaded = PayloadCounter(page)
    run_all_and_wait(page, jupyterlab_server.url)
    assert reloaded.count == 1, f"after a reload, the kernel sent BokehJS {reloaded.count} times (expected once)"
    console.assert_clean()
