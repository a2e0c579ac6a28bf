"""One game: the bookkeeping around the rules.

``Game`` validates orders, plays turns, keeps the history, undoes, saves and loads. The rules
themselves live in ``wargame.rules`` and are composed by ``wargame.turn.resolve_turn``; this
module never adjudicates anything.
"""

from __future__ import annotations

import html
import json
import os
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pandas as pd

from .orders import (
    Orders,
    OrdersError,
    default_orders,
    money,
    order_problems,
    orders_to_arrays,
    problems_for_game,
    units,
)
from .rules.draws import make_draws
from .rules.economy import order_costs
from .rules.raid import expected_raid_size
from .rules.record import Event
from .scenario import Scenario, ScenarioError, load_scenario, shipped_scenarios
from .state import State, initial_state
from .tables import Tables, tables_for

SAVE_FORMAT = "drone-wargame-save"
SAVE_VERSION = 1
MODES = ("stochastic", "expected")


class GameOver(RuntimeError):
    """Raised when a turn is played after the last one."""


class SaveFileError(ValueError):
    """A save file that cannot be loaded, with the reason in plain words."""


@dataclass(frozen=True)
class PlayerView:
    """What the player sees at the start of a turn (what a policy decides from)."""

    turn: int
    turns: int
    money_usd: float
    income_usd_per_turn: float
    stock_units: dict[str, float]
    capacity_units_per_turn: dict[str, float]
    on_order_units: dict[str, float]
    import_available_units: dict[str, float]
    operators: float
    jamming_intensity: float
    raid_estimate_units: dict[str, tuple[float, float]]
    countermeasures: dict[str, float]
    prohibited_levels: tuple[str, ...]


def player_view(state: State, tables: Tables, game: int = 0) -> PlayerView:
    """One game's view of a batch state, keyed by the scenario's ids."""

    def by_item(values: np.ndarray) -> dict[str, float]:
        return {item: float(values[game, i]) for i, item in enumerate(tables.items)}

    mean = expected_raid_size(state, tables)[game] if state.turn <= tables.turns else np.zeros(len(tables.threats))
    estimate = {
        threat: (max(0.0, float(m - 2 * np.sqrt(m))), float(m + 2 * np.sqrt(m))) for threat, m in zip(tables.threats, mean)
    }
    return PlayerView(
        turn=state.turn,
        turns=tables.turns,
        money_usd=float(state.money[game]),
        income_usd_per_turn=float(state.income[game]),
        stock_units=by_item(state.stock),
        capacity_units_per_turn=by_item(state.capacity + state.joint_capacity),
        on_order_units=by_item(tables.stock_pipe.waiting(state.incoming_stock)),
        import_available_units=by_item(state.import_available),
        operators=float(state.operators[game]),
        jamming_intensity=float(state.jamming[game]),
        raid_estimate_units=estimate,
        countermeasures={item: float(v) for item, v in by_item(state.countermeasure).items() if v > 0},
        prohibited_levels=tuple(level for a, level in enumerate(tables.levels) if state.prohibited[game, a]),
    )


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
        ("raid_size_units", "Raid (drones and missiles)", units),
        ("raid_cost_usd", "Cost of the raid to the adversary", money),
        ("downed_units", "Downed", units),
        ("leaked_units", "Got through", units),
        ("interceptor_spend_usd", "Interceptors fired, at cost", money),
        ("cost_exchange_ratio", "Cost-exchange ratio (your spend : raid cost)", lambda v: f"{v:.1f} : 1"),
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
        rows = "".join(
            f"<tr><th style='text-align:left'>{html.escape(label)}</th><td>{html.escape(fmt(self.metrics[key]))}</td></tr>"
            for key, label, fmt in self.KEY_FIGURES
            if key in self.metrics
        )
        happened = "".join(
            f"<li>{html.escape(str(e.inputs.get('text')))}</li>" for e in self.events if e.step == "events"
        )
        lessons = "".join(getattr(lesson, "_repr_html_", lambda: html.escape(str(lesson)))() for lesson in self.lessons)
        return (
            f"<div class='wargame-turn-report'><h4>Turn {self.turn} of {self.scenario.turns}</h4>"
            f"<table>{rows}</table>"
            + (f"<p>Events:</p><ul>{happened}</ul>" if happened else "")
            + lessons
            + "</div>"
        )


