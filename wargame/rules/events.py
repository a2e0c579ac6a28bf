"""Step 7, scripted events: the scenario's injects fire at the end of their turn.

Deliveries from allies, funding changes, a new legal framework, a competitor buying the
import market dry, a change in jamming, a new capability (a targeting web that shortens the
kill chain). Most events fire on their turn in every game of a batch. An event may carry a
``slip``: a chance that it comes late by some turns, drawn once per game on the event's turn
from that game's own random stream, so games of a batch may differ.

In expected-value mode nothing is drawn; each event counts by its probability
(docs/rules.md, "Events that can slip"):

- a delivery or a one-off grant arrives in shares: on each turn, the units (or money) times
  the chance that the event fires on that turn;
- a capability counts by the chance it has arrived: its kill-chain factor f becomes
  ``1 - P(arrived) * (1 - f)``, so a web that halves the kill chain with a 60% chance of
  having arrived shortens it by 30%.
"""

from __future__ import annotations

import numpy as np

from ..state import State
from ..tables import Tables
from .record import Record


def events_of_turn(turn: int, tables: Tables) -> list:
    """The events due on ``turn`` (their date, before any slip)."""
    return [event for event in tables.scenario.events if event.turn == turn]


def fire_probability(event, turn: int) -> float:
    """The chance that ``event`` fires at the end of ``turn``, before any game has drawn."""
    if event.slip is None:
        return float(turn == event.turn)
    fewest, most = event.slip.by_turns
    late = turn - event.turn
    if late == 0:
        return 1.0 - event.slip.chance
    if fewest <= late <= most:
        return event.slip.chance / (most - fewest + 1)
    return 0.0


def arrival_probability(event, turn: int) -> float:
    """The chance that ``event`` has fired by the end of ``turn``."""
    return sum(fire_probability(event, t) for t in range(event.turn, turn + 1))


def draw_slips(state: State, tables: Tables, draws) -> np.ndarray:
    """[B, E] each game's firing turn per event, with this turn's slips drawn.

    Every turn takes one pair of uniforms per slipping event, used or not, so that each game's
    stream stays in step whatever happens; a pair is used on the event's own turn: the first
    uniform decides whether it slips (below the chance), the second by how many turns.
    """
    slipping = tables.slipping_events
    if draws.expected or slipping.size == 0:
        return state.event_turn
    u_slip, u_by = draws.uniforms((state.batch, slipping.size))
    event_turn = state.event_turn.copy()
    for k, e in enumerate(slipping):
        event = tables.scenario.events[e]
        if event.turn != state.turn:
            continue
        fewest, most = event.slip.by_turns
        late_by = np.minimum(fewest + np.floor(u_by[:, k] * (most - fewest + 1)), most)
        event_turn[:, e] = np.where(u_slip[:, k] < event.slip.chance, event.turn + late_by, event.turn)
    return event_turn


def firing_weights(event_turn: np.ndarray, turn: int, tables: Tables, expected: bool) -> tuple[np.ndarray, np.ndarray]:
    """[B, E] how much of each event fires this turn, and how much of it has arrived by now.

    Drawn games give 0 or 1; expected-value mode gives the probabilities.
    """
    if not expected:
        return (event_turn == turn).astype(float), (event_turn <= turn).astype(float)
    events = tables.scenario.events
    batch = event_turn.shape[0]
    fires = np.array([fire_probability(event, turn) for event in events], float)
    arrived = np.array([arrival_probability(event, turn) for event in events], float)
    return np.broadcast_to(fires, (batch, len(events))), np.broadcast_to(arrived, (batch, len(events)))


def kill_chain_factor(arrived: np.ndarray, tables: Tables) -> np.ndarray:
    """[B] the product over capabilities of ``1 - arrived * (1 - f)``: f once arrived, 1 before."""
    return np.prod(1.0 - arrived * (1.0 - tables.event_kill_chain_factor), axis=1)


