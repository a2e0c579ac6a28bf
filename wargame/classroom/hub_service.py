"""The class session as a JupyterHub service: the one process that holds the session's store.

Under JupyterHub every student has a whole Jupyter server of their own, so the store cannot sit
in their environment (they could read every team's game with a line of code). This service owns
it instead: only its environment has the database's location and credentials
(``WARGAME_CLASS_STORE``: a ``postgresql://`` URL; without it, an SQLite file in the session's
folder on the hub's machine), and students' kernels reach it over HTTP with their hub token (``hub_client.RemoteStore``).

Who may do what (``Identity`` and the ``may_*`` rules, pure and tested without a hub):

- every signed-in hub user has a team: their hub name, or the team the class's team file gives
  them (``WARGAME_CLASS_TEAMS``, a YAML or JSON mapping of hub name to team name, for teams of
  several students);
- a user may read and play only their own team's game (join, claim, heartbeat, release, write
  a turn, read its last save) and read the session's events (the White Cell's news);
- members of the instructors group (``WARGAME_CLASS_INSTRUCTORS``, default ``instructors``) may
  also read every team's game, list the teams with the console's figures, inject an event, and
  close or reopen the session. They play only their own team, like anyone.

Every refusal is a 403 whose JSON body says why in a sentence (``{"error": "..."}``); a request
without a hub token is a 401. A turn's save is checked by ``wargame.savefile`` before it is
stored (and again by the reader when it is replayed), and must be a game of this session's
scenario, seed and mode with as many turns' orders as the turn it claims to be.

Run by the hub (``c.JupyterHub.services``, see deploy/jupyterhub/): ``python -m
wargame.classroom hub-service FOLDER --scenario NAME --seed S``; it listens where the hub says
(``JUPYTERHUB_SERVICE_URL``) under its prefix (``JUPYTERHUB_SERVICE_PREFIX``).
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import time
from collections.abc import Awaitable, Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import quote, urlparse

import yaml
from tornado import web
from tornado.log import gen_log
from tornado.httpclient import AsyncHTTPClient, HTTPClientError, HTTPRequest

from .. import savefile
from .session import TEAM_NAME_MOST, TeamNameError, checked_team_name, team_seed
from .store import Store, StoreError

STORE_VARIABLE = "WARGAME_CLASS_STORE"
TEAMS_VARIABLE = "WARGAME_CLASS_TEAMS"
INSTRUCTORS_VARIABLE = "WARGAME_CLASS_INSTRUCTORS"
DEFAULT_INSTRUCTORS = "instructors"
SERVICE_NAME = "wargame-class"
# A lease asked for over the API is kept between these (a page renews it every few seconds).
LEASE_LEAST_S, LEASE_MOST_S = 5.0, 600.0
# The longest save the service takes (a 24-turn campaign's whole save is about 9 kB).
MOST_BODY_BYTES = 4 * 1024 * 1024
GROUPS_CACHE_S = 30.0
STORE_THREADS = 8


class Refused(Exception):
    """A request the rules refuse: its HTTP status and the sentence the caller reads."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


# --- who may do what ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Identity:
    """A signed-in hub user as the service sees them: their name, team and role."""

    user: str
    team: str | None  # None when their hub name cannot be a team name and the team file has none
    instructor: bool
    team_problem: str = ""  # why ``team`` is None


def identity_for(model: Mapping, instructors_group: str = DEFAULT_INSTRUCTORS, teams: Mapping[str, str] | None = None) -> Identity:
    """The identity of the hub user ``model`` (the hub's user model: ``name`` and ``groups``)."""
    user = str(model["name"])
    instructor = instructors_group in (model.get("groups") or ())
    named = (teams or {}).get(user, user)
    try:
        return Identity(user, checked_team_name(named), instructor)
    except TeamNameError as error:
        return Identity(user, None, instructor, f"Your hub name {user!r} cannot be a team name ({error}) Ask your instructor to give you a team in the class's team file.")


