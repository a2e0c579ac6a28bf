"""A class through JupyterHub, end to end: deploy/jupyterhub/'s configuration (with its test
override: dummy sign-in, users' servers as local processes) and the class service on a real
PostgreSQL server; three students and an instructor.

Each student signs in, lands on the student app (the hub's default page for them), joins their
team (their hub name) and plays a turn in headless Chromium. With the token their kernels hold,
one student tries to read another's game and to inject an event: both refused. The instructor's
console, through the service with the instructor's token, sees all three; the event it injects
reaches every student's page as news and acts on their next turn. The students' servers hold
no database location. Per-student memory and CPU are measured and printed (README's figures).
"""

from __future__ import annotations

import os
import statistics
import time

import pytest
from playwright.sync_api import expect

from wargame.classroom.bench import cpu_ticks, resident_mb
from wargame.classroom.console import Console
from wargame.classroom.hub_client import RemoteStore, ServiceRefused
from wargame.classroom.hub_service import STORE_VARIABLE

from . import hubs, servers

pytestmark = pytest.mark.slow

STUDENTS = ("alice", "bob", "carol")
INSTRUCTOR = "teacher"
PAGE_TIMEOUT = 180_000  # ms: a server's first Voilà page on two shared cores
TURN_TIMEOUT = 60_000
IDLE_WINDOW_S = 30.0
TICKS_PER_S = os.sysconf("SC_CLK_TCK")
NEWS = "White Cell: the adversary doubles its drone launches this turn."


@pytest.fixture
def hub_proxy():
    return hubs.require_hub_tools()


@pytest.fixture
def class_database(postgres_server):
    """A fresh PostgreSQL database for the class session (the service's alone)."""
    return postgres_server.create_database(f"wargame_hub_{int(time.time() * 1000)}")


@pytest.fixture
def hub(hub_proxy, chromium, notebooks, class_database, tmp_path, artifacts):
    settings = {
        STORE_VARIABLE: class_database,
        "WARGAME_CLASS_SESSION_FOLDER": str(tmp_path / "session"),
        "WARGAME_CLASS_SCENARIO": "tutorial",
        "WARGAME_CLASS_SEED": "7",
        "WARGAME_CLASS_INSTRUCTORS_USERS": INSTRUCTOR,
        "WARGAME_KIT_NOTEBOOKS": str(notebooks),
        "WARGAME_CLASS_SERVICE_PORT": str(servers.free_port()),
    }
    log_path = artifacts / "hub-class.log"
    log_path.unlink(missing_ok=True)
    running = hubs.start(tmp_path / "hub", hub_proxy, settings, log_path)
    seen = set(running.processes())
    running.seen = seen
    try:
        yield running
    finally:
        seen |= set(running.processes())
        killed = hubs.stop(running, sorted(seen))
        assert running.process.poll() is not None
        assert not [pid for pid in seen if servers._alive(pid)], "processes left running after the hub stopped"
        assert not killed, f"the hub left {len(killed)} processes running (killed): see {log_path}"


def sign_in_and_open_the_app(browser, hub, user: str):
    """A student signs in (any password: the test's dummy sign-in) and lands on the app."""
    page = browser.new_context().new_page()
    page.goto(f"{hub.url}/hub/login", wait_until="domcontentloaded")
    page.fill("#username_input", user)
    page.fill("#password_input", "any")
    page.click("#login_submit")  # the hub sends them on to their server's default page: the app
    expect(page.get_by_text(f"your team is {user}")).to_be_visible(timeout=PAGE_TIMEOUT)
    assert "/voila/render/class_app.ipynb" in page.url
    return page


def end_turn(page, number: int) -> None:
    button = page.get_by_role("button", name="End turn")
    expect(button).to_be_enabled(timeout=TURN_TIMEOUT)
    button.click()
    expect(page.get_by_text(f"Turn {number} played:")).to_be_visible(timeout=TURN_TIMEOUT)


