"""The scenario schema: what an instructor may write in a scenario file, with units and limits.

Every field says its unit in its name (``_usd``, ``_days``, ``_units``, ``_per_turn``) or in its
description. Probabilities are fractions from 0 to 1. A number drawn from public figures may be
written as a plain number or as ``{value, source, range, contested}``, so that the kit can show
its source beside it.

Cross-references between sections (a doctrine naming an item, an event after the last turn)
are checked in ``checks.py``; this module holds the shapes and per-field limits only.
"""

from __future__ import annotations

import unicodedata
from typing import Annotated, Any, Literal, Union

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
)
from pydantic_core import PydanticCustomError

from .errors import number
from .yaml_limits import describe_character


class FrozenDict(dict):
    """A dict that refuses changes, so a loaded scenario cannot be edited by accident."""

    def _refuse(self, *args, **kwargs):
        raise TypeError(
            "a loaded scenario is read-only; write a scenario file that `extends:` this one instead"
        )

    __setitem__ = __delitem__ = update = pop = popitem = clear = setdefault = _refuse
    __ior__ = _refuse

    def __hash__(self):
        return hash(tuple(sorted(self.items(), key=lambda kv: str(kv[0]))))


def _freeze(mapping: dict) -> FrozenDict:
    return FrozenDict(mapping)


class Model(BaseModel):
    """Base for every scenario section: unknown keys are errors, and values cannot change."""

    model_config = ConfigDict(extra="forbid", frozen=True)


Id = Annotated[
    str,
    Field(
        pattern=r"^[a-z][a-z0-9_]*$",
        description="lower-case id: letters, digits and underscores, starting with a letter",
    ),
]
Fraction = Annotated[float, Field(ge=0.0, le=1.0, description="a fraction from 0 to 1")]
Turn = Annotated[int, Field(ge=1, description="a turn number, 1 for the first turn")]

# Upper bounds on every quantity that sizes memory or enters money arithmetic, far above real
# figures (the shipped scenarios' largest: a $12 million missile, a $750 million budget, 2.7
# thousand launches and 350 thousand units a turn, a two-year lead time), so that no figure a
# game computes from them can overflow to infinity. README's "Limits" section lists them.
MAX_DAYS = 7300  # 20 years: a lead time longer than the game is allowed (it arrives after the end)
MAX_UNITS = 1e9  # units in stock, made, bought, launched or fired per turn, or wanted per year
MAX_UNIT_COST_USD = 1e10  # the price of one unit, one unit a turn of capacity, one operator
MAX_USD = 1e13  # budgets, grants, the value of a hit, the cost of an incident
MAX_FACTOR = 1000.0  # multipliers: a surge in the raid, a threat's damage relative to a drone
MAX_PEOPLE = 1e6  # people harmed by one hit
MAX_MINUTES = 527_040.0  # a year of minutes (366 days)

Days = Annotated[
    int, Field(ge=0, le=MAX_DAYS, description=f"a whole number of days, at most {MAX_DAYS} (20 years)")
]


def _printable_text(text: str) -> str:
    """Refuse text holding a control character: an escape code would reach players' terminals."""
    for character in text:
        if unicodedata.category(character) == "Cc" and character not in "\n\t":
            raise PydanticCustomError(
                "control_character",
                "{message}",
                {"message": f"the text holds {describe_character(character)} (allowed: printable text, tabs and line breaks)"},
            )
    return text


Text = Annotated[str, AfterValidator(_printable_text)]


class Sourced(Model):
    """A figure taken from public sources: the value used, where it comes from, and the spread."""

    value: float
    source: Text | None = Field(None, description="where the figure comes from, as published")
    range: tuple[float, float] | None = Field(
        None, description="[low, high] where sources disagree"
    )
    contested: bool = Field(False, description="true when sources contradict each other")
    note: Text | None = None

    def __float__(self) -> float:
        return float(self.value)


def _number_to_sourced(raw: Any) -> Any:
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        return {"value": raw}
    return raw


