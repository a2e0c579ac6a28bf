"""The report's text: heading, outcome against par, stock runway, timeline, sources.

Plain HTML strings, every piece of scenario or player text escaped. Figures are read from the
history, ``wargame.lessons.metrics`` and the turn reports; nothing is computed here beyond
putting numbers into words.
"""

from __future__ import annotations

import math
import string
from html import escape

import pandas as pd

from ..lessons.metrics import Figure, interceptor_items, outcome, outcome_table, stockpile_table
from .. import format as fmt
from ..format import money, number
from ..orders import Orders, default_orders
from .. import palette
from ..scenario.display import sourced_figure
from ..tables import tables_for

MET, NOT_MET, NO_PAR = "met", "not-met", "no-par"
VERDICTS = {
    # marker, words: the shape and the words carry the verdict; the colour only repeats it
    MET: ("\u2714", "Met par"),
    NOT_MET: ("\u2718", "Not met"),
    NO_PAR: ("\u2013", "No par set"),
}
SEVERITY_MARKS = {"info": ("\u2139", "note"), "warning": ("\u26a0", "warning"), "critical": ("\u203c", "critical")}

MODES = {
    "expected": "expected values: every random draw is replaced by its mean",
    "stochastic": "stochastic: random draws from the seed",
}

CSS = string.Template("""
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
       color: $text; background: $page; line-height: 1.45; }
main.wargame-aar { max-width: 72em; margin: 0 auto; padding: 1em 1.5em 3em 1.5em; }
.wargame-aar h1 { font-size: 1.6em; margin: 0.2em 0 0.3em 0; }
.wargame-aar h2 { font-size: 1.25em; margin: 1.6em 0 0.4em 0; border-bottom: 2px solid $blue; padding-bottom: 0.15em; }
.wargame-aar table { border-collapse: collapse; margin: 0.4em 0 1em 0; font-size: 0.92em; }
.wargame-aar th, .wargame-aar td { padding: 4px 10px; text-align: left; vertical-align: top; border-bottom: 1px solid $rule; }
.wargame-aar thead th { border-bottom: 2px solid $grey; background: $header; }
.wargame-aar td.number { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.wargame-aar dl.facts { display: grid; grid-template-columns: max-content auto; gap: 0.15em 1em; margin: 0.5em 0 1em 0; }
.wargame-aar dl.facts dt { font-weight: 600; }
.wargame-aar dl.facts dd { margin: 0; }
.wargame-aar .summary { font-size: 1.02em; background: $summary; border-left: 4px solid $blue; padding: 0.4em 0.8em; margin: 0.4em 0; }
.wargame-aar .chart { margin: 0.4em 0 1.2em 0; }
.wargame-aar .multiples { display: grid; grid-template-columns: repeat(auto-fit, minmax(24em, 1fr)); gap: 0.4em 1.2em; }
.wargame-aar .multiples .chart { margin: 0.2em 0; min-width: 0; }
.wargame-aar caption { caption-side: top; text-align: left; padding: 0.2em 0; }
.wargame-aar .small { font-size: 0.85em; color: $smalltext; }
.wargame-aar .verdict { font-weight: 700; white-space: nowrap; }
.wargame-aar .verdict.met { color: $blue; }
.wargame-aar .verdict.not-met { color: $vermilliontext; }
.wargame-aar .verdict.no-par { color: $grey; }
.wargame-aar .changed { font-size: 0.78em; font-weight: 700; color: $page; background: $blue; border-radius: 3px; padding: 0 4px; margin-left: 4px; }
.wargame-aar .lesson-critical { color: $vermilliontext; }
.wargame-aar .lesson-warning { color: $warning; }
.wargame-aar ul.tight { margin: 0.1em 0; padding-left: 1.2em; }
.wargame-aar table.timeline td { min-width: 12em; }
.wargame-aar table.timeline td.turn { min-width: 0; font-weight: 700; font-size: 1.1em; white-space: nowrap; }
.wargame-aar .notice { font-size: 1.1em; border: 2px solid $orange; background: $notice; padding: 0.8em 1em; }
@media print { .wargame-aar h2 { break-after: avoid; } .wargame-aar .chart { break-inside: avoid; } }
""").substitute(
    blue=palette.BLUE, vermillion=palette.VERMILLION, orange=palette.ORANGE, grey=palette.GUIDE_GREY, rule=palette.RULE_GREY,
    warning=palette.WARNING_TEXT, text=palette.TEXT, page=palette.PAGE, header=palette.HEADER_FILL,
    summary=palette.SUMMARY_FILL, notice=palette.NOTICE_FILL, smalltext=palette.SMALL_PRINT,
    vermilliontext=palette.VERMILLION_TEXT,
)


