"""The class session's store seen from a student's (or the instructor's) kernel under JupyterHub.

``RemoteStore`` has the methods of ``store.Store`` that the student app (``TeamGame``,
``ClassApp``) and the instructor's console call, and does each through the class service's API
(``hub_service``) with the kernel's own hub token (``JUPYTERHUB_API_TOKEN``): the kernel holds
no database location or credentials, and the service lets it reach only its own team's game
(instructors: every game). A refusal comes back as ``ServiceRefused`` (a ``StoreError``) with
the service's sentence, so the app shows it where it shows any store error.

Saves read through the API are replayed and checked by ``wargame.savefile`` here, as
``Store.game`` does with the database's; saves written are checked by the service.

Under a hub the kit's notebooks pick it when ``WARGAME_CLASS_SERVICE_URL`` (the service's
address, set for every user's server by the hub's configuration) and ``JUPYTERHUB_API_TOKEN``
are both set (``under_hub``).
"""

from __future__ import annotations

import json
import os
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from pathlib import Path
from urllib.parse import quote

from .. import savefile
from .store import InjectedEvent, SessionInfo, Store, StoreError, TeamRow

SERVICE_URL_VARIABLE = "WARGAME_CLASS_SERVICE_URL"
TOKEN_VARIABLE = "JUPYTERHUB_API_TOKEN"
TIMEOUT_S = 30.0


class ServiceRefused(StoreError):
    """The class service refused the request (not signed in, not this user's team, not an instructor)."""


def under_hub(environ: Mapping[str, str] | None = None) -> bool:
    """Whether this kernel runs under a hub that has the class service (both variables set)."""
    environ = os.environ if environ is None else environ
    return bool(environ.get(SERVICE_URL_VARIABLE)) and bool(environ.get(TOKEN_VARIABLE))


class RemoteStore:
    """The session's store through the class service: ``RemoteStore.from_environment()``."""

    folder = None  # no session folder here: class sessions play shipped scenarios

    # The class service lets a student reach only the team of their sign-in: no team codes.
    checks_team_codes = False

    def __init__(self, url: str, token: str, timeout: float = TIMEOUT_S):
        self.url = url.rstrip("/") + "/"
        self.token = token
        self.timeout = timeout

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None) -> "RemoteStore":
        environ = os.environ if environ is None else environ
        if not under_hub(environ):
            raise StoreError(
                f"This server is not set up for a class session through the hub: {SERVICE_URL_VARIABLE} and "
                f"{TOKEN_VARIABLE} must both be set (deploy/jupyterhub/ sets them for every user)."
            )
        return cls(environ[SERVICE_URL_VARIABLE], environ[TOKEN_VARIABLE])

    # --- the API -------------------------------------------------------------------------------

    def call(self, method: str, path: str, body: dict | None = None):
        """One request to the service; its JSON answer, or ``ServiceRefused``/``StoreError`` with its sentence."""
        data = None if body is None else json.dumps(body, allow_nan=False).encode()
        request = urllib.request.Request(
            self.url + "api/" + path, data=data, method=method,
            headers={"Authorization": f"token {self.token}", "Content-Type": "application/json", "Accept": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            message = _error_sentence(error)
            if error.code in (401, 403):
                raise ServiceRefused(message) from None
            if error.code == 404:
                raise LookupError(message) from None
            if error.code == 400:
                raise ValueError(message) from None
            raise StoreError(message) from None
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise StoreError(f"The class service at {self.url} cannot be reached ({reason}); try again in a moment.") from None

    @staticmethod
    def _team(name: str) -> str:
        return "teams/" + quote(name, safe="")

    def me(self) -> dict:
        """Who the service takes this kernel to be: ``user``, ``team``, ``instructor`` (and ``problem``)."""
        return self.call("GET", "me")

    # --- the session ---------------------------------------------------------------------------

    def session(self) -> SessionInfo:
        return SessionInfo(**self.call("GET", "session"))

    def is_open(self) -> bool:
        return self.session().status == "open"

    def close(self) -> None:
        self.call("POST", "session/close", {})

    def reopen(self) -> None:
        self.call("POST", "session/reopen", {})

    def dispose(self) -> None:
        """Nothing to let go of: every request is its own."""

    # --- teams ---------------------------------------------------------------------------------

    def teams(self) -> list[TeamRow]:
        return [TeamRow(**row) for row in self.call("GET", "teams")]

    def team(self, name: str) -> TeamRow | None:
        try:
            return TeamRow(**self.call("GET", self._team(name)))
        except LookupError:
            return None

    def add_team(self, name: str, code: str | None = None) -> TeamRow:
        """Add the team (``code`` is unused: the student's sign-in names the team)."""
        return TeamRow(**self.call("PUT", self._team(name), {}))

    def claim(self, name: str, holder: str, lease_s: float, take_over: bool = False, clock: Callable[[], float] = time.time) -> TeamRow:
        """As ``Store.claim``; the service's clock decides (``clock`` is not sent)."""
        return TeamRow(**self.call("POST", self._team(name) + "/claim", {"holder": holder, "lease_s": lease_s, "take_over": take_over}))

    def release(self, name: str, holder: str) -> None:
        self.call("POST", self._team(name) + "/release", {"holder": holder})

    # --- turns ---------------------------------------------------------------------------------

    def write_turn(self, team: str, turn: int, save: dict, holder: str | None = None) -> None:
        self.call("POST", self._team(team) + "/turns", {"turn": turn, "save": save, "holder": holder})

    def last_turn(self, team: str) -> int:
        return self.call("GET", self._team(team) + "/turns")["turn"]

    def last_save_text(self, team: str) -> str | None:
        return self.call("GET", self._team(team) + "/turns")["save"]

    def last_saves(self) -> dict[str, str]:
        return self.call("GET", "saves")

    def game(self, team: str, scenario=None):
        """The team's game replayed from its last stored turn, checked as a save file is."""
        from ..game import Game

        text = self.last_save_text(team)
        if text is None:
            return None
        return savefile.game_from_text(text, scenario=scenario, source=f"the class service's save of team {team!r}", folder=Path.cwd(), game_class=Game)

    def table(self) -> list[dict]:
        """Every team with the console's figures, as the service computes them (instructors)."""
        return self.call("GET", "table")

    # --- injected events -----------------------------------------------------------------------

    def inject(self, event: dict) -> int:
        return self.call("POST", "events", {"event": event})["id"]

    def events(self, after: int = 0) -> list[InjectedEvent]:
        return [InjectedEvent(**event) for event in self.call("GET", f"events?after={int(after)}")]

    def export(self, folder: str | os.PathLike) -> list[Path]:
        """Every team's last save as a file in ``folder`` for the debrief, as ``Store.export`` writes them."""
        return Store.export(self, folder)


def _error_sentence(error: urllib.error.HTTPError) -> str:
    try:
        return json.loads(error.read())["error"]
    except (ValueError, KeyError, TypeError, OSError):
        return f"The class service answered {error.code} {error.reason}."