def test_a_class_through_jupyterhub(hub, browser, artifacts, class_database):
    users = (*STUDENTS, INSTRUCTOR)
    ticks_before = {}
    for user in users:
        hub.start_server(user)
    pids = hub.wait_for_servers(users)
    for user, pid in pids.items():
        ticks_before[user] = cpu_ticks([pid])
    tokens = {user: hubs.environment_of(pid)["JUPYTERHUB_API_TOKEN"] for user, pid in pids.items()}
    for user, pid in pids.items():  # the database is the service's alone
        environment = hubs.environment_of(pid)
        assert STORE_VARIABLE not in environment and "postgresql://" not in "".join(environment.values())
        assert environment["WARGAME_CLASS_SERVICE_URL"].endswith("/services/wargame-class/")

    pages = {}
    for user in STUDENTS:
        page = sign_in_and_open_the_app(browser, hub, user)
        page.get_by_role("button", name="Join").click()
        expect(page.get_by_text(f"Team {user}, turn 1 of 4")).to_be_visible(timeout=TURN_TIMEOUT)
        pages[user] = page
    family = {user: [pids[user], *servers.descendants(pids[user])] for user in STUDENTS}
    opened_ticks = {user: cpu_ticks(family[user]) for user in STUDENTS}
    for page in pages.values():
        end_turn(page, 1)
    turn_ticks = {user: cpu_ticks(family[user]) - opened_ticks[user] for user in STUDENTS}
    pages["alice"].screenshot(path=str(artifacts / "hub-class-alice.png"))

    # bob, with the token his kernels hold: alice's game and the White Cell are not his
    bob = RemoteStore(hub.service_url, tokens["bob"])
    with pytest.raises(ServiceRefused, match="signed in as bob, whose team is bob: you may read only your own team's game, not alice's"):
        bob.game("alice")
    with pytest.raises(ServiceRefused, match="Only the class's instructors .* may inject a White Cell event; bob is not one of them"):
        bob.inject({"type": "raid_surge", "threat": "attack_drone", "multiplier": 2, "text": "bob's surge"})
    with pytest.raises(ServiceRefused, match="bob is not one of them"):
        bob.teams()
    assert bob.last_turn("bob") == 1

    # the instructor's console, through the service
    live = Console(store=RemoteStore(hub.service_url, tokens[INSTRUCTOR]))
    for user in STUDENTS:
        assert f"<td>{user}</td><td>–</td><td>1 of 4</td>" in live.teams.value  # no team codes: the sign-in names the team
    live.kind.value = "raid_surge"
    live.amount.value = 2.0
    live.text.value = NEWS
    assert live.inject() == 1, live.white_cell_message.value
    for page in pages.values():
        expect(page.get_by_text(NEWS)).to_be_visible(timeout=TURN_TIMEOUT)  # the page's next tick
        end_turn(page, 2)
    for user in STUDENTS:
        game = live.store.game(user)
        assert game.seed == 7 + [row.name for row in live.store.teams()].index(user)
        assert [(event.turn, event.text) for event in game.injected_events] == [(2, NEWS)]
    live.refresh()
    assert all(f"<td>{user}</td><td>–</td><td>2 of 4</td>" in live.teams.value for user in STUDENTS)

    # what a student costs: their server and its kernel, after two turns; the service and the
    # database while the three pages sit open (each renews its lease every few seconds)
    for user in STUDENTS:
        hub.seen.update(family[user])
        print(
            f"student {user}: {len(family[user])} processes (server and kernel), {resident_mb(family[user]):,.0f} MB resident; "
            f"CPU: {(opened_ticks[user] - ticks_before[user]) / TICKS_PER_S:.1f} s to open the app, "
            f"{turn_ticks[user] / TICKS_PER_S:.1f} s for a turn"
        )
    service = [pid for pid in hub.processes() if "hub-service" in _command(pid)]
    proxy = [pid for pid in hub.processes() if "configurable-http-proxy" in _command(pid)]
    ticks, writes, started = cpu_ticks(service), database_writes(class_database), time.monotonic()
    time.sleep(IDLE_WINDOW_S)
    minutes = (time.monotonic() - started) / 60
    service_cpu = (cpu_ticks(service) - ticks) / TICKS_PER_S / minutes / len(STUDENTS)
    writes_per_minute = (database_writes(class_database) - writes) / minutes / len(STUDENTS)
    per_student = statistics.mean(resident_mb(family[user]) for user in STUDENTS)
    lines = [
        f"per student (server + kernel, two turns played): {per_student:,.0f} MB resident; CPU "
        f"{statistics.mean(opened_ticks[u] - ticks_before[u] for u in STUDENTS) / TICKS_PER_S:.1f} s to open the app, "
        f"{statistics.mean(turn_ticks.values()) / TICKS_PER_S:.1f} s for a turn",
        f"the class service: {resident_mb(service):,.0f} MB; the hub {resident_mb([hub.process.pid]):,.0f} MB; the proxy {resident_mb(proxy):,.0f} MB",
        f"with the pages open: the service uses {service_cpu:.2f} s of CPU a minute per student; the database takes {writes_per_minute:.1f} row writes a minute per student",
    ]
    print("\n".join(lines))
    (artifacts / "hub-class-measurements.txt").write_text("\n".join(lines) + "\n")


def _command(pid: int) -> str:
    try:
        return open(f"/proc/{pid}/cmdline").read().replace("\0", " ")
    except OSError:
        return ""


def database_writes(url: str) -> int:
    """Rows inserted, updated and deleted so far in the class database (PostgreSQL's statistics)."""
    import psycopg

    with psycopg.connect(url) as connection:
        connection.execute("SELECT pg_stat_force_next_flush()")
        row = connection.execute("SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0) FROM pg_stat_user_tables").fetchone()
    return int(row[0])
