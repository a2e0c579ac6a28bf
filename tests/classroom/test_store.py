"""``wargame.classroom.store``: the session database, written by many kernels at once."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
from sqlalchemy import Column, Float, ForeignKey, Integer, MetaData, String, Table, Text, create_engine, event, insert, select, text, update
from sqlalchemy.exc import OperationalError

from wargame import Game
from wargame.classroom import load_session, store as store_module
from wargame.classroom.store import DATABASE_NAME, POINTER_NAME, SCHEMA_VERSION, Store, StoreError, kit_schema
from wargame.savefile import SaveFileError, save_data


def _saves(turns: int, seed: int = 3) -> list[dict]:
    """The save data of a tutorial game after each of its first ``turns`` turns."""
    game = Game("tutorial", seed=seed)
    saves = []
    for _ in range(turns):
        game.play_turn()
        saves.append(save_data(game))
    return saves


@pytest.fixture(scope="module")
def three_saves() -> list[dict]:
    return _saves(3)


def test_a_new_session_is_open_and_versioned(tmp_path, store_url):
    store = Store.create(tmp_path / "class", "tutorial", seed=7, url=store_url)
    info = store.session()
    assert (info.scenario, info.seed, info.status) == ("tutorial", 7, "open")
    assert store.schema_version() == SCHEMA_VERSION
    with store.engine.connect() as connection:
        if store_url is None:
            assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert sorted(path.name for path in (tmp_path / "class").iterdir() if not path.name.startswith(DATABASE_NAME + "-")) == [DATABASE_NAME]
        else:  # the folder says where the session is: the server without a password, and the schema
            pointer = json.loads((tmp_path / "class" / POINTER_NAME).read_text())
            assert pointer["schema"] == store.schema and store.schema.startswith("wargame_class_")
            assert connection.execute(text("select current_schema()")).scalar() == "public"  # no search_path games
            assert connection.execute(text(f"select count(*) from {store.schema}.session")).scalar() == 1
    store.close()
    assert Store.open(tmp_path / "class").session().status == "closed"


def test_a_session_is_not_created_twice_and_reopens_only_as_itself(tmp_path, store_url):
    Store.create(tmp_path, "tutorial", seed=1, url=store_url)
    with pytest.raises(StoreError, match="already holds a class session"):
        Store.create(tmp_path, "tutorial", seed=1, url=store_url)
    assert Store.open_or_create(tmp_path, "tutorial", 1, url=store_url).session().seed == 1
    with pytest.raises(StoreError, match="holds a session of tutorial with seed 1, not tutorial with seed 2"):
        Store.open_or_create(tmp_path, "tutorial", 2, url=store_url)


def test_a_folder_without_a_session_is_refused_with_the_command_to_start_one(tmp_path):
    with pytest.raises(StoreError, match="holds no class session.*python -m wargame.classroom serve"):
        Store.open(tmp_path)


def test_a_session_from_a_newer_kit_is_refused_and_this_version_is_read(tmp_path, store_url):
    store = Store.create(tmp_path, "tutorial", seed=1, url=store_url)
    with store.engine.begin() as connection:
        connection.execute(update(kit_schema).values(version=SCHEMA_VERSION + 1))
    store.dispose()
    with pytest.raises(StoreError, match=f"newer kit \\(store version {SCHEMA_VERSION + 1}\\).*update the kit"):
        Store.open(tmp_path)


def test_a_database_of_something_else_is_refused(tmp_path, store_url):
    if store_url is None:
        import sqlite3

        with sqlite3.connect(tmp_path / DATABASE_NAME) as connection:
            connection.execute("CREATE TABLE other (x)")
    else:  # a folder that names a schema of something else
        schema = store_module.new_schema_name(tmp_path)
        engine = create_engine(store_module.server_url(store_url))
        with engine.begin() as connection:
            connection.execute(text(f"CREATE SCHEMA {schema}"))
            connection.execute(text(f"CREATE TABLE {schema}.other (x integer)"))
        engine.dispose()
        store_module._write_pointer(tmp_path, store_module.server_url(store_url), schema)
    with pytest.raises(StoreError, match="not a class session of this kit"):
        Store.open(tmp_path)


def test_turns_are_stored_in_order_and_read_back_as_the_same_game(tmp_path, three_saves, store_url):
    store = Store.create(tmp_path, "tutorial", seed=3, url=store_url)
    store.add_team("Blue")
    for turn, save in enumerate(three_saves, start=1):
        store.write_turn("Blue", turn, save)
    with pytest.raises(StoreError, match="Turn 5 cannot be stored: the store's last turn for this team is 3"):
        store.write_turn("Blue", 5, three_saves[-1])
    game = store.game("Blue")
    reference = Game("tutorial", seed=3)
    for _ in range(3):
        reference.play_turn()
    assert game.turn == 4
    assert game.history.equals(reference.history)


def test_a_damaged_save_in_the_store_is_refused_by_the_save_checks(tmp_path, three_saves, store_url):
    store = Store.create(tmp_path, "tutorial", seed=3, url=store_url)
    store.add_team("Blue")
    store.write_turn("Blue", 1, {**three_saves[0], "seed": -4})
    with pytest.raises(SaveFileError, match="the store's save of team 'Blue': this save file is damaged"):
        store.game("Blue")


def test_a_closed_session_stores_no_more_turns(tmp_path, three_saves, store_url):
    store = Store.create(tmp_path, "tutorial", seed=3, url=store_url)
    store.add_team("Blue")
    store.close()
    with pytest.raises(StoreError, match="The session is closed"):
        store.write_turn("Blue", 1, three_saves[0])


def test_a_failure_in_the_middle_of_a_turn_write_stores_nothing(tmp_path, three_saves, store_url):
    store = Store.create(tmp_path, "tutorial", seed=3, url=store_url)
    store.add_team("Blue")
    store.write_turn("Blue", 1, three_saves[0])

    def fail_after_insert(conn, clauseelement, multiparams, params, execution_options, result):
        if getattr(clauseelement, "table", None) is store_module.turns_table:
            raise RuntimeError("the kernel died here")

    event.listen(store.engine, "after_execute", fail_after_insert)
    with pytest.raises(RuntimeError, match="the kernel died here"):
        store.write_turn("Blue", 2, three_saves[1])
    event.remove(store.engine, "after_execute", fail_after_insert)
    assert store.last_turn("Blue") == 1
    store.write_turn("Blue", 2, three_saves[1])
    assert store.last_turn("Blue") == 2


# Child processes are plain ``python -c`` programs (never pickled functions): each opens the
# store itself, as a kernel does.
DIE_INSIDE_A_TURN_WRITE = """
import json, os, sys
from sqlalchemy import event
from wargame.classroom import store as store_module
store = store_module.Store.open(sys.argv[1])
def die(conn, clauseelement, *args):
    if getattr(clauseelement, "table", None) is store_module.turns_table:
        os._exit(9)  # a kernel killed: no rollback, no clean-up
