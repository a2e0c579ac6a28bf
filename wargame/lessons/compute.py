"""Each turn's lessons, with the player's own numbers.

``lessons_for_turn`` turns a turn report (its metrics and events) and the game so far into
lesson records. A lesson of a kind appears whenever its subject occurred that turn: a raid
was engaged, stock was used, something was produced or used, strikes flew, an incident
happened, a countermeasure is active. Texts and thresholds come from the scenario, with the
defaults in ``defaults.py``; real-world context from ``context.py``.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from .. import format as fmt
from ..rules.adaptation import turns_to_patch
from ..rules.damage import value_of_a_real_hit
from ..rules.strikes import strike_hit_probability
from ..scenario.lesson_fields import fill_template
from . import context as ctx
from .defaults import TEXTS, THRESHOLDS, VARIANTS
from .explain import explain
from .metrics import interceptor_items, ratio, stockpile_table
from .records import Cited, Lesson


class _Figures(dict):
    """Template values; a figure the turn does not have reads as a dash, never a crash."""

    def __missing__(self, key):
        return "–"


class _Writer:
    """Renders one kind's lesson from the scenario's (or the default) texts and thresholds."""

    def __init__(self, scenario, kind: str):
        custom = scenario.lessons.get(kind)
        self.kind = kind
        self.custom_detail = bool(custom and custom.detail)
        self.custom_headline = bool(custom and custom.headline)
        self.headline = (custom.headline if custom and custom.headline else None) or TEXTS[kind]["headline"]
        self.detail = (custom.detail if custom and custom.detail else None) or TEXTS[kind]["detail"]
        self.thresholds = {**THRESHOLDS[kind], **(dict(custom.thresholds) if custom else {})}

    def variant(self, name: str) -> None:
        """Use a default wording for a turn that lacks a figure (unless the scenario rewrote it)."""
        if not self.custom_detail:
            self.detail = VARIANTS[self.kind][name]

    def headline_variant(self, name: str) -> None:
        """Use a default headline for a turn the usual one would misread (unless rewritten)."""
        if not self.custom_headline:
            self.headline = VARIANTS[self.kind][name]

    def lesson(self, severity: str, figures: dict, cited, context: ctx.Context | None = None, extra: str = "", explanation=None) -> Lesson:
        values = _Figures(figures)
        return Lesson(
            kind=self.kind,
            severity=severity,
            headline=fill_template(self.headline, values),  # {name} only: never raises
            detail=fill_template(self.detail, values) + extra,
            metrics=tuple(cited),
            source=context.source if context else None,
            contested=context.contested if context else False,
            context=context.text if context else None,
            explanation=explanation,
        )


def _series(game, report, name: str) -> list[float]:
    """A metric over every turn played so far, this one included."""
    return [r.metrics.get(name, 0.0) for r in game.reports] + [report.metrics.get(name, 0.0)]


def lessons_for_turn(game, report) -> list:
    """The lessons of the turn just played (``report``) in ``game``."""
    builders = (_cost_exchange, _stockpile, _capacity_gap, _autonomy, _accountability, _adaptation)
    found = []
    for build in builders:
        lesson = build(game, report, _Writer(game.scenario, build.__name__.lstrip("_")))
        if lesson is not None:
            found.append(lesson)
    return found


def _start_stock(game, report, item: str) -> float:
    """Stock of an item on hand at the start of the turn (last turn's closing stock)."""
    if game.reports:
        return game.reports[-1].metrics.get(f"stock_{item}_units", 0.0)
    return float(game.scenario.catalogue[item].stock_units)


def _ran_dry(game, report) -> list[str]:
    """Interceptors in the doctrine against a threat that got through, with too little left to
    engage one more target: the layers that had nothing (more) to fire."""
    m, dry = report.metrics, []
    for threat, layers in report.orders.doctrine.items():
        if m.get(f"leaked_{threat}_units", 0.0) <= 0:
            continue
        for layer in layers:
            left = _start_stock(game, report, layer.item) - m.get(f"expended_{layer.item}_units", 0.0)
            if left < layer.shots and layer.item not in dry:
                dry.append(layer.item)
    return dry


def _names(game, items: list[str]) -> str:
    names = [_item_name(game, item) for item in items]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _cost_exchange(game, report, writer: _Writer):
    m = report.metrics
    if m["raid_size_units"] <= 0:
        return None
    spend, raid = m["interceptor_spend_usd"], m["raid_cost_usd"]
    turn_ratio, full_ratio = m["cost_exchange_ratio"], m["full_exchange_ratio"]
    total_spend, total_raid = sum(_series(game, report, "interceptor_spend_usd")), sum(_series(game, report, "raid_cost_usd"))
    total_cost = sum(_series(game, report, "defender_cost_usd"))
    strike_cost, strike_value = m["strike_cost_usd"], m["strike_value_destroyed_usd"]
    dry = _ran_dry(game, report)
    figures = {
        "turn": report.turn,
        "interceptor_spend": fmt.money(spend),
        "raid_cost": fmt.money(raid),
        "ratio": fmt.ratio(turn_ratio),
        "defender_cost": fmt.money(m["defender_cost_usd"]),
        "full_ratio": fmt.ratio(full_ratio),
        "cumulative_spend": fmt.money(total_spend),
        "cumulative_raid_cost": fmt.money(total_raid),
        "cumulative_ratio": fmt.ratio(ratio(total_spend, total_raid)),
        "cumulative_defender_cost": fmt.money(total_cost),
        "cumulative_full_ratio": fmt.ratio(ratio(total_cost, total_raid)),
        "value_protected": fmt.money(m["value_protected_usd"]),
        "damage": fmt.money(m["damage_usd"]),
        "downed": fmt.number(m["downed_units"]),
        "leaked": fmt.number(m["leaked_units"]),
        "leaked_real": fmt.number(m["leaked_real_units"]),
        "decoys": fmt.number(m["raid_decoys_units"]),
        "dry_items": _names(game, dry) if dry else "–",
        "strike_cost": fmt.money(strike_cost),
        "strike_value": fmt.money(strike_value),
        "strike_ratio": fmt.ratio(ratio(strike_value, strike_cost)),
    }
    t = writer.thresholds
    # judged on the full account (and on running dry), so that not firing never reads as winning
    severity = "critical" if dry or full_ratio >= t["critical_ratio"] else "warning" if full_ratio >= t["warning_ratio"] else "info"
    if dry:
        writer.headline_variant("ran_dry")
    extra = ""
    if m["raid_decoys_units"] > 0:
        extra += f" {figures['decoys']} of the raid were decoys: every interceptor fired at one was money spent on nothing."
    if m["strike_sorties_units"] > 0:
        extra += (
            f" Your strikes cost {figures['strike_cost']} and destroyed about {figures['strike_value']} "
            f"({figures['strike_ratio']} value per dollar)."
        )
    cited = [
        Cited("interceptor_spend_usd", spend, "USD", "Interceptors fired, at cost"),
        Cited("raid_cost_usd", raid, "USD", "Cost of the raid to the adversary"),
        Cited("cost_exchange_ratio", turn_ratio, "ratio", "Cost exchange this turn (interceptors alone)"),
        Cited("defender_cost_usd", m["defender_cost_usd"], "USD", "What the raid cost you (interceptors plus damage)"),
        Cited("full_exchange_ratio", full_ratio, "ratio", "Full account this turn"),
        Cited("cumulative_cost_exchange_ratio", ratio(total_spend, total_raid), "ratio", "Cost exchange since the start (interceptors alone)"),
        Cited("cumulative_full_exchange_ratio", ratio(total_cost, total_raid), "ratio", "Full account since the start"),
        Cited("value_protected_usd", m["value_protected_usd"], "USD", "Value protected"),
        Cited("damage_usd", m["damage_usd"], "USD", "Damage"),
    ]
    context = ctx.COST_EXCHANGE if severity == "critical" else None
    explanation = explain(report, game.tables, "leaked_units") + " " + explain(report, game.tables, "interceptor_spend_usd")
    return writer.lesson(severity, figures, cited, context, extra, explanation)


def _item_name(game, item: str) -> str:
    return game.scenario.catalogue[item].name


def _history_with(game, report) -> pd.DataFrame:
    """The game's history with this turn's row added (lessons are written before it is filed)."""
    rows = [r.metrics for r in game.reports] + [report.metrics]
    return pd.DataFrame(rows, index=[r.turn for r in game.reports] + [report.turn])


def high_end_used(game, item: str, used_pct: float, thresholds: dict) -> bool:
    """A high-end missile stock mostly spent: the real-world depletion episodes apply."""
    return game.scenario.catalogue[item].role == "interceptor_missile" and used_pct >= thresholds["context_used_pct"]


def _stockpile(game, report, writer: _Writer):
    table = stockpile_table(_history_with(game, report), game.scenario)
    in_doctrine = {layer.item for layers in report.orders.doctrine.values() for layer in layers}
    # types fired this turn, and types the doctrine relies on that are empty now
    shown = table[(table["burn_units_per_turn"] > 0) | (table.index.isin(in_doctrine) & (table["stock_units"] <= 0))]
    if shown.empty:
        return None
    shown = shown.sort_values("runway_turns", kind="stable")
    item = shown.index[0]
    row = shown.iloc[0]
    runway, used_pct = float(row["runway_turns"]), float(row["used_pct_of_start_and_delivered"])
    figures = {
        "turn": report.turn,
        "item": row["name"],
        "stock": fmt.number(row["stock_units"]),
        "used": fmt.number(row["used_units"]),
        "used_pct": fmt.percent_of(used_pct),
        "burn": fmt.number(row["burn_units_per_turn"]),
        "runway": fmt.turns(runway),
    }
    if runway <= 0:
        writer.headline_variant("empty")
    elif not math.isfinite(runway):
        writer.headline_variant("not_running_down")
    t = writer.thresholds
    severity = "critical" if runway <= t["critical_runway_turns"] else "warning" if runway <= t["warning_runway_turns"] else "info"
    if severity == "info" and high_end_used(game, item, used_pct, t):
        severity = "warning"  # holding level only because the last few are fired as they arrive
    others = "; ".join(
        f"{r['name']}: {fmt.number(r['stock_units'])} left, {fmt.percent_of(r['used_pct_of_start_and_delivered'])} used, "
        f"runway {fmt.turns(r['runway_turns'])}"
        for _, r in shown.iloc[1:].iterrows()
    )
    extra = f" Other types: {others}." if others else ""
    context = ctx.HIGH_END_DEPLETION if high_end_used(game, item, used_pct, t) else None
    name = row["name"]
    cited = [
        Cited(f"stock_{item}_units", float(row["stock_units"]), "units", f"{name} in stock"),
        Cited(f"used_{item}_pct", used_pct, "%", f"{name} used since the start"),
    ]
    if math.isfinite(runway):
        cited.append(Cited(f"runway_{item}_turns", runway, "turns", f"{name} runway at this burn"))
    return writer.lesson(severity, figures, cited, context, extra)


def _arrival_turn(game, item: str) -> int | None:
    """The turn from which everything now on order for an item will have arrived."""
    state, pipe = game.state, game.tables.stock_pipe
    i = game.tables.items.index(item)
    closes = range(state.turn, state.turn + int(pipe.length[i]))
    due = [close for close in closes if state.incoming_stock[0, pipe.start[i] + close % pipe.length[i]] > 0]
    return max(due) + 1 if due else None


def _value_per_unit(game, item: str) -> float:
    """Damage one unit of an interceptor can be expected to save: its best kill chance times the
    damage of a real threat it can engage (decoys discounted)."""
    tables = game.tables
    i = tables.items.index(item)
    saved = tables.pk[i] * value_of_a_real_hit(tables) * (1.0 - tables.decoy_share)
    return float(np.max(np.where(tables.can_engage[i], saved, 0.0))) if tables.can_engage[i].any() else 0.0


def _capacity_gap(game, report, writer: _Writer):
    m, scenario = report.metrics, game.scenario
    rows = []
    for item in interceptor_items(scenario):
        produced = m.get(f"delivered_{item}_units", 0.0)
        used = m.get(f"expended_{item}_units", 0.0) + m.get(f"launched_{item}_units", 0.0)
        on_order = m.get(f"on_order_{item}_units", 0.0)
        if produced or used or on_order:
            # the headline goes to the shortfall that costs most: units short times what one saves
            weight = max(used - produced, 0.0) * _value_per_unit(game, item)
            rows.append((weight, used - produced, item, produced, used, on_order))
    if not rows:
        return None
    rows.sort(key=lambda row: (-row[0], -row[1]))
    rows = [row[1:] for row in rows]
    gap, item, produced, used, on_order = rows[0]
    turns_per_year = 365.0 / scenario.turn_length_days
    benchmark = scenario.demand_benchmark
    spec = scenario.catalogue[item]
    # compare like with like: the benchmark is set against the output of the kinds it counts
    # (drones with a drone benchmark), whatever kind the headline item is
    if benchmark is not None:
        counted = [i for i, s in scenario.catalogue.items() if s.role in benchmark.roles]
        annual = sum(m.get(f"capacity_{i}_units_per_turn", 0.0) for i in counted) * turns_per_year
        benchmark_pct = 100.0 * ratio(annual, benchmark.units_per_year.value)
        label, benchmark_text = benchmark.label, f"{fmt.number(round(benchmark.units_per_year.value))} a year"
        kinds = " and ".join(role.replace("_", " ") for role in benchmark.roles)
    else:
        annual = m.get(f"capacity_{item}_units_per_turn", 0.0) * turns_per_year
        benchmark_pct, label, benchmark_text = float("nan"), "no demand benchmark in this scenario", "–"
        kinds = spec.name.lower()
    arrival = _arrival_turn(game, item)
    figures = {
        "turn": report.turn,
        "item": _item_name(game, item),
        "produced": fmt.number(produced),
        "used": fmt.number(used),
        "gap": fmt.number(gap),
        "annual_output": fmt.number(round(annual)),
        "benchmark": benchmark_text,
        "benchmark_label": label,
        "benchmark_pct": fmt.percent_of(benchmark_pct) if math.isfinite(benchmark_pct) else "–",
        "counted": kinds,
        "on_order": fmt.number(on_order),
        "arrival_turn": arrival if arrival is not None else "–",
    }
    if benchmark is None:
        writer.variant("no_benchmark" if arrival is not None else "no_benchmark_nothing_on_order")
    elif arrival is None:
        writer.variant("nothing_on_order")
    t = writer.thresholds
    short = math.isfinite(benchmark_pct) and benchmark_pct < t["warning_benchmark_pct"]
    severity = "warning" if gap > 0 or short else "info"
    if report.turn >= scenario.turns:  # nothing ordered now could arrive in time: no scolding
        severity = "info"
        writer.variant("last_turn")
    if benchmark is not None and spec.role in benchmark.roles:
        background = ctx.MISSILE_PRODUCTION if spec.role == "interceptor_missile" else ctx.DRONE_BENCHMARK
        context = ctx.Context(
            f"{benchmark.label}: {benchmark_text}. {background.text}",
            "; ".join(filter(None, (benchmark.units_per_year.source, background.source))),
            benchmark.units_per_year.contested or background.contested,
        )
    elif spec.role == "interceptor_missile":
        context = ctx.MISSILE_PRODUCTION
    else:
        context = None
    others = "; ".join(
        f"{_item_name(game, i)}: used {fmt.number(u)}, received {fmt.number(p)}, "
        f"capacity {fmt.number(m.get(f'capacity_{i}_units_per_turn', 0.0))} a turn, on order {fmt.number(o)}"
        for _, i, p, u, o in rows[1:]
    )
    extra = f" Other types: {others}." if others else ""
    cited = [
        Cited(f"produced_{item}_units", produced, "units", f"{_item_name(game, item)} received this turn"),
        Cited(f"used_{item}_units", used, "units", f"{_item_name(game, item)} used this turn"),
        Cited("annual_output_units", annual, "units", "Output a year at today's capacity"),
    ]
    if math.isfinite(benchmark_pct):
        cited.append(Cited("benchmark_pct", benchmark_pct, "%", "Share of the demand benchmark"))
    return writer.lesson(severity, figures, cited, context, extra)


def _hit_rates_by_level(game, jamming: float) -> dict[str, float]:
    """The rules' hit probability of each autonomy level at this jamming, against fixed targets."""
    tables = game.tables
    levels = np.arange(len(tables.levels))
    p = strike_hit_probability(levels, np.full(len(levels), jamming), np.zeros((len(levels), 1)), 0.0, tables)
    fixed = [g for g, dwell in enumerate(tables.set_dwell_minutes) if not np.isfinite(dwell)]
    column = p[:, 0, fixed[0]] if fixed else p[:, 0, 0] if p.shape[2] else np.zeros(len(levels))
    return {level: float(rate) for level, rate in zip(tables.levels, column)}


def _autonomy(game, report, writer: _Writer):
    m = report.metrics
    if m["strike_sorties_units"] <= 0:
        return None
    tables, level = game.tables, report.orders.autonomy
    a = tables.levels.index(level)
    jamming = next((e.inputs["jamming"] for e in report.events if e.step == "strikes"), m["jamming_intensity"])
    rates = _hit_rates_by_level(game, float(jamming))
    # the kill chain flown this turn: shorter once a targeting web has arrived (a capability event)
    kill_chain = float(next((e.inputs["kill_chain_minutes"] for e in report.events if e.step == "strikes"), tables.kill_chain_minutes[a]))
    shortened = kill_chain / tables.kill_chain_minutes[a]
    per_operator = tables.sorties_per_operator[a]
    operators = m["operators_units"] - m["operators_trained_units"]  # those on duty during the turn
    capacity = operators * per_operator if np.isfinite(per_operator) else float("inf")
    load = 100.0 * ratio(m["strike_sorties_units"], capacity) if np.isfinite(capacity) else 0.0
    hit_rate = ratio(m["strike_hits_units"], m["strike_sorties_units"])
    name = game.scenario.autonomy.levels[level].name
    figures = {
        "turn": report.turn,
        "level": name,
        "hit_rate": fmt.percent(hit_rate),
        "jamming": fmt.percent(float(jamming)),
        "kill_chain_minutes": fmt.minutes(kill_chain),
        "operators": fmt.count(round(operators), "operator"),
        "sorties": fmt.count(m["strike_sorties_units"], "sortie"),
        "hits": fmt.count(m["strike_hits_units"], "hit"),
        "operator_load_pct": fmt.percent_of(load) if np.isfinite(capacity) else "no limit (no operator needed)",
    }
    comparison = ", ".join(
        f"{game.scenario.autonomy.levels[l].name} {fmt.percent(r)} (kill chain {fmt.minutes(tables.kill_chain_minutes[i] * shortened)})"
        for i, (l, r) in enumerate(rates.items())
    )
    extra = f" At this jamming the levels would hit fixed targets at: {comparison}."
    severity = "warning" if hit_rate < writer.thresholds["warning_hit_rate"] else "info"
    context = ctx.TERMINAL_AUTONOMY if level == "terminal_autonomy" else ctx.KILL_CHAIN
    cited = [
        Cited("strike_hit_rate", 100 * hit_rate, "%", "Sorties that hit"),
        Cited("jamming_intensity", float(jamming), "", "Jamming (0 none, 1 full)"),
        Cited("kill_chain_minutes", kill_chain, "minutes", "Kill chain"),
    ]
    explanation = explain(report, tables, "strike_hits_units")
    return writer.lesson(severity, figures, cited, context, extra, explanation)


def _accountability(game, report, writer: _Writer):
    m = report.metrics
    if m["incidents_count"] <= 0:
        return None
    level = report.orders.autonomy
    spec = game.scenario.autonomy.levels[level]
    window = spec.review_window_seconds
    regime = game.scenario.autonomy.legal_regime
    figures = {
        "turn": report.turn,
        "level": spec.name,
        "incidents": fmt.count(m["incidents_count"], "misidentification incident"),
        "incident_cost": fmt.money(m["incident_cost_usd"]),
        "regime": regime.name,
        "sorties": fmt.count(m["strike_sorties_units"], "sortie"),
        "review_window": "none: no human reviews the strike" if window is None else fmt.duration(window),
    }
    severity = "critical" if m["incidents_count"] >= writer.thresholds["critical_incidents"] else "warning"
    cited = [Cited("incidents_count", m["incidents_count"], "incidents", "Misidentification incidents"), Cited("incident_cost_usd", m["incident_cost_usd"], "USD", "Their cost")]
    return writer.lesson(severity, figures, cited, ctx.ACCOUNTABILITY, f" {regime.description}")


def _adaptation(game, report, writer: _Writer):
    m = report.metrics
    if m["countermeasures_active_count"] <= 0 and m["countermeasures_fielded_count"] <= 0:
        return None
    tables, state = game.tables, game.state
    cycle = report.orders.adaptation
    y = tables.cycles.index(cycle)
    active = [i for i in range(len(tables.items)) if state.countermeasure[0, i] > 0]
    if not active:
        return None
    remaining = {
        i: float(turns_to_patch(state.patch_progress[0, i], tables.patch_days[y], tables.turn_length_days)) for i in active
    }
    focal = max(active, key=lambda i: remaining[i])
    figures = {
        "turn": report.turn,
        "item": _item_name(game, tables.items[focal]),
        "active": ", ".join(f"{_item_name(game, tables.items[i])} ({fmt.turns(remaining[i])} to patch)" for i in active),
        "turns_to_patch": fmt.turns(remaining[focal]),
        "cycle": game.scenario.development_cycles[cycle].name,
        "cycle_cost": fmt.money(tables.cycle_cost[y]),
        "penalty_pct": fmt.percent(tables.countermeasure_penalty),
    }
    severity = "warning" if remaining[focal] > writer.thresholds["warning_turns_to_patch"] else "info"
    cited = [
        Cited("countermeasures_active_count", float(len(active)), "countermeasures", "Countermeasures active"),
        Cited("turns_to_patch", remaining[focal], "turns", "Time to patch"),
    ]
    return writer.lesson(severity, figures, cited, ctx.CADENCE)
