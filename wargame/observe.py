"""What the player sees: one flat, documented vector per game, for a whole batch at once.

``observe(state, tables)`` gives a ``[B, N]`` array whose entries are listed, in order, by
``observation_table(tables)``: each entry's name, unit, lowest and highest value. The table is
built from the scenario (its catalogue, threats and autonomy levels), so two scenarios with
different catalogues have vectors of different lengths. Policies, ``PlayerView`` and the
Gymnasium environment (``wargame.env``) all read this one vector.

==========================================  ===================  ====  ==========================
Entry (per scenario id, in this order)      Unit                 Low   High (a bound it cannot
                                                                       exceed, at least 1)
==========================================  ===================  ====  ==========================
``turn``                                    turn                 1     turns + 1 (game over)
``money_million_usd``                       million USD          0     starting money + every
                                                                       turn's largest income +
                                                                       every grant
``income_million_usd_per_turn``             million USD a turn   0     the largest income
``stock_{item}_units`` (each item)          units                0     starting stock + units
                                                                       given by events + all the
                                                                       money at the lowest price
``capacity_{item}_units_per_turn``          units a turn         0     starting capacity + all
                                                                       the money at the lowest
                                                                       line price (or tripling
                                                                       every turn, if lower)
``on_order_{item}_units``                   units                0     as stock
``import_available_{item}_units``           units a turn         0     the largest market offer
``operators_units``                         operators            0     starting operators + all
                                                                       the money in training
``jamming_intensity``                       fraction             0     1
``raid_expected_{threat}_units``            drones or missiles   0     launches at the start x
                                                                       largest growth x surge
``countermeasure_{item}``                   fraction of pk lost  0     1
``prohibited_{level}`` (each level)         1 = prohibited       0     1
==========================================  ===================  ====  ==========================

Money is in millions of USD so that the figures an agent learns from are of order one; pass
``base_units=True`` for the kit's own units (USD), as ``PlayerView`` does, which reads them
exactly. The capacity bound assumes capacity bought through the environment's actions (at most
the current capacity, or one unit, per turn and kind of line); the other bounds hold however
the game is played.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .rules.raid import expected_raid_size
from .state import State
from .tables import Tables

MILLION = 1e6
# Limits of the environment's actions (``wargame.actions``) that some bounds rely on: operators
# trained per turn, and new lines per turn and kind of line as a multiple of the current capacity
# (at least one unit).
MAX_TRAINED_PER_TURN = 20
MAX_NEW_LINES_PER_TURN = 1.0


@dataclass(frozen=True)
class Entry:
    """One entry of the observation vector: what it is, in which unit, and its range."""

    name: str
    unit: str
    low: float
    high: float
    scale: float = 1.0  # kit units per shown unit: 1e6 for money shown in millions of USD
    base_unit: str = ""  # the kit's own unit, when ``scale`` is not 1

    def __str__(self) -> str:
        return f"{self.name} ({self.unit}, {self.low:,.6g} to {self.high:,.6g})"


@dataclass(frozen=True)
class ObservationTable:
    """The entries of the vector, in order, and where each group of entries starts."""

    entries: tuple[Entry, ...]
    slices: dict  # group name -> slice of the vector

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(entry.name for entry in self.entries)

    @property
    def low(self) -> np.ndarray:
        return np.array([entry.low for entry in self.entries])

    @property
    def high(self) -> np.ndarray:
        return np.array([entry.high for entry in self.entries])

    @property
    def scale(self) -> np.ndarray:
        return np.array([entry.scale for entry in self.entries])

    def __len__(self) -> int:
        return len(self.entries)

    def frame(self):
        """The table as a pandas DataFrame, one row per entry (for reading in a notebook)."""
        import pandas as pd

        return pd.DataFrame([vars(entry) for entry in self.entries]).set_index("name")


def observation_table(tables: Tables) -> ObservationTable:
    """The documented entries of the observation vector of a scenario (computed once)."""
    cache = tables.scenario._cache
    if "observation_table" not in cache:
        cache["observation_table"] = _build_table(tables)
    return cache["observation_table"]


def observe(state: State, tables: Tables, dtype=np.float32, base_units: bool = False) -> np.ndarray:
    """[B, N] what each game's player sees now, in the order of ``observation_table``."""
    table = observation_table(tables)
    batch = state.batch
    if state.turn <= tables.turns:
        raid = expected_raid_size(state, tables)
    else:  # the game is over: no raid is coming
        raid = np.zeros((batch, len(tables.threats)))
    columns = [
        np.full((batch, 1), float(state.turn)),
        state.money[:, None],
        state.income[:, None],
        state.stock,
        state.capacity + state.joint_capacity,
        tables.stock_pipe.waiting(state.incoming_stock),
        state.import_available,
        state.operators[:, None],
        state.jamming[:, None],
        raid,
        state.countermeasure,
        state.prohibited.astype(float),
    ]
    vector = np.concatenate(columns, axis=1)
    if not base_units:
        vector = vector / table.scale
    return vector.astype(dtype, copy=False)


