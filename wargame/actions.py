"""Actions and rewards for agents: a few numbers per turn, turned into legal orders by a documented projection.

An agent (a reinforcement-learning agent, a searched policy, a random player) does not write
``Orders``; it gives an *action*, a mapping of arrays with a leading batch axis, and
``legal_orders`` turns every action into orders that the engine accepts. The action's entries,
built from the scenario's catalogue (``action_layout``):

================  ============  =================================================================
Key               Shape         Meaning (fractions are clipped to 0..1; amounts are rounded down)
================  ============  =================================================================
``production``    [B, I]        share of this turn's production capacity of each item to build
``capacity``      [B, I]        new domestic lines, as a share of the item's current capacity
                                (at least one unit a turn)
``joint``         [B, J]        new joint lines, likewise, for the J items with joint production
                                (absent when no item has it)
``imports``       [B, M]        share of the market's offer bought, for the M importable items
                                (absent when nothing can be imported)
``strikes``       [B, S]        share of a strike drone's stock sent at a target set, for the S
                                (strike drone, target set in reach) pairs; when one drone's
                                shares add up to more than 1 they are scaled to 1 (absent when
                                the scenario has no strikes)
``training``      [B]           operators to train, as a share of ``MAX_TRAINED_PER_TURN``
                                (absent when the scenario has no strikes)
``doctrine``      [B] integer   one of ``DOCTRINES`` (below)
``autonomy``      [B] integer   an autonomy level, in the order of ``tables.levels``
``development``   [B] integer   a development cycle, in the order of ``tables.cycles``
================  ============  =================================================================

The projection onto legal orders, in this order (the engine's own ``order_costs`` prices the
orders and ``order_problems`` checks them; nothing here re-states a rule):

1. a prohibited autonomy level becomes the scenario's default level (or, if that is prohibited
   too, the least autonomous level allowed); ``action_mask`` says which levels are allowed;
2. a development cycle the money cannot pay becomes the cheapest cycle;
3. sorties beyond what the operators can fly at the chosen level are cut, in proportion;
4. when the purchases cost more than the money left after the development cycle, every
   purchase (production, lines, imports, training) is cut in the same proportion, rounded
   down; what the rounding leaves buys back what the cut took away, item by item in catalogue
   order (production, then imports, then domestic lines, then joint lines).

The orders are then checked with ``order_problems``. Should a game's orders still be refused
(a bug in this module), that game buys nothing and strikes nothing this turn, or, with
``strict=True``, an error says why.

The reward of a turn (``turn_reward``) is its full cost account, negative, in millions of USD:
``-defender_cost_usd / 1e6``, what the raid cost the defender (interceptors fired plus the
damage the leakers did). Money spent on orders is not counted: it is the means, not the loss.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from .observe import MAX_NEW_LINES_PER_TURN, MAX_TRAINED_PER_TURN, observe
from .orders import OrderArrays, empty_order_arrays, order_problems, problems_for_game
from .policies import layered_doctrine, single_doctrine
from .rules.economy import order_costs
from .state import State
from .tables import Tables

# The doctrines an agent chooses from, each legal in every scenario by construction.
DOCTRINES = {
    "starting": "the scenario's starting doctrine",
    "cheap_first": "every interceptor able to engage, cheapest first (two shots where allowed), the dearest one shot behind",
    "dear_first": "every interceptor able to engage, dearest first, the cheapest last",
    "dearest_only": "only the dearest interceptor able to engage each threat, one shot",
    "cheapest_only": "only the cheapest interceptor able to engage each threat, two shots where allowed",
}
FRACTION_KEYS = ("production", "capacity", "joint", "imports", "strikes", "training")
CHOICE_KEYS = ("doctrine", "autonomy", "development")
REWARD_UNIT_USD = 1e6  # rewards are in millions of USD


def turn_reward(metrics: Mapping[str, np.ndarray | float]) -> np.ndarray | float:
    """A turn's reward for every game: the full cost account, negative, in millions of USD."""
    return -metrics["defender_cost_usd"] / REWARD_UNIT_USD