event.listen(store.engine, "after_execute", die)
store.write_turn("Blue", 2, json.loads(sys.argv[2]))
"""

WRITE_MANY = """
import json, sys
from wargame.classroom.store import Store
store = Store.open(sys.argv[1])
team = sys.argv[2]
store.add_team(team)
for turn, save in enumerate(json.loads(sys.argv[3]), start=1):
    store.write_turn(team, turn, save)
    if turn <= 2:
        store.inject({"type": "funding", "turn": 1, "text": f"{team} {turn}", "grant_usd": {"value": 1.0}})
"""


def _python(code: str, *args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", code, *args])


def test_a_process_killed_inside_a_turn_write_leaves_the_store_whole(tmp_path, three_saves, store_url):
    store = Store.create(tmp_path, "tutorial", seed=3, url=store_url)
    store.add_team("Blue")
    store.write_turn("Blue", 1, three_saves[0])
    assert _python(DIE_INSIDE_A_TURN_WRITE, str(tmp_path), json.dumps(three_saves[1])).wait(60) == 9
    reopened = Store.open(tmp_path)
    assert reopened.last_turn("Blue") == 1
    assert reopened.game("Blue").turn == 2
    reopened.write_turn("Blue", 2, three_saves[1])
    assert reopened.last_turn("Blue") == 2


def test_many_processes_write_at_once_and_nothing_is_lost(tmp_path, three_saves, store_url):
    Store.create(tmp_path, "tutorial", seed=3, url=store_url)
    teams = [f"team {k}" for k in range(6)]
    processes = [_python(WRITE_MANY, str(tmp_path), team, json.dumps(three_saves)) for team in teams]
    assert [process.wait(120) for process in processes] == [0] * len(teams)
    store = Store.open(tmp_path)
    assert sorted(team.name for team in store.teams()) == teams
    assert sorted(team.number for team in store.teams()) == list(range(1, len(teams) + 1))
    assert {team: store.last_turn(team) for team in teams} == dict.fromkeys(teams, 3)
    assert len(store.events()) == 2 * len(teams)


def test_the_lease_gives_a_team_to_one_page_at_a_time(tmp_path, store_url):
    store = Store.create(tmp_path, "tutorial", seed=3, url=store_url)
    store.add_team("Blue")
    clock = iter([100.0, 110.0, 125.0, 126.0]).__next__
    assert store.claim("Blue", "page A", 20, clock=clock).holder == "page A"
    assert store.claim("Blue", "page B", 20, clock=clock).holder == "page A"  # A's lease runs to 120
    assert store.claim("Blue", "page B", 20, clock=clock).holder == "page B"  # 125: A is gone
    assert store.claim("Blue", "page A", 20, take_over=True, clock=clock).holder == "page A"
    store.release("Blue", "page B")  # B no longer holds it: nothing changes
    assert store.team("Blue").holder == "page A"


def test_a_page_that_lost_its_team_cannot_store_a_turn(tmp_path, three_saves, store_url):
    store = Store.create(tmp_path, "tutorial", seed=3, url=store_url)
    store.add_team("Blue")
    store.claim("Blue", "page A", 20)
    store.claim("Blue", "page B", 20, take_over=True)
    with pytest.raises(StoreError, match="Another page has taken over"):
        store.write_turn("Blue", 1, three_saves[0], holder="page A")
    store.write_turn("Blue", 1, three_saves[0], holder="page B")


def test_export_writes_save_files_the_debrief_loads(tmp_path, three_saves, store_url):
    store = Store.create(tmp_path / "class", "tutorial", seed=3, url=store_url)
    for team, save in (("Blue <b>", three_saves[1]), ("Red", three_saves[2])):
        store.add_team(team)
        for turn in range(1, save_turns(save) + 1):
            store.write_turn(team, turn, three_saves[turn - 1])
    written = store.export(tmp_path / "export")
    assert [path.name for path in written] == ["team_01_blue__b_.json", "team_02_red.json"]
    session = load_session(tmp_path / "export")
    assert session.problems == []
    assert [game.turn for _, game in session] == [3, 4]


def save_turns(save: dict) -> int:
    return len(save["orders"])


def test_pages_racing_for_a_team_give_it_to_exactly_one(tmp_path, store_url):
    """Eight pages (threads, each with its own connection) claim the same free team at once, for
    six teams in turn: each team goes to exactly one page, and the store names that page."""
    Store.create(tmp_path, "tutorial", seed=3, url=store_url)
    pages = [Store.open(tmp_path) for _ in range(8)]
    teams = [f"team {k}" for k in range(6)]
    for team in teams:
        pages[0].add_team(team)
    start = threading.Barrier(len(pages))

    def race(index: int) -> list[str]:
        won = []
        for team in teams:
            start.wait(timeout=60)
            if pages[index].claim(team, f"page {index}", 600).holder == f"page {index}":
                won.append(team)
        return won

    with ThreadPoolExecutor(len(pages)) as pool:
        won = list(pool.map(race, range(len(pages))))
    winners = {team: [f"page {index}" for index, teams_won in enumerate(won) if team in teams_won] for team in teams}
    assert all(len(pages_won) == 1 for pages_won in winners.values()), winners
    assert {team: pages[0].team(team).holder for team in teams} == {team: pages_won[0] for team, pages_won in winners.items()}
    for page in pages:
        page.dispose()


def test_teams_joining_at_the_same_moment_each_get_a_number_of_their_own(tmp_path, store_url):
    """Twelve pages (threads, each with its own connection) add a team each at once, three
    times over: every team is added, numbered 1 to 36 without a gap or a clash (found by the
    class bench: two teams took the same number and one page's Join failed)."""
    Store.create(tmp_path, "tutorial", seed=3, url=store_url)
    pages = [Store.open(tmp_path) for _ in range(12)]
    start = threading.Barrier(len(pages))

    def join(index: int) -> list[int]:
        numbers = []
        for round_ in range(3):
            start.wait(timeout=60)
            numbers.append(pages[index].add_team(f"team {round_}-{index}").number)
        return numbers

    with ThreadPoolExecutor(len(pages)) as pool:
        numbers = [number for joined in pool.map(join, range(len(pages))) for number in joined]
    assert sorted(numbers) == list(range(1, 37))
    assert sorted(team.number for team in pages[0].teams()) == list(range(1, 37))
    for page in pages:
        page.dispose()


# Each process waits for the start file, joins every team (the same names in every process),
# claims every team it can, then tries to store each team's three turns as that team's page:
# only the claim's winner may.
RACE_FOR_TEAMS = """
import json, os, sys, time
from wargame.classroom.store import Store, StoreError
folder, me, start = sys.argv[1], sys.argv[2], sys.argv[3]
saves, teams = json.loads(sys.argv[4]), json.loads(sys.argv[5])
store = Store.open(folder)
print("ready", flush=True)
while not os.path.exists(start):
    time.sleep(0.005)
for team in teams:
    store.add_team(team)
won = [team for team in teams if store.claim(team, me, 600).holder == me]
stored = 0
for team in teams:
    for turn, save in enumerate(saves, start=1):
        try:
            store.write_turn(team, turn, save, holder=me)
            stored += 1
        except StoreError as error:
            assert "Another page has taken over" in str(error), error
print(json.dumps({"won": won, "stored": stored}), flush=True)
"""


def test_processes_racing_for_teams_store_whole_turns_for_the_winner_only(tmp_path, three_saves, postgres_url):
    """Four kernels on PostgreSQL (SQLite's many writers are ``test_many_processes...``): they
    join the same three teams, race for them and play them at the same moment."""
    store = Store.create(tmp_path, "tutorial", seed=3, url=postgres_url)
    teams = ["Blue", "Red", "Green"]
    start = tmp_path / "start"
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", RACE_FOR_TEAMS, str(tmp_path), f"process {k}", str(start), json.dumps(three_saves), json.dumps(teams)],
            stdout=subprocess.PIPE, text=True,
        )
        for k in range(4)
    ]
    assert [process.stdout.readline().strip() for process in processes] == ["ready"] * len(processes)
    start.touch()
    results = [json.loads(process.stdout.readline()) for process in processes]
    assert [process.wait(120) for process in processes] == [0] * len(processes)
    joined = store.teams()  # each name joined once, numbered 1, 2, 3 whichever process came first
    assert (sorted(team.name for team in joined), [team.number for team in joined]) == (sorted(teams), [1, 2, 3])
    assert sorted(team for result in results for team in result["won"]) == sorted(teams)  # each team won once
    assert [result["stored"] for result in results] == [3 * len(result["won"]) for result in results]
    with store.engine.connect() as connection:
        rows = connection.execute(select(store_module.turns_table).order_by("team", "turn")).all()
    assert [(row.team, row.turn) for row in rows] == [(team, turn) for team in sorted(teams) for turn in (1, 2, 3)]
    assert all(json.loads(row.save) == three_saves[row.turn - 1] for row in rows)  # no torn turn
    assert [store.game(team).turn for team in teams] == [4, 4, 4]


