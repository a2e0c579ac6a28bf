"""Step 6, adaptation: the adversary counters what the defender leans on; patches take time.

From the scenario's first countermeasure turn, every ``interval_turns`` the adversary fields a
countermeasure against the item that did the most this turn (most threats downed, or most
strike hits). While active it cuts that item's pk or hit rate by the scenario's penalty. The
defender's development cycle patches it: each turn adds ``turn_length_days / patch_days`` of
progress, so a wartime cadence patches in weeks and a peacetime one in years.
"""

from __future__ import annotations

import numpy as np

from ..state import State
from ..tables import Tables
from .record import Record
from .sums import total


def countermeasure_due(turn: int, tables: Tables) -> bool:
    if tables.countermeasure_interval == 0 or turn < tables.countermeasure_first:
        return False
    return (turn - tables.countermeasure_first) % tables.countermeasure_interval == 0


def turns_to_patch(progress, patch_days, turn_length_days: int):
    """Whole turns until a countermeasure is patched at the current cadence."""
    return np.ceil((1.0 - progress) * patch_days / turn_length_days - 1e-9)


def adaptation(state: State, orders, kills_by_item: np.ndarray, strike_hits: np.ndarray, tables: Tables, record: Record) -> State:
    """Patch progress on active countermeasures, then perhaps a new one against the busiest item."""
    batch = state.batch
    active = state.countermeasure > 0
    step = tables.turn_length_days / tables.patch_days[orders.adaptation]  # [B]
    progress = np.where(active, state.patch_progress + step[:, None], 0.0)
    patched = active & (progress >= 1.0 - 1e-9)
    countermeasure = np.where(patched, 0.0, state.countermeasure)
    progress = np.where(patched, 0.0, progress)
    record.metric("countermeasures_patched_count", total(patched.astype(float)))

    fielded = np.zeros(batch)
    if countermeasure_due(state.turn, tables):
        busiest = kills_by_item + strike_hits
        target = busiest.argmax(axis=1)
        any_use = busiest.max(axis=1) > 0
        games = np.arange(batch)[any_use]
        countermeasure = countermeasure.copy()
        progress = progress.copy()
        countermeasure[games, target[any_use]] = 1.0
        progress[games, target[any_use]] = 0.0
        fielded = any_use.astype(float)
        record.event("adaptation", "countermeasure", fielded, item=target, penalty=tables.countermeasure_penalty)
    record.metric("countermeasures_fielded_count", fielded)
    record.metric("countermeasures_active_count", total((countermeasure > 0).astype(float)))
    record.metric("development_patch_turns", np.ceil(tables.patch_days[orders.adaptation] / tables.turn_length_days))
    return state.replace(countermeasure=countermeasure, patch_progress=progress)