def check_may_play(identity: Identity, team: str) -> None:
    """Refused (403) unless ``team`` is the user's own team: joining, holding and writing turns."""
    if identity.team is None:
        raise Refused(403, identity.team_problem)
    if team != identity.team:
        raise Refused(
            403,
            f"You are signed in as {identity.user}, whose team is {identity.team}: "
            f"you may play only your own team's game, not {team}'s.",
        )


def check_may_read(identity: Identity, team: str) -> None:
    """Refused (403) unless the team is the user's own, or the user is an instructor."""
    if identity.instructor:
        return
    if identity.team is None:
        raise Refused(403, identity.team_problem)
    if team != identity.team:
        raise Refused(
            403,
            f"You are signed in as {identity.user}, whose team is {identity.team}: "
            f"you may read only your own team's game, not {team}'s.",
        )


def check_instructor(identity: Identity, what: str, group: str = DEFAULT_INSTRUCTORS) -> None:
    """Refused (403) unless the user is in the instructors group."""
    if not identity.instructor:
        raise Refused(403, f"Only the class's instructors (the hub group {group}) may {what}; {identity.user} is not one of them.")


def load_team_file(path: str | os.PathLike) -> dict[str, str]:
    """The class's team file: hub name to team name (YAML or JSON), every team name checked."""
    text = Path(path).read_text(encoding="utf-8")
    data = yaml.safe_load(text) or {}
    if not isinstance(data, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in data.items()):
        raise ValueError(f"{path}: the team file maps hub names to team names, one 'name: team' a line.")
    teams = {}
    for user, team in data.items():
        try:
            teams[user] = checked_team_name(team)
        except TeamNameError as error:
            raise ValueError(f"{path}: the team of {user!r}: {error}") from None
    return teams


def checked_turn_save(text: str, turn: int, scenario: str, seed: int, mode: str) -> None:
    """A turn's save as it arrives over the API: ``savefile``'s checks, then that it is a game of
    this session (scenario, the team's seed, mode) with exactly ``turn`` turns' orders."""
    saved = savefile.parse_save(text, "the turn's save")
    if saved.scenario.name != scenario or saved.seed != seed or saved.mode != mode:
        raise savefile.SaveFileError(
            f"the turn's save is a game of {saved.scenario.name} with seed {saved.seed} ({saved.mode}), "
            f"not this team's game of {scenario} with seed {seed} ({mode})."
        )
    if len(saved.orders) != turn:
        raise savefile.SaveFileError(f"the turn's save holds {len(saved.orders)} turns' orders, not {turn}.")


# --- the service's state -----------------------------------------------------------------------


Identify = Callable[[web.RequestHandler], Awaitable[Mapping | None]]


@dataclass
class ClassService:
    """What every request handler shares: the store, how callers are identified, the rules' data."""

    store: Store
    identify: Identify
    instructors_group: str = DEFAULT_INSTRUCTORS
    teams: Mapping[str, str] | None = None
    executor: ThreadPoolExecutor | None = None

    def __post_init__(self):
        self.executor = self.executor or ThreadPoolExecutor(STORE_THREADS, thread_name_prefix="wargame-store")

    async def run(self, work, *args, **kwargs):
        """Run a store call in the service's threads (the store is synchronous; the loop is not)."""
        return await asyncio.get_running_loop().run_in_executor(self.executor, lambda: work(*args, **kwargs))