# --- numbers in words ----------------------------------------------------------------------


def show(value: float, unit: str) -> str:
    """A figure as a student reads it, by its unit."""
    if unit == "USD":
        return money(value)
    if unit == "%":
        return fmt.percent_of(value)
    if unit == "ratio":
        return fmt.ratio(value)
    if unit == "turns":
        return fmt.turns(value)
    if unit == "people":
        return fmt.people(value)
    if not unit or not math.isfinite(value):
        return fmt.number(value)
    return fmt.count(value, unit.removesuffix("s"), unit)


def verdict(figure: Figure) -> str:
    met = figure.met_par
    return NO_PAR if met is None else (MET if met else NOT_MET)


def verdict_html(kind: str) -> str:
    marker, words = VERDICTS[kind]
    return f'<span class="verdict {kind}"><span aria-hidden="true">{marker}</span> {escape(words)}</span>'


def par_text(figure: Figure) -> str:
    if figure.par is None:
        return "–"
    return ("at least " if figure.better == "higher" else "at most ") + show(figure.par, figure.unit)


def _name(scenario, item: str) -> str:
    return scenario.catalogue[item].name if item in scenario.catalogue else item


def _threat(scenario, threat: str) -> str:
    threats = scenario.adversary.threats
    return threats[threat].name if threat in threats else threat


def _target_set(scenario, target: str) -> str:
    sets = scenario.adversary.target_sets
    return sets[target].name if target in sets else target


# --- sections ------------------------------------------------------------------------------


def heading(game_facts: dict, scenario) -> str:
    played, turns = game_facts["turns_played"], scenario.turns
    status = "the game is over" if played >= turns else f"in progress: this report covers the {fmt.count(played, 'turn')} played so far"
    facts = [
        ("Scenario", f"{escape(scenario.title)} <span class='small'>({escape(scenario.name)}, version {escape(scenario.version)})</span>"),
        ("Seed", escape(str(game_facts["seed"]))),
        ("Mode", f"{escape(game_facts['mode'])} <span class='small'>({escape(MODES.get(game_facts['mode'], ''))})</span>"),
        ("Turns played", f"{played} of {turns} ({fmt.days(scenario.turn_length_days)} each); {escape(status)}"),
    ]
    rows = "".join(f"<dt>{escape(label)}</dt><dd>{value}</dd>" for label, value in facts)
    objectives = "".join(f"<li>{escape(text)}</li>" for text in scenario.learning_objectives)
    return (
        f"<h1>After-action report: {escape(scenario.title)}</h1>"
        f"<dl class='facts'>{rows}</dl>"
        f"<p>{escape(scenario.description.strip())}</p>"
        f"<details><summary>Learning objectives</summary><ol>{objectives}</ol></details>"
    )


def full_account_words(history: pd.DataFrame) -> str:
    """The game's full account in two sentences, read as a verdict when the defence failed."""
    row = outcome_table(history, by=None).iloc[0]
    kept, full = row["infrastructure_preserved_pct"], row["full_exchange_ratio"]
    words = (
        f"The raids cost the adversary {money(row['raid_cost_usd'])} and cost you {money(row['defender_cost_usd'])}: "
        f"{money(row['interceptor_spend_usd'])} of interceptors fired and {money(row['damage_usd'])} of damage, "
        f"{show(full, 'ratio')} on the full account (interceptors alone: {show(row['cost_exchange_ratio'], 'ratio')}). "
        f"You kept {show(kept, '%')} of the infrastructure the raids aimed at."
    )
    if kept < 50:
        words += (
            f" This is a defeat: most of what the raids aimed at was destroyed, and every dollar the adversary "
            f"spent cost you {money(full)}."
        )
    return words


