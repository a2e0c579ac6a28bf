"""One game: the bookkeeping around the rules.

``Game`` validates orders, plays turns, keeps the history and undoes. The rules themselves
live in ``wargame.rules`` and are composed by ``wargame.turn.resolve_turn``; this module never
adjudicates anything. Save files (writing, reading, checking) live in ``wargame.savefile``;
``Game.save`` and ``Game.load`` call it.

A turn is all or nothing: everything the turn computes (the rules, the report, its lessons,
its history row) is ready before the game takes it in, and any failure on the way leaves the
game as it was, random stream included.
"""

from __future__ import annotations

import html
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from . import savefile
from .format import money, number, ratio
from .orders import (
    Orders,
    carry_forward,
    OrdersError,
    checked_orders,
    default_orders,
    order_problems,
    orders_to_arrays,
    problems_for_game,
    quoted,
)
from .rules.draws import make_draws
from .observe import PlayerView, player_view  # re-exported: the view lives with the observer
from .rules.economy import order_costs
from .rules.record import Event
from .savefile import MODES, SAVE_FORMAT, SAVE_VERSION, SaveFileError  # noqa: F401  (importable from here as before)
from .scenario import Scenario, load_scenario
from .seeds import checked_seed
from .state import State, initial_state
from .tables import Tables, tables_for


class GameOver(RuntimeError):
    """Raised when a turn is played after the last one."""


# The kinds of scenario event a White Cell may inject (a capability changes the kill chain
# through the scenario's own dated list, so it is not one of them).
INJECTABLE = ("delivery", "funding", "import_market", "raid_surge", "jamming", "legal_regime")


def injected_event(event, turn: int, scenario: Scenario):
    """A White Cell's event as a checked scenario event dated ``turn``; ``ValueError`` if not one.

    Only what a scenario's own event may hold is accepted (the schema), and its item or threat
    must be one of the scenario's.
    """
    from pydantic import TypeAdapter, ValidationError

    from .scenario.schema import Event

    data = event.model_dump(mode="json") if hasattr(event, "model_dump") else event
    if not isinstance(data, dict):
        raise ValueError(f"An injected event is a scenario event (a mapping with a type), not {quoted(data)}.")
    if data.get("type") not in INJECTABLE:
        raise ValueError(
            f"This event cannot be injected: its type is {quoted(data.get('type'))} (allowed: {', '.join(INJECTABLE)})."
        )
    data = {**data, "turn": turn, "slip": None}
    try:
        checked = TypeAdapter(Event).validate_python(data)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise ValueError(f"This event cannot be injected: {where}: {first['msg']}.") from None
    item = getattr(checked, "item", None)
    if item is not None and item not in scenario.catalogue:
        raise ValueError(f"This event cannot be injected: the scenario has no item {quoted(item)} (it has: {', '.join(scenario.catalogue)}).")
    threat = getattr(checked, "threat", None)
    if threat is not None and threat not in scenario.adversary.threats:
        raise ValueError(
            f"This event cannot be injected: the scenario has no threat {quoted(threat)} (it has: {', '.join(scenario.adversary.threats)})."
        )
    return checked


@dataclass
class TurnReport:
    """What one turn did: its metrics, its events, and (from the lessons) what it taught."""

    turn: int
    orders: Orders
    metrics: dict[str, float]
    events: list[Event]
    scenario: Scenario
    lessons: list = field(default_factory=list)
    mode: str = "stochastic"

    KEY_FIGURES = (
        ("raid_size_units", "Raid (drones and missiles)", number),
        ("raid_cost_usd", "Cost of the raid to the adversary", money),
        ("downed_units", "Downed", number),
        ("leaked_units", "Got through", number),
        ("interceptor_spend_usd", "Interceptors fired, at cost", money),
        ("cost_exchange_ratio", "Cost-exchange ratio (your spend : raid cost)", ratio),
        ("damage_usd", "Damage", money),
        ("spend_total_usd", "Spent on orders", money),
        ("money_end_usd", "Money for next turn", money),
    )

    def __repr__(self) -> str:
        lines = [f"Turn {self.turn} of {self.scenario.turns}: {self.scenario.title}"]
        lines += [f"  {label}: {fmt(self.metrics[key])}" for key, label, fmt in self.KEY_FIGURES if key in self.metrics]
        lines += [f"  event: {e.inputs.get('text')}" for e in self.events if e.step == "events"]
        return "\n".join(lines)

    def explain(self, metric: str) -> str:
        """How a figure of this turn was adjudicated, in words, from the recorded events."""
        from .lessons.explain import explain
        from .tables import tables_for

        return explain(self, tables_for(self.scenario), metric)

    def _repr_html_(self) -> str:
        lessons = "".join(getattr(lesson, "_repr_html_", lambda: html.escape(str(lesson)))() for lesson in self.lessons)
        return (
            f"<div class='wargame-turn-report'><h4>Turn {self.turn} of {self.scenario.turns}</h4>"
            + self.figures_html()
            + lessons
            + "</div>"
        )

    def figures_html(self) -> str:
        """The turn's key figures (a table) and its events (a list), without its lessons."""
        rows = "".join(
            f"<tr><th style='text-align:left'>{html.escape(label)}</th><td>{html.escape(fmt(self.metrics[key]))}</td></tr>"
            for key, label, fmt in self.KEY_FIGURES
            if key in self.metrics
        )
        happened = "".join(
            f"<li>{html.escape(str(e.inputs.get('text')))}</li>" for e in self.events if e.step == "events"
        )
        return f"<table>{rows}</table>" + (f"<p>Events:</p><ul>{happened}</ul>" if happened else "")


