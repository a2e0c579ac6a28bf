"""Built-in baseline policies: simple, documented ways to play, for comparison and forecasts.

A policy decides a turn's orders from what the player sees. Built-in policies decide for a
whole batch at once (``batched = True``): they take the state and the scenario's tables and
return ``OrderArrays``. They always give legal orders, by buying only what the money, the
capacity and the market allow.

- ``hold``: keep the scenario's starting doctrine; buy nothing; strike nothing.
- ``missiles_only``: fire only the most expensive interceptor able to engage each threat, one
  shot per target; spend the budget on more of them (home production first, then imports).
- ``layered_cheap``: cheapest interceptors first (two shots where allowed), the expensive ones
  behind; spend on the cheapest interceptors and on expanding their lines.
- ``balanced``: the layered doctrine; split the budget between cheap interceptors, a reserve
  of expensive ones, new capacity, operators and strikes at the adversary's launch sites with
  the most autonomous level the legal regime allows short of full autonomy.
"""

from __future__ import annotations

import numpy as np

from .orders import OrderArrays, empty_order_arrays
from .rules.economy import production_unit_cost
from .state import State
from .tables import Tables


def layered_doctrine(tables: Tables, cheapest_first: bool, cheap_shots: int = 2) -> tuple[np.ndarray, np.ndarray]:
    """[T, L] items and shots: every interceptor able to engage a threat, by price, the dearest one shot behind."""
    items = np.full((len(tables.threats), tables.layer_slots), -1)
    shots = np.ones((len(tables.threats), tables.layer_slots))
    for t in range(len(tables.threats)):
        able = np.nonzero(tables.can_engage[:, t])[0]
        ordered = sorted(able, key=lambda i: tables.unit_cost[i], reverse=not cheapest_first)
        for slot, item in enumerate(ordered):
            expensive = slot == len(ordered) - 1 and len(ordered) > 1
            items[t, slot] = item
            shots[t, slot] = 1 if expensive else min(cheap_shots, int(tables.max_shots[item]))
    return items, shots


