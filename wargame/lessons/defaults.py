"""Default lesson texts and thresholds: the one place they live.

A scenario's ``lessons`` section overrides any of them per kind. Templates name figures from
``wargame.scenario.lesson_fields.LESSON_FIELDS``; figures arrive already written for players by
``wargame.format`` (money as $41.7M, counts with their noun such as "3 sorties", ratios as
11.9 : 1, runways as "2.5 turns" or "not running down").
"""

TEXTS: dict[str, dict[str, str]] = {
    "cost_exchange": {
        "headline": (
            "The raid cost the adversary {raid_cost} and cost you {defender_cost} ({full_ratio} on the full account): "
            "{interceptor_spend} of interceptors fired ({ratio}) and {damage} of damage."
        ),
        "detail": (
            "Turn {turn}: {downed} downed, {leaked} got through; the interceptors protected about {value_protected}. "
            "Since the start the raids have cost you {cumulative_defender_cost} against {cumulative_raid_cost} "
            "({cumulative_full_ratio} on the full account); interceptors alone {cumulative_spend} ({cumulative_ratio}). "
            "Not firing makes the raw ratio look cheap and the full account terrible."
        ),
    },
    "stockpile": {
        "headline": "{item}: {stock} left, {used_pct} used since the start; runway at this turn's burn: {runway}.",
        "detail": "You fired {burn} this turn ({used} since the start). Stock is spent in days and rebuilt in years.",
    },
    "capacity_gap": {
        "headline": "{item}: you used {used} and received {produced} this turn (gap {gap}).",
        "detail": (
            "Your {counted} lines now make about {annual_output} a year, {benchmark_pct} of {benchmark_label} ({benchmark}). "
            "On order: {on_order}, all landed by turn {arrival_turn}."
        ),
    },
    "autonomy": {
        "headline": "{level}: {hit_rate} of sorties hit under {jamming} jamming; kill chain {kill_chain_minutes}.",
        "detail": "{sorties} scored {hits}; operator load {operator_load_pct} of what your {operators} can fly.",
    },
    "accountability": {
        "headline": "{incidents} this turn, costing {incident_cost}, under {regime}.",
        "detail": (
            "At {level} (review window {review_window}) over {sorties}. Who is responsible when the machine "
            "chose the target: the operator, the commander, the programmer, the state? Discuss before your next order."
        ),
    },
    "adaptation": {
        "headline": "The adversary has countered your {item}: {penalty_pct} of its effect lost until patched in {turns_to_patch}.",
        "detail": "Countermeasures active: {active}. Your development cycle ({cycle}) costs {cycle_cost} a turn.",
    },
}

THRESHOLDS: dict[str, dict[str, float]] = {
    # on the full account: what the raid cost the defender (interceptors plus damage) per dollar it cost
    "cost_exchange": {"warning_ratio": 5.0, "critical_ratio": 20.0},
    "stockpile": {"warning_runway_turns": 3.0, "critical_runway_turns": 1.0, "context_used_pct": 80.0},
    "capacity_gap": {"warning_benchmark_pct": 10.0},
    "autonomy": {"warning_hit_rate": 0.2},
    "accountability": {"critical_incidents": 5.0},
    "adaptation": {"warning_turns_to_patch": 3.0},
}

# Wordings used instead of the default detail when a figure it needs is absent this turn
# (only when the scenario keeps the default detail).
VARIANTS: dict[str, dict[str, str]] = {
    "cost_exchange": {
        "ran_dry": (
            "Nothing left to fire: your {dry_items} ran out, and {leaked} threats got through and did {damage} of damage. "
            "The raid cost you {defender_cost} ({full_ratio} on the full account); the {ratio} on interceptors alone "
            "leaves out the damage done by the threats nothing was left to stop."
        ),
    },
    "stockpile": {
        "empty": "{item}: empty now; this layer cannot fire until more arrives ({used} fired since the start).",
        "not_running_down": "{item}: {stock} left, {used_pct} used since the start; not running down at this turn's burn.",
    },
    "capacity_gap": {
        "last_turn": (
            "This was the last turn: nothing ordered now would arrive before the end, so the gap is the one "
            "your earlier orders left. Your lines made about {annual_output} a year."
        ),
        "no_benchmark": "Your lines now make about {annual_output} a year. On order: {on_order}, all landed by turn {arrival_turn}.",
        "no_benchmark_nothing_on_order": "Your lines now make about {annual_output} a year, and nothing more is on order.",
        "nothing_on_order": (
            "Your {counted} lines now make about {annual_output} a year, {benchmark_pct} of {benchmark_label} ({benchmark}); "
            "nothing more is on order."
        ),
    },
}
