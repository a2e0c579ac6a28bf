"""The player's orders for one turn, as a student writes them and as the rules read them.

``Orders`` holds one game's orders keyed by the scenario's ids. ``OrderArrays`` holds a batch
of orders as arrays indexed like the state. ``order_problems`` checks orders against the
state and explains every problem with the amounts involved; orders are never clamped.

Orders come from students' code, widgets, policies and save files, so ``checked_orders`` first
reads them as untrusted data (``plain_orders``): every field must have its shape (a mapping of
id to amount, a list of layers, ...), every amount must be a real number (numpy numbers are
accepted and stored as plain Python numbers, so a game can always be saved) no larger than
``MAX_ORDER_AMOUNT``, so that the cost arithmetic stays finite and every message can print
the amounts. Anything else is an ``OrdersError`` saying what to write instead.
"""

from __future__ import annotations

import copy
import dataclasses
import difflib
import math
import numbers
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from .format import amount as units  # an ordered amount, every digit shown
from .format import money
from .rules.economy import order_costs, production_unit_cost
from .rules.sums import any_of, total
from .state import State
from .tables import Tables


@dataclass
class Layer:
    """One layer of air defence: an interceptor type and the shots it fires at each target."""

    item: str
    shots: int = 1


@dataclass
class Orders:
    """One turn's decisions. Amounts are whole units; money is paid when the turn is played."""

    production: dict[str, float] = field(default_factory=dict)
    capacity: dict[str, float] = field(default_factory=dict)
    joint_capacity: dict[str, float] = field(default_factory=dict)
    imports: dict[str, float] = field(default_factory=dict)
    doctrine: dict[str, list[Layer]] = field(default_factory=dict)
    strikes: dict[str, dict[str, float]] = field(default_factory=dict)
    autonomy: str = "remote_piloting"
    adaptation: str = ""
    train_operators: float = 0

    def copy(self) -> "Orders":
        return copy.deepcopy(self)

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping) -> "Orders":
        """Orders from a mapping of their fields (as ``to_dict`` writes them); its shape is
        checked (``plain_orders``), and a wrong one is an ``OrdersError`` saying what to change."""
        return plain_orders(data)


@dataclass(frozen=True, eq=False)
class OrderArrays:
    """A batch of orders as arrays: [B, I] amounts, [B, T, L] doctrine, [B, I, G] strikes."""

    production: np.ndarray
    capacity: np.ndarray
    joint_capacity: np.ndarray
    imports: np.ndarray
    layer_item: np.ndarray  # [B, T, L] item index, -1 for an empty slot
    layer_shots: np.ndarray  # [B, T, L]
    strikes: np.ndarray  # [B, I, G]
    autonomy: np.ndarray  # [B] level index
    adaptation: np.ndarray  # [B] development-cycle index
    train_operators: np.ndarray  # [B]

    @property
    def batch(self) -> int:
        return self.production.shape[0]

    def take(self, games) -> "OrderArrays":
        return OrderArrays(**{f.name: getattr(self, f.name)[games] for f in dataclasses.fields(self)})

    @staticmethod
    def stack(parts: list["OrderArrays"]) -> "OrderArrays":
        return OrderArrays(
            **{f.name: np.concatenate([getattr(p, f.name) for p in parts]) for f in dataclasses.fields(OrderArrays)}
        )


def empty_order_arrays(tables: Tables, batch: int) -> OrderArrays:
    """Orders that build, buy and strike nothing, with the scenario's default doctrine and settings."""
    n_items, n_threats, n_sets = len(tables.items), len(tables.threats), len(tables.target_sets)
    doctrine_item = np.full((n_threats, tables.layer_slots), -1)
    doctrine_shots = np.ones((n_threats, tables.layer_slots))
    for t, threat in enumerate(tables.threats):
        for slot, layer in enumerate(tables.scenario.doctrine.get(threat, ())):
            doctrine_item[t, slot] = tables.items.index(layer.item)
            doctrine_shots[t, slot] = layer.shots
    layer_item = np.broadcast_to(doctrine_item, (batch, *doctrine_item.shape)).copy()
    layer_shots = np.broadcast_to(doctrine_shots, (batch, *doctrine_shots.shape)).copy()
    s = tables.scenario
    return OrderArrays(
        production=np.zeros((batch, n_items)),
        capacity=np.zeros((batch, n_items)),
        joint_capacity=np.zeros((batch, n_items)),
        imports=np.zeros((batch, n_items)),
        layer_item=layer_item,
        layer_shots=layer_shots,
        strikes=np.zeros((batch, n_items, n_sets)),
        autonomy=np.full(batch, tables.levels.index(s.autonomy.default_level)),
        adaptation=np.full(batch, tables.cycles.index(s.default_development_cycle)),
        train_operators=np.zeros(batch),
    )


