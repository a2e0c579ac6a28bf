"""The session store on a PostgreSQL server: where a session is, one schema per class, the way
in (URL, password), and conflicts that are tried again. The tests that run on both databases
are in ``test_store.py``, ``test_session.py`` and ``test_console.py``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading

import psycopg
import pytest
from sqlalchemy import create_engine, event, select, text
from sqlalchemy.exc import OperationalError

from wargame import Game
from wargame.classroom import serve as serving, store as store_module
from wargame.classroom.app import FOLDER_VARIABLE
from wargame.classroom.cli import build_parser, main
from wargame.classroom.store import POINTER_NAME, Store, StoreError, passing_conflict, server_url, shown_url
from wargame.savefile import save_data


@pytest.fixture(scope="module")
def first_save() -> dict:
    game = Game("tutorial", seed=3)
    game.play_turn()
    return save_data(game)


@pytest.mark.parametrize(
    "given, used",
    [
        ("postgresql://teacher@db.school.example:5432/wargame", "postgresql+psycopg://teacher@db.school.example:5432/wargame"),
        ("postgres://teacher@db/wargame", "postgresql+psycopg://teacher@db/wargame"),
        ("postgresql+psycopg://db/wargame?sslmode=require", "postgresql+psycopg://db/wargame?sslmode=require"),
    ],
)
def test_a_postgresql_url_is_given_the_psycopg_driver(given, used):
    assert server_url(given).render_as_string(hide_password=False) == used


@pytest.mark.parametrize(
    "given, says",
    [
        ("mysql://teacher:secret@db/wargame", "can be a PostgreSQL server.*not mysql: mysql://teacher@db/wargame"),
        ("postgresql+psycopg2://db/wargame", "not postgresql\\+psycopg2"),
        ("a class on the big server", "is not a database URL; write it as postgresql://"),
    ],
)
def test_another_database_is_refused_without_showing_its_password(given, says):
    with pytest.raises(StoreError, match=says) as refused:
        server_url(given)
    assert "secret" not in str(refused.value)


def test_the_folder_names_the_server_and_schema_but_never_the_password(tmp_path, postgres_url):
    with_password = postgres_url.replace("postgres@", "postgres:s3cret-word@")  # the test server trusts, and ignores it
    store = Store.create(tmp_path, "tutorial", seed=1, url=with_password)
    written = (tmp_path / POINTER_NAME).read_text()
    assert "s3cret-word" not in written and "s3cret-word" not in store.where
    assert json.loads(written)["url"] == shown_url(server_url(postgres_url))
    assert Store.open(tmp_path).session().seed == 1  # the kernels find it from the folder alone


def test_sessions_in_one_database_are_apart(tmp_path, postgres_url):
    """A department's classes share a database: each session is its own schema, even for folders of one name."""
    monday = Store.create(tmp_path / "monday" / "class", "tutorial", seed=1, url=postgres_url)
    tuesday = Store.create(tmp_path / "tuesday" / "class", "tutorial", seed=1, url=postgres_url)
    assert monday.schema != tuesday.schema
    assert monday.schema.startswith("wargame_class_") and tuesday.schema.startswith("wargame_class_")
    monday.add_team("Blue")
    tuesday.add_team("Red")
    tuesday.add_team("Blue")
    monday.close()
    assert [team.name for team in Store.open(tmp_path / "monday" / "class").teams()] == ["Blue"]
    assert [(team.name, team.number) for team in Store.open(tmp_path / "tuesday" / "class").teams()] == [("Red", 1), ("Blue", 2)]
    assert tuesday.is_open() and not monday.is_open()


def test_a_session_whose_schema_is_gone_is_refused_with_where_it_looked(tmp_path, postgres_url):
    store = Store.create(tmp_path, "tutorial", seed=1, url=postgres_url)
    with store.engine.begin() as connection:
        connection.execute(text(f"DROP SCHEMA {store.schema} CASCADE"))
    store.dispose()
    with pytest.raises(StoreError, match=f"names the session schema {store.schema} on postgresql\\+psycopg://postgres@127.0.0.1.*no such schema"):
        Store.open(tmp_path)


