"""A class rehearsal end to end, as the README runs it: serve a session, three teams join and
play in headless Chromium, the instructor's console (13_live_console in JupyterLab) shows them
and injects a White Cell event that reaches all three, a kernel is killed during End turn and
its team continues, the console closes the session and the debrief loads it from the store."""

from __future__ import annotations

import os
import re
import signal
import time

import pytest
from playwright.sync_api import expect

from wargame.classroom import compare, load_stored_session
from wargame.classroom import serve as serving
from wargame.classroom.app import FOLDER_VARIABLE
from wargame.classroom.console import demo_session, inject, white_cell_event
from wargame.classroom.store import DATABASE_NAME, POINTER_NAME, Store
from wargame.scenario import load_scenario

from . import servers
from .driver import LAPTOP, assert_no_cell_errors, cost_exchange_renderer, screenshot, wait_for_plot_data
from .layout import overflows

JOIN_TIMEOUT = 120_000  # ms: three preheated kernels on two shared cores
TURN_TIMEOUT = 60_000
TEAMS = ("Blue", "Red", "Green <3")  # a name with markup refused, then a plain one
NEWS = "White Cell: the adversary doubles its drone launches this turn."


@pytest.fixture
def served(chromium, tmp_path, artifacts, request):
    """The session served; on the test's store backend if it asks for one (else an SQLite file)."""
    store_url = request.getfixturevalue("store_url") if "store_url" in request.fixturenames else None
    log = open(artifacts / "class-session-server.log", "wb")
    session = serving.start(
        tmp_path / "class", "tutorial", seed=5, teams=3, env=servers.jupyter_env(tmp_path / "home"), log=log, store_url=store_url
    )
    try:
        yield session
    finally:
        kernels = session.kernels()
        session.stop()
        log.close()
        assert session.process.poll() is not None
        time.sleep(0.5)
        assert not [pid for pid in kernels if servers._alive(pid)], "kernels left running after the session stopped"


@pytest.fixture
def console_lab(served, notebooks, tmp_path, artifacts):
    """JupyterLab for the instructor, its kernels told the session's folder and token as the
    console notebook reads them (environment variables set before JupyterLab starts)."""
    session = {FOLDER_VARIABLE: str(served.folder), "WARGAME_INSTRUCTOR_TOKEN": served.token}
    log = artifacts / "class-console-jupyterlab-server.log"
    server = servers.jupyterlab(notebooks, tmp_path / "lab-home", log, extra_env=session)
    try:
        yield server
    finally:
        servers.stop(server)


def open_console(browser, lab_url: str):
    """The instructor's page: 13_live_console opened in JupyterLab at a laptop's size, every
    cell run; returns the page and the console's output area."""
    page = browser.new_context(viewport=LAPTOP).new_page()
    page.goto(f"{lab_url}/lab/tree/instructors/13_live_console.ipynb?reset", timeout=JOIN_TIMEOUT)
    idle = re.compile(r"\S \| Idle")
    expect(page.locator("#jp-main-statusbar")).to_contain_text(idle, timeout=JOIN_TIMEOUT)
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.locator('li.lm-Menu-item[data-command="runmenu:run-all"]').click()
    console = page.locator(".jp-OutputArea-output").filter(has=page.locator(".wargame-console-teams")).first
    expect(console).to_be_visible(timeout=JOIN_TIMEOUT)
    return page, console


def expect_row(console, team: str, *cells: str) -> None:
    """The console's row for ``team`` shows these cells (at its next refresh, if not yet)."""
    row = console.locator(".wargame-console-teams tr").filter(has=console.page.get_by_role("cell", name=team, exact=True))
    for cell in cells:
        expect(row.get_by_role("cell", name=cell, exact=True)).to_be_visible(timeout=TURN_TIMEOUT)


def join(page, url: str, name: str, code: str = "") -> None:
    page.goto(url, wait_until="domcontentloaded", timeout=JOIN_TIMEOUT)
    box = page.get_by_placeholder("your team's name")
    expect(box).to_be_visible(timeout=JOIN_TIMEOUT)
    box.fill(name)
    if code:
        page.get_by_placeholder("to continue a game").fill(code)
    page.get_by_role("button", name="Join").click()


def team_code(page) -> str:
    """The team's code as its page shows it (what students write down to continue elsewhere)."""
    code = page.locator(".wargame-team-code")
    expect(code).to_be_visible(timeout=TURN_TIMEOUT)
    return code.inner_text()