class ApiHandler(web.RequestHandler):
    """A JSON endpoint: identifies the caller first; every error is ``{"error": sentence}``."""

    def initialize(self, service: ClassService):
        self.service = service
        self.identity: Identity | None = None

    async def prepare(self):
        self.set_header("Content-Type", "application/json")
        self.set_header("Cache-Control", "no-store")
        model = await self.service.identify(self)
        if not model:
            raise Refused(401, "Sign in through the hub: this API takes a hub token (Authorization: token ...).")
        if model.get("kind", "user") != "user":
            raise Refused(403, f"The class service serves hub users, not the {model.get('kind')} {model.get('name')}.")
        self.identity = identity_for(model, self.service.instructors_group, self.service.teams)

    def check_xsrf_cookie(self):
        """Token-authenticated JSON only: no cookies are read, so no cross-site form can act."""

    def send_error(self, status_code: int = 500, **kwargs):
        """The status and sentence of what went wrong: refused by the rules, a bad request (400),
        the store refusing (409, e.g. a closed session), or the service's own failure (500)."""
        error = kwargs.get("exc_info", (None, None, None))[1]
        if isinstance(error, Refused):
            status_code, message = error.status, error.message
        elif isinstance(error, web.HTTPError):
            status_code, message = error.status_code, error.log_message or error.reason or "That request is not one this service takes."
        elif isinstance(error, ValueError):  # TeamNameError, SaveFileError, an event the scenario refuses
            status_code, message = 400, str(error)
        elif isinstance(error, StoreError):
            status_code, message = 409, str(error)
        else:
            message = "The class service failed on this request; its log says why."
        self._error_message = message
        super().send_error(status_code, **kwargs)

    def log_exception(self, typ, value, tb):
        """A refusal or a bad request is one line of the log; a failure keeps its traceback."""
        if isinstance(value, (Refused, ValueError, StoreError)):
            gen_log.warning("%s %s refused: %s", self.request.method, self.request.path, value)
        else:
            super().log_exception(typ, value, tb)

    def write_error(self, status_code: int, **kwargs):
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps({"error": getattr(self, "_error_message", None) or self._reason}))

    def body(self) -> dict:
        try:
            data = json.loads(self.request.body or b"{}")
        except ValueError:
            raise Refused(400, "The request's body is not JSON.") from None
        if not isinstance(data, dict):
            raise Refused(400, "The request's body is a JSON object.")
        return data

    def reply(self, data, status: int = 200) -> None:
        self.set_status(status)
        self.finish(json.dumps(data, allow_nan=False))

    def instructor_only(self, what: str) -> None:
        check_instructor(self.identity, what, self.service.instructors_group)


class MeHandler(ApiHandler):
    async def get(self):
        self.reply({"user": self.identity.user, "team": self.identity.team, "instructor": self.identity.instructor, "problem": self.identity.team_problem})


class SessionHandler(ApiHandler):
    async def get(self):
        self.reply(asdict(await self.service.run(self.service.store.session)))


class SessionActionHandler(ApiHandler):
    async def post(self, action: str):
        if action == "close":
            self.instructor_only("close the session")
            await self.service.run(self.service.store.close)
        else:
            self.instructor_only("reopen the session")
            await self.service.run(self.service.store.reopen)
        self.reply(asdict(await self.service.run(self.service.store.session)))


class TeamsHandler(ApiHandler):
    async def get(self):
        self.instructor_only("list every team")
        self.reply([asdict(row) for row in await self.service.run(self.service.store.teams)])


class TableHandler(ApiHandler):
    async def get(self):
        """Every team with the console's figures (the console's ``team_table``), as records."""
        from .console import team_table

        self.instructor_only("read every team's figures")
        table = await self.service.run(team_table, self.service.store)
        records = json.loads(table.reset_index().to_json(orient="records"))
        self.reply(records)


class SavesHandler(ApiHandler):
    async def get(self):
        self.instructor_only("read every team's game")
        self.reply(await self.service.run(self.service.store.last_saves))


class TeamHandler(ApiHandler):
    async def get(self, team: str):
        check_may_read(self.identity, team)
        row = await self.service.run(self.service.store.team, team)
        if row is None:
            raise Refused(404, f"There is no team called {team} in this session yet.")
        self.reply(asdict(row))

    async def put(self, team: str):
        """Add the team (the caller's own), or the team as stored if it exists."""
        check_may_play(self.identity, team)
        self.reply(asdict(await self.service.run(self.service.store.add_team, team)))