def _saved_scenario(saved: dict) -> Scenario:
    """The scenario a save names: a shipped one by name, else the file it was loaded from."""
    from .scenario import shipped_scenarios

    name, path = saved.get("name", ""), saved.get("path")
    if name in shipped_scenarios() or not path:
        return load_scenario(name)
    return load_scenario(path)


class Game:
    """One game of a scenario, played turn by turn, with undo, history and save files."""

    def __init__(self, scenario: Scenario | str | os.PathLike, seed: int = 0, mode: str = "stochastic"):
        if mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
        self.scenario = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
        self.seed = int(seed)
        self.mode = mode
        self.tables = tables_for(self.scenario)
        self._draws = make_draws(mode, [self.seed], self.tables.draw_columns)
        self._states: list[State] = [initial_state(self.tables, 1)]
        self._random_states: list = [self._random_state()]
        self._reports: list[TurnReport] = []

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
        """Orders to edit for this turn: last turn's, or the scenario's defaults at the start."""
        if self._reports:
            return self._reports[-1].orders.copy()
        return default_orders(self.tables)

    def check(self, orders: Orders) -> list[str]:
        """Every reason these orders cannot be played now, in a student's words (empty if fine)."""
        try:
            arrays = orders_to_arrays(orders, self.tables)
        except OrdersError as error:
            return error.problems
        return problems_for_game(order_problems(self.state, arrays, self.tables))

    def costs(self, orders: Orders) -> dict[str, float]:
        """What the orders would cost now, by category (production, capacity, imports, ...)."""
        arrays = orders_to_arrays(orders, self.tables)
        return {category: float(cost[0]) for category, cost in order_costs(self.state, arrays, self.tables).items()}

    # --- playing -------------------------------------------------------------------------------

    def play_turn(self, orders: Orders | None = None) -> TurnReport:
        """Adjudicate one turn with these orders; refused orders leave the game unchanged."""
        from .turn import resolve_turn

        if self.is_over:
            raise GameOver(f"The game is over: all {self.scenario.turns} turns have been played.")
        orders = self.orders() if orders is None else orders.copy()
        if not orders.adaptation:  # hand-written Orders() leave the cycle to the scenario's default
            orders.adaptation = self.scenario.default_development_cycle
        arrays = orders_to_arrays(orders, self.tables)
        problems = problems_for_game(order_problems(self.state, arrays, self.tables))
        if problems:
            raise OrdersError(problems)
        state, record = resolve_turn(self.state, arrays, self.tables, self._draws)
        report = TurnReport(
            turn=self.state.turn,
            orders=orders,
            metrics={name: float(values[0]) for name, values in record.metrics.items()},
            events=[event.for_game(0) for event in record.events],
            scenario=self.scenario,
            mode=self.mode,
        )
        self._states.append(state)
        self._random_states.append(self._random_state())
        self._attach_lessons(report)  # reads the new state and the earlier reports
        self._reports.append(report)
        return report

    def _attach_lessons(self, report: TurnReport) -> None:
        """The turn's lessons, computed from its metrics, events and the history so far."""
        from .lessons import lessons_for_turn

        report.lessons = lessons_for_turn(self, report)

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
        if self._random_states[-1] is not None:
            self._draws.set_state(self._random_states[-1])

    @property
    def history(self) -> pd.DataFrame:
        """One row per turn played; columns are metrics named with their units."""
        if not self._reports:
            return pd.DataFrame(columns=["turn"]).set_index("turn")
        frame = pd.DataFrame([{"turn": r.turn, **r.metrics} for r in self._reports])
        return frame.set_index("turn")

    def __repr__(self) -> str:
        status = "over" if self.is_over else f"turn {self.turn} of {self.scenario.turns}"
        return f"<Game {self.scenario.name!r} seed={self.seed} mode={self.mode}: {status}>"

    # --- save files ----------------------------------------------------------------------------

    def to_json(self) -> dict:
        return {
            "format": SAVE_FORMAT,
            "version": SAVE_VERSION,
            "saved_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "scenario": {
                "name": self.scenario.name,
                # a shipped scenario is found by name; another by the file it came from
                "path": None if self.scenario.name in shipped_scenarios() else self.scenario.path,
                "content_hash": self.scenario.content_hash,
                "title": self.scenario.title,
            },
            "seed": self.seed,
            "mode": self.mode,
            "orders": [report.orders.to_dict() for report in self._reports],
        }

    def save(self, path: str | os.PathLike) -> Path:
        """Write the game as JSON: scenario identity, seed, mode and every turn's orders."""
        path = Path(path)
        text = json.dumps(self.to_json(), indent=1)
        temporary = path.with_name(path.name + ".tmp")
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, path)
        return path

    @classmethod
    def load(cls, path: str | os.PathLike, scenario: Scenario | str | None = None) -> "Game":
        """Replay a saved game to the identical state; a damaged file gives a clear error."""
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise SaveFileError(f"{path}: no such save file.") from None
        except (OSError, UnicodeDecodeError) as error:
            raise SaveFileError(f"{path}: cannot read this save file ({error}).") from None
        return cls.from_json(text, scenario=scenario, source=str(path))

    @classmethod
    def from_json(cls, text: str, scenario: Scenario | str | None = None, source: str = "save file") -> "Game":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise SaveFileError(
                f"{source}: this save file is damaged or truncated: it is not valid JSON "
                f"(line {error.lineno}, column {error.colno}: {error.msg})."
            ) from None
        if not isinstance(data, dict) or data.get("format") != SAVE_FORMAT:
            raise SaveFileError(f"{source}: this is not a save file of the drone wargame kit.")
        if data.get("version") != SAVE_VERSION:
            raise SaveFileError(
                f"{source}: this save file uses version {data.get('version')!r} of the save format; "
                f"this kit reads version {SAVE_VERSION}."
            )
        missing = [key for key in ("scenario", "seed", "mode", "orders") if key not in data]
        if missing:
            raise SaveFileError(f"{source}: this save file is damaged: it has no {', '.join(missing)}.")
        saved = data["scenario"]
        if not isinstance(saved, dict) or not isinstance(data["orders"], list) or not isinstance(data["seed"], int):
            raise SaveFileError(f"{source}: this save file is damaged: its scenario, seed or orders are malformed.")
        try:
            if scenario is None:
                scenario = _saved_scenario(saved)
            elif not isinstance(scenario, Scenario):
                scenario = load_scenario(scenario)
        except ScenarioError as error:
            raise SaveFileError(
                f"{source}: the game was played on the scenario {saved.get('name')!r}, which cannot be loaded "
                f"here ({error.problems[0].message}). Pass scenario=PATH to Game.load."
            ) from None
        if saved.get("content_hash") != scenario.content_hash:
            raise SaveFileError(
                f"{source}: the scenario {saved.get('name')!r} has changed since this game was saved "
                f"(saved {saved.get('content_hash')}, now {scenario.content_hash}); replaying would not give the same game."
            )
        try:
            game = cls(scenario, seed=data["seed"], mode=data["mode"])
        except ValueError as error:
            raise SaveFileError(f"{source}: this save file is damaged: {error}") from None
        for turn, order_data in enumerate(data["orders"], start=1):
            try:
                game.play_turn(Orders.from_dict(order_data))
            except (TypeError, KeyError, AttributeError, ValueError) as error:
                if isinstance(error, OrdersError):
                    raise SaveFileError(f"{source}: turn {turn}'s orders cannot be replayed: {error}") from None
                raise SaveFileError(f"{source}: this save file is damaged: turn {turn}'s orders are malformed ({error}).") from None
            except (OrdersError, GameOver) as error:
                raise SaveFileError(f"{source}: turn {turn}'s orders cannot be replayed: {error}") from None
        return game
