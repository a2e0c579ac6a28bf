"""Lesson records: what a turn taught, with the player's own numbers and their sources."""

from __future__ import annotations

import html
from dataclasses import dataclass, field

from .. import format as fmt
from ..palette import SEVERITY

SEVERITIES = ("info", "warning", "critical")


@dataclass(frozen=True)
class Cited:
    """A figure a lesson cites: its metric name, value and unit, and how a student calls it."""

    name: str
    value: float
    unit: str
    label: str = ""  # in words, with names rather than ids; the metric name in words if empty

    @property
    def words(self) -> str:
        """What the figure is, as a student reads it."""
        return self.label or self.name.replace("_", " ")

    def __str__(self) -> str:
        if self.unit == "USD":
            return fmt.money(self.value)
        if self.unit == "ratio":
            return fmt.ratio(self.value)
        if self.unit == "%":
            return fmt.percent_of(self.value)
        if self.unit == "turns":
            return fmt.turns(self.value)
        if self.unit == "minutes":
            return fmt.minutes(self.value)
        if not self.unit:
            return fmt.number(self.value)
        return fmt.count(self.value, self.unit.removesuffix("s"), self.unit)


@dataclass(frozen=True)
class Lesson:
    """One lesson of a turn: kind, severity, headline, detail, the figures it cites, a source."""

    kind: str  # one of wargame.scenario.LESSON_KINDS
    severity: str  # info | warning | critical
    headline: str
    detail: str
    metrics: tuple[Cited, ...] = ()
    source: str | None = None  # where a real-world figure comes from
    contested: bool = False  # the real-world figure is disputed
    context: str | None = None  # real-world context, shown beside the player's numbers
    explanation: str | None = None  # how the headline figure was adjudicated, in words

    def __str__(self) -> str:
        lines = [f"[{self.kind.replace('_', ' ')}] {self.headline}", f"  {self.detail}"]
        if self.context:
            lines.append(f"  Context: {self.context}" + (" (contested)" if self.contested else ""))
        if self.source:
            lines.append(f"  Source: {self.source}")
        return "\n".join(lines)

    def details_html(self) -> str:
        """The lesson folded to its headline (a ``<details>`` whose summary is the headline):
        the dashboard lists every headline of a turn in one screen, each opening to its detail,
        figures, source and "explain"."""
        colour = SEVERITY[self.severity]
        return (
            f"<details class='wargame-lesson wargame-{self.kind}' style='border-left:4px solid {colour};padding-left:8px;margin:4px 0'>"
            f"<summary><b>{html.escape(self.kind.replace('_', ' ').capitalize())} ({self.severity})</b>: "
            f"{html.escape(self.headline)}</summary>{self._body_html()}</details>"
        )

    def _body_html(self) -> str:
        figures = "".join(
            f"<li>{html.escape(c.words)}: <b>{html.escape(str(c))}</b></li>" for c in self.metrics
        )
        context = ""
        if self.context:
            flag = " <em>(contested: sources disagree)</em>" if self.contested else ""
            context = f"<p class='wargame-context'>{html.escape(self.context)}{flag}</p>"
        source = f"<p class='wargame-source'><small>Source: {html.escape(self.source)}</small></p>" if self.source else ""
        explanation = (
            f"<details><summary>Explain this number</summary><p>{html.escape(self.explanation)}</p></details>"
            if self.explanation
            else ""
        )
        return f"<p>{html.escape(self.detail)}</p>{context}{source}" + (f"<ul>{figures}</ul>" if figures else "") + explanation

    def _repr_html_(self) -> str:
        colour = SEVERITY[self.severity]
        figures = "".join(
            f"<li>{html.escape(c.words)}: <b>{html.escape(str(c))}</b></li>" for c in self.metrics
        )
        context = ""
        if self.context:
            flag = " <em>(contested: sources disagree)</em>" if self.contested else ""
            context = f"<p class='wargame-context'>{html.escape(self.context)}{flag}</p>"
        source = f"<p class='wargame-source'><small>Source: {html.escape(self.source)}</small></p>" if self.source else ""
        explanation = (
            f"<details><summary>Explain this number</summary><p>{html.escape(self.explanation)}</p></details>"
            if self.explanation
            else ""
        )
        return (
            f"<div class='wargame-lesson wargame-{self.kind}' style='border-left:4px solid {colour};padding-left:8px;margin:6px 0'>"
            f"<b>{html.escape(self.kind.replace('_', ' ').capitalize())} ({self.severity})</b>: {html.escape(self.headline)}"
            f"<p>{html.escape(self.detail)}</p>{context}{source}"
            + (f"<ul>{figures}</ul>" if figures else "")
            + explanation
            + "</div>"
        )