def default_orders(tables: Tables) -> Orders:
    """The scenario's starting orders: nothing bought, the starting doctrine and settings."""
    return orders_from_arrays(empty_order_arrays(tables, 1), tables)


def orders_from_arrays(arrays: OrderArrays, tables: Tables, game: int = 0) -> Orders:
    """One game's orders, keyed by ids, from a batch of order arrays."""

    def by_item(values: np.ndarray) -> dict[str, float]:
        return {item: float(values[game, i]) for i, item in enumerate(tables.items) if values[game, i]}

    doctrine = {}
    for t, threat in enumerate(tables.threats):
        doctrine[threat] = [
            Layer(tables.items[int(item)], int(shots))
            for item, shots in zip(arrays.layer_item[game, t], arrays.layer_shots[game, t])
            if item >= 0
        ]
    strikes = {}
    for i, item in enumerate(tables.items):
        plan = {g: float(arrays.strikes[game, i, k]) for k, g in enumerate(tables.target_sets) if arrays.strikes[game, i, k]}
        if plan:
            strikes[item] = plan
    return Orders(
        production=by_item(arrays.production),
        capacity=by_item(arrays.capacity),
        joint_capacity=by_item(arrays.joint_capacity),
        imports=by_item(arrays.imports),
        doctrine=doctrine,
        strikes=strikes,
        autonomy=tables.levels[int(arrays.autonomy[game])],
        adaptation=tables.cycles[int(arrays.adaptation[game])],
        train_operators=float(arrays.train_operators[game]),
    )


# One-off orders: bought once, in the turn they are given. Everything else is a standing order.
ONE_OFF = ("capacity", "joint_capacity", "imports", "train_operators")


def carry_forward(last: Orders, state: State, tables: Tables) -> tuple[Orders, list[str]]:
    """Next turn's orders from last turn's: standing orders kept, one-off orders back to zero.

    Standing orders the new turn can no longer carry out (production above lines that damage
    cut, strikes with drones no longer on hand, an autonomy level a new law prohibits) are
    lowered to what it allows, each with a note for the student, so that no turn is blocked
    by an order the student did not give that turn. Returns the orders and the notes.
    """
    orders = last.copy()
    orders.capacity, orders.joint_capacity, orders.imports = {}, {}, {}
    orders.train_operators = 0
    notes = []
    limit = state.capacity[0] + state.joint_capacity[0]
    for item, amount in list(orders.production.items()):
        if item not in tables.items:
            continue
        allowed = math.floor(limit[tables.items.index(item)] + 1e-9)
        if amount > allowed:
            orders.production[item] = float(allowed)
            notes.append(f"{_name(tables, item)} production lowered from {units(amount)} to {units(allowed)}: damage cut your lines.")
    for item, plan in orders.strikes.items():
        if item not in tables.items:
            continue
        on_hand = math.floor(state.stock[0, tables.items.index(item)] + 1e-9)
        planned = sum(plan.values())
        if planned > on_hand:
            kept = {target: math.floor(amount * on_hand / planned) for target, amount in plan.items()}
            orders.strikes[item] = {target: float(amount) for target, amount in kept.items() if amount}
            notes.append(f"Strikes with {_name(tables, item)} lowered from {units(planned)} to {units(sum(kept.values()))}: that is all you have on hand.")
    if orders.autonomy in tables.levels and state.prohibited[0, tables.levels.index(orders.autonomy)]:
        default = tables.scenario.autonomy.default_level
        notes.append(
            f"{_level_name(tables, tables.levels.index(orders.autonomy))} is now prohibited "
            f"({tables.scenario.autonomy.legal_regime.name}); your autonomy level is back to {_level_name(tables, tables.levels.index(default))}."
        )
        orders.autonomy = default
    cost = float(sum(order_costs(state, orders_to_arrays(orders, tables), tables).values())[0])
    if cost > state.money[0] + 1e-6 and orders.production:
        # the standing production costs more than this turn's money: scale it down to fit
        price = production_unit_cost(state, tables)[0]
        others = cost - sum(amount * float(price[tables.items.index(item)]) for item, amount in orders.production.items() if item in tables.items)
        scale = max(0.0, (float(state.money[0]) - others)) / max(cost - others, 1e-9)
        for item, amount in list(orders.production.items()):
            lowered = float(math.floor(amount * scale))
            if lowered < amount:
                orders.production[item] = lowered
                notes.append(f"{_name(tables, item)} production lowered from {units(amount)} to {units(lowered)}: that is what your money covers this turn.")
    cycles = tables.scenario.development_cycles
    cheapest = min(cycles, key=lambda cycle: cycles[cycle].cost_usd_per_turn.value)
    cost = float(sum(order_costs(state, orders_to_arrays(orders, tables), tables).values())[0])
    if cost > state.money[0] + 1e-6 and orders.adaptation and orders.adaptation != cheapest:
        notes.append(
            f"Development cycle back to {cycles[cheapest].name}: your money this turn does not cover "
            f"{cycles[orders.adaptation].name} with your other standing orders."
        )
        orders.adaptation = cheapest
    return orders, notes


