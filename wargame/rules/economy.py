"""Step 1, the economy: orders are paid and deliveries due this turn arrive.

Money for a turn is credited at the end of the turn before (``credit_next_turn``), so that the
money a player sees is the money they may spend. Deliveries travel in pipelines: slot 0 of
``incoming_*`` arrives at the next economy step. Production arrives the turn after it is
paid for; new capacity, imports and trained operators after their lead times in turns.
"""

from __future__ import annotations

import numpy as np

from ..state import State
from ..tables import Tables
from .record import Record

SPENDING_CATEGORIES = ("production", "capacity", "imports", "development", "training")


def production_unit_cost(state: State, tables: Tables) -> np.ndarray:
    """[B, I] the price of one unit built this turn: joint lines build for less."""
    total = state.capacity + state.joint_capacity
    joint_share = np.divide(state.joint_capacity, total, out=np.zeros_like(total), where=total > 0)
    return tables.unit_cost * (1.0 - joint_share * (1.0 - tables.joint_unit_factor))


def order_costs(state: State, orders, tables: Tables) -> dict[str, np.ndarray]:
    """What the orders cost, by spending category, for every game of the batch."""
    return {
        "production": (orders.production * production_unit_cost(state, tables)).sum(axis=1),
        "capacity": (
            orders.capacity * tables.capacity_cost
            + orders.joint_capacity * tables.capacity_cost * tables.joint_cost_factor
        ).sum(axis=1),
        "imports": (orders.imports * tables.unit_cost * (1.0 + tables.import_premium)).sum(axis=1),
        "development": tables.cycle_cost[orders.adaptation],
        "training": orders.train_operators * tables.training_cost,
    }


def _schedule(pipeline: np.ndarray, amounts: np.ndarray, lead_turns) -> np.ndarray:
    """Add amounts to a pipeline so they arrive ``lead_turns`` turns from now (lead 0: now)."""
    pipeline = pipeline.copy()
    lead = np.broadcast_to(np.asarray(lead_turns), amounts.shape[1:]) if amounts.ndim > 1 else np.asarray(lead_turns)
    if amounts.ndim == 1:
        pipeline[:, int(lead) - 1] += amounts
        return pipeline
    for i, turns in enumerate(lead):
        pipeline[:, int(turns) - 1, i] += amounts[:, i]
    return pipeline


def _advance(pipeline: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """What arrives now (slot 0), and the pipeline moved one turn on."""
    arriving = pipeline[:, 0].copy()
    moved = np.zeros_like(pipeline)
    moved[:, :-1] = pipeline[:, 1:]
    return arriving, moved


def economy(state: State, orders, tables: Tables, record: Record) -> State:
    """Pay for the orders; deliveries due this turn arrive; new orders enter the pipelines."""
    costs = order_costs(state, orders, tables)
    for category, cost in costs.items():
        record.metric(f"spend_{category}_usd", cost)
    spent = sum(costs.values())
    record.metric("budget_available_usd", state.money)
    record.metric("spend_total_usd", spent)

    # orders with a lead time of zero turns arrive at once, the rest join the pipelines
    imports_now = np.where(tables.import_delay == 0, orders.imports, 0.0)
    incoming_stock = _schedule(state.incoming_stock, orders.production, 1)
    imports_later = orders.imports - imports_now
    incoming_stock = _schedule(incoming_stock, imports_later, np.maximum(tables.import_delay, 1))
    incoming_capacity = _schedule(state.incoming_capacity, orders.capacity, np.maximum(tables.capacity_lead, 1))
    incoming_joint = _schedule(state.incoming_joint, orders.joint_capacity, np.maximum(tables.joint_lead, 1))
    capacity_now = np.where(tables.capacity_lead == 0, orders.capacity, 0.0)
    joint_now = np.where(tables.joint_lead == 0, orders.joint_capacity, 0.0)
    incoming_capacity -= _schedule(np.zeros_like(incoming_capacity), capacity_now, 1)
    incoming_joint -= _schedule(np.zeros_like(incoming_joint), joint_now, 1)
    if tables.training_lead == 0:
        operators_now, incoming_operators = orders.train_operators, state.incoming_operators
    else:
        operators_now = 0.0
        incoming_operators = _schedule(state.incoming_operators, orders.train_operators, tables.training_lead)

    delivered = imports_now
    record.metric_by("delivered_units", tables.items, delivered)
    for i, item in enumerate(tables.items):
        record.event(
            "economy",
            f"paid_{item}",
            orders.production[:, i] * production_unit_cost(state, tables)[:, i],
            produced=orders.production[:, i],
            imported=orders.imports[:, i],
        )
    return state.replace(
        money=state.money - spent,
        stock=state.stock + delivered,
        capacity=state.capacity + capacity_now,
        joint_capacity=state.joint_capacity + joint_now,
        incoming_stock=incoming_stock,
        incoming_capacity=incoming_capacity,
        incoming_joint=incoming_joint,
        incoming_operators=incoming_operators,
        operators=state.operators + operators_now,
    )


def deliveries(state: State, tables: Tables, record: Record) -> State:
    """Units, capacity and operators due next turn arrive (at the close of this turn)."""
    stock_arriving, incoming_stock = _advance(state.incoming_stock)
    capacity_arriving, incoming_capacity = _advance(state.incoming_capacity)
    joint_arriving, incoming_joint = _advance(state.incoming_joint)
    operators_arriving, incoming_operators = _advance(state.incoming_operators)
    record.add_to("delivered_units", tables.items, stock_arriving)
    record.metric("operators_trained_units", operators_arriving)
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
