"""Step 5, own strikes: strike drones against the adversary's launch sites, production, logistics.

``hits ~ Binomial(launched, p_hit)`` where ``p_hit`` is the autonomy level's hit rate, cut by
jamming (by the level's sensitivity) and by any countermeasure against the drone, and, for
time-sensitive targets, by ``exp(-kill_chain / dwell)``: the share still there when the strike
arrives. Hits cut the adversary's launch capacity (it recovers over time);
misidentification incidents ``~ Binomial(sorties, p_misidentification)``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..state import State
from ..tables import Tables
from .record import Record
from .sums import dot, product, total


@dataclass(frozen=True)
class Strikes:
    hits: np.ndarray  # [B, I]: hits by each item (zero for items that are not strike drones)
    incidents: np.ndarray  # [B]
    incident_charges: np.ndarray  # [B] USD


def strike_hit_probability(
    level, jamming, countermeasure, penalty: float, tables: Tables, kill_chain_factor=1.0
) -> np.ndarray:
    """[B, I, G] chance that one sortie hits, by item and target set (I: the items given).

    ``kill_chain_factor`` [B] is what capabilities that have arrived (a targeting web) multiply
    the level's kill chain by.
    """
    base = tables.p_hit[level] * (1.0 - tables.jamming_sensitivity[level] * jamming)
    countered = 1.0 - penalty * countermeasure  # [B, I]
    kill_chain = tables.kill_chain_minutes[level] * kill_chain_factor  # [B]
    still_there = np.exp(-kill_chain[:, None] / tables.set_dwell_minutes[None, :])  # [B, G]
    return base[:, None, None] * countered[:, :, None] * still_there[:, None, :]


def strikes(state: State, orders, tables: Tables, draws, record: Record) -> tuple[State, Strikes]:
    """Fly the strike plan: hits, the capacity they remove, incidents and their cost."""
    level = orders.autonomy
    strike_items = np.nonzero(tables.is_strike)[0]
    launched = orders.strikes[:, strike_items]  # [B, S, G]: only strike drones fly (orders are checked)
    p_hit = strike_hit_probability(
        level,
        state.jamming,
        state.countermeasure[:, strike_items],
        tables.countermeasure_penalty,
        tables,
        state.kill_chain_factor,
    )
    # only (drone, target set) pairs within reach can fly: draw for those alone
    drone, target = np.nonzero(tables.can_reach[strike_items])
    hits = np.zeros_like(launched)
    if drone.size:
        hits[:, drone, target] = draws.binomial(launched[:, drone, target], p_hit[:, drone, target])
    flown = total(launched)  # [B, S]
    sorties = total(flown)
    incidents = draws.binomial(sorties, tables.p_misidentification[level])
    hits_by_set = total(np.swapaxes(hits, 1, 2))  # [B, G]
    hits_by_item = np.zeros_like(state.stock)
    hits_by_item[:, strike_items] = total(hits)
    recovered = state.suppression + (1.0 - state.suppression) * tables.set_recovery
    suppression = recovered * (1.0 - tables.set_capacity_loss) ** hits_by_set
    charges = incidents * state.incident_cost
    record.metric("strike_sorties_units", sorties)
    record.metric("strike_hits_units", total(hits_by_item))
    record.metric("strike_cost_usd", dot(flown, tables.unit_cost[strike_items]))
    record.metric("strike_value_destroyed_usd", dot(hits_by_set, tables.set_value))
    record.metric("incidents_count", incidents)
    record.metric("incident_cost_usd", charges)
    record.metric(
        "adversary_capacity_pct", 100.0 * product(suppression)
    )
    for k, i in enumerate(strike_items):
        record.metric(f"launched_{tables.items[i]}_units", flown[:, k])
    if record.keep_events:
        record.event(
            "strikes",
            "hits",
            total(hits_by_item),
            sorties=sorties,
            level=level,
            p_hit_base=tables.p_hit[level],
            jamming=state.jamming,
            jamming_sensitivity=tables.jamming_sensitivity[level],
            kill_chain_minutes=tables.kill_chain_minutes[level] * state.kill_chain_factor,
            p_hit=p_hit,
            incidents=incidents,
            p_misidentification=tables.p_misidentification[level],
        )
    stock = state.stock.copy()
    stock[:, strike_items] -= flown
    new_state = state.replace(stock=stock, suppression=suppression)
    return new_state, Strikes(hits_by_item, incidents, charges)
