"""Random legal play with the engine's invariants checked after every turn.

``play_random(scenario)`` plays a batch of games with random actions (``wargame.actions``,
projected onto legal orders) and returns every broken invariant as a sentence (an empty list
when all hold). It needs nothing beyond the kit, so instructors run it on their own scenarios
(``python -m wargame validate --play FILE``) and the tests run it on every shipped one. The
invariants, after every turn of every game:

- nothing in the state is negative or undefined (money, stock, capacity, pipelines, operators);
- units are conserved per item: starting stock + delivered = on hand + fired + launched;
- what was ordered or given is delivered or still on its way;
- operators: starting + ordered = trained + still training;
- money is conserved: starting money + incomes + grants = money now + spent + incident charges,
  and no turn spends more than it had;
- every threat that came was downed or leaked;
- in stochastic mode every count of drones, missiles, hits and incidents is a whole number.
"""

from __future__ import annotations

import numpy as np

from .actions import legal_orders, random_actions
from .orders import OrderArrays
from .rules.draws import make_draws
from .rules.events import firing_weights
from .scenario import Scenario
from .state import State, initial_state
from .tables import Tables, tables_for
from .turn import resolve_turn

TOLERANCE = 1e-6  # units and USD
COUNT_PREFIXES = ("raid_", "leaked_", "downed_", "kills_", "expended_", "hits_", "launched_", "strike_sorties", "strike_hits", "incidents_count")


class Ledger:
    """Running sums over the turns of a batch: what the invariants compare the state with."""

    def __init__(self, tables: Tables, batch: int):
        s = tables.scenario
        self.tables = tables
        self.turns_played = 0
        self.start_stock = np.array([s.catalogue[item].stock_units for item in tables.items], float)
        self.start_money = float(s.budget.initial_usd.value) + float(tables.income_schedule[1])
        self.start_operators = float(s.training.initial_operators)
        zeros = np.zeros((batch, len(tables.items)))
        self.delivered, self.used, self.ordered, self.given = zeros.copy(), zeros.copy(), zeros.copy(), zeros.copy()
        self.operators_ordered = np.zeros(batch)
        self.money_in = np.full(batch, self.start_money)
        self.money_out = np.zeros(batch)
        self.last: dict[str, np.ndarray] = {}

    def add(self, turn: int, orders: OrderArrays, metrics: dict[str, np.ndarray], after: State, expected: bool) -> None:
        """One turn played: its orders, its metrics and the state after it."""
        tables = self.tables
        self.turns_played += 1
        self.last = metrics
        for i, item in enumerate(tables.items):
            self.delivered[:, i] += metrics[f"delivered_{item}_units"]
            self.used[:, i] += metrics[f"expended_{item}_units"] + metrics.get(f"launched_{item}_units", 0.0)
        self.ordered += orders.production + orders.imports
        fires, _ = firing_weights(after.event_turn, turn, tables, expected)  # a delivery may slip
        for e, event in enumerate(tables.scenario.events):
            if event.type == "delivery":
                self.given[:, tables.items.index(event.item)] += event.units * fires[:, e]
        self.operators_ordered += orders.train_operators
        self.money_in += metrics["income_usd"] + metrics["grants_usd"]
        self.money_out += metrics["spend_total_usd"] + metrics["incident_charges_usd"]

    def problems(self, state: State, mode: str) -> list[str]:
        """Every invariant the batch breaks now, as sentences naming the game and the figures."""
        found: list[str] = []
        tables = self.tables
        after = f"after turn {state.turn - 1}"

        def check(holds: np.ndarray, say) -> None:
            bad = np.nonzero(~np.asarray(holds, bool).reshape(state.batch, -1).all(axis=1))[0]
            if bad.size:
                found.append(f"{after}, game {int(bad[0])}: {say(int(bad[0]))}")

        for name, values in state.arrays().items():
            if values.dtype == bool or values.size == 0:
                continue
            check(np.isfinite(values), lambda b, n=name: f"state {n} is not a finite number")
            check(values >= -TOLERANCE, lambda b, n=name, v=values: f"state {n} is negative: {v[b]}")
        if not self.turns_played:
            return found
        close = lambda a, b: np.abs(a - b) <= TOLERANCE + 1e-9 * np.maximum(np.abs(a), np.abs(b))  # noqa: E731

        on_hand = state.stock
        check(close(self.start_stock + self.delivered, on_hand + self.used), lambda b: f"units not conserved: start {self.start_stock} + delivered {self.delivered[b]} != on hand {on_hand[b]} + used {self.used[b]}")
        on_order = tables.stock_pipe.waiting(state.incoming_stock)
        check(close(self.ordered + self.given, self.delivered + on_order), lambda b: f"ordered {self.ordered[b]} + given {self.given[b]} != delivered {self.delivered[b]} + on order {on_order[b]}")
        training = state.incoming_operators.sum(axis=1)
        check(close(self.start_operators + self.operators_ordered, state.operators + training), lambda b: f"operators: {self.start_operators} + {self.operators_ordered[b]} ordered != {state.operators[b]} + {training[b]} training")
        check(close(self.money_in, state.money + self.money_out), lambda b: f"money not conserved: in {self.money_in[b]:,.2f} != now + out {state.money[b] + self.money_out[b]:,.2f}")
        m = self.last
        check(m["spend_total_usd"] <= m["budget_available_usd"] + TOLERANCE, lambda b: f"spent {m['spend_total_usd'][b]:,.2f} of {m['budget_available_usd'][b]:,.2f}")
        check(close(m["downed_units"] + m["leaked_units"], m["raid_size_units"]), lambda b: f"downed {m['downed_units'][b]} + leaked {m['leaked_units'][b]} != raid {m['raid_size_units'][b]}")
        kills = sum(m[f"kills_{item}_units"] for item in tables.items)
        check(close(kills, m["downed_units"]), lambda b: f"kills by item {kills[b]} != downed {m['downed_units'][b]}")
        if mode == "stochastic":
            for name, values in m.items():
                if name.startswith(COUNT_PREFIXES) and name.endswith(("_units", "_count")):
                    check(values == np.round(values), lambda b, n=name, v=values: f"{n} = {v[b]} is not a whole number")
        return found


def play_random(scenario: Scenario, games: int = 16, seed: int = 0, mode: str = "stochastic") -> list[str]:
    """Play ``games`` games to the end with random legal actions; every broken invariant, in words."""
    tables = tables_for(scenario)
    rng = np.random.default_rng(seed)
    seeds = seed + np.arange(games)
    state = initial_state(tables, games)
    draws = make_draws(mode, seeds, tables.draw_columns)
    ledger = Ledger(tables, games)
    problems = ledger.problems(state, mode)
    while state.turn <= tables.turns and not problems:
        try:
            orders = legal_orders(state, tables, random_actions(rng, tables, games), strict=True)
        except RuntimeError as error:  # random actions found orders the engine refuses
            return [str(error)]
        turn = state.turn
        state, record = resolve_turn(state, orders, tables, draws, keep_events=False)
        ledger.add(turn, orders, record.metrics, state, expected=mode == "expected")
        problems = ledger.problems(state, mode)
    return problems