class OrdersError(ValueError):
    """Orders that cannot be carried out, with every reason in a student's words."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__("These orders cannot be carried out:\n" + "\n".join(f"- {p}" for p in self.problems))


def _unknown(kind: str, word, known) -> str:
    close = difflib.get_close_matches(word, list(known), n=1, cutoff=0.6) if isinstance(word, str) and len(word) < 200 else []
    if close:
        hint = f" Did you mean {close[0]!r}?"
    elif known:
        hint = f" Known: {', '.join(known)}."
    else:
        hint = " This scenario has none."
    return f"There is no {kind} called {quoted(word)} in this scenario.{hint}"


# The most units, shots or operators one order may name. Far above any scenario's capacity, so
# it never refuses a real plan; low enough that amount x unit cost stays finite in float.
MAX_ORDER_AMOUNT = 1_000_000_000
# A mapping or list of an order holds at most this many entries (a scenario has a few dozen ids).
MAX_ORDER_ENTRIES = 1_000
AMOUNT_FIELDS = {
    "production": "production",
    "capacity": "capacity expansion",
    "joint_capacity": "joint capacity",
    "imports": "imports",
}
ORDER_FIELDS = tuple(f.name for f in dataclasses.fields(Orders))


def quoted(value, limit: int = 60) -> str:
    """A value from untrusted input, shown briefly and safely in a message.

    ``repr`` escapes control characters; a huge integer is described rather than written out
    (Python refuses to write one of more than 4,300 digits); long text is cut.
    """
    if isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_)):
        value = int(value)
        if abs(value) > 10**15:
            digits = int(value.bit_length() * math.log10(2)) + 1
            return f"a number of about {digits:,} digits"
    try:
        text = repr(value)
    except Exception:  # an object whose repr fails is still named by its type
        text = f"a {type(value).__name__}"
    return text if len(text) <= limit else text[: limit - 3] + "..."


def plain_number(value, context: str, whole: bool = False) -> tuple[int | float | None, str | None]:
    """A number a player wrote, as a plain Python int or float, or why it cannot be one.

    ``context`` starts the sentence ("Production of Interceptor drone"). Signs and fractions
    are left to ``order_problems``, which says what the constraint is; here only what is not a
    usable number at all: text, None, True, NaN, infinity, and amounts beyond
    ``MAX_ORDER_AMOUNT``.
    """
    example = "a whole number such as 0 or 5" if whole else "a number such as 0 or 5"
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        hint = f"write {example}"
        if isinstance(value, str) and _looks_numeric(value):
            hint = f"write the number without quotes: {value.strip()}, not {quoted(value)}"
        elif value is None:
            hint = "write 0 for none"
        return None, f"{context}: {quoted(value)} is not a number; {hint}."
    try:
        number = int(value) if isinstance(value, numbers.Integral) else float(value)
    except (OverflowError, ValueError):  # a Fraction too large for a float
        number = math.inf
    if isinstance(number, float) and math.isnan(number):
        return None, f"{context}: NaN (not a number) is not an amount; write {example}."
    if abs(number) > MAX_ORDER_AMOUNT:
        infinite = isinstance(number, float) and math.isinf(number)
        shown = ("minus " if number < 0 else "") + "infinity" if infinite else quoted(number)
        if number < 0:
            return None, f"{context}: {shown} cannot be ordered; order 0 or more."
        return None, f"{context}: {shown} is more than any order may hold; order at most {MAX_ORDER_AMOUNT:,}."
    return number, None


def _looks_numeric(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return len(text) < 40


_MADE_UP_IDS = {
    "item": "interceptor_drone",
    "interceptor": "interceptor_drone",
    "threat": "attack_drone",
    "strike": "strike_drone",
    "target": "production",
}


class _Reader:
    """Reads one turn's orders as untrusted data, noting every problem in a student's words."""

    def __init__(self, tables: Tables | None):
        self.tables = tables
        self.problems: list[str] = []

    def name(self, item) -> str:
        if self.tables is not None and isinstance(item, str) and item in self.tables.scenario.catalogue:
            return _name(self.tables, item)
        return quoted(item)

    def threat_name(self, threat) -> str:
        if self.tables is not None and isinstance(threat, str) and threat in self.tables.scenario.adversary.threats:
            return _threat_name(self.tables, threat)
        return quoted(threat)

    def example(self, kind: str) -> str:
        """An id of this scenario to show in an example (a made-up one without tables)."""
        t = self.tables
        if t is None:
            return _MADE_UP_IDS[kind]
        ids = {
            "item": t.items,
            "interceptor": [item for k, item in enumerate(t.items) if t.can_engage[k].any()],
            "threat": t.threats,
            "strike": [item for k, item in enumerate(t.items) if t.is_strike[k]],
            "target": t.target_sets,
        }[kind]
        return ids[0] if ids else _MADE_UP_IDS[kind]

    def layers_example(self) -> str:
        return f"[Layer({self.example('interceptor')!r}, 1)]"

    def plan_example(self) -> str:
        return f"{{{self.example('target')!r}: 5}}"

    def mapping(self, value, context: str, example) -> Mapping | None:
        """``value`` if it is a dict of a sensible size, else None with the problem noted
        (``example()`` writes the dict to suggest; only called for a message)."""
        if not isinstance(value, Mapping):
            self.problems.append(f"{context}: write a dict such as {example()}, not {quoted(value)}.")
            return None
        if len(value) > MAX_ORDER_ENTRIES:
            self.problems.append(f"{context}: {len(value):,} entries; list each id once (at most {MAX_ORDER_ENTRIES:,}).")
            return None
        return value

    def key(self, key):
        return str(key) if isinstance(key, str) else key  # numpy's str_ becomes a plain str

    def number(self, value, context: str, whole: bool = False):
        number, problem = plain_number(value, context, whole)
        if problem:
            self.problems.append(problem)
        return number

    def amounts(self, value, what: str) -> dict:
        given = self.mapping(value, what.capitalize(), lambda: f"{{{self.example('item')!r}: 10}}")
        if given is None:
            return {}
        plain = {}
        for item, amount in given.items():
            number = self.number(amount, f"{what.capitalize()} of {self.name(item)}")
            if number is not None:
                plain[self.key(item)] = number
        return plain

    def doctrine(self, value) -> dict:
        given = self.mapping(value, "Doctrine", lambda: f"{{{self.example('threat')!r}: {self.layers_example()}}}")
        if given is None:
            return {}
        plain = {}
        for threat, layers in given.items():
            against = f"Doctrine against {self.threat_name(threat)}"
            if not isinstance(layers, (list, tuple)):
                self.problems.append(f"{against}: write a list of layers such as {self.layers_example()}, not {quoted(layers)}.")
                continue
            if len(layers) > MAX_ORDER_ENTRIES:
                self.problems.append(f"{against}: {len(layers):,} layers; list each interceptor type once.")
                continue
            read = [self.layer(entry, f"{against}, layer {slot}") for slot, entry in enumerate(layers, start=1)]
            if all(entry is not None for entry in read):
                plain[self.key(threat)] = read
        return plain

    def layer(self, entry, context: str) -> Layer | None:
        """A ``Layer`` from a Layer, a mapping {item, shots} or a pair (item, shots)."""
        if isinstance(entry, Layer):
            item, shots = entry.item, entry.shots
        elif isinstance(entry, Mapping):
            unknown = [key for key in entry if key not in ("item", "shots")]
            if unknown or "item" not in entry:
                what = f"unknown field {quoted(unknown[0])}" if unknown else "no item"
                self.problems.append(f"{context}: {what}; write Layer(item, shots) or {{'item': ..., 'shots': ...}}.")
                return None
            item, shots = entry["item"], entry.get("shots", 1)
        elif isinstance(entry, (list, tuple)) and 1 <= len(entry) <= 2:
            item, shots = entry[0], entry[1] if len(entry) == 2 else 1
        else:
            self.problems.append(f"{context}: write Layer(item, shots), such as Layer({self.example('interceptor')!r}, 1), not {quoted(entry)}.")
            return None
        number = self.number(shots, f"{context}, shots", whole=True)
        return None if number is None else Layer(self.key(item), number)

    def strikes(self, value) -> dict:
        given = self.mapping(value, "Strikes", lambda: f"{{{self.example('strike')!r}: {self.plan_example()}}}")
        if given is None:
            return {}
        plain = {}
        for item, plan in given.items():
            context = f"Strikes with {self.name(item)}"
            plan = self.mapping(plan, context, self.plan_example)
            if plan is None:
                continue
            numbers_read = {self.key(target): self.number(amount, f"{context} at {quoted(target)}") for target, amount in plan.items()}
            plain[self.key(item)] = {target: n for target, n in numbers_read.items() if n is not None}
        return plain

    def word(self, value, context: str, example: str, empty_allowed: bool = False) -> str | None:
        """An id written as text (None, with the problem noted, for anything else)."""
        if isinstance(value, str) or (empty_allowed and value is None):
            return str(value or "")
        self.problems.append(f"{context}: write a name in quotes such as {example!r}, not {quoted(value)}.")
        return None


def _fields(orders) -> tuple[dict, list[str]]:
    """The fields of ``Orders`` or of a mapping of them; problems for what is neither."""
    if isinstance(orders, Orders):
        return {name: getattr(orders, name) for name in ORDER_FIELDS}, []
    if not isinstance(orders, Mapping):
        return {}, [f"Orders: write Orders(...) or a mapping of its fields ({', '.join(ORDER_FIELDS)}), not {quoted(orders)}."]
    unknown = [key for key in orders if key not in ORDER_FIELDS]
    if unknown:
        return {}, [f"Orders: unknown field {quoted(unknown[0])} (allowed: {', '.join(ORDER_FIELDS)})."]
    defaults = Orders()
    return {name: orders.get(name, getattr(defaults, name)) for name in ORDER_FIELDS}, []


def _read_orders(orders, tables: Tables | None) -> tuple[Orders, list[str]]:
    """A copy of the orders in plain Python values, and every problem with their shape."""
    fields, problems = _fields(orders)
    if problems:
        return Orders(), problems
    reader = _Reader(tables)
    plain = Orders(
        **{name: reader.amounts(fields[name], what) for name, what in AMOUNT_FIELDS.items()},
        doctrine=reader.doctrine(fields["doctrine"]),
        strikes=reader.strikes(fields["strikes"]),
        autonomy=reader.word(fields["autonomy"], "Autonomy level", "remote_piloting"),
        adaptation=reader.word(fields["adaptation"], "Development cycle", "peacetime", empty_allowed=True),
        train_operators=_or_zero(reader.number(fields["train_operators"], "Operators to train", whole=True)),
    )
    return plain, reader.problems


def _or_zero(number):
    return 0 if number is None else number


def plain_orders(orders, tables: Tables | None = None) -> Orders:
    """A copy of the orders in plain Python values (ints, floats, str, dict, list, ``Layer``).

    ``orders`` is an ``Orders`` or a mapping of its fields (as a save file holds them). Its
    shape is checked, not the scenario's ids (``checked_orders`` does both); a wrong shape is an
    ``OrdersError`` saying what to write instead. With ``tables``, messages use items' names.
    """
    plain, problems = _read_orders(orders, tables)
    if problems:
        raise OrdersError(problems)
    return plain


def orders_to_arrays(orders: Orders, tables: Tables) -> OrderArrays:
    """One game's orders as a batch of one; a wrong shape or unknown id raises ``OrdersError``."""
    return checked_orders(orders, tables)[1]