# The version-1 tables as kit 0.1 wrote them, frozen here: the current tables may change, and
# then a session written by this version must still open.
VERSION_1 = MetaData()
Table("kit_schema", VERSION_1, Column("id", Integer, primary_key=True), Column("version", Integer, nullable=False), Column("written_at", String, nullable=False))
Table(
    "session", VERSION_1, Column("id", Integer, primary_key=True), Column("scenario", String, nullable=False),
    Column("seed", Integer, nullable=False), Column("mode", String, nullable=False), Column("status", String, nullable=False),
    Column("created_at", String, nullable=False), Column("closed_at", String), Column("instructor_token_hash", String),
)
Table(
    "teams", VERSION_1, Column("name", String, primary_key=True), Column("number", Integer, nullable=False, unique=True),
    Column("holder", String), Column("lease_until", Float), Column("joined_at", String, nullable=False),
)
Table(
    "turns", VERSION_1, Column("team", String, ForeignKey("teams.name"), primary_key=True), Column("turn", Integer, primary_key=True),
    Column("save", Text, nullable=False), Column("played_at", String, nullable=False),
)
Table(
    "events", VERSION_1, Column("id", Integer, primary_key=True, autoincrement=True), Column("event", Text, nullable=False),
    Column("injected_at", String, nullable=False),
)