@dataclass(frozen=True)
class ActionLayout:
    """Which entries a scenario's action has, and what each index of each entry stands for."""

    shapes: dict  # key -> number of fractions (0-d: None); only the keys this scenario has
    choices: dict  # key -> number of options
    joint_items: np.ndarray  # [J] item indices
    import_items: np.ndarray  # [M] item indices
    strike_pairs: np.ndarray  # [S, 2] (item index, target-set index)
    doctrine_items: np.ndarray  # [D, T, L]
    doctrine_shots: np.ndarray  # [D, T, L]

    def labels(self, tables: Tables) -> dict[str, list[str]]:
        """What each index of each entry means, in the scenario's ids."""
        items = tables.items
        return {
            "production": list(items),
            "capacity": list(items),
            "joint": [items[i] for i in self.joint_items],
            "imports": [items[i] for i in self.import_items],
            "strikes": [f"{items[i]} at {tables.target_sets[g]}" for i, g in self.strike_pairs],
            "training": ["operators"],
            "doctrine": list(DOCTRINES),
            "autonomy": list(tables.levels),
            "development": list(tables.cycles),
        }


def action_layout(tables: Tables) -> ActionLayout:
    """The action entries of a scenario (computed once)."""
    cache = tables.scenario._cache
    if "action_layout" not in cache:
        cache["action_layout"] = _build_layout(tables)
    return cache["action_layout"]


def _build_layout(tables: Tables) -> ActionLayout:
    n_items = len(tables.items)
    joint = np.nonzero(tables.has_joint)[0]
    imports = np.nonzero(tables.has_imports)[0]
    pairs = np.argwhere(tables.is_strike[:, None] & tables.can_reach) if tables.target_sets else np.zeros((0, 2), int)
    shapes = {"production": n_items, "capacity": n_items}
    if joint.size:
        shapes["joint"] = int(joint.size)
    if imports.size:
        shapes["imports"] = int(imports.size)
    if len(pairs):
        shapes["strikes"] = len(pairs)
        shapes["training"] = None
    starting = empty_order_arrays(tables, 1)
    templates = [
        (starting.layer_item[0], starting.layer_shots[0]),
        layered_doctrine(tables, cheapest_first=True),
        layered_doctrine(tables, cheapest_first=False),
        single_doctrine(tables, dearest=True),
        single_doctrine(tables, dearest=False, shots=2),
    ]
    return ActionLayout(
        shapes=shapes,
        choices={"doctrine": len(DOCTRINES), "autonomy": len(tables.levels), "development": len(tables.cycles)},
        joint_items=joint,
        import_items=imports,
        strike_pairs=np.asarray(pairs, int).reshape(-1, 2),
        doctrine_items=np.stack([items for items, _ in templates]).astype(int),
        doctrine_shots=np.stack([shots for _, shots in templates]).astype(float),
    )


def policy_from_actions(choose, name: str = "trained"):
    """A batched policy for ``simulate`` (and the class ranking) from ``choose(observations) -> action``.

    ``choose`` gets the ``[B, N]`` observations of ``observe`` and returns a batched action;
    the projection makes the orders legal, as in the environment.
    """

    def policy(state: State, tables: Tables) -> OrderArrays:
        return legal_orders(state, tables, choose(observe(state, tables)))

    policy.batched = True
    policy.__name__ = policy.__qualname__ = name
    return policy


def action_mask(state: State, tables: Tables) -> dict[str, np.ndarray]:
    """[B, options] 1 where a choice is carried out as chosen this turn (int8, Gymnasium's mask type)."""
    layout = action_layout(tables)
    return {
        "doctrine": np.ones((state.batch, layout.choices["doctrine"]), np.int8),
        "autonomy": (~state.prohibited).astype(np.int8),
        "development": (tables.cycle_cost[None, :] <= state.money[:, None]).astype(np.int8),
    }


