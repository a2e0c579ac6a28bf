"""Step 1, the economy: orders are paid; and, at the close of the turn, deliveries.

Money for a turn is credited at the end of the turn before (``credit_next_turn``), so that the
money a player sees is the money they may spend, and deliveries due for a turn arrive at the
close of the turn before (``deliveries``), so that the stock a player sees is the stock they
may fire. Production arrives the turn after it is paid for; new capacity, imports and trained
operators after their lead times in whole turns.
"""

from __future__ import annotations

import numpy as np

from ..state import State
from ..tables import Pipe, Tables
from .record import Record
from .sums import dot

SPENDING_CATEGORIES = ("production", "capacity", "imports", "development", "training")


def production_unit_cost(state: State, tables: Tables) -> np.ndarray:
    """[B, I] the price of one unit built this turn: joint lines build for less (read-only)."""
    if not state.joint_capacity.any():
        return np.broadcast_to(tables.unit_cost, state.capacity.shape)
    total = state.capacity + state.joint_capacity
    joint_share = np.divide(state.joint_capacity, total, out=np.zeros_like(total), where=total > 0)
    return tables.unit_cost * (1.0 - joint_share * (1.0 - tables.joint_unit_factor))


def order_costs(state: State, orders, tables: Tables) -> dict[str, np.ndarray]:
    """What the orders cost, by spending category, for every game of the batch."""
    return {
        "production": dot(orders.production, production_unit_cost(state, tables)),
        "capacity": dot(orders.capacity, tables.capacity_cost)
        + dot(orders.joint_capacity, tables.capacity_cost * tables.joint_cost_factor),
        "imports": dot(orders.imports, tables.unit_cost * (1.0 + tables.import_premium)),
        "development": tables.cycle_cost[orders.adaptation],
        "training": orders.train_operators * tables.training_cost,
    }


def _move_on(pipeline: np.ndarray, pipe: Pipe, turn: int, placements) -> tuple[np.ndarray, np.ndarray]:
    """[B, I] what arrives at the close of ``turn``, and the pipeline with this turn's orders.

    ``placements`` are this turn's orders as (amounts [B, I], lead in turns [I]) pairs: a lead
    of one turn arrives now, a longer one of L turns at the close of turn ``turn + L - 1``.
    Orders with a lead of zero turns arrived at once in ``economy`` and are not placed here.
    """
    if not any(amounts.any() for amounts, _ in placements) and not pipeline.any():
        return np.zeros((pipeline.shape[0], len(pipe.start))), pipeline  # nothing on its way
    due = pipe.slot(turn)
    arriving = pipeline[:, due]
    updated = pipeline.copy()
    updated[:, due] = 0.0
    for amounts, lead in placements:
        next_turn, later = lead == 1, lead >= 2
        if next_turn.any():
            arriving[:, next_turn] += amounts[:, next_turn]
        if later.any():
            updated[:, pipe.slot(turn + lead - 1)[later]] += amounts[:, later]
    return arriving, updated


def economy(state: State, orders, tables: Tables, record: Record) -> State:
    """Pay for the orders; orders with no lead time arrive at once (the rest in ``deliveries``)."""
    costs = order_costs(state, orders, tables)
    for category, cost in costs.items():
        record.metric(f"spend_{category}_usd", cost)
    spent = sum(costs.values())
    record.metric("budget_available_usd", state.money)
    record.metric("spend_total_usd", spent)

    imports_now = np.where(tables.import_delay == 0, orders.imports, 0.0)
    capacity_now = np.where(tables.capacity_lead == 0, orders.capacity, 0.0)
    joint_now = np.where(tables.joint_lead == 0, orders.joint_capacity, 0.0)
    operators_now = orders.train_operators if tables.training_lead == 0 else np.zeros(state.batch)
    record.metric_by("delivered_units", tables.items, imports_now)
    record.metric("operators_trained_units", operators_now)
    if record.keep_events:
        unit_price = production_unit_cost(state, tables)
        for i, item in enumerate(tables.items):
            record.event(
                "economy",
                f"paid_{item}",
                orders.production[:, i] * unit_price[:, i],
                produced=orders.production[:, i],
                imported=orders.imports[:, i],
            )
    return state.replace(
        money=state.money - spent,
        stock=state.stock + imports_now,
        capacity=state.capacity + capacity_now,
        joint_capacity=state.joint_capacity + joint_now,
        operators=state.operators + operators_now,
    )


def deliveries(state: State, orders, tables: Tables, record: Record) -> State:
    """At the close of the turn: what is due next turn arrives; this turn's orders join the pipelines."""
    production_lead = np.ones(len(tables.items), int)
    stock_arriving, incoming_stock = _move_on(
        state.incoming_stock,
        tables.stock_pipe,
        state.turn,
        [(orders.production, production_lead), (orders.imports, tables.import_delay)],
    )
    capacity_arriving, incoming_capacity = _move_on(
        state.incoming_capacity, tables.capacity_pipe, state.turn, [(orders.capacity, tables.capacity_lead)]
    )
    joint_arriving, incoming_joint = _move_on(
        state.incoming_joint, tables.joint_pipe, state.turn, [(orders.joint_capacity, tables.joint_lead)]
    )
    operators_arriving = state.incoming_operators[:, 0].copy()
    incoming_operators = np.zeros_like(state.incoming_operators)
    incoming_operators[:, :-1] = state.incoming_operators[:, 1:]
    if tables.training_lead == 1:
        operators_arriving += orders.train_operators
    elif tables.training_lead >= 2:
        incoming_operators[:, tables.training_lead - 2] += orders.train_operators
    record.add_to("delivered_units", tables.items, stock_arriving)
    record.metric("operators_trained_units", record.metrics["operators_trained_units"] + operators_arriving)
    return state.replace(
        stock=state.stock + stock_arriving,
        capacity=state.capacity + capacity_arriving,
        joint_capacity=state.joint_capacity + joint_arriving,
        operators=state.operators + operators_arriving,
        incoming_stock=incoming_stock,
        incoming_capacity=incoming_capacity,
        incoming_joint=incoming_joint,
        incoming_operators=incoming_operators,
    )


def credit_next_turn(state: State, tables: Tables, incident_charges: np.ndarray, record: Record) -> State:
    """Next turn's income arrives, less the cost of this turn's incidents (never below zero)."""
    next_turn = state.turn + 1
    scheduled = tables.income_schedule[next_turn] if next_turn < len(tables.income_schedule) else 0.0
    changes = tables.scenario.budget.schedule_usd
    income = np.full_like(state.income, scheduled) if next_turn in changes else state.income
    arriving = income if next_turn <= tables.turns else np.zeros_like(income)
    charged = np.minimum(incident_charges, state.money + arriving)
    record.metric("income_usd", arriving)
    record.metric("incident_charges_usd", charged)
    return state.replace(money=state.money + arriving - charged, income=income)