def write_version_1_session(folder, store_url, save: dict) -> None:
    """A session as the version-1 kit left it: team Blue has played one turn, one event injected."""
    folder.mkdir(parents=True, exist_ok=True)
    if store_url is None:
        engine = create_engine(f"sqlite:///{folder / DATABASE_NAME}")
    else:
        schema = store_module.new_schema_name(folder)
        engine = create_engine(store_module.server_url(store_url), execution_options={"schema_translate_map": {None: schema}})
        with engine.begin() as connection:
            connection.execute(text(f"CREATE SCHEMA {schema}"))
    at = "2026-12-01T09:00:00+00:00"
    with engine.begin() as connection:
        VERSION_1.create_all(connection)
        tables = VERSION_1.tables
        connection.execute(insert(tables["kit_schema"]).values(id=1, version=1, written_at=at))
        connection.execute(insert(tables["session"]).values(id=1, scenario="tutorial", seed=3, mode="stochastic", status="open", created_at=at))
        connection.execute(insert(tables["teams"]).values(name="Blue", number=1, joined_at=at))
        connection.execute(insert(tables["turns"]).values(team="Blue", turn=1, save=json.dumps(save), played_at=at))
        connection.execute(insert(tables["events"]).values(event=json.dumps({"type": "funding", "grant_usd": {"value": 1e6}, "text": "A grant."}), injected_at=at))
    engine.dispose()
    if store_url is not None:
        store_module._write_pointer(folder, store_module.server_url(store_url), schema)