def checked_orders(orders, tables: Tables) -> tuple[Orders, OrderArrays]:
    """The orders in plain values and as a batch of one, or ``OrdersError`` with every problem
    of shape and every unknown id (``order_problems`` then checks them against the state)."""
    orders, problems = _read_orders(orders, tables)
    arrays = empty_order_arrays(tables, 1)

    def fill(target: np.ndarray, amounts: dict, what: str) -> None:
        for item, amount in amounts.items():
            if item not in tables.items:
                problems.append(_unknown("item", item, tables.items) + f" (in {what})")
            else:
                target[0, tables.items.index(item)] = amount

    for name, what in AMOUNT_FIELDS.items():
        fill(getattr(arrays, name), getattr(orders, name), what)
    arrays.layer_item[:] = -1
    arrays.layer_shots[:] = 1
    for threat, layers in orders.doctrine.items():
        if threat not in tables.threats:
            problems.append(_unknown("threat class", threat, tables.threats) + " (in doctrine)")
            continue
        t = tables.threats.index(threat)
        if len(layers) > tables.layer_slots:
            problems.append(
                f"Doctrine against {_threat_name(tables, threat)}: {len(layers)} layers, "
                f"but only {tables.layer_slots} interceptor types can engage it. List each type once."
            )
            continue
        for slot, layer in enumerate(layers):
            if layer.item not in tables.items:
                problems.append(_unknown("item", layer.item, tables.items) + " (in doctrine)")
                continue
            arrays.layer_item[0, t, slot] = tables.items.index(layer.item)
            arrays.layer_shots[0, t, slot] = layer.shots
    for item, plan in orders.strikes.items():
        if item not in tables.items:
            problems.append(_unknown("item", item, tables.items) + " (in strikes)")
            continue
        for target_set, amount in plan.items():
            if target_set not in tables.target_sets:
                problems.append(_unknown("target set", target_set, tables.target_sets) + " (in strikes)")
            else:
                arrays.strikes[0, tables.items.index(item), tables.target_sets.index(target_set)] = amount
    if orders.autonomy is None:  # not text: already said
        pass
    elif orders.autonomy not in tables.levels:
        problems.append(_unknown("autonomy level", orders.autonomy, tables.levels))
    else:
        arrays.autonomy[0] = tables.levels.index(orders.autonomy)
    if orders.adaptation:
        if orders.adaptation not in tables.cycles:
            problems.append(_unknown("development cycle", orders.adaptation, tables.cycles))
        else:
            arrays.adaptation[0] = tables.cycles.index(orders.adaptation)
    arrays.train_operators[0] = orders.train_operators
    if problems:
        raise OrdersError(problems)
    return orders, arrays


