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
- ``reference``: the yardstick the scenarios' par is calibrated against (see ``reference``):
  cheap layers first, their lines expanded early, missiles kept for what only they can kill,
  and every purchase sized to what can be fired.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .orders import OrderArrays, empty_order_arrays
from .rules.economy import order_costs, production_unit_cost
from .rules.damage import value_of_a_real_hit
from .rules.raid import expected_raid_size
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


def _is_missile(tables: Tables, item: int) -> bool:
    return tables.scenario.catalogue[tables.items[item]].role == "interceptor_missile"


def _worthwhile_shots(pk: float, unit_cost: float, damage: float, most: int) -> int:
    """Shots per target while the last one still saves, on average, more damage than it costs."""
    shots = 1
    while shots < most and pk * (1.0 - pk) ** shots * damage > unit_cost:
        shots += 1
    return shots


@dataclass(frozen=True)
class Strategy:
    """One setting of the small family of layered strategies the reference policy belongs to.

    ``cheap_shots``: shots per target for cheap layers, "worthwhile" (as many as still pay for
    themselves) or a number (capped by each type's limit). ``missiles``: "worth_it" (behind the
    cheap layers only where a shot saves more damage than it costs) or "always". ``cover_turns``:
    turns of expected fire each interceptor's stock aims at. ``expand_lines``: buy new lines for
    cheap interceptors while they can land in time. ``strikes``: strike launch sites. ``cycle``:
    the development cycle, "as_needed" (the fastest against an adversary that fields
    countermeasures, the cheapest against one that never does), or always the "fastest" or the
    "cheapest".
    """

    cheap_shots: str | int = "worthwhile"
    missiles: str = "worth_it"
    cover_turns: int = 3
    expand_lines: bool = True
    strikes: bool = True
    cycle: str = "as_needed"

    def describe(self) -> str:
        shots = "shots that pay for themselves" if self.cheap_shots == "worthwhile" else f"{self.cheap_shots} shot(s)"
        missiles = "missiles only where worth it" if self.missiles == "worth_it" else "missiles always behind"
        lines = "new lines" if self.expand_lines else "no new lines"
        strikes = "strikes" if self.strikes else "no strikes"
        cycle = {"as_needed": "the development cycle the adversary calls for"}.get(self.cycle, f"the {self.cycle} development cycle")
        return f"cheap layers with {shots}; {missiles}; {self.cover_turns} turn(s) of stock; {lines}; {strikes}; {cycle}"


REFERENCE = Strategy()


def _layered_doctrine(tables: Tables, orders: OrderArrays, strategy: Strategy) -> None:
    """Cheapest first, each with the strategy's shots; a missile is fired at a threat only if
    one shot saves, on average, more damage than the missile costs (or always, if the strategy
    says so), or if nothing cheaper can engage it."""
    damage_per_threat = value_of_a_real_hit(tables) * (1.0 - tables.decoy_share)
    items = np.full(orders.layer_item.shape[1:], -1)
    shots = np.ones(orders.layer_shots.shape[1:])
    for t in range(len(tables.threats)):
        able = sorted(np.nonzero(tables.can_engage[:, t])[0], key=lambda i: tables.unit_cost[i])
        cheap = [i for i in able if not _is_missile(tables, i)]
        worth_it = [
            i for i in able
            if i not in cheap and (strategy.missiles == "always" or tables.pk[i, t] * damage_per_threat[t] > tables.unit_cost[i])
        ]
        chosen = cheap + worth_it if cheap else able
        for slot, item in enumerate(chosen[: items.shape[1]]):
            items[t, slot] = item
            if item not in cheap:
                shots[t, slot] = 1
            elif strategy.cheap_shots == "worthwhile":
                most = int(tables.max_shots[item])
                shots[t, slot] = _worthwhile_shots(tables.pk[item, t], tables.unit_cost[item], damage_per_threat[t], most)
            else:
                shots[t, slot] = min(int(strategy.cheap_shots), int(tables.max_shots[item]))
    orders.layer_item[:] = items
    orders.layer_shots[:] = shots


def _shots_wanted(state: State, tables: Tables, orders: OrderArrays, turns_ahead: float = 0) -> np.ndarray:
    """[B, I] shots each interceptor would fire at the expected raid ``turns_ahead`` turns from
    now (the adversary's growth projected), within its fire limit."""
    raid = expected_raid_size(state, tables) * (1.0 + tables.growth) ** turns_ahead  # [B, T]
    engagements = np.zeros_like(state.stock)
    shots = np.ones(len(tables.items))
    for t in range(len(tables.threats)):
        for slot in range(orders.layer_item.shape[2]):
            item = int(orders.layer_item[0, t, slot])
            if item >= 0:
                engagements[:, item] += raid[:, t]
                shots[item] = orders.layer_shots[0, t, slot]
    return np.minimum(engagements, tables.fire_capacity) * shots


def _money_left(state: State, tables: Tables, orders: OrderArrays) -> np.ndarray:
    """Money left after these orders, priced by the engine's own ``order_costs``."""
    return state.money - sum(order_costs(state, orders, tables).values())


