"""A scenario as arrays: the fixed facts the rules read, indexed the same way as the state.

The rules never look ids up in the scenario's mappings; they read these arrays, computed once
per scenario. Axis names used throughout: I items, T threat classes, C target categories,
A autonomy levels, Y development cycles, G adversary target sets, P pipeline slots (turns ahead).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .scenario.schema import AUTONOMY_LEVELS, Scenario

NO_LIMIT = np.inf


@dataclass(frozen=True, eq=False)
class Pipe:
    """Where deliveries wait: for each item a ring of slots as long as its longest lead.

    A pipeline is a [B, size] array. What arrives for item i at the close of turn t waits in
    slot ``start[i] + t % length[i]``, so nothing moves from turn to turn: a turn reads and
    clears one slot per item and writes the new orders further round the ring. Rings keep
    memory small: an item with a two-year lead does not make every item's pipeline long, and
    leads are capped at the game's length plus one (``lead_in_game``), so no ring is longer.
    """

    start: np.ndarray  # [I]
    length: np.ndarray  # [I]
    size: int

    @classmethod
    def for_leads(cls, leads) -> "Pipe":
        length = np.maximum(1, np.asarray(leads, int))
        start = np.concatenate([[0], np.cumsum(length)[:-1]]).astype(int)
        return cls(start=start, length=length, size=int(length.sum()))

    def empty(self, batch: int) -> np.ndarray:
        return np.zeros((batch, self.size))

    def slot(self, turn: int) -> np.ndarray:
        """[I] the slot of each item for what arrives at the close of ``turn``."""
        return self.start + turn % self.length

    def waiting(self, pipeline: np.ndarray) -> np.ndarray:
        """[B, I] everything still on its way, per item."""
        return np.add.reduceat(pipeline, self.start, axis=1)


def turns_for(days: int, turn_length_days: int) -> int:
    """A lead time in whole turns (validation guarantees it divides evenly)."""
    return int(math.ceil(days / turn_length_days))


def lead_in_game(days: int, turn_length_days: int, turns: int) -> int:
    """A lead time in whole turns as the engine keeps it: at most ``turns + 1``.

    An order with a lead of L turns arrives at the close of turn ``t + L - 1``; with L of
    ``turns + 1`` or more that is after the last turn, whatever the turn of the order, so every
    longer lead behaves exactly like ``turns + 1``. Capping it keeps each pipeline's ring no
    longer than the game, so a lead of 20 years costs no more memory than one of a year.
    """
    return min(turns_for(days, turn_length_days), turns + 1)


@dataclass(frozen=True, eq=False)
class Tables:
    scenario: Scenario
    items: tuple[str, ...]
    threats: tuple[str, ...]
    targets: tuple[str, ...]
    levels: tuple[str, ...]
    cycles: tuple[str, ...]
    target_sets: tuple[str, ...]
    turns: int
    turn_length_days: int
    # items [I] and [I, T]
    unit_cost: np.ndarray
    pk: np.ndarray
    can_engage: np.ndarray
    max_shots: np.ndarray
    fire_capacity: np.ndarray
    is_strike: np.ndarray
    can_reach: np.ndarray  # [I, G] strike items and the target sets in their range
    capacity_cost: np.ndarray
    capacity_lead: np.ndarray
    has_imports: np.ndarray
    import_premium: np.ndarray
    import_delay: np.ndarray
    has_joint: np.ndarray
    joint_cost_factor: np.ndarray
    joint_lead: np.ndarray
    joint_unit_factor: np.ndarray
    # threats [T], [T, C], schedule [turns + 2, T]
    threat_cost: np.ndarray
    decoy_share: np.ndarray
    decoy_cost: np.ndarray
    growth: np.ndarray
    damage_factor: np.ndarray
    target_shares: np.ndarray
    raid_schedule: np.ndarray
    # targets [C]
    target_value: np.ndarray
    target_capacity_loss: np.ndarray
    target_harm: np.ndarray
    # autonomy [A]
    p_hit: np.ndarray
    jamming_sensitivity: np.ndarray
    kill_chain_minutes: np.ndarray
    p_misidentification: np.ndarray
    sorties_per_operator: np.ndarray
    # development cycles [Y]
    patch_days: np.ndarray
    cycle_cost: np.ndarray
    # strike target sets [G]
    set_value: np.ndarray
    set_capacity_loss: np.ndarray
    set_recovery: np.ndarray
    set_dwell_minutes: np.ndarray
    # economy; every lead in turns is capped at turns + 1 (``lead_in_game``)
    income_schedule: np.ndarray  # [turns + 2]: income credited for each turn
    training_cost: float
    training_lead: int
    stock_pipe: Pipe
    capacity_pipe: Pipe
    joint_pipe: Pipe
    operator_slots: int
    layer_slots: int
    countermeasure_first: int
    countermeasure_interval: int
    countermeasure_penalty: float
    # scripted events [E]: the turn each is due, which may slip, and a capability's effect
    event_turn: np.ndarray
    slipping_events: np.ndarray  # indices of the events that carry a chance of slipping
    event_kill_chain_factor: np.ndarray  # 1 for events that are not capabilities
    draw_columns: int

    def index(self, axis: str, name: str) -> int:
        return getattr(self, axis).index(name)


def tables_for(scenario: Scenario) -> Tables:
    """The arrays of a scenario, computed once and kept with it."""
    cache = scenario._cache
    if "tables" not in cache:
        cache["tables"] = _build(scenario)
    return cache["tables"]


def _build(s: Scenario) -> Tables:
    items = tuple(s.catalogue)
    threats = tuple(s.adversary.threats)
    targets = tuple(s.targets)
    levels = AUTONOMY_LEVELS
    cycles = tuple(s.development_cycles)
    target_sets = tuple(s.adversary.target_sets)
    days = s.turn_length_days
    catalogue = [s.catalogue[i] for i in items]
    threat_list = [s.adversary.threats[t] for t in threats]

    def per_item(get, default=0.0):
        return np.array([(get(item) if get(item) is not None else default) for item in catalogue], float)

    pk = np.array([[float(item.pk[t].value) if t in item.pk else 0.0 for t in threats] for item in catalogue])
    can_engage = np.array([[t in item.pk for t in threats] for item in catalogue])
    def lead(lead_days: int) -> int:
        return lead_in_game(lead_days, days, s.turns)

    capacity_lead = np.array([lead(item.capacity_lead_time_days) for item in catalogue], int)
    import_delay = np.array([lead(item.imports.delay_days) if item.imports else 0 for item in catalogue], int)
    joint_lead = np.array(
        [lead(item.joint_production.lead_time_days) if item.joint_production else 0 for item in catalogue], int
    )
    training_lead = lead(s.training.lead_time_days)

    raid_schedule = np.ones((s.turns + 2, len(threats)))
    for t, threat in enumerate(threat_list):
        for turn, multiplier in threat.schedule.items():
            raid_schedule[turn, t] = multiplier
    for event in s.events:  # a raid surge multiplies its threat's schedule on its turn only
        if event.type == "raid_surge":
            raid_schedule[event.turn, threats.index(event.threat)] *= event.multiplier

    income = np.zeros(s.turns + 2)
    per_turn = float(s.budget.per_turn_usd.value)
    changes = {turn: float(v.value) for turn, v in s.budget.schedule_usd.items()}
    for turn in range(1, s.turns + 2):
        per_turn = changes.get(turn, per_turn)
        income[turn] = per_turn

    level_list = [s.autonomy.levels[a] for a in levels]
    sets = [s.adversary.target_sets[g] for g in target_sets]
    layer_slots = max(1, int(can_engage.sum(axis=0).max()) if threats else 1)
    is_strike = np.array([item.role == "strike_drone" for item in catalogue])
    countermeasures = s.adversary.countermeasures
    slipping_events = np.array([e for e, event in enumerate(s.events) if event.slip is not None], int)
    n_threats, n_targets = len(threats), len(targets)
    draw_columns = (
        4 * n_threats
        + 2 * n_threats * layer_slots
        + 2 * n_threats
        + 2 * n_threats * n_targets
        + 2 * int(is_strike.sum()) * max(1, len(target_sets))
        + 2
        + 2 * len(slipping_events)  # only scenarios with slipping events reserve these
    )
    return Tables(
        scenario=s,
        items=items,
        threats=threats,
        targets=targets,
        levels=levels,
        cycles=cycles,
        target_sets=target_sets,
        turns=s.turns,
        turn_length_days=days,
        unit_cost=per_item(lambda i: i.unit_cost_usd.value),
        pk=pk,
        can_engage=can_engage,
        max_shots=per_item(lambda i: i.max_shots_per_target),
        fire_capacity=per_item(lambda i: i.fire_capacity_per_turn, NO_LIMIT),
        is_strike=is_strike,
        can_reach=np.array(
            [[item.role == "strike_drone" and (item.reach is None or g in item.reach) for g in target_sets] for item in catalogue],
            bool,
        ).reshape(len(items), len(target_sets)),
        capacity_cost=per_item(lambda i: i.capacity_cost_usd_per_unit.value),
        capacity_lead=capacity_lead,
        has_imports=np.array([item.imports is not None for item in catalogue]),
        import_premium=per_item(lambda i: i.imports.price_premium if i.imports else 0.0),
        import_delay=import_delay,
        has_joint=np.array([item.joint_production is not None for item in catalogue]),
        joint_cost_factor=per_item(lambda i: i.joint_production.capacity_cost_factor if i.joint_production else 1.0),
        joint_lead=joint_lead,
        joint_unit_factor=per_item(lambda i: i.joint_production.unit_cost_factor if i.joint_production else 1.0),
        threat_cost=np.array([float(t.unit_cost_usd.value) for t in threat_list]),
        decoy_share=np.array([t.decoy_share for t in threat_list]),
        decoy_cost=np.array([float(t.decoy_unit_cost_usd.value) for t in threat_list]),
        growth=np.array([t.growth_per_turn for t in threat_list]),
        damage_factor=np.array([t.damage_factor for t in threat_list]),
        target_shares=np.array([[t.target_shares.get(c, 0.0) for c in targets] for t in threat_list]).reshape(
            n_threats, n_targets
        ),
        raid_schedule=raid_schedule,
        target_value=np.array([float(s.targets[c].value_usd_per_hit.value) for c in targets]),
        target_capacity_loss=np.array([s.targets[c].capacity_loss_per_hit for c in targets]),
        target_harm=np.array([s.targets[c].civilian_harm_per_hit for c in targets]),
        p_hit=np.array([float(level.p_hit.value) for level in level_list]),
        jamming_sensitivity=np.array([level.jamming_sensitivity for level in level_list]),
        kill_chain_minutes=np.array([level.kill_chain_minutes for level in level_list]),
        p_misidentification=np.array([float(level.p_misidentification.value) for level in level_list]),
        sorties_per_operator=np.array(
            [NO_LIMIT if level.sorties_per_operator is None else level.sorties_per_operator for level in level_list]
        ),
        patch_days=np.array([float(s.development_cycles[y].patch_days) for y in cycles]),
        cycle_cost=np.array([float(s.development_cycles[y].cost_usd_per_turn.value) for y in cycles]),
        set_value=np.array([float(g.value_usd_per_hit.value) for g in sets]),
        set_capacity_loss=np.array([g.capacity_loss_per_hit for g in sets]),
        set_recovery=np.array([g.recovery_per_turn for g in sets]),
        set_dwell_minutes=np.array([NO_LIMIT if g.dwell_minutes is None else g.dwell_minutes for g in sets]),
        income_schedule=income,
        training_cost=float(s.training.cost_usd_per_operator.value),
        training_lead=training_lead,
        stock_pipe=Pipe.for_leads(import_delay),
        capacity_pipe=Pipe.for_leads(capacity_lead),
        joint_pipe=Pipe.for_leads(joint_lead),
        operator_slots=max(1, training_lead),
        layer_slots=layer_slots,
        countermeasure_first=countermeasures.first_turn if countermeasures else 0,
        countermeasure_interval=countermeasures.interval_turns if countermeasures else 0,
        countermeasure_penalty=countermeasures.pk_penalty if countermeasures else 0.0,
        event_turn=np.array([event.turn for event in s.events], int),
        slipping_events=slipping_events,
        event_kill_chain_factor=np.array(
            [event.kill_chain_factor if event.type == "capability" else 1.0 for event in s.events], float
        ),
        draw_columns=draw_columns,
    )
