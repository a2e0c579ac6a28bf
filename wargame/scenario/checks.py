"""Cross-reference checks: the constraints between sections that one field alone cannot show.

They read the raw, merged data (not the validated model) so that they run even when other
fields are broken, and every problem in a file is reported in one go. Each check yields
``(field path, message)``, and the loader adds the file, the line and the value written there;
a problem with a key itself (an unknown id used as a key) yields ``(field path, message,
MISSING)`` so that no value is shown.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .errors import MISSING, allowed_list, did_you_mean

Found = Iterator[tuple]  # (path, message) or (path, message, value to show)


def _mapping(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _sequence(value: Any) -> list:
    return value if isinstance(value, list) else []


def _number(value: Any) -> bool:
    """An int or a float as YAML reads it (``true`` and ``false`` are not numbers here)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _unknown(kind: str, word: Any, known: dict | list) -> str:
    return f"unknown {kind} (allowed: {allowed_list(known)})" + did_you_mean(word, known)


def cross_reference_problems(data: dict) -> list[tuple]:
    """Every broken cross-reference in merged scenario data."""
    checks = (
        _doctrine_references,
        _threat_references,
        _reach_references,
        _lesson_templates,
        _turn_references,
        _lead_times,
        _autonomy_references,
        _development_cycle_reference,
        _benchmark_roles,
        _an_interceptor_exists,
        _slips_where_expected_values_exist,
    )
    return [problem for check in checks for problem in check(data)]


def _catalogue(data: dict) -> dict:
    return _mapping(data.get("catalogue"))


def _threats(data: dict) -> dict:
    return _mapping(_mapping(data.get("adversary")).get("threats"))


def _doctrine_references(data: dict) -> Found:
    catalogue, threats = _catalogue(data), _threats(data)
    for threat_id, layers in _mapping(data.get("doctrine")).items():
        if threats and threat_id not in threats:
            yield ("doctrine", threat_id), _unknown("threat class", threat_id, threats), MISSING
            continue
        seen = set()
        for index, layer in enumerate(_sequence(layers)):
            item_id = _mapping(layer).get("item")
            path = ("doctrine", threat_id, index, "item")
            if item_id is None or not isinstance(item_id, str):
                continue
            if item_id not in catalogue:
                yield path, _unknown("item", item_id, catalogue)
                continue
            pk = _mapping(_mapping(catalogue[item_id]).get("pk"))
            if threat_id not in pk:
                able = [i for i, item in catalogue.items() if threat_id in _mapping(_mapping(item).get("pk"))]
                why = f"{item_id} cannot engage {threat_id}: it has no pk for that threat class"
                yield path, f"{why} (allowed: {allowed_list(able)})"
            if item_id in seen:
                yield path, "this item is already a layer for this threat class; list it once"
            seen.add(item_id)
            shots = _mapping(layer).get("shots")
            most = _mapping(catalogue[item_id]).get("max_shots_per_target", 3)
            if _whole(shots) and _whole(most) and shots > most:
                message = f"more shots than {item_id} can fire at one target (allowed: 1 to {most})"
                yield ("doctrine", threat_id, index, "shots"), message


def _reach_references(data: dict) -> Found:
    target_sets = _mapping(_mapping(data.get("adversary")).get("target_sets"))
    for item_id, item in _catalogue(data).items():
        item = _mapping(item)
        for index, target_set in enumerate(_sequence(item.get("reach"))):
            if isinstance(target_set, str) and target_set not in target_sets:
                yield ("catalogue", item_id, "reach", index), _unknown("target set", target_set, target_sets)
        if item.get("reach") is not None and item.get("role") != "strike_drone":
            yield (
                ("catalogue", item_id, "reach"),
                "only strike drones have a reach (allowed: role strike_drone)",
            )


def _lesson_templates(data: dict) -> Found:
    """Lesson templates may only name, as a bare ``{name}``, the figures their kind provides."""
    from .lesson_fields import LESSON_FIELDS, THRESHOLD_NAMES, template_problems

    for kind, text in _mapping(data.get("lessons")).items():
        if kind not in LESSON_FIELDS:
            continue
        for part in ("headline", "detail"):
            template = _mapping(text).get(part)
            if isinstance(template, str):
                for message in template_problems(template, LESSON_FIELDS[kind]):
                    yield ("lessons", kind, part), message
        for name in _mapping(_mapping(text).get("thresholds")):
            if name not in THRESHOLD_NAMES[kind]:
                yield ("lessons", kind, "thresholds", name), _unknown("threshold", name, list(THRESHOLD_NAMES[kind]))


def _threat_references(data: dict) -> Found:
    threats = _threats(data)
    targets = _mapping(data.get("targets"))
    for item_id, item in _catalogue(data).items():
        for threat_id in _mapping(_mapping(item).get("pk")):
            if threats and threat_id not in threats:
                yield (
                    ("catalogue", item_id, "pk", threat_id),
                    _unknown("threat class", threat_id, threats),
                    MISSING,
                )
    for threat_id, threat in threats.items():
        shares = _mapping(_mapping(threat).get("target_shares"))
        for category in shares:
            if targets and category not in targets:
                yield (
                    ("adversary", "threats", threat_id, "target_shares", category),
                    _unknown("target category", category, targets),
                    MISSING,
                )
        numbers = [v for v in shares.values() if _number(v)]
        if shares and len(numbers) == len(shares) and abs(sum(numbers) - 1.0) > 1e-6:
            yield (
                ("adversary", "threats", threat_id, "target_shares"),
                f"shares add up to {sum(numbers):g} (allowed: they must add up to 1)",
            )