def _build_table(tables: Tables) -> ObservationTable:
    s = tables.scenario
    bounds = _bounds(tables)
    groups: list[tuple[str, list[Entry]]] = []

    def group(name: str, entries: list[Entry]) -> None:
        groups.append((name, entries))

    def usd(name: str, unit: str, high: float) -> Entry:
        return Entry(name, unit, 0.0, max(1.0, high / MILLION), MILLION, unit.replace("million USD", "USD"))

    def per_item(prefix: str, suffix: str, unit: str, highs) -> list[Entry]:
        return [Entry(f"{prefix}_{item}{suffix}", unit, 0.0, max(1.0, float(h))) for item, h in zip(tables.items, highs)]

    group("turn", [Entry("turn", "turn", 1.0, float(tables.turns + 1))])
    group("money", [usd("money_million_usd", "million USD", bounds["money"])])
    group("income", [usd("income_million_usd_per_turn", "million USD a turn", bounds["income"])])
    group("stock", per_item("stock", "_units", "units", bounds["stock"]))
    group("capacity", per_item("capacity", "_units_per_turn", "units a turn", bounds["capacity"]))
    group("on_order", per_item("on_order", "_units", "units", bounds["stock"]))
    group("import_available", per_item("import_available", "_units", "units a turn", bounds["market"]))
    group("operators", [Entry("operators_units", "operators", 0.0, max(1.0, bounds["operators"]))])
    group("jamming", [Entry("jamming_intensity", "fraction", 0.0, 1.0)])
    group(
        "raid",
        [
            Entry(f"raid_expected_{threat}_units", "drones or missiles", 0.0, max(1.0, float(h)))
            for threat, h in zip(tables.threats, bounds["raid"])
        ],
    )
    group("countermeasure", [Entry(f"countermeasure_{item}", "fraction of pk lost", 0.0, 1.0) for item in tables.items])
    group("prohibited", [Entry(f"prohibited_{level}", "1 = prohibited", 0.0, 1.0) for level in tables.levels])
    entries, slices, start = [], {}, 0
    for name, members in groups:
        slices[name] = slice(start, start + len(members))
        entries += members
        start += len(members)
    return ObservationTable(entries=tuple(entries), slices=slices)