def outcome_section(history: pd.DataFrame, scenario) -> str:
    figures = outcome(history, scenario)
    rows = []
    for figure in figures:
        rows.append(
            f"<tr><th scope='row'>{escape(figure.label)}</th>"
            f"<td class='number'>{escape(show(figure.value, figure.unit))}</td>"
            f"<td>{escape(par_text(figure))}</td>"
            f"<td>{verdict_html(verdict(figure))}</td></tr>"
        )
    with_par = [f for f in figures if verdict(f) != NO_PAR]
    met = [f for f in with_par if verdict(f) == MET]
    words = full_account_words(history) + " "
    if with_par:
        missed = [f.label.split(":")[0].lower() for f in with_par if verdict(f) == NOT_MET]
        if not missed:
            words += f"You met par on all {len(with_par)} figures this scenario sets a par for: a sound defence at a bearable cost."
        else:
            words += f"You met par on {len(met)} of the {len(with_par)} figures this scenario sets a par for. Not met: " + "; ".join(missed) + "."
    else:
        words += "This scenario sets no par values; compare your figures with other players'."
    table = (
        "<table class='outcome'><caption class='small'>Your result against the scenario's par: what a competent play achieves. "
        f"{VERDICTS[MET][0]} met par, {VERDICTS[NOT_MET][0]} not met, {VERDICTS[NO_PAR][0]} no par set.</caption>"
        "<thead><tr><th scope='col'>Figure</th><th scope='col'>Your result</th><th scope='col'>Par</th>"
        "<th scope='col'>Verdict</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table>"
    )
    return f"<h2 id='outcome'>Outcome against par</h2><p class='summary'>{escape(words)}</p>{table}"


def runway_section(history: pd.DataFrame, scenario) -> str:
    if not interceptor_items(scenario):
        return ""
    table = stockpile_table(history, scenario)
    rows = []
    sentences = []
    for _, row in table.iterrows():
        runway = row["runway_turns"]
        runway_words = fmt.turns(0 if row["stock_units"] <= 0 else runway)
        rows.append(
            f"<tr><th scope='row'>{escape(row['name'])}</th>"
            f"<td class='number'>{escape(number(row['stock_units']))}</td>"
            f"<td class='number'>{escape(number(row['used_units']))}</td>"
            f"<td class='number'>{fmt.percent_of(row['used_pct_of_start_and_delivered'])}</td>"
            f"<td class='number'>{escape(number(row['burn_units_per_turn']))}</td>"
            f"<td>{escape(runway_words)}</td></tr>"
        )
        sentences.append(f"{row['name']}: {number(row['stock_units'])} left ({runway_words})")
    return (
        "<h3>Stock runway at the end</h3>"
        f"<p class='summary'>{escape('; '.join(sentences))}.</p>"
        "<table><thead><tr><th scope='col'>Interceptor</th><th scope='col'>Left</th><th scope='col'>Used</th>"
        "<th scope='col'>Used, % of start and deliveries</th><th scope='col'>Burn last turn</th>"
        "<th scope='col'>Runway at that burn</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table>"
    )


# --- the timeline ----------------------------------------------------------------------------


def _amounts(scenario, amounts: dict) -> str:
    parts = [f"{_name(scenario, item)} {number(float(n))}" for item, n in amounts.items() if n]
    return ", ".join(parts) if parts else "none"