def test_a_server_that_cannot_be_reached_is_named_in_the_refusal(tmp_path, postgres_url):
    closed = postgres_url.rsplit(":", 1)[0] + ":9/postgres"  # port 9 (discard): nothing listens there
    with pytest.raises(StoreError, match="postgresql\\+psycopg://postgres@127.0.0.1:9/postgres cannot be reached.*PGPASSWORD"):
        Store.create(tmp_path, "tutorial", seed=1, url=closed)
    assert not (tmp_path / POINTER_NAME).exists()


def test_a_url_can_reach_a_session_another_way_but_not_open_an_sqlite_one(tmp_path, postgres_url):
    Store.create(tmp_path / "on server", "tutorial", seed=1, url=postgres_url)
    other_way = postgres_url.replace("127.0.0.1", "localhost")
    assert Store.open(tmp_path / "on server", url=other_way).where.startswith("postgresql+psycopg://postgres@localhost")
    Store.create(tmp_path / "in file", "tutorial", seed=1)
    with pytest.raises(StoreError, match="in its SQLite file \\(session.sqlite\\), not on a server"):
        Store.open_or_create(tmp_path / "in file", "tutorial", 1, url=postgres_url)
    with pytest.raises(StoreError, match="already holds a class session"):
        Store.create(tmp_path / "on server", "tutorial", seed=1)


@pytest.mark.parametrize(
    "error, passing",
    [
        (psycopg.errors.SerializationFailure, True),
        (psycopg.errors.DeadlockDetected, True),
        (psycopg.errors.LockNotAvailable, True),
        (psycopg.errors.QueryCanceled, False),
        (psycopg.errors.AdminShutdown, False),
    ],
)
def test_conflicts_a_second_try_can_pass_are_known_by_their_code(error, passing):
    assert passing_conflict(OperationalError("update", {}, error("a message without the word"))) is passing


def test_a_turn_waiting_on_a_row_held_elsewhere_is_tried_again_and_stored(tmp_path, postgres_url, first_save, monkeypatch):
    """Another connection holds the team's row longer than the lock timeout: the write gives
    up (PostgreSQL's lock_timeout), is tried again after a pause, and is stored whole."""
    monkeypatch.setattr(store_module, "BUSY_TIMEOUT_S", 0.2)
    store = Store.create(tmp_path, "tutorial", seed=3, url=postgres_url)
    store.add_team("Blue")
    conflicts = []
    event.listen(store.engine, "handle_error", lambda context: conflicts.append(getattr(context.original_exception, "sqlstate", None)))
    holding, release = threading.Event(), threading.Event()

    def hold_the_row():
        engine = create_engine(server_url(postgres_url), execution_options={"schema_translate_map": {None: store.schema}})
        with engine.begin() as connection:
            connection.execute(select(store_module.teams_table).where(store_module.teams_table.c.name == "Blue").with_for_update())
            holding.set()
            release.wait(30)
        engine.dispose()

    holder = threading.Thread(target=hold_the_row)
    holder.start()
    assert holding.wait(30)
    threading.Timer(1.0, release.set).start()  # let go after a few lock timeouts
    store.write_turn("Blue", 1, first_save)
    holder.join(30)
    assert "55P03" in conflicts  # lock not available: it did wait, give up and try again
    assert store.last_turn("Blue") == 1 and store.game("Blue").turn == 2


# A kernel of the served app opens the session from the folder alone, as app.py does.
KERNEL_OPENS_THE_SESSION = """
import os
from wargame.classroom.app import FOLDER_VARIABLE
from wargame.classroom.session import TeamGame
from wargame.classroom.store import Store, StoreError
try:
    store = Store.open(os.environ[FOLDER_VARIABLE])
except StoreError as error:
    print(error)
    raise SystemExit(3)
TeamGame.join(store, "Blue").play_turn()
print("played")
"""


