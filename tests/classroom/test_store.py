"""``wargame.classroom.store``: the session database, written by many kernels at once."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from sqlalchemy import create_engine, event, text, update

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