def _name(tables: Tables, item: str) -> str:
    return tables.scenario.catalogue[item].name if item in tables.scenario.catalogue else item


def _threat_name(tables: Tables, threat: str) -> str:
    return tables.scenario.adversary.threats[threat].name


def _level_name(tables: Tables, level: int) -> str:
    return tables.scenario.autonomy.levels[tables.levels[level]].name


@dataclass(frozen=True)
class Problem:
    """Games of a batch whose orders break one constraint, and how to say it for each game."""

    games: np.ndarray  # [B] bool
    describe: object  # callable(game index) -> list of sentences


def order_problems(state: State, orders: OrderArrays, tables: Tables) -> list[Problem]:
    """Every constraint the orders break, for every game of the batch at once."""
    found: list[Problem] = []

    def add(mask, sentence) -> None:
        """One constraint for a whole game: ``sentence(b)`` says what game b must change."""
        mask = np.asarray(mask, bool)
        if mask.any():
            found.append(Problem(mask, lambda b: [sentence(b)]))

    def add_per_item(mask, sentence) -> None:
        """One constraint per item: ``mask`` is [B, I]; ``sentence(b, i)`` speaks of item i."""
        mask = np.asarray(mask, bool)
        if mask.any():
            found.append(Problem(any_of(mask), lambda b: [sentence(b, i) for i in np.nonzero(mask[b])[0]]))

    def name(i) -> str:
        return _name(tables, tables.items[i])

    amounts = {
        "production": orders.production,
        "capacity expansion": orders.capacity,
        "joint capacity": orders.joint_capacity,
        "imports": orders.imports,
    }
    stacked = np.stack(list(amounts.values()))  # [4, B, I]: one check for all four kinds
    if ((stacked < 0) | (stacked != np.floor(stacked))).any():
        for what, values in amounts.items():
            add_per_item(
                values < 0,
                lambda b, i, w=what, v=values: f"{w.capitalize()} of {name(i)} cannot be negative ({units(v[b, i])} ordered). Order 0 or more.",
            )
            add_per_item(
                np.abs(values - np.round(values)) > 1e-9,
                lambda b, i, w=what, v=values: f"{w.capitalize()} of {name(i)}: {units(v[b, i])} ordered; order whole units.",
            )

    production_limit = state.capacity + state.joint_capacity
    add_per_item(
        orders.production > production_limit + 1e-9,
        lambda b, i: (
            f"Production of {name(i)}: {units(orders.production[b, i])} ordered, "
            f"capacity is {units(np.floor(production_limit[b, i] + 1e-9))} this turn."
        ),
    )
    add_per_item(
        (orders.imports > 0) & ~tables.has_imports,
        lambda b, i: f"{name(i)} cannot be imported in this scenario. Set its imports to 0.",
    )
    add_per_item(
        tables.has_imports & (orders.imports > state.import_available + 1e-9),
        lambda b, i: (
            f"Imports of {name(i)}: {units(orders.imports[b, i])} ordered, "
            f"the market offers {units(state.import_available[b, i])} this turn."
        ),
    )
    add_per_item(
        (orders.joint_capacity > 0) & ~tables.has_joint,
        lambda b, i: f"{name(i)} has no joint-production option in this scenario. Set its joint capacity to 0.",
    )

    # doctrine; when every game of the batch has the same doctrine (a built-in policy's), one
    # game's check stands for all
    layer_item, layer_shots = orders.layer_item, orders.layer_shots
    if state.batch > 1 and (layer_item == layer_item[0]).all() and (layer_shots == layer_shots[0]).all():
        layer_item, layer_shots = layer_item[:1], layer_shots[:1]

    def every_game(values: np.ndarray) -> np.ndarray:
        return np.broadcast_to(values, (state.batch,))

    for t, threat in enumerate(tables.threats):
        against = f"Doctrine against {_threat_name(tables, threat)}"
        for slot in range(tables.layer_slots):
            item = layer_item[:, t, slot]
            used = item >= 0
            if not used.any():
                continue
            chosen = np.where(used, item, 0)
            shots = layer_shots[:, t, slot]
            cannot_engage = used & ~tables.can_engage[chosen, t]
            wrong_shots = used & ((shots < 1) | (shots > tables.max_shots[chosen]) | (shots != np.round(shots)))
            listed_twice = used & any_of(layer_item[:, t, :slot] == item[:, None])
            safe, shots = every_game(chosen), every_game(shots)
            add(
                every_game(cannot_engage),
                lambda b, safe=safe, against=against: (
                    f"{against}: {name(safe[b])} cannot engage this threat. Remove it from this layer list."
                ),
            )
            add(
                every_game(wrong_shots),
                lambda b, safe=safe, shots=shots, against=against: (
                    f"{against}: {units(shots[b])} shots per target with {name(safe[b])}; "
                    f"allowed 1 to {int(tables.max_shots[safe[b]])}."
                ),
            )
            add(
                every_game(listed_twice),
                lambda b, safe=safe, against=against: f"{against}: {name(safe[b])} is listed twice. List each type once.",
            )

    launched = total(orders.strikes)
    if ((orders.strikes < 0) | (orders.strikes != np.floor(orders.strikes))).any():
        add(
            any_of(any_of((orders.strikes < 0) | (np.abs(orders.strikes - np.round(orders.strikes)) > 1e-9))),
            lambda b: "Strike orders must be whole numbers of drones, 0 or more.",
        )
    add_per_item(
        (launched > 0) & ~tables.is_strike,
        lambda b, i: f"{name(i)} is not a strike drone. Strike with a strike drone instead.",
    )
    out_of_reach = any_of((orders.strikes > 0) & ~tables.can_reach & tables.is_strike[:, None])
    add_per_item(
        out_of_reach,
        lambda b, i: (
            f"{name(i)} cannot reach "
            + ", ".join(tables.scenario.adversary.target_sets[g].name for k, g in enumerate(tables.target_sets) if orders.strikes[b, i, k] > 0 and not tables.can_reach[i, k])
            + f". In range: {', '.join(tables.scenario.adversary.target_sets[g].name for k, g in enumerate(tables.target_sets) if tables.can_reach[i, k]) or 'nothing'}."
        ),
    )
    add_per_item(
        launched > state.stock + 1e-9,
        lambda b, i: f"Strikes with {name(i)}: {units(launched[b, i])} ordered, {units(state.stock[b, i])} on hand.",
    )

    sorties = total(launched)
    per_operator = tables.sorties_per_operator[orders.autonomy]
    sortie_limit = state.operators * per_operator
    add(
        np.isfinite(per_operator) & (sorties > sortie_limit + 1e-9),
        lambda b: (
            f"{_level_name(tables, orders.autonomy[b])} lets one operator fly {units(per_operator[b])} sorties a turn: "
            f"{units(state.operators[b])} operators can fly {units(sortie_limit[b])}, you ordered {units(sorties[b])}. "
            f"Fly fewer sorties, train operators, or choose a level that needs fewer operators."
        ),
    )
    add(
        state.prohibited[np.arange(state.batch), orders.autonomy],
        lambda b: (
            f"{_level_name(tables, orders.autonomy[b])} is prohibited by this scenario's legal regime "
            f"({tables.scenario.autonomy.legal_regime.name}). Choose another autonomy level."
        ),
    )
    add(
        (orders.train_operators < 0) | (np.abs(orders.train_operators - np.round(orders.train_operators)) > 1e-9),
        lambda b: f"Operators to train: {units(orders.train_operators[b])}; train a whole number, 0 or more.",
    )

    cost = sum(order_costs(state, orders, tables).values())
    add(
        cost > state.money + 1e-6,
        lambda b: (
            f"These orders cost {money(cost[b])}; you have {money(state.money[b])}. "
            f"Cut {money(cost[b] - state.money[b], round_up=True)}."
        ),
    )
    return found


