"""The figures a lesson template may name, per lesson kind.

Instructors reword lessons in a scenario's ``lessons`` section with templates such as
``"You spent {interceptor_spend} on interceptors against a {raid_cost} raid."``; a template
naming a figure that is not listed here is a validation error with its line.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from .errors import did_you_mean

LESSON_FIELDS: dict[str, tuple[str, ...]] = {
    "cost_exchange": (
        "turn", "interceptor_spend", "raid_cost", "ratio", "cumulative_spend", "cumulative_raid_cost",
        "cumulative_ratio", "value_protected", "damage", "downed", "leaked", "decoys", "strike_cost",
        "strike_value", "strike_ratio", "defender_cost", "full_ratio", "cumulative_defender_cost",
        "cumulative_full_ratio", "leaked_real", "dry_items",
    ),
    "stockpile": ("turn", "item", "stock", "used", "used_pct", "burn", "runway"),
    "capacity_gap": (
        "turn", "item", "produced", "used", "gap", "annual_output", "benchmark", "benchmark_label",
        "benchmark_pct", "on_order", "arrival_turn", "counted",
    ),
    "autonomy": (
        "turn", "level", "hit_rate", "jamming", "kill_chain_minutes", "operators", "sorties", "hits",
        "operator_load_pct",
    ),
    "accountability": ("turn", "level", "incidents", "incident_cost", "regime", "sorties", "review_window"),
    "adaptation": ("turn", "item", "active", "turns_to_patch", "cycle", "cycle_cost", "penalty_pct"),
}

THRESHOLD_NAMES: dict[str, tuple[str, ...]] = {
    "cost_exchange": ("warning_ratio", "critical_ratio"),  # judged on the full account
    "stockpile": ("warning_runway_turns", "critical_runway_turns", "context_used_pct"),
    "capacity_gap": ("warning_benchmark_pct",),
    "autonomy": ("warning_hit_rate",),
    "accountability": ("critical_incidents",),
    "adaptation": ("warning_turns_to_patch",),
}


# --- the template grammar: text, {name}, and {{ or }} for a literal brace -----------------------
#
# One grammar for checking (``template_problems``, run by ``validate``) and for filling
# (``fill_template``, run during play). Figures reach a template already written out as text
# (``$4.0M``, ``12 turns``), so a placeholder is a bare name: no format spec, conversion,
# attribute or index, which in ``str.format`` could raise mid-turn or print Python internals.

_TOKEN = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
MISSING_FIGURE = "–"  # what a figure the turn does not have reads as
_BRACES = "a literal brace is written {{ or }}"


def fill_template(template: str, figures: Mapping[str, object]) -> str:
    """The template with each ``{name}`` replaced by its figure and ``{{``/``}}`` by a brace.

    Anything else in braces is left as written, so even a template that was never validated
    cannot raise or reveal anything: it reads as its own text.
    """

    def replace(match: re.Match) -> str:
        token, name = match.group(0), match.group(1)
        if token in ("{{", "}}"):
            return token[0]
        if name is not None and _NAME.fullmatch(name):
            return str(figures[name]) if name in figures else MISSING_FIGURE
        return token

    return _TOKEN.sub(replace, template)


def template_problems(template: str, allowed: tuple[str, ...]) -> list[str]:
    """What is wrong with each placeholder of a template, as messages for ``validate``."""
    problems = []
    for match in _TOKEN.finditer(template):
        token, inside = match.group(0), match.group(1)
        if token in ("{{", "}}"):
            continue
        if inside is None:
            problems.append(f"a single {token!r} with no partner (write a figure as {{name}}; {_BRACES})")
            continue
        problem = _placeholder_problem(inside, allowed)
        if problem:
            problems.append(problem)
    return problems


def _placeholder_problem(inside: str, allowed: tuple[str, ...]) -> str | None:
    names = f"(allowed: {{name}} with a name among {', '.join(sorted(allowed))}; {_BRACES})"
    if _NAME.fullmatch(inside):
        if inside in allowed:
            return None
        return f"unknown figure {{{inside}}} in the template {names}" + did_you_mean(inside, allowed)
    root = _NAME.match(inside)
    written_as = f"{{{root.group(0)}}}" if root else "{name}"
    for mark, what in ((":", "a format"), ("!", "a conversion"), ("[", "an index"), (".", "an attribute")):
        position = inside.find(mark)
        if position >= 0 and (root is None or position == root.end()):
            return (
                f"{{{inside}}} has {what} ({inside[position:]!r}); figures arrive already written out, "
                f"so write {written_as} {names}"
            )
    if not inside.strip():
        return f"an empty {{}} names no figure {names}"
    return f"{{{inside}}} is not a figure name {names}"