def _bounded(low: float | None, high: float | None, low_open: bool = False):
    """A check that a sourced value (and its range) lie within the allowed limits."""

    def describe() -> str:
        low_text = None if low is None else (f"> {number(low)}" if low_open else f">= {number(low)}")
        high_text = None if high is None else f"<= {number(high)}"
        return " and ".join(t for t in (low_text, high_text) if t)

    def inside(number: float) -> bool:
        if low is not None and (number <= low if low_open else number < low):
            return False
        return high is None or number <= high

    def refuse(part: str, message: str) -> PydanticCustomError:
        # ``part`` tells the loader which key of a {value, range} mapping is at fault
        return PydanticCustomError("sourced_limit", "{message}", {"part": part, "message": message})

    def check(figure: Sourced) -> Sourced:
        if not inside(figure.value):
            raise refuse("value", f"out of range (allowed: {describe()})")
        if figure.range is not None:
            range_low, range_high = figure.range
            if range_low > range_high:
                raise refuse("range", "range written high to low (allowed: [low, high] with low <= high)")
            if not (inside(range_low) and inside(range_high)):
                raise refuse("range", f"range out of limits (allowed: both ends {describe()})")
        return figure

    return check


def sourced(low: float | None = None, high: float | None = None, low_open: bool = False):
    """A number, or a {value, source, range} mapping, whose value must lie within the limits."""
    limits = {"gt" if low_open else "ge": low, "le": high}
    plain_number = Annotated[float, Field(**{k: v for k, v in limits.items() if v is not None})]
    return Annotated[
        Sourced,
        BeforeValidator(_number_to_sourced, json_schema_input_type=Union[plain_number, Sourced]),
        AfterValidator(_bounded(low, high, low_open)),
    ]


Money = sourced(0.0, MAX_USD)
PositiveMoney = sourced(0.0, MAX_USD, low_open=True)
UnitCost = sourced(0.0, MAX_UNIT_COST_USD)
PositiveUnitCost = sourced(0.0, MAX_UNIT_COST_USD, low_open=True)
Probability = sourced(0.0, 1.0)


def frozen_dict_of(key_type, value_type, **field_kwargs):
    return Annotated[dict[key_type, value_type], AfterValidator(_freeze), Field(**field_kwargs)]


ROLES = (
    "interceptor_missile",
    "interceptor_drone",
    "gun",
    "electronic_warfare",
    "laser",
    "strike_drone",
)
Role = Literal[
    "interceptor_missile",
    "interceptor_drone",
    "gun",
    "electronic_warfare",
    "laser",
    "strike_drone",
]
AUTONOMY_LEVELS = (
    "remote_piloting",
    "terminal_autonomy",
    "supervised_autonomy",
    "full_autonomy",
)
AutonomyLevelId = Literal[
    "remote_piloting", "terminal_autonomy", "supervised_autonomy", "full_autonomy"
]
LESSON_KINDS = (
    "cost_exchange",
    "stockpile",
    "capacity_gap",
    "autonomy",
    "accountability",
    "adaptation",
)
LessonKind = Literal[
    "cost_exchange", "stockpile", "capacity_gap", "autonomy", "accountability", "adaptation"
]


class Budget(Model):
    """Money for the defender: what it starts with and what arrives each turn (carried over)."""

    initial_usd: Money = Field(description="money available before the first turn")
    per_turn_usd: Money = Field(description="money arriving at the start of every turn")
    schedule_usd: frozen_dict_of(Turn, Money) = Field(
        default_factory=FrozenDict,
        description="turn -> new per-turn income from that turn on",
    )
    source: Text | None = None


class ImportTerms(Model):
    """Buying abroad: scarce, dearer and slower than building at home."""

    available_units_per_turn: float = Field(ge=0, le=MAX_UNITS, description="units the market offers per turn")
    price_premium: float = Field(
        ge=0, le=10, description="extra price as a fraction of the unit cost (0.3 = +30%)"
    )
    delay_days: Days = Field(description="days from order to delivery")
    source: Text | None = None


class JointProduction(Model):
    """Building lines with a combat-experienced partner: dearer lines, sooner, cheaper units."""

    partner: Text
    capacity_cost_factor: float = Field(
        gt=0, le=10, description="price of a joint line relative to a domestic one"
    )
    lead_time_days: Days = Field(description="days until a joint line produces")
    unit_cost_factor: float = Field(
        gt=0, le=2, description="unit cost on joint lines relative to domestic lines"
    )
    source: Text | None = None