def test_a_version_1_session_is_read_and_played_on_by_this_kit(tmp_path, three_saves, store_url):
    write_version_1_session(tmp_path / "class", store_url, three_saves[0])
    store = Store.open(tmp_path / "class")
    assert store.schema_version() == SCHEMA_VERSION
    assert (store.session().scenario, store.session().seed) == ("tutorial", 3)
    assert [event.event["text"] for event in store.events()] == ["A grant."]
    assert store.game("Blue").turn == 2
    store.claim("Blue", "page A", 60)
    store.write_turn("Blue", 2, three_saves[1], holder="page A")
    assert store.add_team("Red").number == 2
    assert store.game("Blue").turn == 3


def test_an_older_session_is_upgraded_one_step_at_a_time_when_opened(tmp_path, three_saves, store_url, monkeypatch):
    """A kit at version 3 opens a version-1 session: steps 1->2 and 2->3 run, in order, once."""
    write_version_1_session(tmp_path, store_url, three_saves[0])
    probe = Table("upgrade_probe", MetaData(), Column("step", Integer))
    ran = []

    def step(number):
        def upgrade(connection):
            if number == 1:
                probe.create(connection)
            connection.execute(insert(probe).values(step=number))
            ran.append(number)

        return upgrade

    monkeypatch.setattr(store_module, "SCHEMA_VERSION", 3)
    monkeypatch.setattr(store_module, "UPGRADES", {1: step(1), 2: step(2)})
    store = Store.open(tmp_path)
    assert store.schema_version() == 3 and ran == [1, 2]
    with store.engine.connect() as connection:
        assert connection.execute(select(probe.c.step).order_by(probe.c.step)).scalars().all() == [1, 2]
    Store.open(tmp_path)
    assert ran == [1, 2]  # an upgraded session is not upgraded again


def test_the_pauses_between_tries_come_from_the_generator_given(monkeypatch):
    """``retried`` draws its jitter from the generator it is given (the store's), never from global state."""
    pauses = []
    monkeypatch.setattr(store_module.time, "sleep", pauses.append)
    tries = iter([OperationalError("insert", {}, Exception("database is locked"))] * 3 + [None])

    def work():
        error = next(tries)
        if error is not None:
            raise error
        return "stored"

    assert store_module.retried(work, np.random.default_rng(5)) == "stored"
    draws = np.random.default_rng(5).random(3)
    assert pauses == pytest.approx([0.05 * 2**attempt * (0.5 + draw) for attempt, draw in enumerate(draws)])
    with pytest.raises(OperationalError, match="no such table"):
        store_module.retried(lambda: (_ for _ in ()).throw(OperationalError("select", {}, Exception("no such table: x"))), np.random.default_rng(5))