def decisions(orders: Orders, scenario) -> list[tuple[str, str]]:
    """The orders of a turn in words, as (decision, what was ordered) pairs."""
    doctrine = []
    for threat, layers in orders.doctrine.items():
        fired = ", then ".join(
            f"{_name(scenario, layer.item)}" + (f" \u00d7{fmt.count(layer.shots, 'shot')}" if layer.shots > 1 else "") for layer in layers
        )
        doctrine.append(f"{_threat(scenario, threat)}: {fired or 'nothing fired'}")
    strikes = [
        f"{_name(scenario, item)} at {_target_set(scenario, target)} {number(float(n))}"
        for item, plan in orders.strikes.items()
        for target, n in plan.items()
        if n
    ]
    levels = scenario.autonomy.levels
    cycles = scenario.development_cycles
    rows = [
        ("Doctrine", "; ".join(doctrine) or "no layers"),
        ("Production", _amounts(scenario, orders.production)),
        ("Imports", _amounts(scenario, orders.imports)),
        ("New capacity", _amounts(scenario, orders.capacity)),
    ]
    if orders.joint_capacity or any(spec.joint_production for spec in scenario.catalogue.values()):
        rows.append(("Joint capacity", _amounts(scenario, orders.joint_capacity)))
    rows += [
        ("Strikes", ", ".join(strikes) or "none"),
        ("Autonomy", levels[orders.autonomy].name if orders.autonomy in levels else orders.autonomy),
        ("Development cycle", cycles[orders.adaptation].name if orders.adaptation in cycles else orders.adaptation),
        ("Operators trained", number(float(orders.train_operators or 0)) if orders.train_operators else "none"),
    ]
    return rows


def consequences(report) -> list[str]:
    """A turn's key figures in words, from its metrics (labels as in the turn report)."""
    m = report.metrics
    lines = [f"{label}: {fmt(m[key])}" for key, label, fmt in report.KEY_FIGURES if key in m]
    if m.get("civilian_harm_people", 0) > 0:
        lines.append(f"Civilians harmed: {fmt.people(m['civilian_harm_people'])}")
    if m.get("strike_sorties_units", 0) > 0:
        lines.append(
            f"Strikes: {fmt.count(m['strike_sorties_units'], 'sortie')}, {fmt.count(m.get('strike_hits_units', 0), 'hit')}, "
            f"{money(m.get('strike_value_destroyed_usd', 0))} destroyed for {money(m.get('strike_cost_usd', 0))}"
        )
    if m.get("incidents_count", 0) > 0:
        lines.append(f"Misidentification incidents: {fmt.number(m['incidents_count'])} ({money(m.get('incident_cost_usd', 0))})")
    if m.get("countermeasures_fielded_count", 0) > 0:
        lines.append("The adversary fielded a countermeasure")
    return lines


def timeline_section(reports, scenario, layer_sentences: dict[int, str]) -> str:
    previous = dict(decisions(default_orders(tables_for(scenario)), scenario))
    rows = []
    for report in reports:
        ordered = decisions(report.orders, scenario)
        listed, unordered = [], []
        for label, text in ordered:
            changed = previous.get(label) != text
            if text == "none" and not changed:
                unordered.append(label.lower())
                continue
            listed.append(
                f"<li><b>{escape(label)}</b>: {escape(text)}"
                + ("<span class='changed'>changed</span>" if changed else "")
                + "</li>"
            )
        if unordered:
            listed.append(f"<li class='small'>No orders for {escape(', '.join(unordered))}</li>")
        decided = "".join(listed)
        previous = dict(ordered)
        happened = "".join(f"<li>{escape(line)}</li>" for line in consequences(report))
        if report.turn in layer_sentences:
            happened += f"<li><b>Layers</b>: {escape(layer_sentences[report.turn])}</li>"
        happened += "".join(
            f"<li><b>Event</b>: {escape(str(e.inputs.get('text')))}</li>" for e in report.events if e.step == "events"
        )
        lessons = "".join(_lesson_item(lesson) for lesson in report.lessons) or "<li>none</li>"
        rows.append(
            f"<tr id='turn-{report.turn}'><td class='turn'>Turn {report.turn}</td>"
            f"<td><ul class='tight'>{decided}</ul></td><td><ul class='tight'>{happened}</ul></td>"
            f"<td><ul class='tight'>{lessons}</ul></td></tr>"
        )
    return (
        "<h2 id='timeline'>Turn by turn: decisions and their consequences</h2>"
        "<p class='small'>Each turn's orders (<span class='changed'>changed</span> marks a decision that differs from the "
        "turn before, or from the scenario's opening orders in turn 1), what happened, and what the turn taught.</p>"
        "<table class='timeline'><thead><tr><th scope='col'>Turn</th><th scope='col'>Decisions</th>"
        "<th scope='col'>Consequences</th><th scope='col'>Lessons</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table>"
    )