class Item(Model):
    """One catalogue entry: an interceptor type or a strike drone the defender can build or buy."""

    name: Text
    role: Role
    description: Text | None = None
    unit_cost_usd: PositiveUnitCost
    pk: frozen_dict_of(Id, Probability) = Field(
        default_factory=FrozenDict,
        description="threat class -> kill probability of one shot; only listed classes can be engaged",
    )
    max_shots_per_target: int = Field(3, ge=1, le=8)
    fire_capacity_per_turn: float | None = Field(
        None, gt=0, le=MAX_UNITS, description="most engagements per turn (launchers, crews); none = no limit"
    )
    stock_units: float = Field(ge=0, le=MAX_UNITS, description="units on hand at the start")
    capacity_units_per_turn: float = Field(ge=0, le=MAX_UNITS, description="domestic production per turn at the start")
    capacity_cost_usd_per_unit: UnitCost = Field(
        description="cost of adding one unit per turn of domestic capacity"
    )
    capacity_lead_time_days: Days = Field(description="days before new capacity produces")
    imports: ImportTerms | None = None
    joint_production: JointProduction | None = None
    reach: tuple[Id, ...] | None = Field(
        None,
        description="strike drones only: the adversary target sets in range; none = all of them",
    )


class Threat(Model):
    """One class of incoming threat the adversary launches each turn."""

    name: Text
    unit_cost_usd: PositiveUnitCost
    launches_per_turn: sourced(0.0, MAX_UNITS) = Field(description="launch capacity at the start, per turn")
    growth_per_turn: float = Field(
        0.0, ge=-1, le=5, description="fractional change in launch capacity each turn"
    )
    decoy_share: float = Field(0.0, ge=0, lt=1, description="fraction of launches that are decoys")
    decoy_unit_cost_usd: UnitCost = Field(default_factory=lambda: Sourced(value=0.0), description="cost of one decoy")
    damage_factor: float = Field(
        1.0, ge=0, le=MAX_FACTOR, description="damage of one real hit relative to a one-way drone (1.0)"
    )
    target_shares: frozen_dict_of(Id, Fraction) = Field(
        description="target category -> share of real leakers that hit it (sums to 1)"
    )
    schedule: frozen_dict_of(Turn, Annotated[float, Field(ge=0, le=MAX_FACTOR)]) = Field(
        default_factory=FrozenDict,
        description="turn -> multiplier on that turn's raid (a surge or a lull)",
    )


class Countermeasures(Model):
    """How the adversary adapts: a countermeasure against the system the defender leans on most."""

    first_turn: Turn = 2
    interval_turns: int = Field(3, ge=1, description="turns between new countermeasures")
    pk_penalty: Fraction = Field(
        description="fraction of the countered system's effectiveness lost while active"
    )
    description: Text | None = None
    source: Text | None = None


class StrikeTargetSet(Model):
    """An adversary target set that own strike drones can attack."""

    name: Text
    value_usd_per_hit: PositiveMoney
    capacity_loss_per_hit: Fraction = Field(
        description="fraction of adversary launch capacity removed per hit"
    )
    recovery_per_turn: Fraction = Field(description="fraction of lost capacity restored each turn")
    dwell_minutes: float | None = Field(
        None,
        gt=0,
        le=MAX_MINUTES,
        description="minutes a time-sensitive target stays put; none = fixed target",
    )


class Adversary(Model):
    """The side the engine plays: a schedule of raids plus simple adaptive rules."""

    name: Text
    threats: frozen_dict_of(Id, Threat, min_length=1)
    jamming_intensity: Fraction = Field(description="electronic-warfare pressure on own drones")
    countermeasures: Countermeasures | None = None
    target_sets: frozen_dict_of(Id, StrikeTargetSet) = Field(default_factory=FrozenDict)


class TargetCategory(Model):
    """Something of the defender's that leakers hit."""

    name: Text
    value_usd_per_hit: Money
    capacity_loss_per_hit: Fraction = Field(
        0.0, description="fraction of domestic production capacity lost per hit"
    )
    civilian_harm_per_hit: float = Field(0.0, ge=0, le=MAX_PEOPLE, description="people harmed per hit")


