"""A live class session: teams join by name, one page holds a team's game, every turn is stored.

- ``checked_team_name`` says what a team name may be (plain text: letters, digits, spaces and
  ``- _ . '``, 1 to ``TEAM_NAME_MOST`` characters) and refuses anything else in a sentence.
  Messages hold names as plain text; whatever shows them escapes them (``html.escape``).
- ``TeamGame.join(store, name)`` gives a page the team's game: a new team starts a game on the
  session's scenario with its own seed (the session's seed plus the team's number minus one);
  a known team continues from its last stored turn, replayed from the stored save, so its
  random stream is the same as if nothing had happened.
- A team's code keeps its game its own: a new team gets one (``new_team_code``, six digits,
  shown on its page and in the instructor's console), and a page joins a team that exists
  already only with that code (to continue after a reload, on another computer, or to take
  over). Without it, a student could read (or play) another team's game by typing its name.
  Under a hub the student's sign-in names the team and the class service allows nothing else,
  so there are no codes (the store says so: ``checks_team_codes``).
- One page holds a team's game at a time: a lease in the store that the page renews
  (``heartbeat``, called at each tick of a timer in the page's browser, so a closed page stops
  renewing even when its kernel runs on). A second page gets ``TeamHeld`` with a message saying what to do; it takes
  the game over once the first page is gone (its lease ran out) or when the team confirms
  (``take_over=True``), and the first page is told at its next turn or heartbeat.
- ``TeamGame.play_turn`` plays the turn and stores the whole game in the same call: if the
  store refuses (the session closed, another page took over) or fails, the turn is taken back
  and the error says why, so the page never shows a turn the store does not hold.
- White Cell events (``Store.inject``) reach every team's next turn: before each turn (and at
  each heartbeat) the team's game takes in the session's events it has not seen yet.
"""

from __future__ import annotations

import re
import secrets
import threading
import uuid
from dataclasses import dataclass

from ..game import Game
from ..savefile import save_data
from .store import Store, StoreError

TEAM_NAME_MOST = 30
# A page renews its lease at every tick of its browser (``HEARTBEAT_S``); one that has not for
# ``LEASE_S`` is taken to be gone. Browsers slow the timers of a tab left in the background
# to about once a minute, so the lease outlasts that.
LEASE_S = 90.0
HEARTBEAT_S = 5.0
_ALLOWED = re.compile(r"^[\w .'\-]+$")
TEAM_CODE_DIGITS = 6


class TeamNameError(ValueError):
    """A team name that cannot be used, with what to change."""


class TeamHeld(RuntimeError):
    """The team's game is held by another live page."""


class TeamCodeNeeded(PermissionError):
    """The team exists already, and the page did not give its code."""


def new_team_code() -> str:
    """A fresh team code: six digits (not from the game's generator: it is no part of the game)."""
    return f"{secrets.randbelow(10**TEAM_CODE_DIGITS):0{TEAM_CODE_DIGITS}d}"


def shown_code(code: str) -> str:
    """A team code as students read it: two groups of three digits."""
    return f"{code[:3]} {code[3:]}"


def codes_match(typed, code: str) -> bool:
    """Whether what a student typed is the team's code (spaces and dashes ignored)."""
    if not isinstance(typed, str):
        return False
    return secrets.compare_digest(re.sub(r"[\s\-]", "", typed), code)


def checked_team_name(name) -> str:
    """The team name as stored (spaces trimmed and collapsed), or ``TeamNameError`` saying why."""
    if not isinstance(name, str):
        raise TeamNameError("A team name is text, for example Blue Team.")
    name = " ".join(name.split())
    if not name:
        raise TeamNameError("Type your team's name first, for example Blue Team.")
    if len(name) > TEAM_NAME_MOST:
        raise TeamNameError(f"A team name has at most {TEAM_NAME_MOST} characters; this one has {len(name)}. Choose a shorter name.")
    if not _ALLOWED.match(name):
        bad = " ".join(sorted({c for c in name if not _ALLOWED.match(c)}))
        raise TeamNameError(f"A team name may hold letters, digits, spaces and - _ . ' only; remove {bad}")
    return name


def _team_for_page(store: Store, name: str, code: str | None):
    """The team called ``name``: a new one (with a fresh code), or one that exists if ``code``
    is its code; ``TeamCodeNeeded`` otherwise. A team from before codes gets one now."""
    checks = store.checks_team_codes
    fresh = new_team_code() if checks else None
    team = store.team(name)
    if team is None:
        team = store.add_team(name, code=fresh)
        if team.code == fresh:  # this page added it (not another page at the same moment)
            return team
    if not checks:
        return team
    if team.code is None:
        store.set_team_code(name, fresh)
        return store.team(name)
    if not (code or "").strip():
        raise TeamCodeNeeded(
            f"A team called {name} has joined this session already. To continue its game here, type "
            "the team's code (it is on the team's page, and your instructor can read it out); "
            "if you are a new team, choose another name."
        )
    if not codes_match(code, team.code):
        raise TeamCodeNeeded(
            f"That is not the code of the team {name}. Check it on the team's page or ask your instructor; "
            "if you are a new team, choose another name."
        )
    return team


