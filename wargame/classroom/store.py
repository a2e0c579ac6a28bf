"""The session store: one class session's teams, turns and injected events, in one database.

Today the database is an SQLite file in the session folder (``session.sqlite``); it is written
through SQLAlchemy Core, so that a server database can take its place when a class outgrows one
machine. Everything specific to SQLite is in ``_sqlite_engine`` (the file, WAL mode and the busy
timeout); the tables and queries are plain Core.

Many kernels write at once (one per team), so:

- the file runs in WAL mode (readers never block the writer) with a busy timeout, and every
  write is one short transaction;
- a write that still finds the database locked is tried again a few times (``retried``);
- a turn is one row written in one transaction: the whole game's save (``wargame.savefile``'s
  format, the same as a save file) at that turn, so the store holds it whole or not at all.

Saves read back from the store pass ``savefile``'s checks like any save file. A table
``kit_schema`` holds the version of these tables: the kit creates it, a newer kit reads a
session an older kit wrote, and an older kit refuses a newer session with a clear message.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import random
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TypeVar

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
    insert,
    select,
    update,
)
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, OperationalError

from .. import savefile

DATABASE_NAME = "session.sqlite"
SCHEMA_VERSION = 1
STATUSES = ("open", "closed")
BUSY_TIMEOUT_S = 15.0
RETRIES = 8

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


class StoreError(RuntimeError):
    """The session store cannot do what was asked, with the reason in plain words."""


def now_text() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


T = TypeVar("T")


def retried(work: Callable[[], T], attempts: int = RETRIES) -> T:
    """Run ``work`` (one transaction), again after a pause if SQLite says the database is locked.

    WAL mode and the busy timeout make this rare; under many writers at once a transaction can
    still give up, and trying it again is safe because it was rolled back whole.
    """
    for attempt in range(attempts):
        try:
            return work()
        except OperationalError as error:
            if "locked" not in str(error).lower() and "busy" not in str(error).lower() or attempt == attempts - 1:
                raise
            time.sleep(0.05 * (2**attempt) * (0.5 + random.random()))
    raise AssertionError("unreachable")


def _sqlite_engine(path: Path) -> Engine:
    """An engine on the SQLite file, in WAL mode with a busy timeout (the SQLite-specific part)."""
    engine = create_engine(f"sqlite:///{path}", connect_args={"timeout": BUSY_TIMEOUT_S})

    @event.listens_for(engine, "connect")
    def _on_connect(connection, _record):  # every new connection of the pool
        cursor = connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    return engine


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
    name: str
    number: int
    holder: str | None
    lease_until: float | None


@dataclass(frozen=True)
class InjectedEvent:
    id: int
    event: dict
    injected_at: str


class Store:
    """One session's database: open it with ``Store.create`` or ``Store.open``."""

    def __init__(self, engine: Engine, folder: Path):
        self.engine = engine
        self.folder = folder

    # --- creating and opening ------------------------------------------------------------------

    @classmethod
    def create(cls, folder: str | os.PathLike, scenario: str, seed: int, mode: str = "stochastic") -> "Store":
        """A new session in ``folder`` (made if missing); refused if the folder has one already."""
        folder = Path(folder)
        if (folder / DATABASE_NAME).exists():
            raise StoreError(f"{folder} already holds a class session; open it instead of creating one.")
        folder.mkdir(parents=True, exist_ok=True)
        store = cls(_sqlite_engine(folder / DATABASE_NAME), folder)
        metadata.create_all(store.engine)

        def write():
            with store.engine.begin() as connection:
                connection.execute(insert(kit_schema).values(id=1, version=SCHEMA_VERSION, written_at=now_text()))
                connection.execute(
                    insert(session_table).values(
                        id=1, scenario=scenario, seed=int(seed), mode=mode, status="open", created_at=now_text()
                    )
                )

        retried(write)
        return store

    @classmethod
    def open(cls, folder: str | os.PathLike) -> "Store":
        """The session in ``folder``; a folder without one, or written by a newer kit, is refused."""
        folder = Path(folder)
        path = folder / DATABASE_NAME
        if not path.is_file():
            raise StoreError(f"{folder} holds no class session (no {DATABASE_NAME}); start one with: python -m wargame.classroom serve {folder} --scenario NAME")
        store = cls(_sqlite_engine(path), folder)
        store._check_version()
        return store

    @classmethod
    def open_or_create(cls, folder: str | os.PathLike, scenario: str, seed: int, mode: str = "stochastic") -> "Store":
        """Reopen the session in ``folder`` (its scenario and seed must be these) or create it."""
        if (Path(folder) / DATABASE_NAME).exists():
            store = cls.open(folder)
            info = store.session()
            if (info.scenario, info.seed) != (scenario, int(seed)):
                raise StoreError(
                    f"{folder} holds a session of {info.scenario} with seed {info.seed}, not {scenario} with seed {seed}: "
                    f"choose another folder, or the same scenario and seed to reopen it."
                )
            return store
        return cls.create(folder, scenario, seed, mode)

    def _check_version(self) -> None:
        try:
            with self.engine.connect() as connection:
                version = connection.execute(select(kit_schema.c.version).where(kit_schema.c.id == 1)).scalar_one_or_none()
        except OperationalError:
            raise StoreError(f"{self.folder / DATABASE_NAME} is not a class session of this kit (it has no kit_schema table).") from None
        if version is None:
            raise StoreError(f"{self.folder / DATABASE_NAME} is damaged: it has no schema version.")
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{self.folder / DATABASE_NAME} was written by a newer kit (store version {version}); "
                f"this kit reads version {SCHEMA_VERSION} and earlier: update the kit."
            )
        # Older versions would be upgraded here, one step at a time; version 1 is the first.

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
            with self.engine.begin() as connection:
                connection.execute(
                    update(session_table).where(session_table.c.id == 1).values(status="closed", closed_at=now_text())
                )

        retried(write)

    def reopen(self) -> None:
        def write():
            with self.engine.begin() as connection:
                connection.execute(update(session_table).where(session_table.c.id == 1).values(status="open", closed_at=None))

        retried(write)

    def set_instructor_token(self, token: str) -> None:
        """Keep the instructor token's hash: the console opens the session only with the token."""
        digest = hashlib.sha256(token.encode()).hexdigest()

        def write():
            with self.engine.begin() as connection:
                connection.execute(update(session_table).where(session_table.c.id == 1).values(instructor_token_hash=digest))

        retried(write)

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
        return [TeamRow(r.name, r.number, r.holder, r.lease_until) for r in rows]

    def team(self, name: str) -> TeamRow | None:
        with self.engine.connect() as connection:
            r = connection.execute(select(teams_table).where(teams_table.c.name == name)).one_or_none()
        return None if r is None else TeamRow(r.name, r.number, r.holder, r.lease_until)

    def add_team(self, name: str) -> TeamRow:
        """Add a team (numbered in join order); the team as stored if it exists already."""

        def write():
            with self.engine.begin() as connection:
                existing = connection.execute(select(teams_table).where(teams_table.c.name == name)).one_or_none()
                if existing is None:
                    number = connection.execute(select(func.coalesce(func.max(teams_table.c.number), 0))).scalar_one() + 1
                    connection.execute(insert(teams_table).values(name=name, number=number, joined_at=now_text()))

        try:
            retried(write)
        except IntegrityError:  # another page added a team at the same moment: take the next number
            retried(write)
        return self.team(name)

    def claim(self, name: str, holder: str, lease_s: float, take_over: bool = False, clock: Callable[[], float] = time.time) -> TeamRow:
        """Give the team's game to the page ``holder`` for ``lease_s`` seconds, in one transaction.

        Granted when nobody holds it, when ``holder`` holds it already (a renewal), when the
        holder's lease has run out (its page is gone), or with ``take_over`` (the team confirmed).
        Returns the team as stored afterwards: compare its holder with ``holder``.
        """

        def write():
            with self.engine.begin() as connection:
                now = clock()
                row = connection.execute(select(teams_table).where(teams_table.c.name == name)).one()
                free = row.holder is None or row.holder == holder or (row.lease_until or 0) < now or take_over
                if free:
                    connection.execute(
                        update(teams_table).where(teams_table.c.name == name).values(holder=holder, lease_until=now + lease_s)
                    )

        retried(write)
        return self.team(name)

    def release(self, name: str, holder: str) -> None:
        """The page ``holder`` lets go of the team's game (only if it still holds it)."""

        def write():
            with self.engine.begin() as connection:
                connection.execute(
                    update(teams_table)
                    .where(teams_table.c.name == name, teams_table.c.holder == holder)
                    .values(holder=None, lease_until=None)
                )

        retried(write)

    # --- turns ---------------------------------------------------------------------------------

    def write_turn(self, team: str, turn: int, save: dict, holder: str | None = None) -> None:
        """Store the whole game after ``turn`` (its save data), in one transaction.

        Refused (``StoreError``) when the session is closed, when ``holder`` no longer holds the
        team's game (another page took it over), or when the turn is not the next one to store.
        """
        text = json.dumps(save, allow_nan=False)

        def write():
            with self.engine.begin() as connection:
                status = connection.execute(select(session_table.c.status)).scalar_one()
                if status != "open":
                    raise StoreError("The session is closed: the instructor has ended it, so no more turns are stored.")
                row = connection.execute(select(teams_table).where(teams_table.c.name == team)).one_or_none()
                if row is None:
                    raise StoreError(f"There is no team called {team!r} in this session.")
                if holder is not None and row.holder != holder:
                    raise StoreError("Another page has taken over this team's game, so this page cannot play for it any more.")
                last = connection.execute(select(func.max(turns_table.c.turn)).where(turns_table.c.team == team)).scalar_one()
                if (last or 0) + 1 != turn:
                    raise StoreError(f"Turn {turn} cannot be stored: the store's last turn for this team is {last or 0}.")
                connection.execute(insert(turns_table).values(team=team, turn=turn, save=text, played_at=now_text()))

        retried(write)

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
            with self.engine.begin() as connection:
                return connection.execute(insert(events_table).values(event=text, injected_at=now_text())).inserted_primary_key[0]

        return retried(write)

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


def load_stored_session(folder: str | os.PathLike) -> Session:
    """The session's games from the store, as ``load_session`` gives a folder's (for the debrief).

    A team whose stored save cannot be replayed is listed in ``problems`` with the reason.
    """
    from .debrief import Session

    store = Store.open(folder)
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