def play_strategy(strategy: Strategy, state: State, tables: Tables) -> OrderArrays:
    """Orders for one setting of the layered family (see ``Strategy`` and ``reference``)."""
    orders = empty_order_arrays(tables, state.batch)
    _layered_doctrine(tables, orders, strategy)
    orders.adaptation[:] = _cycle(strategy.cycle, tables)
    _money_after_development(state, tables, orders)
    unit_price = production_unit_cost(state, tables)
    turns_left = tables.turns - state.turn + 1
    wanted = _shots_wanted(state, tables, orders)
    on_hand = state.stock + tables.stock_pipe.waiting(state.incoming_stock)
    cover = sum(_shots_wanted(state, tables, orders, ahead) for ahead in range(strategy.cover_turns))
    short = np.maximum(0.0, cover - on_hand)
    for item in sorted(_interceptors(tables), key=lambda i: tables.unit_cost[i]):
        lines = state.capacity[:, item] + state.joint_capacity[:, item]
        built = _buy(np.minimum(short[:, item], lines), unit_price[:, item], _money_left(state, tables, orders))
        orders.production[:, item] = built
        if tables.has_imports[item]:
            import_price = tables.unit_cost[item] * (1 + tables.import_premium[item])
            wanted_abroad = np.minimum(short[:, item] - built, state.import_available[:, item])
            orders.imports[:, item] = _buy(wanted_abroad, import_price, _money_left(state, tables, orders))
        lands_in_time = tables.capacity_lead[item] < turns_left - 1
        if strategy.expand_lines and not _is_missile(tables, item) and lands_in_time and tables.capacity_cost[item] > 0:
            on_its_way = tables.capacity_pipe.waiting(state.incoming_capacity)[:, item]
            need_then = _shots_wanted(state, tables, orders, tables.capacity_lead[item] + 1)[:, item]
            more = np.maximum(0.0, need_then - lines - on_its_way)
            orders.capacity[:, item] = _buy(more, tables.capacity_cost[item], 0.5 * _money_left(state, tables, orders))
    return _reference_strikes(state, tables, orders) if strategy.strikes else orders


def _cycle(setting: str, tables: Tables) -> int:
    """The development cycle a strategy pays for: speed is worth its price only against an
    adversary that fields countermeasures to patch."""
    fastest, cheapest = int(np.argmin(tables.patch_days)), int(np.argmin(tables.cycle_cost))
    if setting == "as_needed":
        return fastest if tables.scenario.adversary.countermeasures is not None else cheapest
    return fastest if setting == "fastest" else cheapest


def strategy_policy(strategy: Strategy):
    """A batched policy playing one setting of the family, for ``simulate`` and ``balance``."""

    def policy(state: State, tables: Tables) -> OrderArrays:
        return play_strategy(strategy, state, tables)

    policy.batched = True
    policy.__name__ = "strategy"
    return policy


def reference(state: State, tables: Tables) -> OrderArrays:
    """The yardstick: a sound defence, written plainly, that par is calibrated against.

    1. Doctrine: cheap layers first, each with the shots that pay for themselves; a missile
       only where a shot saves more damage than it costs, or where nothing cheaper can engage.
    2. Stock: each interceptor aims at three turns of what its layer would fire at the expected
       raid (the adversary's growth projected; never more than its fire limit can use); it is
       built at home first, then imported. Cheapest items are bought first, so missiles get
       what is left.
    3. Lines: cheap interceptors' lines are expanded early, while they can still land in time,
       towards what the raid will need when they land.
    4. The fastest development cycle against an adversary that fields countermeasures (the
       cheapest against one that never does); strikes at launch sites with a human approving
       each target.
    """
    return play_strategy(REFERENCE, state, tables)


def _reference_strikes(state: State, tables: Tables, orders: OrderArrays) -> OrderArrays:
    """Half the strike drones on hand at the launch sites that cost the adversary most, flown
    with terminal autonomy where allowed (a human approves every target); lines kept busy."""
    strike_items = np.nonzero(tables.is_strike)[0]
    if not strike_items.size or not tables.target_sets:
        return orders
    terminal = tables.levels.index("terminal_autonomy") if "terminal_autonomy" in tables.levels else 0
    level = np.where(state.prohibited[:, terminal], orders.autonomy, terminal)
    orders = _with(orders, autonomy=level)
    per_operator = tables.sorties_per_operator[level]
    sortie_room = np.where(np.isfinite(per_operator), state.operators * per_operator, np.inf)
    unit_price = production_unit_cost(state, tables)
    for item in strike_items:
        in_range = np.nonzero(tables.can_reach[item])[0]
        if in_range.size:
            target = int(in_range[np.argmax(tables.set_capacity_loss[in_range])])
            flown = np.floor(np.minimum(0.5 * state.stock[:, item], sortie_room))
            orders.strikes[:, item, target] = flown
            sortie_room = sortie_room - flown
        lines = state.capacity[:, item] + state.joint_capacity[:, item]
        orders.production[:, item] = _buy(lines, unit_price[:, item], 0.5 * _money_left(state, tables, orders))
    return orders


def _with(orders: OrderArrays, **changes) -> OrderArrays:
    import dataclasses

    return dataclasses.replace(orders, **changes)


BUILT_IN = {"hold": hold, "missiles_only": missiles_only, "layered_cheap": layered_cheap, "balanced": balanced, "reference": reference}
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