class ClaimHandler(ApiHandler):
    async def post(self, team: str, action: str):
        check_may_play(self.identity, team)
        data = self.body()
        holder = data.get("holder")
        if not isinstance(holder, str) or not 1 <= len(holder) <= 200:
            raise Refused(400, "A claim names its page: holder is text of 1 to 200 characters.")
        if action == "release":
            await self.service.run(self.service.store.release, team, holder)
            self.reply({})
            return
        lease_s = data.get("lease_s")
        if isinstance(lease_s, bool) or not isinstance(lease_s, (int, float)):
            raise Refused(400, "A claim says for how long: lease_s is a number of seconds.")
        lease_s = min(max(float(lease_s), LEASE_LEAST_S), LEASE_MOST_S)
        if await self.service.run(self.service.store.team, team) is None:
            raise Refused(404, f"There is no team called {team} in this session yet: join first.")
        row = await self.service.run(self.service.store.claim, team, holder, lease_s, take_over=bool(data.get("take_over")))
        self.reply(asdict(row))


class TurnsHandler(ApiHandler):
    async def get(self, team: str):
        """The team's last stored turn and its save (null before its first turn)."""
        check_may_read(self.identity, team)
        store = self.service.store
        turn = await self.service.run(store.last_turn, team)
        text = await self.service.run(store.last_save_text, team)
        self.reply({"turn": turn, "save": text})

    async def post(self, team: str):
        """Store the team's next turn: ``{"turn": n, "save": {...}, "holder": "..."}``."""
        check_may_play(self.identity, team)
        data = self.body()
        turn, save, holder = data.get("turn"), data.get("save"), data.get("holder")
        if isinstance(turn, bool) or not isinstance(turn, int) or turn < 1:
            raise Refused(400, "A turn is stored with its number: turn is a whole number from 1.")
        if not isinstance(save, dict):
            raise Refused(400, "A turn is stored with the whole game's save: save is a save file's JSON object.")
        if holder is not None and not isinstance(holder, str):
            raise Refused(400, "holder is the page's text id.")
        store = self.service.store
        info = await self.service.run(store.session)
        row = await self.service.run(store.team, team)
        if row is None:
            raise Refused(404, f"There is no team called {team} in this session yet: join first.")
        checked_turn_save(json.dumps(save), turn, info.scenario, team_seed(info.seed, row.number), info.mode)
        await self.service.run(store.write_turn, team, turn, save, holder=holder)
        self.reply({"turn": turn}, status=201)


class EventsHandler(ApiHandler):
    async def get(self):
        after = self.get_argument("after", "0")
        if not after.isdigit():
            raise Refused(400, "after is the id of the last event read, a whole number.")
        events = await self.service.run(self.service.store.events, after=int(after))
        self.reply([asdict(event) for event in events])

    async def post(self):
        """Inject a White Cell event, checked against the scenario as the console checks it."""
        from .console import inject

        self.instructor_only("inject a White Cell event")
        event = self.body().get("event")
        if not isinstance(event, dict):
            raise Refused(400, "An injected event is a scenario event's JSON object: event is missing.")
        number = await self.service.run(inject, self.service.store, event)
        self.reply({"id": number}, status=201)


TEAM = r"([^/]{1,%d})" % (TEAM_NAME_MOST * 3)


def make_app(service: ClassService, prefix: str = "/") -> web.Application:
    """The service's Tornado application, its routes under ``prefix`` (the hub's service prefix)."""
    api = prefix.rstrip("/") + "/api"
    handlers = [
        (f"{api}/me", MeHandler),
        (f"{api}/session", SessionHandler),
        (f"{api}/session/(close|reopen)", SessionActionHandler),
        (f"{api}/teams", TeamsHandler),
        (f"{api}/table", TableHandler),
        (f"{api}/saves", SavesHandler),
        (f"{api}/teams/{TEAM}", TeamHandler),
        (f"{api}/teams/{TEAM}/(claim|release)", ClaimHandler),
        (f"{api}/teams/{TEAM}/turns", TurnsHandler),
        (f"{api}/events", EventsHandler),
    ]
    return web.Application([(path, handler, {"service": service}) for path, handler in handlers])


# --- identifying callers through the hub -------------------------------------------------------