class AutonomyLevel(Model):
    """One autonomy level for own strike drones and its trade-offs."""

    name: Text
    description: Text
    p_hit: Probability = Field(description="chance a sortie hits with no jamming")
    jamming_sensitivity: Fraction = Field(
        description="fraction of p_hit lost at full jamming (1.0 = useless under full jamming)"
    )
    kill_chain_minutes: float = Field(gt=0, le=MAX_MINUTES, description="sensor-to-shooter time")
    p_misidentification: Probability = Field(description="chance a sortie strikes the wrong target")
    sorties_per_operator: float | None = Field(
        None, gt=0, le=MAX_UNITS, description="sorties one operator can fly or supervise per turn; none = no operator"
    )
    review_window_seconds: float | None = Field(
        None, ge=0, le=MAX_MINUTES * 60, description="time a human has to veto; none = no review"
    )


class LegalRegime(Model):
    """The rules the coalition has set itself for autonomous weapons."""

    name: Text
    description: Text
    prohibited_levels: tuple[AutonomyLevelId, ...] = ()
    incident_cost_usd: Money = Field(description="cost of one misidentification incident")
    source: Text | None = None


class Autonomy(Model):
    levels: frozen_dict_of(AutonomyLevelId, AutonomyLevel)
    legal_regime: LegalRegime
    default_level: AutonomyLevelId = "remote_piloting"


class DevelopmentCycle(Model):
    """How fast the defender patches a countermeasure, and what that speed costs."""

    name: Text
    patch_days: int = Field(gt=0, le=MAX_DAYS, description="days to patch one countermeasure")
    cost_usd_per_turn: Money
    source: Text | None = None


class Training(Model):
    initial_operators: float = Field(ge=0, le=MAX_UNITS)
    cost_usd_per_operator: UnitCost
    lead_time_days: Days


class Layer(Model):
    """One layer of a doctrine: an interceptor type and how many shots it fires per target."""

    item: Id
    shots: int = Field(1, ge=1, le=8)


class DemandBenchmark(Model):
    label: Text
    units_per_year: sourced(0.0, MAX_UNITS, low_open=True)
    roles: tuple[Role, ...] = Field(min_length=1, description="item roles counted against it")


class LessonText(Model):
    """An instructor's rewording of a lesson: templates over named metrics, and thresholds."""

    headline: Text | None = None
    detail: Text | None = None
    thresholds: frozen_dict_of(Id, float) = Field(default_factory=FrozenDict)


class Par(Model):
    """What a sound defence achieves and an idle or missiles-only one cannot.

    A game meets par when it meets every value set. The full account (interceptors fired plus
    damage, per dollar of raid) is the one to set: the raw cost-exchange ratio alone rewards
    not firing.
    """

    full_exchange_ratio_max: float | None = Field(None, gt=0)
    infrastructure_preserved_pct: float | None = Field(None, ge=0, le=100)
    civilian_harm_max: float | None = Field(None, ge=0, le=MAX_UNITS)
    cost_exchange_ratio_max: float | None = Field(None, gt=0, le=MAX_UNITS)
    incidents_max: float | None = Field(None, ge=0, le=MAX_UNITS)


def _low_to_high(pair: tuple[int, int]) -> tuple[int, int]:
    if pair[0] > pair[1]:
        raise PydanticCustomError(
            "low_to_high", "written high to low: [{low}, {high}] (allowed: [fewest, most])",
            {"low": pair[0], "high": pair[1]},
        )
    return pair


MAX_TURNS = 60  # the longest game; a slip longer than that is as good as never
SlipTurns = Annotated[int, Field(ge=1, le=MAX_TURNS, description="turns late, at most a whole game")]


class Slip(Model):
    """A chance that an event comes late: a programme's date is a promise, not a fact.

    Each game draws once, on the event's turn, whether it slips and by how many turns (every
    whole number from the first to the second of ``by_turns`` equally likely). See
    docs/rules.md, "Events that can slip", for the expected-value mode.
    """

    chance: Fraction = Field(description="probability that the event does not come on its turn")
    by_turns: Annotated[tuple[SlipTurns, SlipTurns], AfterValidator(_low_to_high)] = Field(
        description="[fewest, most] turns late when it slips"
    )
    source: Text | None = Field(None, description="why the date is uncertain, as published")


class _EventBase(Model):
    turn: Turn
    text: Text = Field(description="what players read when it happens")
    slip: Slip | None = Field(
        None, description="chance the event comes late (delivery, one-off funding and capability events only)"
    )


