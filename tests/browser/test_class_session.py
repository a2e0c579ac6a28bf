"""A class rehearsal end to end: serve a session, three teams join and play in headless
Chromium, a White Cell event reaches all three, a kernel is killed during End turn and its
team continues, the session is closed and the debrief loads it from the store."""

from __future__ import annotations

import os
import re
import signal
import time

import pytest
from playwright.sync_api import expect

from wargame.classroom import compare, load_stored_session
from wargame.classroom import serve as serving
from wargame.classroom.console import demo_session, inject, white_cell_event
from wargame.classroom.store import DATABASE_NAME, POINTER_NAME, Store
from wargame.scenario import load_scenario

from . import servers

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
def test_a_class_rehearsal_from_serve_to_debrief(served, browser, store_url):
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

    # the White Cell: a raid surge for every team's next turn, shown as news
    inject(store, white_cell_event("raid_surge", load_scenario("tutorial"), "attack_drone", 2.0, NEWS))
    for page in pages.values():
        expect(page.get_by_text(NEWS)).to_be_visible(timeout=TURN_TIMEOUT)  # the page's next tick
        end_turn(page, 2)
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
    end_turn(red, stored + 1)
    assert store.last_turn("Red") == stored + 1

    # close: no more turns; the debrief loads the session from the store
    store.close()
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