class HubIdentify:
    """Identify a caller with JupyterHub: their token (``HubAuth``), then their groups.

    The hub checks the token and its scopes (it must carry ``access:services!service=NAME``, as
    a kernel's ``JUPYTERHUB_API_TOKEN`` does once the hub's ``Spawner.server_token_scopes``
    include it; deploy/jupyterhub/ sets that up). A kernel's token does not carry the scope to
    read its user's groups, so the service asks the hub with its own token (its role needs
    ``read:users:groups``), and remembers the answer for ``GROUPS_CACHE_S``.
    """

    def __init__(self, hub_auth=None):
        from jupyterhub.services.auth import HubAuth

        self.hub_auth = hub_auth or HubAuth()
        self._groups: dict[str, tuple[float, list[str]]] = {}

    async def __call__(self, handler: web.RequestHandler) -> Mapping | None:
        model = await self.hub_auth.get_user(handler, sync=False)
        if not model:
            return None
        if model.get("kind", "user") == "user" and not self.hub_auth.check_scopes(self.hub_auth.access_scopes, model):
            raise Refused(
                403,
                f"This token of {model['name']} does not give access to the class service "
                f"(it lacks {' or '.join(sorted(self.hub_auth.access_scopes))}): ask IT to add it to the hub's server_token_scopes.",
            )
        if "groups" not in model and model.get("kind", "user") == "user":
            model = {**model, "groups": await self.groups(model["name"])}
        return model

    async def groups(self, user: str) -> list[str]:
        cached = self._groups.get(user)
        if cached and time.monotonic() - cached[0] < GROUPS_CACHE_S:
            return cached[1]
        url = f"{self.hub_auth.api_url.rstrip('/')}/users/{quote(user, safe='')}"
        request = HTTPRequest(url, headers={"Authorization": f"token {self.hub_auth.api_token}"})
        try:
            response = await AsyncHTTPClient().fetch(request)
        except HTTPClientError as error:
            raise Refused(
                503 if error.code != 403 else 500,
                f"The class service could not read {user}'s groups from the hub ({error.code}): "
                "its role needs the scope read:users:groups.",
            ) from None
        groups = list(json.loads(response.body).get("groups") or [])
        self._groups[user] = (time.monotonic(), groups)
        return groups


def serve(
    folder: str, url: str | None, scenario: str, seed: int, teams_file: str | None = None, instructors_group: str | None = None,
    ip: str | None = None,
) -> None:
    """Run the service on the session in ``folder`` (its database on the PostgreSQL server ``url``,
    or the folder's SQLite file) until stopped, where the hub says (``JUPYTERHUB_SERVICE_URL``
    and ``JUPYTERHUB_SERVICE_PREFIX``); on the address ``ip`` when the URL's host is a name
    others use to reach it (``hub`` in Kubernetes: listen on 0.0.0.0)."""
    from tornado.ioloop import IOLoop

    store = Store.open_or_create(folder, scenario, seed, url=url)
    if store.session().status != "open":
        print("The session in the store is closed; an instructor reopens it through the console (or start a new session).")
    teams = load_team_file(teams_file) if teams_file else None
    service = ClassService(store, HubIdentify(), instructors_group or DEFAULT_INSTRUCTORS, teams)
    prefix = os.environ.get("JUPYTERHUB_SERVICE_PREFIX", "/")
    address = urlparse(os.environ.get("JUPYTERHUB_SERVICE_URL", "http://127.0.0.1:10101"))
    app = make_app(service, prefix)
    app.listen(address.port or 80, ip or address.hostname or "127.0.0.1", max_body_size=MOST_BODY_BYTES)
    print(f"The class service of {scenario} (seed {seed}) listens on {address.geturl()}{prefix}api/ ; instructors: the hub group {service.instructors_group}.", flush=True)
    loop = IOLoop.current()

    def stop(number, _frame):  # the hub stops its services with SIGINT, then SIGTERM
        print(f"The class service stops ({signal.Signals(number).name}).", flush=True)
        loop.add_callback(loop.stop)  # a Python signal handler runs between bytecodes: safe here

    # set whatever the hub's own start left them as (a hub started in the background ignores SIGINT)
    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    try:
        loop.start()
    finally:
        service.executor.shutdown(wait=True)
        store.dispose()
