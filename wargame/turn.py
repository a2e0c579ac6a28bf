"""One turn: the rules composed in order (docs/rules.md), for a whole batch at once.

1. economy (orders paid)  2. raid  3. air defence  4. damage  5. own strikes  6. adaptation
7. scripted events; then the close of the turn: deliveries due next turn arrive and this
turn's orders join the pipelines, next turn's money is credited (less incident costs), and
the adversary's launch capacity grows.
"""

from __future__ import annotations

import numpy as np

from .rules.adaptation import adaptation
from .rules.air_defence import air_defence
from .rules.damage import damage
from .rules.economy import credit_next_turn, deliveries, economy
from .rules.events import scripted_events
from .rules.raid import grow_launch_capacity, raid
from .rules.record import Record
from .rules.strikes import strikes
from .state import State
from .tables import Tables


def resolve_turn(state: State, orders, tables: Tables, draws, keep_events: bool = True, injected=()) -> tuple[State, Record]:
    """Play one turn of every game in the batch: the new state and what the turn recorded.

    The orders must already be valid (see ``wargame.orders.order_problems``). ``injected``:
    scenario events a White Cell injected into this turn (a live class session); they act as
    scenario events dated this turn (a raid surge in the raid, the others with step 7).
    """
    record = Record(keep_events=keep_events)
    draws.start_turn()
    state = economy(state, orders, tables, record)
    incoming = raid(state, tables, draws, record, injected)
    state, defence = air_defence(state, orders, incoming, tables, draws, record)
    state = damage(state, defence, tables, draws, record)
    state, strike = strikes(state, orders, tables, draws, record)
    state = adaptation(state, orders, defence.kills, strike.hits, tables, record)
    state = scripted_events(state, tables, record, draws, injected)
    state = deliveries(state, orders, tables, record)
    state = credit_next_turn(state, tables, strike.incident_charges, record)
    state = grow_launch_capacity(state, tables)
    _record_position(state, record, tables)
    return state.replace(turn=state.turn + 1), record


def _record_position(state: State, record: Record, tables: Tables) -> None:
    """Where each game stands at the end of the turn: money, stock, capacity, operators."""
    metrics = record.metrics
    raid_cost = metrics["raid_cost_usd"]
    metrics["cost_exchange_ratio"] = np.divide(
        metrics["interceptor_spend_usd"], raid_cost, out=np.zeros_like(raid_cost), where=raid_cost > 0
    )
    # The full account: what the raid cost the defender (interceptors fired plus the damage the
    # leakers did) against what it cost the adversary. Not firing flatters the raw ratio above
    # and shows here as damage.
    metrics["defender_cost_usd"] = metrics["interceptor_spend_usd"] + metrics["damage_usd"]
    metrics["full_exchange_ratio"] = np.divide(
        metrics["defender_cost_usd"], raid_cost, out=np.zeros_like(raid_cost), where=raid_cost > 0
    )
    metrics["money_end_usd"] = state.money
    metrics["operators_units"] = state.operators.copy()
    metrics["jamming_intensity"] = state.jamming.copy()
    on_order = tables.stock_pipe.waiting(state.incoming_stock)
    for i, item in enumerate(tables.items):
        metrics[f"stock_{item}_units"] = state.stock[:, i].copy()
        metrics[f"capacity_{item}_units_per_turn"] = state.capacity[:, i] + state.joint_capacity[:, i]
        metrics[f"on_order_{item}_units"] = on_order[:, i]