def _turn_references(data: dict) -> Found:
    turns = data.get("turns")
    if not _whole(turns) or turns < 1:
        return
    allowed = f"(allowed: 1 to {turns}, the scenario's last turn)"
    for index, event in enumerate(_sequence(data.get("events"))):
        turn = _mapping(event).get("turn")
        if _whole(turn) and turn > turns:
            yield ("events", index, "turn"), f"after the last turn {allowed}"
        item_id = _mapping(event).get("item")
        if isinstance(item_id, str) and _catalogue(data) and item_id not in _catalogue(data):
            yield ("events", index, "item"), _unknown("item", item_id, _catalogue(data))
        threat_id = _mapping(event).get("threat")
        if isinstance(threat_id, str) and _threats(data) and threat_id not in _threats(data):
            yield ("events", index, "threat"), _unknown("threat", threat_id, _threats(data))
    timed = {
        ("narrative",): data.get("narrative"),
        ("budget", "schedule_usd"): _mapping(data.get("budget")).get("schedule_usd"),
    }
    for threat_id, threat in _threats(data).items():
        timed[("adversary", "threats", threat_id, "schedule")] = _mapping(threat).get("schedule")
    for path, schedule in timed.items():
        for turn in _mapping(schedule):
            if _whole(turn) and turn > turns:
                yield path + (turn,), f"after the last turn {allowed}"


def _lead_times(data: dict) -> Found:
    length = data.get("turn_length_days", 30)
    if not _whole(length) or length < 1:
        return

    def check(path: tuple, days: Any) -> Found:
        if _whole(days) and days > 0 and days % length:
            lower, upper = days // length * length, (days // length + 1) * length
            nearest = f"{lower} or {upper}" if lower else f"{upper}"
            yield (
                path,
                (
                    f"not a whole number of turns of {length} days "
                    f"(allowed: multiples of {length}, e.g. {nearest})"
                ),
            )

    for item_id, item in _catalogue(data).items():
        item = _mapping(item)
        yield from check(
            ("catalogue", item_id, "capacity_lead_time_days"), item.get("capacity_lead_time_days")
        )
        yield from check(
            ("catalogue", item_id, "imports", "delay_days"), _mapping(item.get("imports")).get("delay_days")
        )
        yield from check(
            ("catalogue", item_id, "joint_production", "lead_time_days"),
            _mapping(item.get("joint_production")).get("lead_time_days"),
        )
    yield from check(("training", "lead_time_days"), _mapping(data.get("training")).get("lead_time_days"))


def _autonomy_references(data: dict) -> Found:
    autonomy = _mapping(data.get("autonomy"))
    levels = _mapping(autonomy.get("levels"))
    prohibited = _sequence(_mapping(autonomy.get("legal_regime")).get("prohibited_levels"))
    default = autonomy.get("default_level", "remote_piloting")
    if levels and isinstance(default, str) and default in levels and default in prohibited:
        permitted = [level for level in levels if level not in prohibited]
        yield (
            ("autonomy", "default_level"),
            (f"the legal regime prohibits this level (allowed: {allowed_list(permitted)})"),
        )
    if levels and isinstance(default, str) and default not in levels and "default_level" in autonomy:
        yield ("autonomy", "default_level"), _unknown("autonomy level", default, levels)


def _development_cycle_reference(data: dict) -> Found:
    cycles = _mapping(data.get("development_cycles"))
    default = data.get("default_development_cycle")
    if cycles and isinstance(default, str) and default not in cycles:
        yield ("default_development_cycle",), _unknown("development cycle", default, cycles)


def _benchmark_roles(data: dict) -> Found:
    benchmark = _mapping(data.get("demand_benchmark"))
    roles = {
        role for item in _catalogue(data).values() if isinstance(role := _mapping(item).get("role"), str)
    }
    for index, role in enumerate(_sequence(benchmark.get("roles"))):
        if isinstance(role, str) and roles and role not in roles:
            yield (
                ("demand_benchmark", "roles", index),
                (f"no catalogue item has this role (allowed: {allowed_list(r for r in roles if r)})"),
            )


def _an_interceptor_exists(data: dict) -> Found:
    catalogue = _catalogue(data)
    if catalogue and not any(_mapping(item).get("pk") for item in catalogue.values()):
        yield ("catalogue",), "no item can engage any threat: give at least one item a `pk`"


SLIP_TYPES = ("delivery", "funding", "capability")


def _slips_where_expected_values_exist(data: dict) -> Found:
    """A date may slip only where expected-value mode can weigh the event by its chance.

    A delivery or a one-off grant arrives in expected shares; a capability's effect is weighed
    by the chance it has arrived. A switch (a law, a market, jamming, a new income) has no such
    share, so it cannot slip.
    """
    for index, event in enumerate(_sequence(data.get("events"))):
        event = _mapping(event)
        if event.get("slip") is None:
            continue
        kind = event.get("type")
        if kind not in SLIP_TYPES:
            yield ("events", index, "slip"), (
                f"a {kind} event cannot slip (allowed: slip on {', '.join(SLIP_TYPES)} events)"
            )
        elif kind == "funding" and event.get("per_turn_usd") is not None:
            yield ("events", index, "slip"), (
                "a funding event that changes the per-turn income cannot slip "
                "(allowed: slip on a one-off grant; write the income change as its own event)"
            )