def _lesson_item(lesson) -> str:
    severity = getattr(lesson, "severity", "info")
    mark, word = SEVERITY_MARKS.get(severity, ("", severity))
    kind = str(getattr(lesson, "kind", "")).replace("_", " ")
    headline = getattr(lesson, "headline", str(lesson))
    return (
        f"<li class='lesson-{escape(severity)}'><span aria-hidden='true'>{mark}</span> "
        f"<b>{escape(kind.capitalize())}</b> <span class='small'>({escape(word)})</span>: {escape(headline)}</li>"
    )


def no_lines_note(scenario, with_lines) -> str:
    """Which items never had domestic production lines (their capacity charts are left out)."""
    without = [spec.name for item, spec in scenario.catalogue.items() if item not in with_lines]
    if not without:
        return ""
    return f"<p class='small'>No domestic production lines at any time, so no chart: {escape(', '.join(without))}.</p>"


# --- sources -------------------------------------------------------------------------------


def prices_note(scenario) -> str:
    """The prices behind the cost-exchange ratios, each with its source from the scenario."""
    parts = [
        f"{escape(threat.name)}: {sourced_figure(threat.unit_cost_usd, with_source=True)}"
        for threat in scenario.adversary.threats.values()
    ]
    parts += [
        f"{escape(scenario.catalogue[item].name)}: {sourced_figure(scenario.catalogue[item].unit_cost_usd, with_source=True)}"
        for item in interceptor_items(scenario)
    ]
    return "<details><summary>Prices behind these ratios, and their sources</summary><ul>" + "".join(
        f"<li>{p}</li>" for p in parts
    ) + "</ul></details>"


def sources_section(scenario) -> str:
    """Where the scenario's figures come from, as it states them."""
    rows = []

    def add(what: str, figure, shown) -> None:
        rows.append(f"<tr><th scope='row'>{escape(what)}</th><td>{sourced_figure(figure, show=shown)}</td></tr>")

    for threat in scenario.adversary.threats.values():
        add(f"{threat.name}: unit cost", threat.unit_cost_usd, money)
        add(f"{threat.name}: launches per turn", threat.launches_per_turn, fmt.number)
    for item in scenario.catalogue.values():
        add(f"{item.name}: unit cost", item.unit_cost_usd, money)
        for threat_id, pk in item.pk.items():
            add(f"{item.name}: pk against {_threat(scenario, threat_id)}", pk, fmt.percent)
    for level in scenario.autonomy.levels.values():
        add(f"{level.name}: hit rate", level.p_hit, fmt.percent)
    benchmark = scenario.demand_benchmark
    if benchmark is not None:
        add(f"Demand benchmark: {benchmark.label}", benchmark.units_per_year, lambda v: f"{fmt.number(v)} a year")
    notes = [text for text in (scenario.budget.source,) if text]
    extra = f"<p class='small'>Budget: {escape(notes[0])}</p>" if notes else ""
    return (
        "<h2 id='sources'>Where the numbers come from</h2>"
        "<p class='small'>The scenario's figures with their published sources and ranges. Sources often disagree: "
        "a figure marked contested is disputed.</p>"
        "<table><tbody>" + "".join(rows) + "</tbody></table>" + extra
    )
