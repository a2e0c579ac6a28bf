"""Step 7, scripted events: the scenario's injects fire at the end of their turn.

Deliveries from allies, funding changes, a new legal framework, a competitor buying the
import market dry, a change in jamming. Events are the same for every game of a batch.
"""

from __future__ import annotations

import numpy as np

from ..state import State
from ..tables import Tables
from .record import Record


def events_of_turn(turn: int, tables: Tables) -> list:
    return [event for event in tables.scenario.events if event.turn == turn]


def scripted_events(state: State, tables: Tables, record: Record) -> State:
    """Apply this turn's events to every game of the batch."""
    changes: dict[str, np.ndarray] = {}
    delivered = np.zeros_like(state.stock)

    def current(name: str) -> np.ndarray:
        if name not in changes:
            changes[name] = getattr(state, name).copy()
        return changes[name]

    for event in events_of_turn(state.turn, tables):
        if event.type == "delivery":
            i = tables.items.index(event.item)
            current("stock")[:, i] += event.units
            delivered[:, i] += event.units
        elif event.type == "funding":
            current("money")[:] += float(event.grant_usd.value)
            if event.per_turn_usd is not None:
                current("income")[:] = float(event.per_turn_usd.value)
        elif event.type == "legal_regime":
            current("prohibited")[:] = [level in event.prohibited_levels for level in tables.levels]
            if event.incident_cost_usd is not None:
                current("incident_cost")[:] = float(event.incident_cost_usd.value)
        elif event.type == "import_market":
            current("import_available")[:, tables.items.index(event.item)] = event.available_units_per_turn
        elif event.type == "jamming":
            current("jamming")[:] = event.intensity
        record.event("events", event.type, np.ones(state.batch), text=event.text, turn=event.turn)
    record.add_to("delivered_units", tables.items, delivered)
    record.metric(
        "grants_usd",
        np.full(state.batch, sum(float(e.grant_usd.value) for e in events_of_turn(state.turn, tables) if e.type == "funding")),
    )
    return state.replace(**changes) if changes else state
