"""The instructor's console of a live class session (``notebooks/instructors/13_live_console``).

``Console(folder, token)`` opens the session only with the instructor token that ``serve``
printed. It shows:

- a table of teams, refreshed as turns arrive (``team_table``): the team's code (to read
  out to a team that lost it: a page continues a team's game only with it), turn reached, money,
  infrastructure kept, the full cost account (what the raids cost the defence, interceptors
  fired plus damage, against what they cost the adversary), pars met and rank, all read from
  each team's stored game (``debrief.compare`` and the history, never recomputed here);
- the White Cell panel: an event for every team's next turn (a delivery, an import market
  closing, a one-off grant, a new per-turn budget, a raid surge), checked as the game checks
  it before it is stored;
- "Close the session": no more turns are stored; ``11_class_debrief`` then loads the session
  from the store (``load_stored_session``).
"""

from __future__ import annotations

import html
import os
import threading

import ipywidgets as widgets
import pandas as pd

from ..game import Game, injected_event
from ..orders import money
from ..scenario import load_scenario
from .debrief import compare
from .session import shown_code
from .store import Store, StoreError, load_stored_session, stored_games  # noqa: F401  (the debrief's, from here too)

REFRESH_S = 3.0


class ConsoleRefused(PermissionError):
    """The console was opened without the session's instructor token."""


def open_as_instructor(folder: str | os.PathLike, token: str, url: str | None = None) -> Store:
    """The session in ``folder`` (``url``: the way to its server, as for ``Store.open``), if ``token`` is its instructor token."""
    store = Store.open(folder, url=url)
    if not store.instructor_token_matches(token):
        raise ConsoleRefused(
            "This is not the instructor token of this session: use the token printed by "
            "python -m wargame.classroom serve when it started (a new one is printed at each start)."
        )
    return store


def _full_account(game: Game) -> dict:
    history = game.history
    defended = float(history["defender_cost_usd"].sum()) if "defender_cost_usd" in history else 0.0
    raids = float(history["raid_cost_usd"].sum()) if "raid_cost_usd" in history else 0.0
    return {"defender_cost_usd": defended, "full_exchange_ratio": defended / raids if raids > 0 else float("nan")}


def team_table(store: Store) -> pd.DataFrame:
    """One row per team that has played: turn reached, money, infrastructure kept, the full
    cost account, pars met and rank; teams that joined but have not played yet at the end."""
    games = list(stored_games(store))
    columns = ["turns_played", "money_end_usd", "infrastructure_preserved_pct", "defender_cost_usd", "full_exchange_ratio", "pars_met", "pars_set", "rank"]
    rows = pd.DataFrame(columns=columns)
    if games:
        ranked = compare(games)
        account = pd.DataFrame({team: _full_account(game) for team, game in games}).T
        rows = ranked.drop(columns=[c for c in account.columns if c in ranked.columns]).join(account)
        rows["turns_played"] = pd.Series({team: len(game.reports) for team, game in games})  # by name: compare sorts by rank
        rows = rows[columns]
    teams = store.teams()
    for team in teams:
        if team.name not in rows.index:  # joined, not played yet
            rows.loc[team.name, "turns_played"] = 0
    # what a team types to continue on another page, for a team that has lost it (none under a hub)
    rows["code"] = pd.Series({team.name: team.code for team in teams}, dtype=object)
    rows.index.name = "team"
    return rows


def table_html(table: pd.DataFrame, turns: int) -> str:
    """The team table for people: names escaped, money in the kit's format, no 'nan'."""

    def cell(value, kind: str) -> str:
        if value is None or (isinstance(value, float) and value != value):
            return "–"
        if kind == "money":
            return money(float(value))
        if kind == "pct":
            return f"{float(value):.0f}%"
        if kind == "ratio":
            return f"{float(value):.1f} : 1"
        return f"{int(value)}" if float(value).is_integer() else f"{float(value):.1f}"

    head = ["Team", "Team code", "Turn reached", "Money", "Infrastructure kept", "Raids cost the defence", "Full exchange ratio", "Pars met", "Rank"]
    body = []
    for team, row in table.iterrows():
        played = int(row["turns_played"] or 0)
        pars = "–" if pd.isna(row.get("pars_set")) else f"{cell(row['pars_met'], 'n')} of {cell(row['pars_set'], 'n')}"
        body.append(
            "<tr>"
            f"<td>{html.escape(str(team))}</td><td>{shown_code(row['code']) if isinstance(row.get('code'), str) else '–'}</td>"
            f"<td>{played} of {turns}</td>"
            f"<td>{cell(row['money_end_usd'], 'money')}</td><td>{cell(row['infrastructure_preserved_pct'], 'pct')}</td>"
            f"<td>{cell(row['defender_cost_usd'], 'money')}</td><td>{cell(row['full_exchange_ratio'], 'ratio')}</td>"
            f"<td>{pars}</td><td>{cell(row['rank'], 'n')}</td>"
            "</tr>"
        )
    if not body:
        body = [f"<tr><td colspan='{len(head)}'>No team has joined yet.</td></tr>"]
    header = "".join(f"<th style='text-align:left;padding:2px 8px'>{h}</th>" for h in head)
    return f"<table class='wargame-console-teams'><tr>{header}</tr>{''.join(body)}</table>"


