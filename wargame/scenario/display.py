"""A scenario as a compact HTML summary for a notebook cell (``Scenario._repr_html_``).

What a student or an instructor needs before the first turn: the title and the objectives, the
length of the game, the money, the catalogue with its sources, the threats (contested figures
marked), the opening doctrine and the legal regime. Plain HTML with a few inline styles: no
widgets, no plotting library, so it shows the same in JupyterLab, Voilà and a static export.
Every piece of text from the scenario file is escaped.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape
from typing import Any

from .. import format as fmt
from ..format import money, number, percent
from ..palette import CONTESTED_RED, GUIDE_GREY, RULE_GREY

_SMALL = f"font-size:85%;color:{GUIDE_GREY}"
_CONTESTED = f"font-size:80%;color:{CONTESTED_RED};font-weight:bold"
_TABLE = "border-collapse:collapse;font-size:90%;margin:0.3em 0 0.8em 0"
_CELL = f"padding:2px 8px;text-align:left;vertical-align:top;border-bottom:1px solid {RULE_GREY}"


def scenario_html(scenario: Any) -> str:
    """The whole summary: one ``<div>`` made of the sections below, in reading order."""
    sections = [
        _heading(scenario),
        _objectives(scenario),
        _budget(scenario),
        _catalogue(scenario),
        _threats(scenario),
        _doctrine(scenario),
        _legal_regime(scenario),
        _events(scenario),
    ]
    return '<div class="wargame-scenario" style="max-width:70em">' + "".join(sections) + "</div>"


# --- formatting numbers (``wargame.format``) ------------------------------------------------


def per_turn_words(turn_length_days: int) -> str:
    """'a month' for monthly turns, else 'a turn'."""
    return "a month" if 28 <= turn_length_days <= 31 else "a turn"


def fire_limit_words(limit: float | None, turn_length_days: int) -> str:
    """An interceptor's fire limit as a student reads it: 'at most 300 engagements a month'."""
    if limit is None or limit == float("inf"):
        return "no fire limit"
    return f"at most {number(limit)} engagements {per_turn_words(turn_length_days)}"


def days_and_turns(days: int, turn_length_days: int) -> str:
    """``720`` days with 30-day turns -> ``720 days (24 turns)``."""
    return f"{fmt.days(days)} ({fmt.turns(days / turn_length_days)})"


def words(identifier: str) -> str:
    """``interceptor_missile`` -> ``interceptor missile``."""
    return identifier.replace("_", " ")


# --- small HTML pieces -----------------------------------------------------------------------


def _small(text: str) -> str:
    return f'<span style="{_SMALL}">{escape(text)}</span>' if text else ""


def _contested_mark(contested: bool) -> str:
    return f' <span style="{_CONTESTED}">contested</span>' if contested else ""


def sourced_figure(figure: Any, show: Any = money, with_source: bool = True) -> str:
    """A sourced number: the value, its range, a "contested" mark, and the source beneath.

    ``figure`` is a ``Sourced`` (``value``, ``source``, ``range``, ``contested``); ``show``
    formats one number. With ``with_source=False`` the source goes into a tooltip only.
    """
    text = escape(show(figure.value))
    if figure.range is not None:
        low, high = figure.range
        text += " " + _small(f"({show(low)}–{show(high)})")
    text += _contested_mark(figure.contested)
    notes = "; ".join(n for n in (figure.source, figure.note) if n)
    if notes and with_source:
        text += "<br>" + _small(notes)
    elif notes:
        text = f'<span title="{escape(notes)}">{text}</span>'
    return text


def _table(headers: Iterable[str], rows: Iterable[Iterable[str]]) -> str:
    """A table from escaped header text and ready-made cell HTML."""
    head = "".join(f'<th style="{_CELL}">{escape(h)}</th>' for h in headers)
    body = "".join(
        "<tr>" + "".join(f'<td style="{_CELL}">{cell}</td>' for cell in row) + "</tr>" for row in rows
    )
    return f'<table style="{_TABLE}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _section(title: str, body: str) -> str:
    return f'<h4 style="margin:0.8em 0 0.2em 0">{escape(title)}</h4>{body}' if body else ""


def _name_and_id(name: str, identifier: str) -> str:
    """A name as students read it; its id (what the YAML file and orders use) on hover."""
    return f'<span title="id: {escape(identifier)}">{escape(name)}</span>'


# --- the sections ----------------------------------------------------------------------------


def _heading(scenario: Any) -> str:
    facts = [
        f"{fmt.count(scenario.turns, 'turn')} of {fmt.days(scenario.turn_length_days)}",
        f"scenario {scenario.name!r}, version {scenario.version}",
        f"by {scenario.author}",
    ]
    if scenario.extends:
        facts.append(f"extends {scenario.extends!r}")
    return (
        f'<h3 style="margin:0.2em 0">{escape(scenario.title)}</h3>'
        f"<p>{_small(' · '.join(facts))}</p>"
        f"<p>{escape(scenario.description.strip())}</p>"
    )


def _objectives(scenario: Any) -> str:
    items = "".join(f"<li>{escape(text)}</li>" for text in scenario.learning_objectives)
    return _section("Learning objectives", f"<ol>{items}</ol>")