def team_seed(session_seed: int, number: int) -> int:
    """The seed of team ``number`` (1 for the first to join): each team has its own stream."""
    return int(session_seed) + number - 1


@dataclass
class News:
    """An injected event as a team reads it: its text, and the turn it acts on."""

    text: str
    turn: int


class TeamGame:
    """One team's game on one page, stored turn by turn. Use ``TeamGame.join``.

    It stands in for the ``Game`` in the dashboard: ``play_turn`` also stores the turn, and
    every other attribute is the game's.
    """

    def __init__(self, store: Store, team: str, game: Game, holder: str, lease_s: float, code: str | None = None):
        self.store = store
        self.team = team
        self.code = code  # the team's code, to show its players (none under a hub)
        self.game = game
        self.holder = holder
        self.lease_s = lease_s
        self.lost = False  # another page took the game over
        self._lock = threading.RLock()
        self._seen_events = self._events_in_game()

    # --- joining -------------------------------------------------------------------------------

    @classmethod
    def join(
        cls, store: Store, name: str, code: str | None = None, holder: str | None = None, take_over: bool = False,
        lease_s: float = LEASE_S,
    ) -> "TeamGame":
        """The team's game for this page (``code``: the team's code, for a team that exists);
        ``TeamNameError``, ``TeamCodeNeeded``, ``TeamHeld`` or ``StoreError`` say why not."""
        name = checked_team_name(name)
        info = store.session()
        if info.status != "open":
            raise StoreError("This class session is closed: the instructor has ended it. Thank you for playing!")
        holder = holder or uuid.uuid4().hex
        team = _team_for_page(store, name, code)
        claimed = store.claim(name, holder, lease_s, take_over=take_over)
        if claimed.holder != holder:
            raise TeamHeld(
                f"The team {name} is already playing on another page. If that page is closed, "
                f"wait {int(lease_s)} seconds and join again; if it is your team's and you want to continue here, "
                f"choose Take over (the other page stops)."
            )
        game = store.game(name) or Game(info.scenario, seed=team_seed(info.seed, team.number), mode=info.mode)
        team_game = cls(store, name, game, holder, lease_s, code=team.code)
        team_game.take_news()
        return team_game

    def _events_in_game(self) -> int:
        return len(self.game.injected_events) + len(self.game.pending_events)

    # --- what the dashboard calls --------------------------------------------------------------

    def __getattr__(self, name):
        return getattr(self.game, name)

    def take_news(self) -> list[News]:
        """Take in the session's events this game has not seen: they act on its next turn."""
        with self._lock:
            if self.game.is_over:
                return []
            fresh = self.store.events(after=0)[self._seen_events :]
            news = []
            for injected in fresh:
                self.game.inject(injected.event)
                self._seen_events += 1
                news.append(News(self.game.pending_events[-1].text, self.game.turn))
            return news

    def news(self) -> list[News]:
        """The events waiting for the next turn."""
        return [News(event.text, event.turn) for event in self.game.pending_events]

    def play_turn(self, orders=None):
        """Play the turn and store it at once; if it cannot be stored, it is taken back."""
        with self._lock:
            self._check_still_held()
            self.take_news()
            report = self.game.play_turn(orders)
            try:
                self.store.write_turn(self.team, report.turn, save_data(self.game, self.store.folder), holder=self.holder)
            except BaseException as error:
                self.game.undo()
                if isinstance(error, StoreError) and "taken over" in str(error):
                    self.lost = True
                raise
            self.store.claim(self.team, self.holder, self.lease_s)
            return report

    def undo(self) -> None:
        raise StoreError("In a class session a turn played is kept: it cannot be taken back.")

    def _check_still_held(self) -> None:
        row = self.store.team(self.team)
        if row is None or row.holder != self.holder:
            self.lost = True
            raise StoreError("Another page has taken over this team's game, so this page cannot play for it any more.")

    # --- holding the game ----------------------------------------------------------------------

    def heartbeat(self) -> bool:
        """Renew this page's lease; False (and ``lost``) if another page has taken the game over."""
        with self._lock:
            if self.lost:
                return False
            row = self.store.team(self.team)
            if row is None or row.holder != self.holder:
                self.lost = True
                return False
            self.store.claim(self.team, self.holder, self.lease_s)
            return True

    def leave(self) -> None:
        """Let go of the team's game (another page may take it at once)."""
        self.store.release(self.team, self.holder)