def scripted_events(state: State, tables: Tables, record: Record, draws, injected=()) -> State:
    """Apply this turn's events to every game of the batch (each game on its own dates).

    ``injected``: events a White Cell injected into this turn (a live class session); each
    acts as a scenario event dated this turn, in every game, and never slips.
    """
    events = tables.scenario.events
    if not events and not injected:
        record.add_to("delivered_units", tables.items, np.zeros_like(state.stock))
        record.metric("grants_usd", np.zeros(state.batch))
        record.metric("kill_chain_pct", 100.0 * state.kill_chain_factor)
        return state
    event_turn = draw_slips(state, tables, draws)
    fires, arrived = firing_weights(event_turn, state.turn, tables, draws.expected)
    changes: dict[str, np.ndarray] = {"event_turn": event_turn}
    delivered = np.zeros_like(state.stock)
    grants = np.zeros(state.batch)

    def current(name: str) -> np.ndarray:
        if name not in changes:
            changes[name] = getattr(state, name).copy()
        return changes[name]

    def apply(event, share: np.ndarray, text: str) -> None:
        nonlocal grants
        here = share > 0
        if event.type == "delivery":
            i = tables.items.index(event.item)
            current("stock")[:, i] += event.units * share
            delivered[:, i] += event.units * share
        elif event.type == "funding":
            grants = grants + float(event.grant_usd.value) * share
            current("money")[:] += float(event.grant_usd.value) * share
            if event.per_turn_usd is not None:  # never slips (checks.py), so here is every game
                current("income")[here] = float(event.per_turn_usd.value)
        elif event.type == "legal_regime":
            current("prohibited")[here] = [level in event.prohibited_levels for level in tables.levels]
            if event.incident_cost_usd is not None:
                current("incident_cost")[here] = float(event.incident_cost_usd.value)
        elif event.type == "import_market":
            current("import_available")[here, tables.items.index(event.item)] = event.available_units_per_turn
        elif event.type == "jamming":
            current("jamming")[here] = event.intensity
        # a raid surge acted in the raid step (tables.raid_schedule, raid.surge_factor)
        record.event("events", event.type, share, text=text, turn=event.turn)

    for e, event in enumerate(events):
        share = fires[:, e]  # [B]: 1 where it fires, 0 where not, a probability in expected mode
        if event.turn == state.turn and event.slip is not None and not draws.expected:
            _record_slip(event, share, record)
        if share.any():
            apply(event, share, _text_with_chance(event, share, arrived[:, e], draws.expected))
    for event in injected:
        apply(event, np.ones(state.batch), event.text)
    changes["kill_chain_factor"] = kill_chain_factor(arrived, tables)
    # from the next turn on, every level's kill chain is this share of the scenario's figure
    record.metric("kill_chain_pct", 100.0 * changes["kill_chain_factor"])
    record.add_to("delivered_units", tables.items, delivered)
    record.metric("grants_usd", grants)
    return state.replace(**changes)


def _text_with_chance(event, share: np.ndarray, arrived: np.ndarray, expected: bool) -> str:
    """The event's text; in expected mode, with how much of it counts this turn."""
    if not expected or event.slip is None:
        return event.text
    if event.type == "capability":
        return (
            f"{event.text} (Expected-value mode: counted as {round(100 * float(arrived.max()))}% arrived, "
            "its chance of having come by now.)"
        )
    return f"{event.text} (Expected-value mode: {round(100 * float(share.max()))}% of it counts this turn, its chance of coming now.)"


def _record_slip(event, share: np.ndarray, record: Record) -> None:
    """On the event's own date, say so where it did not come."""
    late = share < 1.0
    if late.any():
        what = event.name if event.type == "capability" else "This"
        record.event(
            "events",
            "slipped",
            late.astype(float),
            text=f"{what} did not arrive on turn {event.turn} as planned: the date has slipped.",
            turn=event.turn,
        )