def single_doctrine(tables: Tables, dearest: bool, shots: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """[T, L] items and shots: only the dearest (or the cheapest) interceptor able to engage each threat."""
    items = np.full((len(tables.threats), tables.layer_slots), -1)
    fired = np.ones((len(tables.threats), tables.layer_slots))
    for t in range(len(tables.threats)):
        able = np.nonzero(tables.can_engage[:, t])[0]
        if able.size:
            pick = (max if dearest else min)(able, key=lambda i: tables.unit_cost[i])
            items[t, 0] = pick
            fired[t, 0] = min(shots, int(tables.max_shots[pick]))
    return items, fired


def _layered(tables: Tables, orders: OrderArrays, cheapest_first: bool, cheap_shots: int = 2) -> None:
    """Every interceptor able to engage a threat, by price, with the dearest one shot behind."""
    orders.layer_item[:], orders.layer_shots[:] = layered_doctrine(tables, cheapest_first, cheap_shots)


def _buy(wanted: np.ndarray, price: np.ndarray | float, money_left: np.ndarray) -> np.ndarray:
    """Whole units: as many as wanted, as far as the money goes."""
    price = np.asarray(price, float)
    affordable = np.floor(np.divide(money_left, price, out=np.full_like(money_left, np.inf), where=price > 0) * (1 - 1e-12))
    return np.maximum(0.0, np.floor(np.minimum(wanted, affordable)))


def _money_after_development(state: State, tables: Tables, orders: OrderArrays) -> np.ndarray:
    """Money left once the development cycle is paid; falls back to the cheapest cycle if short."""
    cheapest = int(np.argmin(tables.cycle_cost))
    short = tables.cycle_cost[orders.adaptation] > state.money
    orders.adaptation[:] = np.where(short, cheapest, orders.adaptation)
    return state.money - tables.cycle_cost[orders.adaptation]


def _interceptors(tables: Tables) -> np.ndarray:
    return np.nonzero(tables.can_engage.any(axis=1))[0]


def hold(state: State, tables: Tables) -> OrderArrays:
    orders = empty_order_arrays(tables, state.batch)
    _money_after_development(state, tables, orders)
    return orders


def missiles_only(state: State, tables: Tables) -> OrderArrays:
    orders = empty_order_arrays(tables, state.batch)
    orders.layer_item[:], orders.layer_shots[:] = single_doctrine(tables, dearest=True)
    chosen = {int(item) for item in orders.layer_item[0, :, 0] if item >= 0}
    money_left = _money_after_development(state, tables, orders)
    unit_price = production_unit_cost(state, tables)
    for item in sorted(chosen):
        built = _buy(state.capacity[:, item] + state.joint_capacity[:, item], unit_price[:, item], money_left)
        orders.production[:, item] = built
        money_left -= built * unit_price[:, item]
    for item in sorted(chosen):
        if tables.has_imports[item]:
            bought = _buy(state.import_available[:, item], tables.unit_cost[item] * (1 + tables.import_premium[item]), money_left)
            orders.imports[:, item] = bought
            money_left -= bought * tables.unit_cost[item] * (1 + tables.import_premium[item])
    return orders


def layered_cheap(state: State, tables: Tables) -> OrderArrays:
    orders = empty_order_arrays(tables, state.batch)
    _layered(tables, orders, cheapest_first=True)
    money_left = _money_after_development(state, tables, orders)
    unit_price = production_unit_cost(state, tables)
    for item in sorted(_interceptors(tables), key=lambda i: tables.unit_cost[i]):
        built = _buy(state.capacity[:, item] + state.joint_capacity[:, item], unit_price[:, item], money_left * 0.6)
        orders.production[:, item] = built
        money_left -= built * unit_price[:, item]
        lines = _buy(np.maximum(1.0, 0.25 * state.capacity[:, item]), tables.capacity_cost[item], money_left * 0.3)
        orders.capacity[:, item] = lines
        money_left -= lines * tables.capacity_cost[item]
    return orders


def _best_allowed_level(state: State, tables: Tables) -> np.ndarray:
    """The most autonomous level short of full autonomy that the legal regime allows."""
    preference = [tables.levels.index(level) for level in ("supervised_autonomy", "terminal_autonomy", "remote_piloting")]
    choice = np.full(state.batch, preference[-1])
    for level in reversed(preference):
        choice = np.where(~state.prohibited[:, level], level, choice)
    return choice


def balanced(state: State, tables: Tables) -> OrderArrays:
    orders = empty_order_arrays(tables, state.batch)
    _layered(tables, orders, cheapest_first=True)
    money_left = _money_after_development(state, tables, orders)
    unit_price = production_unit_cost(state, tables)
    shares = {"cheap": 0.35, "reserve": 0.2, "lines": 0.15}
    interceptors = sorted(_interceptors(tables), key=lambda i: tables.unit_cost[i])
    cheap, reserve = interceptors[:-1] or interceptors, interceptors[-1:]
    budget = state.money.copy()
    for group, items in (("cheap", cheap), ("reserve", reserve)):
        for item in items:
            built = _buy(state.capacity[:, item] + state.joint_capacity[:, item], unit_price[:, item], np.minimum(money_left, budget * shares[group] / len(items)))
            orders.production[:, item] += built
            money_left -= built * unit_price[:, item]
    for item in cheap:
        if tables.has_joint[item]:
            price = tables.capacity_cost[item] * tables.joint_cost_factor[item]
            lines = _buy(np.maximum(1.0, 0.2 * state.capacity[:, item]), price, np.minimum(money_left, budget * shares["lines"] / len(cheap)))
            orders.joint_capacity[:, item] = lines
        else:
            price = tables.capacity_cost[item]
            lines = _buy(np.maximum(1.0, 0.2 * state.capacity[:, item]), price, np.minimum(money_left, budget * shares["lines"] / len(cheap)))
            orders.capacity[:, item] = lines
        money_left -= lines * price

    level = _best_allowed_level(state, tables)
    orders = _with(orders, autonomy=level)
    strike_items = np.nonzero(tables.is_strike)[0]
    if strike_items.size and tables.target_sets:
        per_operator = tables.sorties_per_operator[level]
        sortie_room = np.where(np.isfinite(per_operator), state.operators * per_operator, np.inf)
        for item in strike_items:
            in_range = np.nonzero(tables.can_reach[item])[0]
            if in_range.size:
                target = int(in_range[np.argmax(tables.set_capacity_loss[in_range])])
                flown = np.floor(np.minimum(0.5 * state.stock[:, item], sortie_room))
                orders.strikes[:, item, target] = flown
                sortie_room = sortie_room - flown
            built = _buy(state.capacity[:, item] + state.joint_capacity[:, item], unit_price[:, item], money_left * 0.5)
            orders.production[:, item] = built
            money_left -= built * unit_price[:, item]
        trained = _buy(np.full(state.batch, 5.0), tables.training_cost, money_left * 0.2)
        orders.train_operators[:] = trained
        money_left -= trained * tables.training_cost
    fastest = int(np.argmin(tables.patch_days))
    extra = tables.cycle_cost[fastest] - tables.cycle_cost[orders.adaptation]
    affordable = extra <= money_left * 0.5
    orders.adaptation[:] = np.where(affordable, fastest, orders.adaptation)
    return orders


def _with(orders: OrderArrays, **changes) -> OrderArrays:
    import dataclasses

    return dataclasses.replace(orders, **changes)


BUILT_IN = {"hold": hold, "missiles_only": missiles_only, "layered_cheap": layered_cheap, "balanced": balanced}
for _policy in BUILT_IN.values():
    _policy.batched = True


def held(orders: OrderArrays):
    """A policy that repeats one turn's orders, trimmed each turn to what can be carried out.

    Used by forecasts ("these orders, held to the end"): amounts are cut to the capacity, the
    market, the stock, the operators and the money of each future turn, so that every forecast
    turn is legal. This trimming is the forecast's stated assumption; a player's own orders
    are never trimmed.
    """

    def policy(state: State, tables: Tables) -> OrderArrays:
        batch = state.batch
        template = orders.take(np.zeros(batch, int)) if orders.batch != batch else orders
        trimmed = OrderArrays(**{name: np.array(value, copy=True) for name, value in vars(template).items()})
        trimmed.production[:] = np.minimum(trimmed.production, np.floor(state.capacity + state.joint_capacity + 1e-9))
        trimmed.imports[:] = np.where(tables.has_imports, np.minimum(trimmed.imports, state.import_available), 0.0)
        launched = trimmed.strikes.sum(axis=2, keepdims=True)
        room = np.minimum(1.0, np.divide(state.stock[:, :, None], launched, out=np.ones_like(launched), where=launched > 0))
        trimmed.strikes[:] = np.floor(trimmed.strikes * room)
        allowed = ~state.prohibited[np.arange(batch), trimmed.autonomy]
        default_level = tables.levels.index(tables.scenario.autonomy.default_level)
        trimmed.autonomy[:] = np.where(allowed, trimmed.autonomy, default_level)
        per_operator = tables.sorties_per_operator[trimmed.autonomy]
        sorties = trimmed.strikes.sum(axis=(1, 2))
        fly = np.where(np.isfinite(per_operator) & (sorties > 0), np.minimum(1.0, state.operators * per_operator / np.maximum(sorties, 1)), 1.0)
        trimmed.strikes[:] = np.floor(trimmed.strikes * fly[:, None, None])
        money_left = _money_after_development(state, tables, trimmed)
        unit_price = production_unit_cost(state, tables)
        spend = (
            (trimmed.production * unit_price).sum(axis=1)
            + (trimmed.imports * tables.unit_cost * (1 + tables.import_premium)).sum(axis=1)
            + (trimmed.capacity * tables.capacity_cost).sum(axis=1)
            + (trimmed.joint_capacity * tables.capacity_cost * tables.joint_cost_factor).sum(axis=1)
            + trimmed.train_operators * tables.training_cost
        )
        scale = np.where(spend > money_left, np.maximum(money_left, 0.0) / np.maximum(spend, 1e-9), 1.0) * (1 - 1e-9)
        for name in ("production", "imports", "capacity", "joint_capacity"):
            getattr(trimmed, name)[:] = np.floor(getattr(trimmed, name) * scale[:, None])
        trimmed.train_operators[:] = np.floor(trimmed.train_operators * scale)
        return trimmed

    policy.batched = True
    return policy