def random_actions(rng: np.random.Generator, tables: Tables, batch: int) -> dict[str, np.ndarray]:
    """Random actions for a batch: each fraction is 0 half the time and uniform otherwise."""
    layout = action_layout(tables)
    action = {}
    for key, size in layout.shapes.items():
        shape = (batch,) if size is None else (batch, size)
        action[key] = rng.random(shape) * (rng.random(shape) < 0.5)
    for key, options in layout.choices.items():
        action[key] = rng.integers(0, options, batch)
    return action


def legal_orders(state: State, tables: Tables, action: Mapping[str, np.ndarray], strict: bool = False) -> OrderArrays:
    """The orders an action stands for, projected onto what the engine accepts (see the module)."""
    layout = action_layout(tables)
    batch = state.batch
    fractions = {key: _fractions(action, key, batch, size) for key, size in layout.shapes.items()}
    choices = {key: _choice(action, key, batch, options) for key, options in layout.choices.items()}
    orders = empty_order_arrays(tables, batch)
    orders.layer_item[:] = layout.doctrine_items[choices["doctrine"]]
    orders.layer_shots[:] = layout.doctrine_shots[choices["doctrine"]]
    orders.autonomy[:] = _allowed_level(state, tables, choices["autonomy"])
    orders.adaptation[:] = _affordable_cycle(state, tables, choices["development"])

    capacity_now = state.capacity + state.joint_capacity
    orders.production[:] = np.floor(fractions["production"] * np.floor(capacity_now + 1e-9))
    new_lines = MAX_NEW_LINES_PER_TURN * np.maximum(1.0, capacity_now)
    orders.capacity[:] = np.floor(fractions["capacity"] * new_lines)
    if "joint" in fractions:
        items = layout.joint_items
        orders.joint_capacity[:, items] = np.floor(fractions["joint"] * new_lines[:, items])
    if "imports" in fractions:
        items = layout.import_items
        orders.imports[:, items] = np.floor(fractions["imports"] * np.floor(state.import_available[:, items] + 1e-9))
    if "strikes" in fractions:
        _strikes(state, tables, layout, fractions["strikes"], orders)
        orders.train_operators[:] = np.floor(fractions["training"] * MAX_TRAINED_PER_TURN)

    _within_money(state, tables, orders)
    return _checked(state, tables, orders, strict)


def _fractions(action: Mapping, key: str, batch: int, size: int | None) -> np.ndarray:
    if key not in action:
        raise KeyError(f"the action has no {key!r} entry (it needs: {', '.join(FRACTION_KEYS + CHOICE_KEYS)} as the scenario has them)")
    shape = (batch,) if size is None else (batch, size)
    values = np.asarray(action[key], float).reshape(shape)
    return np.clip(np.nan_to_num(values, nan=0.0), 0.0, 1.0)


def _choice(action: Mapping, key: str, batch: int, options: int) -> np.ndarray:
    if key not in action:
        raise KeyError(f"the action has no {key!r} entry")
    values = np.asarray(action[key]).reshape(batch)
    return np.clip(np.nan_to_num(values.astype(float), nan=0.0), 0, options - 1).astype(int)


def _allowed_level(state: State, tables: Tables, chosen: np.ndarray) -> np.ndarray:
    """The chosen level where allowed, else the default level, else the least autonomous allowed."""
    games = np.arange(state.batch)
    allowed = ~state.prohibited
    default = tables.levels.index(tables.scenario.autonomy.default_level)
    fallback = np.where(allowed[:, default], default, np.argmax(allowed, axis=1))
    return np.where(allowed[games, chosen], chosen, fallback)


def _affordable_cycle(state: State, tables: Tables, chosen: np.ndarray) -> np.ndarray:
    cheapest = int(np.argmin(tables.cycle_cost))
    return np.where(tables.cycle_cost[chosen] <= state.money, chosen, cheapest)