class DeliveryEvent(_EventBase):
    type: Literal["delivery"]
    item: Id
    units: float = Field(gt=0, le=MAX_UNITS)


class FundingEvent(_EventBase):
    type: Literal["funding"]
    grant_usd: Money = Field(default_factory=lambda: Sourced(value=0.0), description="one-off money")
    per_turn_usd: Money | None = Field(None, description="new per-turn income from now on")


class LegalRegimeEvent(_EventBase):
    type: Literal["legal_regime"]
    prohibited_levels: tuple[AutonomyLevelId, ...]
    incident_cost_usd: Money | None = None


class ImportMarketEvent(_EventBase):
    type: Literal["import_market"]
    item: Id
    available_units_per_turn: float = Field(ge=0, le=MAX_UNITS)


class JammingEvent(_EventBase):
    type: Literal["jamming"]
    intensity: Fraction


class CapabilityEvent(_EventBase):
    type: Literal["capability"]
    name: Text = Field(description="what arrives, as players read it (e.g. a targeting web)")
    kill_chain_factor: float = Field(
        gt=0,
        le=1,
        description="multiplies every autonomy level's kill chain from the next turn on (0.5 halves it)",
    )
    source: Text | None = Field(None, description="where the capability and its date come from")


class RaidSurgeEvent(_EventBase):
    """A one-turn surge: the threat's launches on the event's turn are multiplied (never slips)."""

    type: Literal["raid_surge"]
    threat: Id
    multiplier: float = Field(
        gt=0,
        le=10,
        description="multiplies the threat's expected launches on this turn only (2 doubles them)",
    )


Event = Annotated[
    Union[DeliveryEvent, FundingEvent, LegalRegimeEvent, ImportMarketEvent, JammingEvent, CapabilityEvent, RaidSurgeEvent],
    Field(discriminator="type"),
]


class Scenario(Model):
    """A whole scenario: read it with ``wargame.load_scenario``; it cannot be changed once loaded."""

    extends: Text | None = Field(
        None,
        description=(
            "name of a scenario this one overrides (or a path to its file): mappings merge key by "
            "key, lists and other values replace, and null removes an inherited key"
        ),
    )
    title: Text
    description: Text
    author: Text
    version: Text
    learning_objectives: tuple[Text, ...] = Field(min_length=1)
    currency: Literal["USD"] = Field(
        "USD", description="all money fields are in US dollars (the _usd suffix)"
    )
    turns: int = Field(ge=1, le=MAX_TURNS)
    turn_length_days: int = Field(30, ge=1, le=366)
    budget: Budget
    catalogue: frozen_dict_of(Id, Item, min_length=1)
    doctrine: frozen_dict_of(Id, tuple[Layer, ...]) = Field(
        description="threat class -> layers fired in order at the start of the game"
    )
    adversary: Adversary
    targets: frozen_dict_of(Id, TargetCategory, min_length=1)
    autonomy: Autonomy
    development_cycles: frozen_dict_of(Id, DevelopmentCycle, min_length=1)
    default_development_cycle: Id
    training: Training
    events: tuple[Event, ...] = ()
    demand_benchmark: DemandBenchmark | None = None
    lessons: frozen_dict_of(LessonKind, LessonText) = Field(default_factory=FrozenDict)
    par: Par = Field(default_factory=Par)
    narrative: frozen_dict_of(Turn, Text) = Field(default_factory=FrozenDict)

    _name: str = PrivateAttr("scenario")
    _path: str | None = PrivateAttr(None)
    _content_hash: str = PrivateAttr("")
    _cache: dict = PrivateAttr(default_factory=dict)

    @property
    def name(self) -> str:
        return self._name

    @property
    def path(self) -> str | None:
        return self._path

    @property
    def content_hash(self) -> str:
        return self._content_hash

    def __repr__(self) -> str:
        return (
            f"<Scenario {self._name!r}: {self.title}, {self.turns} turns of "
            f"{self.turn_length_days} days, {len(self.catalogue)} items, "
            f"{len(self.adversary.threats)} threat classes>"
        )

    __str__ = __repr__

    def _repr_html_(self) -> str:
        from .display import scenario_html

        return scenario_html(self)
