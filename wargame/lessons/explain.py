"""'Explain this number': any adjudicated figure of a turn, in words, from its recorded events.

Each rule records events with the inputs that produced them; these functions only read them.
In expected mode the figures are the expectations; in stochastic mode the drawn count is shown
beside its expectation, so a student sees which part was chance.
"""

from __future__ import annotations

import numpy as np

from .. import format as fmt
from ..format import money
from ..scenario.display import fire_limit_words


def _n(value) -> str:
    return fmt.number(value)


def _drawn(actual, expected, stochastic: bool) -> str:
    return f"{_n(actual)} (expected {_n(expected)})" if stochastic else _n(actual)


def _stochastic(report) -> bool:
    return getattr(report, "mode", "stochastic") == "stochastic"


def _threat_name(tables, threat: str) -> str:
    return tables.scenario.adversary.threats[threat].name


def _item_name(tables, index) -> str:
    return tables.scenario.catalogue[tables.items[int(index)]].name


def _fire_limit(tables, index) -> str:
    limit = float(tables.fire_capacity[int(index)])
    return f", {fire_limit_words(limit, tables.turn_length_days)}" if limit != float("inf") else ""


def explain_leaks(report, tables) -> str:
    """How many got through, threat class by threat class, layer by layer."""
    stochastic = _stochastic(report)
    parts = []
    for threat in tables.threats:
        launched = next((e for e in report.events if e.step == "raid" and e.name == f"launched_{threat}"), None)
        if launched is None or float(launched.value) <= 0:
            continue
        layers = [e for e in report.events if e.step == "air_defence" and e.inputs.get("threat") == threat and e.inputs.get("used", True)]
        story = [f"{_n(launched.value)} {_threat_name(tables, threat)} came"]
        decoys = float(launched.inputs.get("decoys", 0.0))
        if decoys > 0:
            story[0] += f" ({fmt.count(decoys, 'decoy')} of them)"
        for e in layers:
            i = e.inputs
            shots = int(i["shots"])
            story.append(
                f"layer {i['layer']} ({_item_name(tables, i['item'])}, pk {fmt.plain(float(i['pk']))}, {fmt.count(shots, 'shot')}, "
                f"P(kill) {fmt.plain(float(i['p_kill']))}{_fire_limit(tables, i['item'])}) engaged {_n(i['engaged'])} of {_n(i['came'])} and downed "
                + _drawn(e.value, float(i["engaged"]) * float(i["p_kill"]), stochastic)
                + (f"; it had {_n(i['stock_before'])} in stock and fired {_n(i['fired'])}" if float(i["fired"]) > 0 else "; it had nothing left to fire")
            )
        leaked = report.metrics.get(f"leaked_{threat}_units", 0.0)
        story.append(f"{_n(leaked)} got through")
        parts.append("; ".join(story) + ".")
    total = report.metrics.get("leaked_units", 0.0)
    return f"{_n(total)} got through in all. " + " ".join(parts)


def explain_spend(report, tables) -> str:
    fired = [
        (item, report.metrics.get(f"expended_{item}_units", 0.0))
        for item in tables.items
        if report.metrics.get(f"expended_{item}_units", 0.0) > 0
    ]
    if not fired:
        return "No interceptors were fired."
    terms = [
        f"{_n(count)} {tables.scenario.catalogue[item].name} at {money(tables.unit_cost[tables.items.index(item)])}"
        for item, count in fired
    ]
    return f"Interceptors fired at cost: {' + '.join(terms)} = {money(report.metrics['interceptor_spend_usd'])}."


def explain_raid_cost(report, tables) -> str:
    terms = []
    for e in report.events:
        if e.step == "raid" and float(e.value) > 0:
            threat = e.name.removeprefix("launched_")
            decoys = float(e.inputs["decoys"])
            real = float(e.value) - decoys
            term = f"{_n(real)} {_threat_name(tables, threat)} at {money(e.inputs['unit_cost_usd'])}"
            if decoys > 0:
                term += f" + {fmt.count(decoys, 'decoy')} at {money(e.inputs['decoy_cost_usd'])}"
            terms.append(term)
    return f"The raid cost the adversary {' + '.join(terms) or 'nothing'} = {money(report.metrics['raid_cost_usd'])}."


def explain_damage(report, tables) -> str:
    hits = [(c, report.metrics.get(f"hits_{c}_units", 0.0)) for c in tables.targets]
    terms = [
        f"{_n(count)} on {tables.scenario.targets[c].name} at {money(tables.target_value[tables.targets.index(c)])}"
        for c, count in hits
        if count > 0
    ]
    return (
        f"{_n(report.metrics['leaked_real_units'])} real threats got through (decoys do no damage) and hit: "
        + ("; ".join(terms) or "nothing")
        + f". Damage {money(report.metrics['damage_usd'])} (threats with a larger warhead count more)."
    )


def explain_strikes(report, tables) -> str:
    event = next((e for e in report.events if e.step == "strikes"), None)
    if event is None or float(event.inputs["sorties"]) <= 0:
        return "No strikes flew this turn."
    i = event.inputs
    level = tables.levels[int(i["level"])]
    name = tables.scenario.autonomy.levels[level].name
    return (
        f"{fmt.count(i['sorties'], 'sortie')} at {name}: base hit rate {fmt.plain(float(i['p_hit_base']))}, cut by jamming "
        f"{fmt.plain(float(i['jamming']))} x sensitivity {fmt.plain(float(i['jamming_sensitivity']))}; time-sensitive targets also "
        f"need the kill chain ({fmt.minutes(i['kill_chain_minutes'])}) to beat their dwell time. "
        f"{fmt.count(event.value, 'hit')}; {fmt.count(i['incidents'], 'misidentification incident')} at "
        f"{fmt.plain(float(i['p_misidentification']))} per sortie."
    )


EXPLAINERS = {
    "leaked_units": explain_leaks,
    "downed_units": explain_leaks,
    "interceptor_spend_usd": explain_spend,
    "raid_cost_usd": explain_raid_cost,
    "damage_usd": explain_damage,
    "strike_hits_units": explain_strikes,
    "incidents_count": explain_strikes,
}


def explain(report, tables, metric: str) -> str:
    """A figure of the turn in words: which rule, which inputs, which draw."""
    if metric == "cost_exchange_ratio":
        return (
            f"{money(report.metrics['interceptor_spend_usd'])} of interceptors / {money(report.metrics['raid_cost_usd'])} "
            f"of raid = {fmt.ratio(report.metrics['cost_exchange_ratio'])}. "
            + explain_spend(report, tables)
            + " "
            + explain_raid_cost(report, tables)
        )
    if metric in ("full_exchange_ratio", "defender_cost_usd"):
        m = report.metrics
        return (
            f"The full account: {money(m['interceptor_spend_usd'])} of interceptors fired + {money(m['damage_usd'])} of damage "
            f"= {money(m['defender_cost_usd'])}, against {money(m['raid_cost_usd'])} of raid = {fmt.ratio(m['full_exchange_ratio'])}. "
            + explain_spend(report, tables)
            + " "
            + explain_damage(report, tables)
        )
    if metric not in EXPLAINERS:
        known = ", ".join(sorted({*EXPLAINERS, "cost_exchange_ratio", "full_exchange_ratio", "defender_cost_usd"}))
        raise KeyError(f"No explanation for {metric!r}; figures that can be explained: {known}.")
    return EXPLAINERS[metric](report, tables)