def fire_limit_notes(state: State, orders: OrderArrays, tables: Tables, game: int = 0) -> list[str]:
    """Purchases beyond what can ever be fired: not refused (stock may be worth holding), but
    said plainly, e.g. "only 300 of these can be fired a month"."""
    from .scenario.display import per_turn_words

    turns_left = tables.turns - int(state.turn) + 1
    bought = orders.production[game] + orders.imports[game]
    held = state.stock[game] + tables.stock_pipe.waiting(state.incoming_stock)[game] + bought
    notes = []
    for i, item in enumerate(tables.items):
        limit = tables.fire_capacity[i]
        if bought[i] <= 0 or not np.isfinite(limit) or not tables.can_engage[i].any():
            continue
        most_fired = limit * tables.max_shots[i] * turns_left
        if held[i] > most_fired:
            notes.append(
                f"{_name(tables, item)}: only {units(limit)} of these can be fired {per_turn_words(tables.turn_length_days)} "
                f"({units(tables.max_shots[i])} shot{'s' if tables.max_shots[i] != 1 else ''} per target at most), "
                f"{units(most_fired)} in the {units(turns_left)} turn{'s' if turns_left != 1 else ''} left; "
                f"with this order you will hold {units(held[i])}."
            )
    return notes


def problems_for_game(problems: list[Problem], game: int = 0) -> list[str]:
    """The sentences that tell one game's player what to change."""
    return [sentence for p in problems if p.games[game] for sentence in p.describe(game)]