def _budget(scenario: Any) -> str:
    budget = scenario.budget
    text = (
        f"{sourced_figure(budget.initial_usd, with_source=False)} at the start, "
        f"then {sourced_figure(budget.per_turn_usd, with_source=False)} every turn"
    )
    changes = [
        f"from turn {turn}: {sourced_figure(amount, with_source=False)} a turn"
        for turn, amount in sorted(budget.schedule_usd.items())
    ]
    if changes:
        text += "; " + "; ".join(changes)
    if budget.source:
        text += "<br>" + _small(budget.source)
    return _section("Budget", f"<p>{text}</p>")


def _catalogue(scenario: Any) -> str:
    threats = scenario.adversary.threats
    headers = ["Item", "Role", "Unit cost"]
    headers += [f"pk vs {threat.name}" for threat in threats.values()]
    headers += ["Stock", "Fire limit", "Capacity per turn", "Capacity lead time"]
    rows = []
    for item_id, item in scenario.catalogue.items():
        pks = [
            sourced_figure(item.pk[threat_id], show=percent, with_source=False)
            if threat_id in item.pk
            else "—"
            for threat_id in threats
        ]
        rows.append(
            [
                _name_and_id(item.name, item_id),
                escape(words(item.role)),
                sourced_figure(item.unit_cost_usd),
                *pks,
                escape(number(item.stock_units)),
                escape(fire_limit_words(item.fire_capacity_per_turn, scenario.turn_length_days) if item.pk else "—"),
                escape(number(item.capacity_units_per_turn)),
                escape(days_and_turns(item.capacity_lead_time_days, scenario.turn_length_days)),
            ]
        )
    return _section("Catalogue", _table(headers, rows))


def _threats(scenario: Any) -> str:
    headers = ["Threat", "Unit cost", "Launches per turn", "Growth per turn", "Decoys", "Aimed at"]
    rows = []
    for threat_id, threat in scenario.adversary.threats.items():
        shares = ", ".join(
            f"{scenario.targets[target].name if target in scenario.targets else target} {percent(share)}"
            for target, share in threat.target_shares.items()
        )
        rows.append(
            [
                _name_and_id(threat.name, threat_id),
                sourced_figure(threat.unit_cost_usd),
                sourced_figure(threat.launches_per_turn, show=number),
                escape(fmt.signed_percent(threat.growth_per_turn)),
                escape(percent(threat.decoy_share)),
                escape(shares),
            ]
        )
    return _section(f"Threats ({scenario.adversary.name})", _table(headers, rows))


def _label(named: Any, key: str) -> str:
    """The display name of ``named[key]`` (an item, a threat, a level), or the id in words."""
    return named[key].name if key in named else words(key)


def _doctrine(scenario: Any) -> str:
    lines = []
    for threat_id, layers in scenario.doctrine.items():
        fired = ", then ".join(
            f"{layer.shots} × {_label(scenario.catalogue, layer.item)}" for layer in layers
        )
        threat = _label(scenario.adversary.threats, threat_id)
        lines.append(f"<li>{escape(threat)}: {escape(fired or 'nothing fired')}</li>")
    body = f"<ul>{''.join(lines)}</ul>" if lines else ""
    return _section("Opening doctrine (shots per target, in order)", body)


def _legal_regime(scenario: Any) -> str:
    regime = scenario.autonomy.legal_regime
    levels = scenario.autonomy.levels
    prohibited = ", ".join(_label(levels, level) for level in regime.prohibited_levels)
    incident_cost = sourced_figure(regime.incident_cost_usd, with_source=False)
    text = (
        f"<b>{escape(regime.name)}</b>: {escape(regime.description)}<br>"
        f"Prohibited: {escape(prohibited or 'none')}. "
        f"Default autonomy level: {escape(_label(levels, scenario.autonomy.default_level))}. "
        f"Cost of one misidentification incident: {incident_cost}."
    )
    if regime.source:
        text += "<br>" + _small(regime.source)
    return _section("Legal regime", f"<p>{text}</p>")


def event_date(event: Any) -> str:
    """When an event is due, with its risk: "due turn 6, 40% chance it slips 1-3 turns"."""
    if event.slip is None:
        return f"turn {event.turn}"
    fewest, most = event.slip.by_turns
    late = f"{fewest}" if fewest == most else f"{fewest}-{most}"
    turns = "turn" if most == 1 else "turns"
    return f"due turn {event.turn}, {round(100 * event.slip.chance)}% chance it slips {late} {turns}"


def event_heading(event: Any) -> str:
    """An event's date as players read it, named when it is a capability."""
    date = event_date(event)
    if event.type == "capability":
        return f"{event.name}: {date}"
    return date[0].upper() + date[1:]


def _events(scenario: Any) -> str:
    def source(event: Any) -> str:
        sources = [getattr(event, "source", None), event.slip.source if event.slip else None]
        return "".join("<br>" + _small(s) for s in sources if s)

    items = "".join(
        f"<li>{escape(event_heading(event))}: {escape(event.text)}{source(event)}</li>" for event in scenario.events
    )
    return _section("Scripted events", f"<ul>{items}</ul>" if items else "")
