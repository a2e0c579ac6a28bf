"""The figures a lesson template may name, per lesson kind.

Instructors reword lessons in a scenario's ``lessons`` section with templates such as
``"You spent {interceptor_spend} on interceptors against a {raid_cost} raid."``; a template
naming a figure that is not listed here is a validation error with its line.
"""

LESSON_FIELDS: dict[str, tuple[str, ...]] = {
    "cost_exchange": (
        "turn", "interceptor_spend", "raid_cost", "ratio", "cumulative_spend", "cumulative_raid_cost",
        "cumulative_ratio", "value_protected", "damage", "downed", "leaked", "decoys", "strike_cost",
        "strike_value", "strike_ratio",
    ),
    "stockpile": ("turn", "item", "stock", "used", "used_pct", "burn", "runway"),
    "capacity_gap": (
        "turn", "item", "produced", "used", "gap", "annual_output", "benchmark", "benchmark_label",
        "benchmark_pct", "on_order", "arrival_turn",
    ),
    "autonomy": (
        "turn", "level", "hit_rate", "jamming", "kill_chain_minutes", "operators", "sorties", "hits",
        "operator_load_pct",
    ),
    "accountability": ("turn", "level", "incidents", "incident_cost", "regime", "sorties", "review_window"),
    "adaptation": ("turn", "item", "active", "turns_to_patch", "cycle", "cycle_cost", "penalty_pct"),
}

THRESHOLD_NAMES: dict[str, tuple[str, ...]] = {
    "cost_exchange": ("warning_ratio", "critical_ratio"),
    "stockpile": ("warning_runway_turns", "critical_runway_turns", "context_used_pct"),
    "capacity_gap": ("warning_benchmark_pct",),
    "autonomy": ("warning_hit_rate",),
    "accountability": ("critical_incidents",),
    "adaptation": ("warning_turns_to_patch",),
}