def _bounds(tables: Tables) -> dict:
    """Upper bounds of what can vary, from the scenario's own figures (see the module's table)."""
    s = tables.scenario
    turns = tables.turns
    funding = [e for e in s.events if e.type == "funding"]
    incomes = [float(s.budget.per_turn_usd.value), *(float(v.value) for v in s.budget.schedule_usd.values())]
    incomes += [float(e.per_turn_usd.value) for e in funding if e.per_turn_usd is not None]
    income = max(incomes)
    money = float(s.budget.initial_usd.value) + turns * income + sum(float(e.grant_usd.value) for e in funding)

    given = np.array([sum(e.units for e in s.events if e.type == "delivery" and e.item == item) for item in tables.items], float)
    catalogue = [s.catalogue[item] for item in tables.items]
    start_stock = np.array([item.stock_units for item in catalogue], float)
    lowest_price = tables.unit_cost * np.minimum(1.0, tables.joint_unit_factor)
    stock = start_stock + given + money / lowest_price

    start_capacity = np.array([item.capacity_units_per_turn for item in catalogue], float)
    line_price = tables.capacity_cost * np.where(tables.has_joint, np.minimum(1.0, tables.joint_cost_factor), 1.0)
    by_money = start_capacity + np.divide(money, line_price, out=np.full_like(line_price, np.inf), where=line_price > 0)
    # a domestic and a joint line may each add MAX_NEW_LINES_PER_TURN times the capacity (or one unit)
    by_actions = (start_capacity + 1.0) * (1.0 + 2.0 * MAX_NEW_LINES_PER_TURN) ** turns
    capacity = np.minimum(by_money, by_actions)

    market = np.array([item.imports.available_units_per_turn if item.imports else 0.0 for item in catalogue], float)
    for event in s.events:
        if event.type == "import_market":
            i = tables.items.index(event.item)
            market[i] = max(market[i], event.available_units_per_turn)

    initial_operators = float(s.training.initial_operators)
    by_training_money = money / tables.training_cost if tables.training_cost > 0 else np.inf
    operators = initial_operators + min(by_training_money, turns * MAX_TRAINED_PER_TURN)

    launches = np.array([float(s.adversary.threats[t].launches_per_turn.value) for t in tables.threats])
    growth = np.maximum(1.0, (1.0 + tables.growth) ** turns)
    raid = launches * growth * tables.raid_schedule.max(axis=0)
    return {
        "money": money,
        "income": income,
        "stock": stock,
        "capacity": capacity,
        "market": market,
        "operators": operators,
        "raid": raid,
    }


# --- PlayerView: one game's reading of the vector ---------------------------------------------


@dataclass(frozen=True)
class PlayerView:
    """What the player sees at the start of a turn (what a policy decides from)."""

    turn: int
    turns: int
    money_usd: float
    income_usd_per_turn: float
    stock_units: dict[str, float]
    capacity_units_per_turn: dict[str, float]
    on_order_units: dict[str, float]
    import_available_units: dict[str, float]
    operators: float
    jamming_intensity: float
    raid_estimate_units: dict[str, tuple[float, float]]
    countermeasures: dict[str, float]
    prohibited_levels: tuple[str, ...]


def player_view(state: State, tables: Tables, game: int = 0) -> PlayerView:
    """One game's view of a batch state, keyed by the scenario's ids."""
    one = state if state.batch == 1 and game == 0 else state.take(slice(game, game + 1))
    return view_from_vector(observe(one, tables, dtype=np.float64, base_units=True)[0], tables)


def player_views(state: State, tables: Tables) -> list[PlayerView]:
    """Every game's view of a batch state, from one observation of the whole batch."""
    vectors = observe(state, tables, dtype=np.float64, base_units=True)
    return [view_from_vector(row, tables) for row in vectors]


def view_from_vector(vector: np.ndarray, tables: Tables) -> PlayerView:
    """A ``PlayerView`` read from one game's observation in the kit's own units (``base_units``)."""
    parts = observation_table(tables).slices

    def one(group: str) -> float:
        return float(vector[parts[group]][0])

    def by(group: str, ids) -> dict[str, float]:
        return {name: float(value) for name, value in zip(ids, vector[parts[group]])}

    raid = by("raid", tables.threats)
    return PlayerView(
        turn=int(one("turn")),
        turns=tables.turns,
        money_usd=one("money"),
        income_usd_per_turn=one("income"),
        stock_units=by("stock", tables.items),
        capacity_units_per_turn=by("capacity", tables.items),
        on_order_units=by("on_order", tables.items),
        import_available_units=by("import_available", tables.items),
        operators=one("operators"),
        jamming_intensity=one("jamming"),
        raid_estimate_units={threat: (max(0.0, m - 2 * math.sqrt(m)), m + 2 * math.sqrt(m)) for threat, m in raid.items()},
        countermeasures={item: v for item, v in by("countermeasure", tables.items).items() if v > 0},
        prohibited_levels=tuple(level for level, flag in by("prohibited", tables.levels).items() if flag),
    )