EVENT_KINDS = {
    "A delivery of interceptors": "delivery",
    "An import market closes": "import_market",
    "A one-off grant": "funding",
    "A new per-turn budget (a cut or a rise)": "budget",
    "A raid surge": "raid_surge",
}


def white_cell_event(kind: str, scenario, what: str | None, amount: float, text: str) -> dict:
    """The scenario event a White Cell choice stands for (checked later by ``Game.inject``)."""
    text = text.strip()
    known = scenario.adversary.threats if kind == "raid_surge" else scenario.catalogue
    if kind in ("delivery", "import_market", "raid_surge") and what not in known:
        raise ValueError(f"Choose what the event is about (one of: {', '.join(known)}), not {what!r}.")
    if kind == "delivery":
        return {"type": "delivery", "item": what, "units": amount, "text": text or f"White Cell: {amount:,.0f} {scenario.catalogue[what].name} delivered."}
    if kind == "import_market":
        return {"type": "import_market", "item": what, "available_units_per_turn": amount, "text": text or f"White Cell: the import market for {scenario.catalogue[what].name} now sells {amount:,.0f} a turn."}
    if kind == "funding":
        return {"type": "funding", "grant_usd": {"value": amount}, "text": text or f"White Cell: a one-off grant of {money(amount)}."}
    if kind == "budget":
        return {"type": "funding", "grant_usd": {"value": 0.0}, "per_turn_usd": {"value": amount}, "text": text or f"White Cell: the budget is now {money(amount)} a turn."}
    if kind == "raid_surge":
        return {"type": "raid_surge", "threat": what, "multiplier": amount, "text": text or f"White Cell: the adversary surges its {scenario.adversary.threats[what].name} launches ×{amount:g} this turn."}
    raise ValueError(f"Unknown kind of event {kind!r} (allowed: {', '.join(EVENT_KINDS.values())}).")


def inject(store: Store, event: dict) -> int:
    """Check the event against the session's scenario as a game will, then store it for all teams."""
    if not store.is_open():
        raise StoreError("The session is closed: no event can be injected.")
    scenario = load_scenario(store.session().scenario)
    injected_event(event, 1, scenario)  # ValueError naming what is wrong, before anything is stored
    return store.inject(event)