def test_serve_gives_its_kernels_the_folder_and_the_password_and_writes_none_down(tmp_path, postgres_server):
    """A server that asks for a password: the URL given to serve has it, the folder does not,
    and the kernels (started with serve's environment) reach the session with it, and only with it."""
    url = postgres_server.add_password_role("teacher", "class-pw-7")
    folder = (tmp_path / "class").resolve()
    store = Store.create(folder, "tutorial", seed=1, url=url)
    assert "class-pw-7" not in (folder / POINTER_NAME).read_text()
    base = {key: value for key, value in os.environ.items() if not key.startswith("PG")}
    environment = serving.kernel_environment(base, folder, url)
    assert environment["PGPASSWORD"] == "class-pw-7" and environment[FOLDER_VARIABLE] == str(folder)
    kernel = subprocess.run([sys.executable, "-c", KERNEL_OPENS_THE_SESSION], env=environment, capture_output=True, text=True, timeout=120)
    assert kernel.stdout.strip() == "played", kernel.stderr
    assert store.last_turn("Blue") == 1
    without = {key: value for key, value in environment.items() if key != "PGPASSWORD"}
    kernel = subprocess.run([sys.executable, "-c", KERNEL_OPENS_THE_SESSION], env=without, capture_output=True, text=True, timeout=120)
    assert kernel.returncode == 3
    assert "cannot be reached" in kernel.stdout and "password" in kernel.stdout and "PGPASSWORD or ~/.pgpass" in kernel.stdout
    assert serving.kernel_environment(base, folder, None) == {**base, FOLDER_VARIABLE: str(folder)}


def test_serve_and_bench_take_the_store_url():
    parser = build_parser()
    assert parser.parse_args(["serve", "class", "--store", "postgresql://db/wargame"]).store == "postgresql://db/wargame"
    assert parser.parse_args(["serve", "class"]).store is None
    assert parser.parse_args(["bench", "--store", "postgresql://db/wargame"]).store == "postgresql://db/wargame"


def test_serve_refuses_a_store_that_is_not_postgresql_before_starting_anything(tmp_path, capsys):
    assert main(["serve", str(tmp_path / "class"), "--store", "mysql://db/wargame"]) == 1
    assert "can be a PostgreSQL server" in capsys.readouterr().err
    assert not (tmp_path / "class").exists()


@pytest.mark.parametrize(
    "make, says",
    [
        (lambda path: path.write_text("{not json"), "Expecting property name"),
        (lambda path: path.write_text(json.dumps(["postgresql://db/x"])), "it needs the text fields url and schema"),
        (lambda path: path.write_text(json.dumps({"url": "postgresql://db/x"})), "it needs the text fields url and schema"),
        (lambda path: path.write_text(json.dumps({"url": "x", "schema": "s", "pad": "." * 70_000})), "70,0.. bytes long"),
        (lambda path: path.mkdir(), "it is not a plain file"),
        (lambda path: os.mkfifo(path), "it is not a plain file"),
        (lambda path: path.symlink_to(path.parent / "nowhere.json"), "it is not a plain file"),
    ],
    ids=["not json", "a list", "no schema", "huge", "a folder", "a pipe", "a broken link"],
)
@pytest.mark.timeout(30)  # a pipe read would block: fail rather than hang
def test_a_damaged_pointer_file_is_refused_with_its_reason_and_never_waited_on(tmp_path, make, says):
    make(tmp_path / POINTER_NAME)
    with pytest.raises(StoreError, match=f"{POINTER_NAME} \\(where this session's database is\\) cannot be read: .*{says}"):
        Store.open(tmp_path)


def test_a_role_that_may_not_make_a_schema_is_told_so(tmp_path, postgres_url):
    engine = create_engine(server_url(postgres_url))
    with engine.begin() as connection:
        connection.execute(text("DROP ROLE IF EXISTS pupil"))
        connection.execute(text("CREATE ROLE pupil LOGIN"))  # no CREATE on the database
    engine.dispose()
    with pytest.raises(StoreError, match="schema cannot be made on postgresql\\+psycopg://pupil@.*permission denied for database postgres"):
        Store.create(tmp_path, "tutorial", seed=1, url=postgres_url.replace("postgres@", "pupil@"))
    assert not (tmp_path / POINTER_NAME).exists()