def end_turn(page, number: int) -> None:
    button = page.get_by_role("button", name="End turn")
    expect(button).to_be_enabled(timeout=TURN_TIMEOUT)
    button.click()
    expect(page.get_by_text(f"Turn {number} played:")).to_be_visible(timeout=TURN_TIMEOUT)


# On PostgreSQL the kernels find the session through the folder's session_store.json: the same
# rehearsal, in the slow suite (it takes as long again).
@pytest.mark.parametrize("store_backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.slow)], indirect=True)
def test_a_class_rehearsal_from_serve_to_debrief(served, console_lab, browser, store_url):
    pages = {}
    for name in TEAMS:
        page = browser.new_context().new_page()
        if "<" in name:
            join(page, served.url, name)
            expect(page.get_by_text("A team name may hold letters")).to_be_visible(timeout=TURN_TIMEOUT)
            name = "Green"
            page.get_by_placeholder("your team's name").fill(name)
            page.get_by_role("button", name="Join").click()
        else:
            join(page, served.url, name)
        expect(page.get_by_role("button", name="End turn")).to_be_visible(timeout=TURN_TIMEOUT)
        pages[name] = page
    for page in pages.values():
        end_turn(page, 1)
    store = served.store
    assert {team: store.last_turn(team) for team in pages} == {"Blue": 1, "Red": 1, "Green": 1}
    on_server = store_url is not None  # then the folder only says where the database is
    assert ((served.folder / POINTER_NAME).exists(), (served.folder / DATABASE_NAME).exists()) == (on_server, not on_server)

    # another team cannot open Blue's game by typing its name: the team's code is needed
    codes = {team: team_code(page) for team, page in pages.items()}
    assert {team: code.replace(" ", "") for team, code in codes.items()} == {team: store.team(team).code for team in pages}
    blue_holder = store.team("Blue").holder
    intruder = browser.new_context().new_page()
    join(intruder, served.url, "Blue")
    expect(intruder.get_by_text("A team called Blue has joined this session already")).to_be_visible(timeout=TURN_TIMEOUT)
    intruder.get_by_placeholder("to continue a game").fill(codes["Red"])
    intruder.get_by_role("button", name="Join").click()
    expect(intruder.get_by_text("That is not the code of the team Blue")).to_be_visible(timeout=TURN_TIMEOUT)
    # with the code, a second page for Blue is refused while the first is live, never given a second game
    intruder.get_by_placeholder("to continue a game").fill(codes["Blue"])
    intruder.get_by_role("button", name="Join").click()
    expect(intruder.get_by_text("already playing on another page")).to_be_visible(timeout=TURN_TIMEOUT)
    expect(intruder.get_by_role("button", name="End turn")).to_have_count(0)
    assert store.team("Blue").holder == blue_holder and store.last_turn("Blue") == 1
    intruder.context.close()

    # the instructor's console, in JupyterLab at a laptop's size: every team, its code and turn
    instructor, console = open_console(browser, console_lab.url)
    for team, code in codes.items():
        expect_row(console, team, code, "1 of 4")
    assert_no_cell_errors(instructor)
    assert not overflows(console), overflows(console)
    screenshot(instructor, "class-console-jupyterlab", console)

    # the White Cell, from the console: a raid surge for every team's next turn, shown as news
    drone = load_scenario("tutorial").adversary.threats["attack_drone"].name
    console.get_by_label("Event:", exact=True).select_option(label="A raid surge")
    console.get_by_label("Of:", exact=True).select_option(label=drone)
    multiplier = console.get_by_label("Multiplier:", exact=True)
    multiplier.fill("2")
    multiplier.press("Tab")  # a number box sends its value when it loses focus
    console.get_by_label("News:", exact=True).fill(NEWS)
    console.get_by_role("button", name="Inject for every team's next turn").click()
    expect(console.get_by_text("Event 1 stored")).to_be_visible(timeout=TURN_TIMEOUT)
    assert [(e.event["type"], e.event["threat"], e.event["multiplier"]) for e in store.events()] == [("raid_surge", "attack_drone", 2.0)]
    for page in pages.values():
        expect(page.get_by_text(NEWS)).to_be_visible(timeout=TURN_TIMEOUT)  # the page's next tick
        end_turn(page, 2)
        wait_for_plot_data(page, cost_exchange_renderer(), [1, 2])  # the charts took the turns' patches
    for team in pages:
        game = store.game(team)
        assert [(event.turn, event.text) for event in game.injected_events] == [(2, NEWS)]
        assert NEWS in [event.inputs["text"] for event in game.reports[1].events if event.step == "events"]

    # Red's kernel dies as Red ends turn 3: the store holds the turn whole or not at all
    red = pages["Red"]
    kernel = int(store.team("Red").holder.split(":")[0])  # the page's kernel writes its process id
    assert kernel in served.kernels()
    red.get_by_role("button", name="End turn").click()
    os.kill(kernel, signal.SIGKILL)
    stored = store.last_turn("Red")
    assert stored in (2, 3)
    assert store.game("Red").turn == stored + 1  # replays whole from the store
    red.context.close()
    red = browser.new_context().new_page()
    join(red, served.url, "Red", codes["Red"])
    # the dead page's lease still runs (unless the page took longer than the lease to open):
    # the team confirms and takes its game over
    held = red.get_by_text("already playing on another page")
    expect(held.or_(red.get_by_role("button", name="End turn"))).to_be_visible(timeout=TURN_TIMEOUT)
    if held.is_visible():
        red.get_by_role("button", name="Take over").click()
    expect(red.get_by_text(f"Team Red, turn {stored + 1} of 4.")).to_be_visible(timeout=TURN_TIMEOUT)
    wait_for_plot_data(red, cost_exchange_renderer(), list(range(1, stored + 1)))  # its history, drawn at join
    end_turn(red, stored + 1)
    wait_for_plot_data(red, cost_exchange_renderer(), list(range(1, stored + 2)))
    assert store.last_turn("Red") == stored + 1

    # the console follows: Red's turn shows up at its next refresh
    expect_row(console, "Red", f"{stored + 1} of 4")

    # close, from the console: no more turns; the debrief loads the session from the store
    console.get_by_role("button", name="Close the session").click()
    expect(console.get_by_text("The session is closed: no more turns are stored")).to_be_visible(timeout=TURN_TIMEOUT)
    assert not store.is_open()
    assert_no_cell_errors(instructor)
    blue = pages["Blue"]
    blue.get_by_role("button", name="End turn").click()
    expect(blue.get_by_text("The session is closed")).to_be_visible(timeout=TURN_TIMEOUT)
    session = load_stored_session(served.folder)
    assert session.problems == [] and sorted(session.teams) == ["Blue", "Green", "Red"]
    assert sorted(len(game.reports) for _, game in session) == sorted([2, 2, stored + 1])
    assert set(compare(session).index) == {"Blue", "Green", "Red"}


def test_a_page_cannot_run_code_in_its_kernel(served, browser, tmp_path, artifacts):
    page = browser.new_context().new_page()
    join(page, served.url, "Blue")
    expect(page.get_by_role("button", name="End turn")).to_be_visible(timeout=TURN_TIMEOUT)
    kernel_id = re.search(r'"kernelId":\s*"([0-9a-f-]{36})"', page.content()).group(1)
    marker = tmp_path / "ran.txt"
    code = f"open({str(marker)!r}, 'w').write('code ran')"
    sent = page.evaluate(
        """([url, code]) => new Promise((resolve) => {
            const socket = new WebSocket(url);
            socket.onopen = () => {
                socket.send(JSON.stringify({
                    channel: "shell",
                    header: {msg_id: "x1", msg_type: "execute_request", username: "", session: "s1", version: "5.3", date: ""},
                    parent_header: {}, metadata: {}, buffers: [],
                    content: {code: code, silent: false, store_history: false, user_expressions: {}, allow_stdin: false},
                }));
                setTimeout(() => { socket.close(); resolve(true); }, 3000);
            };
            socket.onerror = () => resolve(false);
        })""",
        [f"{served.url.replace('http', 'ws')}api/kernels/{kernel_id}/channels?session_id=s1", code],
    )
    assert sent, "the test could not reach the kernel's websocket, so it proves nothing"
    time.sleep(2)
    assert not marker.exists(), "a page ran code in its kernel"
    # the server says it dropped the message (so the message did reach it)
    log = (artifacts / "class-session-server.log").read_text(errors="replace")
    assert 'Received message of type "execute_request", which is not allowed. Ignoring.' in log
