"""Step 2, the adversary's raid: how many of each threat class come, and how many are decoys."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..state import State
from ..tables import Tables
from .record import Record
from .sums import dot, product, total


@dataclass(frozen=True)
class Raid:
    launched: np.ndarray  # [B, T] everything that comes, decoys included
    decoys: np.ndarray  # [B, T]


def expected_raid_size(state: State, tables: Tables) -> np.ndarray:
    """[B, T] the mean raid this turn: launch capacity, times the schedule, times suppression."""
    adversary_left = product(state.suppression)[:, None]
    return state.launch_capacity * tables.raid_schedule[state.turn] * adversary_left


def surge_factor(injected, tables: Tables) -> np.ndarray:
    """[T] the multiplier of each threat's launches this turn from injected raid surges (1 if none).

    A scenario's own raid surges are in ``tables.raid_schedule``; these are the White Cell's,
    injected into this turn of a live class session. Two surges on one threat multiply.
    """
    factor = np.ones(len(tables.threats))
    for event in injected:
        if event.type == "raid_surge":
            factor[tables.threats.index(event.threat)] *= event.multiplier
    return factor


def raid(state: State, tables: Tables, draws, record: Record, injected=()) -> Raid:
    """Launches ~ Poisson(mean raid); decoys ~ Binomial(launches, decoy share).

    ``injected``: events injected into this turn; their raid surges multiply the mean raid.
    """
    mean = expected_raid_size(state, tables) * surge_factor(injected, tables)
    launched = draws.poisson(mean)
    decoys = draws.binomial(launched, np.broadcast_to(tables.decoy_share, launched.shape))
    real = launched - decoys
    cost = dot(real, tables.threat_cost) + dot(decoys, tables.decoy_cost)
    record.metric("raid_size_units", total(launched))
    record.metric("raid_decoys_units", total(decoys))
    record.metric("raid_cost_usd", cost)
    for t, threat in enumerate(tables.threats):
        record.metric(f"raid_{threat}_units", launched[:, t])
        record.event(
            "raid",
            f"launched_{threat}",
            launched[:, t],
            expected=mean[:, t],
            decoys=decoys[:, t],
            decoy_share=tables.decoy_share[t],
            unit_cost_usd=tables.threat_cost[t],
            decoy_cost_usd=tables.decoy_cost[t],
        )
    return Raid(launched=launched, decoys=decoys)


def grow_launch_capacity(state: State, tables: Tables) -> State:
    """The adversary's launch capacity grows (or shrinks) by its rate each turn."""
    return state.replace(launch_capacity=state.launch_capacity * (1.0 + tables.growth))