class Console(widgets.VBox):
    """The instructor's console on the session in ``folder`` (needs the instructor token), or on
    a store given as ``store`` (under a hub: ``hub_client.RemoteStore``, the hub decides who is
    an instructor)."""

    def __init__(
        self, folder: str | os.PathLike | None = None, token: str | None = None, refresh_s: float = REFRESH_S, url: str | None = None,
        store=None, **kwargs,
    ):
        super().__init__(**kwargs)
        self.store = store if store is not None else open_as_instructor(folder, token, url=url)
        info = self.store.session()
        self.scenario = load_scenario(info.scenario)
        self.title = widgets.HTML()
        self.teams = widgets.HTML()
        self.refresh_button = widgets.Button(description="Refresh", icon="refresh")
        self.refresh_button.on_click(lambda _b: self.refresh())
        # White Cell
        self.kind = widgets.Dropdown(options=list(EVENT_KINDS.items()), description="Event:")
        self.what = widgets.Dropdown(description="Of:")
        self.amount = widgets.FloatText(description="Amount:", value=0.0)
        self.text = widgets.Text(description="News:", placeholder="what students read (optional)")
        self.inject_button = widgets.Button(
            description="Inject for every team's next turn", button_style="warning", icon="bolt",
            layout=widgets.Layout(width="auto"),  # the default width cuts this label off
        )
        self.white_cell_message = widgets.HTML()
        self.kind.observe(lambda _c: self._kind_changed(), names="value")
        self.inject_button.on_click(lambda _b: self.inject())
        self._kind_changed()
        # closing
        self.close_button = widgets.Button(
            description="Close the session", button_style="danger", icon="stop", layout=widgets.Layout(width="auto")
        )
        self.close_message = widgets.HTML()
        self.close_button.on_click(lambda _b: self.close_session())
        # Refreshes at each tick of a timer in the browser (a Play widget: ▶ starts it, ⏸ pauses).
        self.ticker = widgets.Play(interval=int(refresh_s * 1000), min=0, max=10**9, repeat=True, playing=False, show_repeat=False)
        self.ticker.observe(lambda _c: self.refresh(), names="value")
        # A Play widget starts only when ``playing`` changes while it is shown: once it is.
        starter = threading.Timer(2.0, lambda: setattr(self.ticker, "playing", True))
        starter.daemon = True
        starter.start()
        self.children = [
            self.title,
            widgets.HTML("<h4>Teams</h4>"),
            self.teams,
            widgets.HBox([self.refresh_button, widgets.Label("Live refresh:"), self.ticker]),
            widgets.HTML("<h4>White Cell: an event in every team's next turn</h4>"),
            self.kind, self.what, self.amount, self.text, widgets.HBox([self.inject_button]), self.white_cell_message,
            widgets.HTML("<h4>End of class</h4>"),
            widgets.HBox([self.close_button]), self.close_message,
        ]
        self.refresh()

    def _kind_changed(self) -> None:
        kind = self.kind.value
        if kind in ("delivery", "import_market"):
            self.what.options = [(item.name, key) for key, item in self.scenario.catalogue.items()]
            self.what.value = next(iter(self.scenario.catalogue))
            self.what.layout.display = None
        elif kind == "raid_surge":
            self.what.options = [(threat.name, key) for key, threat in self.scenario.adversary.threats.items()]
            self.what.value = next(iter(self.scenario.adversary.threats))
            self.what.layout.display = None
        else:
            self.what.options = []
            self.what.layout.display = "none"
        self.amount.description = {"delivery": "Units:", "import_market": "Units/turn:", "raid_surge": "Multiplier:"}.get(kind, "USD:")

    def refresh(self) -> None:
        info = self.store.session()
        self.title.value = (
            f"<h3 style='margin:4px 0'>Class session: {html.escape(self.scenario.title)}</h3>"
            f"<p>Seed {info.seed}; the session is <b>{info.status}</b>; {len(self.store.events())} White Cell events so far.</p>"
        )
        self.teams.value = table_html(team_table(self.store), self.scenario.turns)

    def inject(self) -> int | None:
        try:
            event = white_cell_event(self.kind.value, self.scenario, self.what.value, float(self.amount.value), self.text.value)
            number = inject(self.store, event)
        except (ValueError, StoreError) as error:
            self.white_cell_message.value = f"<p style='color:#b00020'>{html.escape(str(error))}</p>"
            return None
        self.white_cell_message.value = (
            f"<p>Event {number} stored: every team reads it as news and it acts on their next turn: {html.escape(event['text'])}</p>"
        )
        self.refresh()
        return number

    def close_session(self) -> None:
        """Close the session: no more turns are stored; the debrief can load it."""
        self.store.close()
        self.ticker.playing = False
        if self.store.folder is None:  # the hub's class service: the games come out as save files
            how = (
                "Export the games with <code>live.store.export(\"class-saves\")</code> and debrief them in "
                "11_class_debrief with <code>classroom.load_session(\"class-saves\")</code>."
            )
        else:
            how = f"Debrief it in 11_class_debrief with <code>classroom.load_stored_session({html.escape(repr(str(self.store.folder)))})</code>."
        self.close_message.value = f"<p>The session is closed: no more turns are stored. {how}</p>"
        self.refresh()


def demo_session(folder: str | os.PathLike, token: str, teams: int = 3, turns: int = 2, url: str | None = None) -> Store:
    """A small played session (for trying the console without a class): ``teams`` teams, ``turns`` turns each
    (``url``: on that PostgreSQL server rather than in an SQLite file)."""
    from .session import TeamGame

    store = Store.create(folder, "tutorial", seed=1, url=url)
    store.set_instructor_token(token)
    for number in range(1, teams + 1):
        team = TeamGame.join(store, f"Team {number}")
        for _ in range(turns):
            team.play_turn()
        team.leave()
    return store