def history_row(report: TurnReport) -> dict:
    """A turn's row of the history table: its number and its metrics."""
    return {"turn": report.turn, **report.metrics}


class _GameAfterTurn:
    """The game as a turn's lessons read it: the turn's new state and the reports of the turns
    before it. The turn is not yet part of the game while its lessons are computed."""

    def __init__(self, game: "Game", state: State):
        self._game = game
        self.state = state

    @property
    def turn(self) -> int:
        return self.state.turn

    @property
    def is_over(self) -> bool:
        return self.state.turn > self._game.scenario.turns

    def view(self) -> PlayerView:
        return player_view(self.state, self._game.tables)

    def __getattr__(self, name):
        return getattr(self._game, name)


class Game:
    """One game of a scenario, played turn by turn, with undo, history and save files."""

    order_notes: tuple[str, ...] = ()  # what ``orders()`` had to lower, in a student's words

    def __init__(self, scenario: Scenario | str | os.PathLike, seed: int = 0, mode: str = "stochastic"):
        if mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}, not {quoted(mode)}")
        self.seed = checked_seed(seed)
        self.scenario = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
        self.mode = mode
        self.tables = tables_for(self.scenario)
        self._draws = make_draws(mode, [self.seed], self.tables.draw_columns)
        # one entry per turn played (plus the start for states and random states), kept in step
        self._states: list[State] = [initial_state(self.tables, 1)]
        self._random_states: list = [self._random_state()]
        self._reports: list[TurnReport] = []
        self._history_rows: list[dict] = []
        # events injected by a White Cell: those taken in by each turn played, and the next turn's
        self._injected: list[tuple] = []
        self._pending: list = []

    def _random_state(self):
        return self._draws.state() if hasattr(self._draws, "state") else None

    # --- what the player sees ----------------------------------------------------------------

    @property
    def state(self) -> State:
        return self._states[-1]

    @property
    def turn(self) -> int:
        """The turn about to be played (1-based)."""
        return self.state.turn

    @property
    def is_over(self) -> bool:
        return self.state.turn > self.scenario.turns

    @property
    def reports(self) -> list[TurnReport]:
        return list(self._reports)

    def view(self) -> PlayerView:
        return player_view(self.state, self.tables)

    def orders(self) -> Orders:
        """Orders to edit for this turn: the scenario's defaults at the start, then last turn's
        standing orders (production, doctrine, strikes, autonomy, development cycle) with the
        one-off ones (capacity, joint capacity, imports, training) back to zero.

        A standing order the turn can no longer carry out is lowered to what it allows; each
        such change is explained in ``order_notes`` ("Interceptor drone production lowered
        from 300 to 297: damage cut your lines.").
        """
        if not self._reports:
            self.order_notes = ()
            return default_orders(self.tables)
        orders, notes = carry_forward(self._reports[-1].orders, self.state, self.tables)
        self.order_notes = tuple(notes)
        return orders

    def check(self, orders: Orders | None = None) -> list[str]:
        """Every reason these orders cannot be played now, in a student's words (empty if fine).

        Any value in any field gives sentences, never an exception: a word, None, NaN, a
        number of 400 digits, a doctrine written as text, a strike plan written as a list.
        """
        try:
            _, arrays = checked_orders(self.orders() if orders is None else orders, self.tables)
        except OrdersError as error:
            return error.problems
        return problems_for_game(order_problems(self.state, arrays, self.tables))

    def costs(self, orders: Orders) -> dict[str, float]:
        """What the orders would cost now, by category (production, capacity, imports, ...)."""
        arrays = orders_to_arrays(orders, self.tables)
        return {category: float(cost[0]) for category, cost in order_costs(self.state, arrays, self.tables).items()}

    # --- events injected by a White Cell (a live class session) --------------------------------

    def inject(self, event) -> None:
        """Add an event to the next turn played, as if the scenario had it on that turn.

        ``event`` is a scenario event (``wargame.scenario.schema``) or its data as a dict; its
        ``turn`` is set to the next turn. The kinds a scenario allows are allowed (a delivery, an
        import market closing, a budget cut or grant, a raid surge, ...); an item or threat the
        scenario does not have is refused with a ``ValueError`` that names it. The event is
        recorded in the game, saved with it, and replayed on the same turn when it is loaded.
        """
        if self.is_over:
            raise GameOver(f"The game is over: all {self.scenario.turns} turns have been played.")
        self._pending.append(injected_event(event, self.turn, self.scenario))

    @property
    def pending_events(self) -> tuple:
        """Events injected into the next turn, not yet played."""
        return tuple(self._pending)

    @property
    def injected_events(self) -> tuple:
        """Every injected event of the turns played, in order (each carries its turn)."""
        return tuple(event for turn in self._injected for event in turn)

    # --- playing -------------------------------------------------------------------------------

    def play_turn(self, orders: Orders | None = None) -> TurnReport:
        """Adjudicate one turn with these orders; refused orders leave the game unchanged.

        The orders are kept as plain Python values (numpy numbers become ints and floats), so
        the game can always be saved. The turn is all or nothing: if anything fails once the
        rules have run (the report, the lessons, the history row), the game is left exactly
        as before the call, random stream included, and the error is raised.
        """
        from .turn import resolve_turn

        if self.is_over:
            raise GameOver(f"The game is over: all {self.scenario.turns} turns have been played.")
        orders, arrays = checked_orders(self.orders() if orders is None else orders, self.tables)
        if not orders.adaptation:  # hand-written Orders() leave the cycle to the scenario's default
            orders.adaptation = self.scenario.default_development_cycle
        problems = problems_for_game(order_problems(self.state, arrays, self.tables))
        if problems:
            raise OrdersError(problems)
        random_before = self._random_states[-1]
        try:
            injected = tuple(self._pending)
            state, record = resolve_turn(self.state, arrays, self.tables, self._draws, injected=injected)
            report = self._turn_report(orders, record)
            report.lessons = self._lessons(report, state)
            row = history_row(report)
            random_after = self._random_state()
        except BaseException:
            self._restore_random_state(random_before)
            raise
        self._states.append(state)
        self._random_states.append(random_after)
        self._reports.append(report)
        self._history_rows.append(row)
        self._injected.append(injected)
        self._pending = []
        return report

    def _turn_report(self, orders: Orders, record) -> TurnReport:
        """The report of the turn the rules just resolved (``record``), not yet committed."""
        return TurnReport(
            turn=self.state.turn,
            orders=orders,
            metrics={name: float(values[0]) for name, values in record.metrics.items()},
            events=[event.for_game(0) for event in record.events],
            scenario=self.scenario,
            mode=self.mode,
        )

    def _lessons(self, report: TurnReport, state: State) -> list:
        """The turn's lessons, from its metrics, events, its new state and the turns before."""
        from .lessons import lessons_for_turn

        return lessons_for_turn(_GameAfterTurn(self, state), report)

    def _restore_random_state(self, random_state) -> None:
        if random_state is not None:
            self._draws.set_state(random_state)

    def after_action_report(self):
        """The after-action report: displays in a notebook; ``.save(path)`` writes offline HTML."""
        from .report import after_action_report

        return after_action_report(self)

    def undo(self) -> None:
        """Take back the last turn played."""
        if not self._reports:
            raise ValueError("Nothing to undo: no turn has been played yet.")
        self._states.pop()
        self._random_states.pop()
        self._reports.pop()
        self._history_rows.pop()
        self._pending = list(self._injected.pop()) + self._pending  # they come again next turn
        self._restore_random_state(self._random_states[-1])

    @property
    def history(self) -> pd.DataFrame:
        """One row per turn played; columns are metrics named with their units."""
        if not self._history_rows:
            return pd.DataFrame(columns=["turn"]).set_index("turn")
        return pd.DataFrame(self._history_rows).set_index("turn")

    def __repr__(self) -> str:
        status = "over" if self.is_over else f"turn {self.turn} of {self.scenario.turns}"
        return f"<Game {self.scenario.name!r} seed={self.seed} mode={self.mode}: {status}>"

    # --- save files (see ``wargame.savefile``) -----------------------------------------------------

    def to_json(self) -> dict:
        """The save file's data: scenario identity, seed, mode and every turn's orders."""
        return savefile.save_data(self)

    def save(self, path: str | os.PathLike) -> Path:
        """Write the game as JSON: scenario identity, seed, mode and every turn's orders."""
        return savefile.write_save(self, path)

    @classmethod
    def load(cls, path: str | os.PathLike, scenario: Scenario | str | None = None) -> "Game":
        """Replay a saved game to the identical state; a damaged file gives a clear error."""
        return savefile.load_game(path, scenario=scenario, game_class=cls)

    @classmethod
    def from_json(
        cls, text: str, scenario: Scenario | str | None = None, source: str = "save file", folder: str | os.PathLike = "."
    ) -> "Game":
        """Replay a save from its JSON text; a scenario file it names is looked up in ``folder``."""
        return savefile.game_from_text(text, scenario=scenario, source=source, folder=folder, game_class=cls)
