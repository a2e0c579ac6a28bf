"""The session store: one class session's teams, turns and injected events, in one database.

The database is an SQLite file in the session folder (``session.sqlite``), or, for a class that
outgrows one machine, a PostgreSQL server (``serve FOLDER --store postgresql://…``). Both are
written through the same SQLAlchemy Core tables and queries; everything specific to one
database is in its engine function: ``_sqlite_engine`` (the file, WAL mode, the busy timeout)
and ``_postgresql_engine`` (the psycopg 3 driver, the session's schema, the lock timeout).

Many kernels write at once (one per team), so:

- every write is one short transaction, and one that meets a passing conflict (SQLite: the
  database is locked; PostgreSQL: a serialization failure, a deadlock, a lock timeout) is
  tried again a few times after a random pause (``retried``, with the store's own generator);
- a turn is one row written in one transaction: the whole game's save (``wargame.savefile``'s
  format, the same as a save file) at that turn, so the store holds it whole or not at all;
- a team's game is held by one page at a time: ``claim`` is one conditional UPDATE (granted
  only where nobody else holds a live lease), so of two pages claiming at once exactly one
  wins, on either database; ``write_turn`` locks the team's row while it checks the holder
  and the last turn (``FOR UPDATE`` on PostgreSQL; on SQLite a writing transaction holds the
  database's one write lock from its BEGIN: ``_sqlite_engine``).

Where a session's database is: the folder always holds the session (its exports and logs).
With SQLite the database is the folder's ``session.sqlite``. With PostgreSQL the folder holds
``session_store.json``, which names the server (its URL without the password) and the
session's schema; every later ``Store.open(folder)`` (the kernels, the console, the debrief)
reads it. The password is never written: give it in the URL to ``serve`` (which hands it to
its kernels as ``PGPASSWORD``), or in ``PGPASSWORD`` or ``~/.pgpass`` for other programs.

Many sessions in one PostgreSQL database: each session is a schema of its own
(``wargame_<folder name>_<8 random hex digits>``), holding the same tables as an SQLite file.
A department runs many classes against one server; a finished class is removed whole with
``DROP SCHEMA name CASCADE``, and no query can mix two classes' teams.

Saves read back from the store pass ``savefile``'s checks like any save file. A table
``kit_schema`` holds the version of these tables: the kit creates it, a newer kit reads (and
upgrades, ``UPGRADES``) a session an older kit wrote, and an older kit refuses a newer session
with a clear message.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import secrets
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TypeVar

import numpy as np
from sqlalchemy import (
    Column,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    event,
    func,
    inspect,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, IntegrityError, OperationalError, ProgrammingError
from sqlalchemy.schema import CreateSchema

from .. import savefile

DATABASE_NAME = "session.sqlite"
# In a folder whose session lives on a server: where (the URL without its password, the schema).
POINTER_NAME = "session_store.json"
POINTER_MOST_BYTES = 64_000
SCHEMA_VERSION = 2
STATUSES = ("open", "closed")
BUSY_TIMEOUT_S = 15.0
WRITES = "wargame_writes"  # the execution option that marks a writing transaction
RETRIES = 8
POSTGRESQL_DRIVER = "postgresql+psycopg"
# PostgreSQL's codes for a conflict that a second try can pass: serialization failure,
# deadlock detected, lock not available (the lock timeout).
PASSING_CONFLICTS = {"40001", "40P01", "55P03"}
CONNECT_TIMEOUT_S = 10

metadata = MetaData()

kit_schema = Table(
    "kit_schema",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("version", Integer, nullable=False),
    Column("written_at", String, nullable=False),
)

session_table = Table(
    "session",
    metadata,
    Column("id", Integer, primary_key=True),  # one row: this session
    Column("scenario", String, nullable=False),  # a shipped scenario's name
    Column("seed", Integer, nullable=False),
    Column("mode", String, nullable=False),
    Column("status", String, nullable=False),
    Column("created_at", String, nullable=False),
    Column("closed_at", String),
    Column("instructor_token_hash", String),  # sha256 of the token printed by serve
)

teams_table = Table(
    "teams",
    metadata,
    Column("name", String, primary_key=True),
    Column("number", Integer, nullable=False, unique=True),  # join order, from 1: gives the seed
    Column("holder", String),  # the page that holds the team's game now
    Column("lease_until", Float),  # seconds since the epoch; the holder renews it
    Column("joined_at", String, nullable=False),
    # What a team types to continue its game on another page (``session.new_team_code``);
    # none under a hub, where the student's sign-in names the team.
    Column("code", String),
)

turns_table = Table(
    "turns",
    metadata,
    Column("team", String, ForeignKey("teams.name"), primary_key=True),
    Column("turn", Integer, primary_key=True),
    Column("save", Text, nullable=False),  # the whole game after this turn, as a save file
    Column("played_at", String, nullable=False),
)

events_table = Table(
    "events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("event", Text, nullable=False),  # a scenario event as JSON (scenario/schema.py)
    Column("injected_at", String, nullable=False),
)



def _add_team_codes(connection: Connection) -> None:
    """Version 1 to 2: teams get a code; a team from before has none until it next joins."""
    # Plain SQL, which the schema_translate_map does not reach: name the session's schema here.
    schema = (connection.engine.get_execution_options().get("schema_translate_map") or {}).get(None)
    table = "teams" if schema is None else f"{connection.dialect.identifier_preparer.quote_schema(schema)}.teams"
    connection.exec_driver_sql(f"ALTER TABLE {table} ADD COLUMN code VARCHAR")


# The step that brings a session of version v to v + 1, run in one transaction when a newer
# kit opens an older session.
UPGRADES: dict[int, Callable[[Connection], None]] = {1: _add_team_codes}


class StoreError(RuntimeError):
    """The session store cannot do what was asked, with the reason in plain words."""


def now_text() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


T = TypeVar("T")


def passing_conflict(error: OperationalError) -> bool:
    """Whether a second try of the transaction can succeed: the database was only busy.

    PostgreSQL names the conflict by its SQLSTATE code; SQLite says "database is locked"
    (or busy) in words.
    """
    state = getattr(error.orig, "sqlstate", None)
    if state is not None:
        return state in PASSING_CONFLICTS
    words = str(error.orig).lower()
    return "locked" in words or "busy" in words


def retried(work: Callable[[], T], rng: np.random.Generator, attempts: int = RETRIES) -> T:
    """Run ``work`` (one transaction), again after a pause if the database was only busy.

    WAL mode and the busy timeout (SQLite), or row locks and the lock timeout (PostgreSQL),
    make this rare; under many writers at once a transaction can still give up, and trying it
    again is safe because it was rolled back whole. The pauses grow and are spread at random
    (``rng``: the store's own generator, never global state) so writers do not meet again.
    """
    for attempt in range(attempts):
        try:
            return work()
        except OperationalError as error:
            if not passing_conflict(error) or attempt == attempts - 1:
                raise
            time.sleep(0.05 * (2**attempt) * (0.5 + rng.random()))
    raise AssertionError("unreachable")


def _sqlite_engine(path: Path) -> Engine:
    """An engine on the SQLite file, in WAL mode with a busy timeout (the SQLite-specific part),
    whose transactions are SQLite's own: a write transaction holds the write lock from BEGIN.

    Python's sqlite3 driver begins a transaction only before the first INSERT, UPDATE or DELETE:
    the reads before it (the next team number, the team's holder and last turn) ran outside
    it, so two kernels could read the same state and both write on it (measured with 30 teams
    joining at once: two took the same team number and one page's Join failed). Here the driver
    begins nothing and SQLAlchemy says BEGIN: IMMEDIATE for a write (``Store.writer``), so of two
    writers the second waits (the busy timeout) and then reads what the first wrote; plain BEGIN
    for a read, which sees one consistent state and waits for nobody (WAL).
    """
    engine = create_engine(f"sqlite:///{path}", connect_args={"timeout": BUSY_TIMEOUT_S})

    @event.listens_for(engine, "connect")
    def _on_connect(connection, _record):  # every new connection of the pool
        connection.isolation_level = None  # the driver begins no transaction: "begin" below does
        cursor = connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE" if connection.get_execution_options().get(WRITES) else "BEGIN")

    return engine


def server_url(url: str | URL) -> URL:
    """A PostgreSQL URL for SQLAlchemy with the psycopg 3 driver, or ``StoreError`` saying why not.

    ``postgresql://`` and ``postgres://`` (as psql and libpq write them) become
    ``postgresql+psycopg://``; another database or driver is refused.
    """
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise StoreError(f"{url!r} is not a database URL; write it as postgresql://USER@HOST:PORT/DATABASE.") from None
    if parsed.drivername in ("postgresql", "postgres", POSTGRESQL_DRIVER):
        return parsed.set(drivername=POSTGRESQL_DRIVER)
    raise StoreError(
        f"The session store can be a PostgreSQL server (postgresql://USER@HOST:PORT/DATABASE), not {parsed.drivername}: "
        f"{shown_url(parsed)}. Without --store, the session is an SQLite file in its folder."
    )


def shown_url(url: URL) -> str:
    """The URL as it may be printed or written down: without its password."""
    return url._replace(password=None).render_as_string(hide_password=False)


def _postgresql_engine(url: URL, schema: str) -> Engine:
    """An engine on the PostgreSQL server, inside the session's schema (the PostgreSQL-specific part).

    The tables are the same Core tables as SQLite's; ``schema_translate_map`` puts every
    statement (and the DDL) in the session's schema. A lock wait gives up after the same time
    as SQLite's busy timeout, and ``retried`` tries again. Each kernel keeps one idle
    connection (``pool_size=1``): a class of 60 teams stays under the server's default 100.
    """
    return create_engine(
        url,
        pool_size=1,
        max_overflow=4,
        pool_pre_ping=True,  # a connection the server has closed (a restart) is replaced, not used
        connect_args={
            "connect_timeout": CONNECT_TIMEOUT_S,
            "application_name": "wargame class session",
            "options": f"-c lock_timeout={int(BUSY_TIMEOUT_S * 1000)}",
        },
        execution_options={"schema_translate_map": {None: schema}},
    )


def new_schema_name(folder: Path) -> str:
    """``wargame_<folder name>_<8 random hex digits>``: recognisable, and never another class's."""
    name = re.sub(r"[^a-z0-9]+", "_", folder.name.lower()).strip("_")[:30] or "session"
    return f"wargame_{name}_{secrets.token_hex(4)}"


def _pointer(folder: Path) -> dict | None:
    """The folder's ``session_store.json`` (where its server database is), or None."""
    path = folder / POINTER_NAME
    if not path.exists() and not path.is_symlink():
        return None
    try:
        if not path.is_file():  # a pipe would block the reader, a folder cannot be read
            raise ValueError("it is not a plain file")
        if path.stat().st_size > POINTER_MOST_BYTES:
            raise ValueError(f"it is {path.stat().st_size:,} bytes long; it should be a few hundred")
        pointer = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(pointer, dict) or not all(isinstance(pointer.get(key), str) for key in ("url", "schema")):
            raise ValueError("it needs the text fields url and schema")
    except (OSError, ValueError) as error:
        raise StoreError(f"{path} (where this session's database is) cannot be read: {error}.") from None
    return pointer


def _write_pointer(folder: Path, url: URL, schema: str) -> None:
    """Write ``session_store.json``: the server's URL without the password, and the schema."""
    pointer = {
        "url": shown_url(url),
        "schema": schema,
        "about": "This class session's database is on a PostgreSQL server, in this schema. "
        "The password is not kept here: give it in PGPASSWORD or ~/.pgpass.",
    }
    path = folder / POINTER_NAME
    partial = path.with_suffix(".partial")
    partial.write_text(json.dumps(pointer, indent=2) + "\n", encoding="utf-8")
    partial.replace(path)


def holds_session(folder: Path) -> bool:
    return (folder / DATABASE_NAME).exists() or (folder / POINTER_NAME).exists()


def _unreachable(where: str, error: DBAPIError) -> StoreError:
    reason = str(error.orig).strip().splitlines()[0] if error.orig is not None else str(error)
    return StoreError(
        f"The session database {where} cannot be reached: {reason}. "
        f"Check the address, that the server is running, and the password (in the URL, PGPASSWORD or ~/.pgpass)."
    )


@dataclass(frozen=True)
class SessionInfo:
    scenario: str
    seed: int
    mode: str
    status: str
    created_at: str
    closed_at: str | None


@dataclass(frozen=True)
class TeamRow:
    """A team as stored: its name, number (join order), the page holding its game, and its code."""

    name: str
    number: int
    holder: str | None
    lease_until: float | None
    code: str | None = None


def _team_row(row) -> TeamRow:
    return TeamRow(row.name, row.number, row.holder, row.lease_until, row.code)


@dataclass(frozen=True)
class InjectedEvent:
    id: int
    event: dict
    injected_at: str


class Store:
    """One session's database: open it with ``Store.create`` or ``Store.open`` (a folder, and
    for a server database ``url=``)."""

    checks_team_codes = True  # a page joins a team that exists only with its code (``session``)

    def __init__(self, engine: Engine, folder: Path, where: str | None = None, schema: str | None = None):
        self.engine = engine
        # What writes goes through this one: on SQLite its transactions take the write lock as
        # they begin (``_sqlite_engine``); reads through ``engine`` never wait for a writer.
        self.writer = engine.execution_options(**{WRITES: True})
        self.folder = folder
        self.where = where or str(folder / DATABASE_NAME)  # the database, as messages name it
        self.schema = schema  # the session's PostgreSQL schema (None: an SQLite file)
        # The pauses between tries are spread at random: the store's own generator, seeded from
        # the operating system (a pause is not game state and needs no seed of the game's).
        self.rng = np.random.default_rng()

    def _retried(self, work: Callable[[], T]) -> T:
        return retried(work, self.rng)

    # --- creating and opening ------------------------------------------------------------------

    @classmethod
    def create(
        cls, folder: str | os.PathLike, scenario: str, seed: int, mode: str = "stochastic", url: str | URL | None = None
    ) -> "Store":
        """A new session in ``folder`` (made if missing); refused if the folder has one already.

        Without ``url`` the database is the folder's SQLite file; with a PostgreSQL ``url`` it is
        a new schema on that server, and the folder keeps where it is (``session_store.json``).
        """
        folder = Path(folder)
        if holds_session(folder):
            raise StoreError(f"{folder} already holds a class session; open it instead of creating one.")
        folder.mkdir(parents=True, exist_ok=True)
        store = cls._create_sqlite(folder) if url is None else cls._create_postgresql(folder, server_url(url))

        def write():
            with store.writer.begin() as connection:
                connection.execute(insert(kit_schema).values(id=1, version=SCHEMA_VERSION, written_at=now_text()))
                connection.execute(
                    insert(session_table).values(
                        id=1, scenario=scenario, seed=int(seed), mode=mode, status="open", created_at=now_text()
                    )
                )

        store._retried(write)
        if store.schema is not None:  # written last: the folder names only a complete session
            _write_pointer(folder, store.engine.url, store.schema)
        return store

    @classmethod
    def _create_sqlite(cls, folder: Path) -> "Store":
        store = cls(_sqlite_engine(folder / DATABASE_NAME), folder)
        metadata.create_all(store.engine)
        return store

    @classmethod
    def _create_postgresql(cls, folder: Path, url: URL) -> "Store":
        schema = new_schema_name(folder)
        store = cls(_postgresql_engine(url, schema), folder, f"{shown_url(url)} (schema {schema})", schema)
        try:
            with store.writer.begin() as connection:
                connection.execute(CreateSchema(schema))
                metadata.create_all(connection)
        except OperationalError as error:
            store.dispose()
            raise _unreachable(shown_url(url), error) from None
        except ProgrammingError as error:  # e.g. no right to create a schema in that database
            store.dispose()
            raise StoreError(f"The class session's schema cannot be made on {shown_url(url)}: {str(error.orig).strip()}") from None
        return store

    @classmethod
    def open(cls, folder: str | os.PathLike, url: str | URL | None = None) -> "Store":
        """The session in ``folder``; a folder without one, or written by a newer kit, is refused.

        A session on a server is found through the folder's ``session_store.json``; ``url``
        (with the password, say) is used to reach that server instead of the URL kept there.
        """
        folder = Path(folder)
        pointer = _pointer(folder)
        if pointer is not None:
            store = cls._open_postgresql(folder, server_url(url or pointer["url"]), pointer["schema"])
        else:
            path = folder / DATABASE_NAME
            if not path.is_file():
                raise StoreError(f"{folder} holds no class session (no {DATABASE_NAME}); start one with: python -m wargame.classroom serve {folder} --scenario NAME")
            if url is not None:
                raise StoreError(f"{folder} holds a class session in its SQLite file ({DATABASE_NAME}), not on a server: open it without a URL.")
            store = cls(_sqlite_engine(path), folder)
        store._check_version()
        return store

    @classmethod
    def _open_postgresql(cls, folder: Path, url: URL, schema: str) -> "Store":
        store = cls(_postgresql_engine(url, schema), folder, f"{shown_url(url)} (schema {schema})", schema)
        try:
            with store.engine.connect() as connection:
                present = inspect(connection).has_schema(schema)
        except OperationalError as error:
            store.dispose()
            raise _unreachable(shown_url(url), error) from None
        if not present:
            store.dispose()
            raise StoreError(
                f"{folder} names the session schema {schema} on {shown_url(url)}, and there is no such schema there "
                f"(removed, or another server or database?)."
            )
        return store

    @classmethod
    def open_or_create(
        cls, folder: str | os.PathLike, scenario: str, seed: int, mode: str = "stochastic", url: str | URL | None = None
    ) -> "Store":
        """Reopen the session in ``folder`` (its scenario and seed must be these) or create it.

        ``url``: a new session's PostgreSQL server; a session that exists is reopened where it is
        (its folder says), and ``url`` only gives the way to reach it.
        """
        if holds_session(Path(folder)):
            store = cls.open(folder, url=url)
            info = store.session()
            if (info.scenario, info.seed) != (scenario, int(seed)):
                store.dispose()
                raise StoreError(
                    f"{folder} holds a session of {info.scenario} with seed {info.seed}, not {scenario} with seed {seed}: "
                    f"choose another folder, or the same scenario and seed to reopen it."
                )
            return store
        return cls.create(folder, scenario, seed, mode, url=url)

    def _check_version(self) -> None:
        """Refuse a database that is not a session of this kit or is newer; upgrade an older one."""
        try:
            with self.engine.connect() as connection:
                version = connection.execute(select(kit_schema.c.version).where(kit_schema.c.id == 1)).scalar_one_or_none()
        except OperationalError as error:  # SQLite: no such table; PostgreSQL: the server went away
            if self.schema is not None:
                raise _unreachable(self.where, error) from None
            raise StoreError(f"{self.where} is not a class session of this kit (it has no kit_schema table).") from None
        except ProgrammingError:  # PostgreSQL: no such table
            raise StoreError(f"{self.where} is not a class session of this kit (it has no kit_schema table).") from None
        if version is None:
            raise StoreError(f"{self.where} is damaged: it has no schema version.")
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{self.where} was written by a newer kit (store version {version}); "
                f"this kit reads version {SCHEMA_VERSION} and earlier: update the kit."
            )
        if version < SCHEMA_VERSION:
            self._upgrade(version)

    def _upgrade(self, version: int) -> None:
        """Bring an older session to this kit's version, one step at a time, in one transaction."""

        def write():
            with self.writer.begin() as connection:
                found = connection.execute(select(kit_schema.c.version).where(kit_schema.c.id == 1).with_for_update()).scalar_one()
                for step in range(found, SCHEMA_VERSION):  # another kernel may have upgraded it meanwhile
                    UPGRADES[step](connection)
                connection.execute(update(kit_schema).where(kit_schema.c.id == 1).values(version=SCHEMA_VERSION, written_at=now_text()))

        self._retried(write)

    def schema_version(self) -> int:
        with self.engine.connect() as connection:
            return connection.execute(select(kit_schema.c.version)).scalar_one()

    def dispose(self) -> None:
        self.engine.dispose()

    # --- the session ---------------------------------------------------------------------------

    def session(self) -> SessionInfo:
        with self.engine.connect() as connection:
            row = connection.execute(select(session_table).where(session_table.c.id == 1)).one()
        return SessionInfo(row.scenario, row.seed, row.mode, row.status, row.created_at, row.closed_at)

    def is_open(self) -> bool:
        return self.session().status == "open"

    def close(self) -> None:
        """Close the session: no team can join or play a turn after this."""

        def write():
            with self.writer.begin() as connection:
                connection.execute(
                    update(session_table).where(session_table.c.id == 1).values(status="closed", closed_at=now_text())
                )

        self._retried(write)

    def reopen(self) -> None:
        def write():
            with self.writer.begin() as connection:
                connection.execute(update(session_table).where(session_table.c.id == 1).values(status="open", closed_at=None))

        self._retried(write)

    def set_instructor_token(self, token: str) -> None:
        """Keep the instructor token's hash: the console opens the session only with the token."""
        digest = hashlib.sha256(token.encode()).hexdigest()

        def write():
            with self.writer.begin() as connection:
                connection.execute(update(session_table).where(session_table.c.id == 1).values(instructor_token_hash=digest))

        self._retried(write)

    def instructor_token_matches(self, token) -> bool:
        with self.engine.connect() as connection:
            stored = connection.execute(select(session_table.c.instructor_token_hash)).scalar_one()
        if not isinstance(token, str) or stored is None:
            return False
        return hmac.compare_digest(stored, hashlib.sha256(token.encode()).hexdigest())

    # --- teams ---------------------------------------------------------------------------------

    def teams(self) -> list[TeamRow]:
        with self.engine.connect() as connection:
            rows = connection.execute(select(teams_table).order_by(teams_table.c.number)).all()
        return [_team_row(r) for r in rows]

    def team(self, name: str) -> TeamRow | None:
        with self.engine.connect() as connection:
            r = connection.execute(select(teams_table).where(teams_table.c.name == name)).one_or_none()
        return None if r is None else _team_row(r)

    def add_team(self, name: str, code: str | None = None) -> TeamRow:
        """Add a team (numbered in join order) with its ``code``; the team as stored if it
        exists already (compare its code with ``code`` to know which).

        The session's row (PostgreSQL) or the database (SQLite) is locked while the next number
        is chosen, so two teams joining at the same moment take numbers one after the other.
        """

        def write():
            with self.writer.begin() as connection:
                connection.execute(select(session_table.c.id).where(session_table.c.id == 1).with_for_update())
                existing = connection.execute(select(teams_table).where(teams_table.c.name == name)).one_or_none()
                if existing is None:
                    number = connection.execute(select(func.coalesce(func.max(teams_table.c.number), 0))).scalar_one() + 1
                    connection.execute(insert(teams_table).values(name=name, number=number, joined_at=now_text(), code=code))

        try:
            self._retried(write)
        except IntegrityError:  # another page added a team at the same moment: take the next number
            self._retried(write)
        return self.team(name)

    def claim(self, name: str, holder: str, lease_s: float, take_over: bool = False, clock: Callable[[], float] = time.time) -> TeamRow:
        """Give the team's game to the page ``holder`` for ``lease_s`` seconds, in one transaction.

        Granted when nobody holds it, when ``holder`` holds it already (a renewal), when the
        holder's lease has run out (its page is gone), or with ``take_over`` (the team confirmed).
        The test and the grant are one conditional UPDATE, so of pages claiming at the same
        moment exactly one is granted, on SQLite and PostgreSQL alike (PostgreSQL re-checks the
        condition on the row as the first page left it). Returns the team as stored afterwards,
        read in the same transaction: compare its holder with ``holder``.
        """

        def write():
            with self.writer.begin() as connection:
                now = clock()
                grant = update(teams_table).where(teams_table.c.name == name)
                if not take_over:
                    grant = grant.where(
                        or_(
                            teams_table.c.holder.is_(None),
                            teams_table.c.holder == holder,
                            func.coalesce(teams_table.c.lease_until, 0.0) < now,
                        )
                    )
                connection.execute(grant.values(holder=holder, lease_until=now + lease_s))
                return connection.execute(select(teams_table).where(teams_table.c.name == name)).one_or_none()

        row = self._retried(write)
        if row is None:
            raise StoreError(f"There is no team called {name!r} in this session.")
        return _team_row(row)

    def set_team_code(self, name: str, code: str) -> None:
        """Give a team that has no code (it joined before teams had codes) ``code``."""

        def write():
            with self.writer.begin() as connection:
                connection.execute(update(teams_table).where(teams_table.c.name == name, teams_table.c.code.is_(None)).values(code=code))

        self._retried(write)

    def release(self, name: str, holder: str) -> None:
        """The page ``holder`` lets go of the team's game (only if it still holds it)."""

        def write():
            with self.writer.begin() as connection:
                connection.execute(
                    update(teams_table)
                    .where(teams_table.c.name == name, teams_table.c.holder == holder)
                    .values(holder=None, lease_until=None)
                )

        self._retried(write)

    # --- turns ---------------------------------------------------------------------------------

    def write_turn(self, team: str, turn: int, save: dict, holder: str | None = None) -> None:
        """Store the whole game after ``turn`` (its save data), in one transaction.

        Refused (``StoreError``) when the session is closed, when ``holder`` no longer holds the
        team's game (another page took it over), or when the turn is not the next one to store.
        """
        text = json.dumps(save, allow_nan=False)

        def write():
            with self.writer.begin() as connection:
                # Locks (PostgreSQL; SQLite has one writer at a time): the session cannot close
                # and the team cannot change hands or store a turn until this turn is in.
                status = connection.execute(
                    select(session_table.c.status).where(session_table.c.id == 1).with_for_update(read=True)
                ).scalar_one()
                if status != "open":
                    raise StoreError("The session is closed: the instructor has ended it, so no more turns are stored.")
                row = connection.execute(select(teams_table).where(teams_table.c.name == team).with_for_update()).one_or_none()
                if row is None:
                    raise StoreError(f"There is no team called {team!r} in this session.")
                if holder is not None and row.holder != holder:
                    raise StoreError("Another page has taken over this team's game, so this page cannot play for it any more.")
                last = connection.execute(select(func.max(turns_table.c.turn)).where(turns_table.c.team == team)).scalar_one()
                if (last or 0) + 1 != turn:
                    raise StoreError(f"Turn {turn} cannot be stored: the store's last turn for this team is {last or 0}.")
                connection.execute(insert(turns_table).values(team=team, turn=turn, save=text, played_at=now_text()))

        self._retried(write)

    def last_turn(self, team: str) -> int:
        with self.engine.connect() as connection:
            return connection.execute(select(func.max(turns_table.c.turn)).where(turns_table.c.team == team)).scalar_one() or 0

    def last_save_text(self, team: str) -> str | None:
        """The JSON of the team's game at its last stored turn (None before its first turn)."""
        with self.engine.connect() as connection:
            return connection.execute(
                select(turns_table.c.save).where(turns_table.c.team == team).order_by(turns_table.c.turn.desc()).limit(1)
            ).scalar_one_or_none()

    def last_saves(self) -> dict[str, str]:
        """Every team's last stored save, by team (teams that have not played are left out)."""
        latest = select(turns_table.c.team, func.max(turns_table.c.turn).label("turn")).group_by(turns_table.c.team).subquery()
        query = select(turns_table.c.team, turns_table.c.save).join(
            latest, (turns_table.c.team == latest.c.team) & (turns_table.c.turn == latest.c.turn)
        )
        with self.engine.connect() as connection:
            return {row.team: row.save for row in connection.execute(query)}

    def game(self, team: str, scenario=None):
        """The team's game replayed from its last stored turn, checked as a save file is."""
        from ..game import Game

        text = self.last_save_text(team)
        if text is None:
            return None
        return savefile.game_from_text(text, scenario=scenario, source=f"the store's save of team {team!r}", folder=self.folder, game_class=Game)

    # --- injected events ------------------------------------------------------------------------

    def inject(self, event: dict) -> int:
        """Record a White Cell event for every team's next turn; its id (events are in id order)."""
        text = json.dumps(event, allow_nan=False)

        def write():
            with self.writer.begin() as connection:
                return connection.execute(insert(events_table).values(event=text, injected_at=now_text())).inserted_primary_key[0]

        return self._retried(write)

    def events(self, after: int = 0) -> list[InjectedEvent]:
        with self.engine.connect() as connection:
            rows = connection.execute(select(events_table).where(events_table.c.id > after).order_by(events_table.c.id)).all()
        return [InjectedEvent(r.id, json.loads(r.event), r.injected_at) for r in rows]

    # --- export --------------------------------------------------------------------------------

    def export(self, folder: str | os.PathLike) -> list[Path]:
        """Write each team's last save as ``FOLDER/TEAM_NUMBER_name.json`` for the debrief.

        Every save is checked (``savefile``) before it is written; the file names are made of
        the team's number and a safe form of its name.
        """
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        numbers = {team.name: team.number for team in self.teams()}
        written = []
        for team, text in sorted(self.last_saves().items(), key=lambda pair: numbers[pair[0]]):
            savefile.parse_save(text, f"the store's save of team {team!r}")
            path = folder / f"team_{numbers[team]:02d}_{_file_safe(team)}.json"
            path.write_text(text, encoding="utf-8")
            written.append(path)
        return written


def _file_safe(name: str) -> str:
    return "".join(c if c.isalnum() else "_" for c in name.lower())[:40] or "team"


def stored_games(store: Store, scenario=None) -> Iterable[tuple[str, object]]:
    """Every team's game at its last stored turn, in join order (for the debrief and console)."""
    saves = store.last_saves()
    for team in store.teams():
        if team.name in saves:
            yield team.name, store.game(team.name, scenario)


def load_stored_session(folder: str | os.PathLike, url: str | None = None) -> Session:
    """The session's games from the store, as ``load_session`` gives a folder's (for the debrief).

    A team whose stored save cannot be replayed is listed in ``problems`` with the reason.
    ``url``: the way to reach a session kept on a server (with its password, say), as for ``Store.open``.
    """
    from .debrief import Session

    store = Store.open(folder, url=url)
    games, problems = [], []
    for team in store.teams():
        try:
            game = store.game(team.name)
        except ValueError as error:
            problems.append(f"{team.name}: {error}")
            continue
        if game is not None:
            games.append((team.name, game))
    return Session(games, problems, folder=Path(folder))