def _strikes(state: State, tables: Tables, layout: ActionLayout, shares: np.ndarray, orders: OrderArrays) -> None:
    """Whole drones from the stock, then cut in proportion to the sorties the operators can fly."""
    items, sets = layout.strike_pairs[:, 0], layout.strike_pairs[:, 1]
    per_item = np.zeros((state.batch, len(tables.items)))
    np.add.at(per_item.T, items, shares.T)
    room = np.where(per_item > 1.0, 1.0 / np.maximum(per_item, 1e-12), 1.0)[:, items]
    flown = np.floor(shares * room * np.floor(state.stock[:, items] + 1e-9))
    per_operator = tables.sorties_per_operator[orders.autonomy]
    limit = state.operators * per_operator
    sorties = flown.sum(axis=1)
    over = np.isfinite(per_operator) & (sorties > limit)
    cut = np.where(over, limit / np.maximum(sorties, 1.0), 1.0)
    orders.strikes[:, items, sets] = np.floor(flown * cut[:, None])


PURCHASES = (("production", "production"), ("imports", "imports"), ("capacity", "capacity"), ("joint_capacity", "capacity"))


def _within_money(state: State, tables: Tables, orders: OrderArrays) -> None:
    """Cut every purchase in the same proportion until the orders cost no more than the money,
    then spend what the rounding left, buying back item by item what the cut took away."""
    costs = order_costs(state, orders, tables)
    development = costs["development"]
    purchases = sum(cost for category, cost in costs.items() if category != "development")
    left = np.maximum(state.money - development, 0.0)
    over = purchases > left
    if not over.any():
        return
    wanted = {name: getattr(orders, name).copy() for name, _ in PURCHASES}
    scale = np.where(over, left / np.maximum(purchases, 1e-12), 1.0) * (1 - 1e-9)
    for name, _ in PURCHASES:
        amounts = getattr(orders, name)
        amounts[:] = np.where(over[:, None], np.floor(amounts * scale[:, None]), amounts)
    orders.train_operators[:] = np.where(over, np.floor(orders.train_operators * scale), orders.train_operators)

    money_left = left - sum(cost for category, cost in order_costs(state, orders, tables).items() if category != "development")
    prices = _unit_prices(state, tables)
    for name, category in PURCHASES:
        amounts = getattr(orders, name)
        for i in range(len(tables.items)):
            price = prices[name][:, i]
            short = over & (wanted[name][:, i] > amounts[:, i]) & (price <= money_left)
            if not short.any():
                continue
            more = np.floor(np.divide(money_left, price, out=np.zeros_like(price), where=price > 0) * (1 - 1e-9))
            more = np.where(short, np.minimum(wanted[name][:, i] - amounts[:, i], more), 0.0)
            amounts[:, i] += more
            money_left = money_left - more * price


def _unit_prices(state: State, tables: Tables) -> dict[str, np.ndarray]:
    """[B, I] the price of one more unit of each purchase, read from the engine's ``order_costs``."""
    prices = {name: np.zeros((state.batch, len(tables.items))) for name, _ in PURCHASES}
    for i in range(len(tables.items)):
        for name, category in PURCHASES:
            one = empty_order_arrays(tables, state.batch)
            getattr(one, name)[:, i] = 1.0
            prices[name][:, i] = order_costs(state, one, tables)[category]
    return prices


def _checked(state: State, tables: Tables, orders: OrderArrays, strict: bool) -> OrderArrays:
    """The engine's own check; refused games buy and strike nothing (or, if strict, an error)."""
    problems = order_problems(state, orders, tables)
    if not problems:
        return orders
    refused = np.logical_or.reduce([p.games for p in problems])
    if strict:
        game = int(np.nonzero(refused)[0][0])
        raise RuntimeError(
            f"the projection of an action gave orders the engine refuses (game {game}, turn {state.turn}): "
            + " ".join(problems_for_game(problems, game))
        )
    for amounts in (orders.production, orders.capacity, orders.joint_capacity, orders.imports, orders.strikes, orders.train_operators):
        amounts[refused] = 0.0
    orders.adaptation[refused] = int(np.argmin(tables.cycle_cost))
    if order_problems(state, orders, tables):
        raise RuntimeError(f"turn {state.turn}: even orders that buy nothing are refused; the scenario leaves no legal move")
    return orders
