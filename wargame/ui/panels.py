"""Panels that show the game: the header, the cost meter, the problems, the lessons, files.

Every figure shown is read from the game (``view()``, ``costs()``, ``check()``, the turn
reports); nothing is computed here but layout.
"""

from __future__ import annotations

import html

import ipywidgets as widgets

from ..format import count, days, money, number, percent
from ..palette import GREEN_TEXT, OKABE_ITO, VERMILLION_TEXT
from ..scenario.display import event_heading
from .text import LABEL_STYLE, escape, table

# Okabe-Ito's vermillion and green are too light for text on white (3.9:1 and 3.4:1; WCAG AA
# asks 4.5:1 of normal text): words take darker shades of the same hues, bars and borders keep
# the palette's.
TEXT_COLOURS = {"warning": VERMILLION_TEXT, "good": GREEN_TEXT}

# Styles the widgets' own settings cannot reach, scoped to the dashboard: the unselected tab
# labels (ipywidgets draws them at 4.45:1 on their grey) in the normal text colour; dropdowns
# that shrink to their box (a dropdown as wide as its longest choice stuck out of a narrow
# panel; the choices put the price first, so a narrow one still shows it); radio labels that
# wrap and grow (a long cadence overlapped the text under it, which caught the click); in the
# Build grid and the doctrine's layer rows, labels hidden visually (the headings say them, a
# screen reader still reads them; 1 px wide, not the description width ipywidgets sets, which
# reached past the panel) and words that wrap anywhere rather than stick out of a
# narrow column; in a narrow panel (under 720 px) each item's orders go on a line under its
# facts, each order two fact columns wide.
DASHBOARD_CSS = """<style>
.wargame-dashboard .jupyter-widgets.jupyter-widget-tab > .lm-TabBar .lm-TabBar-tab { color: var(--jp-ui-font-color1, rgba(0, 0, 0, 0.87)); }
.wargame-dashboard .widget-dropdown { width: auto; max-width: 100%; min-width: 0; }
.wargame-dashboard .widget-dropdown > select { flex: 1 1 auto; width: auto; min-width: 0; max-width: 100%; }
.wargame-dashboard .widget-radio-box { height: auto; }
.wargame-dashboard .widget-radio-box label { height: auto; min-height: var(--jp-widgets-radio-item-height, 24px); line-height: 1.3; white-space: normal; margin: 2px 0; }
.wargame-dashboard details.wargame-lesson > summary { cursor: pointer; }
.wargame-dashboard .wargame-build-grid .widget-label, .wargame-dashboard .wargame-doctrine-layers .widget-label { position: absolute; width: 1px !important; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.wargame-dashboard .wargame-build-grid .widget-html-content { line-height: 1.25; font-size: 12px; overflow-wrap: anywhere; }
.wargame-dashboard .wargame-build-grid .widget-inline-hbox, .wargame-dashboard .wargame-doctrine-layers .widget-inline-hbox { min-width: 0; width: 100%; }
.wargame-dashboard .wargame-build-grid input { min-width: 0; width: 100%; }
.wargame-dashboard .wargame-build { container-type: inline-size; }
@container (max-width: 720px) {
  .wargame-dashboard .wargame-build-grid { grid-template-columns: minmax(0, 1.5fr) minmax(0, 0.9fr) minmax(0, 0.6fr) minmax(0, 0.7fr) minmax(0, 0.9fr) minmax(0, 1.2fr) !important; }
  .wargame-dashboard .wargame-build-grid .wargame-order-cell { grid-column: span 2; }
  .wargame-dashboard .wargame-build-grid .wargame-fact-cell { border-bottom: none !important; }
}
.wargame-dashboard .wargame-doctrine-layers .widget-dropdown > select { width: 100%; }
.wargame-dashboard .wargame-tradeoffs { overflow-wrap: anywhere; }
.wargame-dashboard .wargame-build-grid .widget-html-content small { font-size: 11px; }
.wargame-dashboard .wargame-build-grid .widget-inline-hbox { margin: 1px 0; }
.wargame-dashboard .wargame-compact .widget-html-content, .wargame-dashboard .wargame-compact.widget-html-content { line-height: 1.4; }
</style>"""


class Header:
    """Turn k of N, money, the intelligence estimate of the next raid, the turn's narrative."""

    def __init__(self):
        self.widget = widgets.HTML()

    def refresh(self, game) -> None:
        scenario = game.scenario
        title = f"<h3 style='margin:4px 0'>{escape(scenario.title)}</h3>"
        if game.is_over:
            self.widget.value = (
                title + f"<p><b>The game is over</b>: all {scenario.turns} turns played. "
                f"Money left: <b>{money(game.view().money_usd)}</b>. The after-action report is below.</p>"
            )
            return
        view = game.view()
        threats = scenario.adversary.threats
        estimate = table(
            ["threat class", "expected next raid (units)", "cost to the adversary, each"],
            [
                [escape(threats[t].name), f"{number(round(low))} to {number(round(high))}", money(float(threats[t].unit_cost_usd.value))]
                for t, (low, high) in view.raid_estimate_units.items()
            ],
            caption="Intelligence estimate of this turn's raid",
        )
        narrative = scenario.narrative.get(view.turn)
        story = f"<blockquote style='margin:4px 0 4px 8px'>{escape(narrative)}</blockquote>" if narrative else ""
        lines = [
            f"<b>Turn {view.turn} of {view.turns}</b> ({days(scenario.turn_length_days)} a turn)",
            f"Money available: <b>{money(view.money_usd)}</b> (income {money(view.income_usd_per_turn)} a turn)",
            f"Operators: {number(view.operators)}; enemy jamming: {percent(view.jamming_intensity)} of full",
        ]
        if view.countermeasures:
            names = [scenario.catalogue[i].name if i in scenario.catalogue else i for i in view.countermeasures]
            lines.append(f"<span style='color:{TEXT_COLOURS['warning']}'>Countermeasure active against: {escape(', '.join(names))}</span>")
        lines += [escape(line) for line in dates_at_risk(game)]
        self.widget.value = title + "<br>".join(lines) + story + estimate


def dates_at_risk(game) -> list[str]:
    """Events whose date may slip, as the player knows them: the date and its risk while it is
    ahead; "late" once the date has passed without it (the new date is not known)."""
    lines = []
    for e, event in enumerate(game.scenario.events):
        if event.slip is None:
            continue
        what = event.name if event.type == "capability" else f"The turn-{event.turn} {event.type}"
        if event.turn >= game.turn:
            lines.append(f"Expected: {event_heading(event)}")
        elif game.state.event_turn[0, e] >= game.turn:  # the rules recorded that it has not come yet
            lines.append(f"{what}: late (it was due on turn {event.turn}); it may still come.")
    return lines


class CostMeter:
    """What the orders on screen cost, by category, against the money available."""

    def __init__(self):
        self.bar = widgets.FloatProgress(
            value=0.0,
            min=0.0,
            max=1.0,
            description="Spend vs money",
            tooltip="What these orders cost, as a share of the money available this turn",
            style={**LABEL_STYLE, "bar_color": OKABE_ITO["blue"]},
            layout=widgets.Layout(width="auto"),
        )
        self.text = widgets.HTML()
        self.widget = widgets.VBox([self.bar, self.text])
        self.total = 0.0
        self.money = 0.0

    def show(self, costs: dict[str, float] | None, money_available: float) -> None:
        self.money = money_available
        if costs is None:
            self.total = float("nan")
            self.text.value = "<i>The cost cannot be computed until the orders below are fixed.</i>"
            self.bar.value = 0.0
            return
        self.total = sum(costs.values())
        over = self.total > money_available + 1e-6
        self.bar.max = max(money_available, 1.0)
        self.bar.value = min(self.total, self.bar.max)
        self.bar.style.bar_color = OKABE_ITO["vermillion"] if over else OKABE_ITO["blue"]
        parts = ", ".join(f"{category} {money(cost)}" for category, cost in costs.items() if cost)
        verdict = (
            f"<b style='color:{TEXT_COLOURS['warning']}'>over budget</b>"
            if over
            else f"{money(money_available - self.total)} left"
        )
        self.text.value = (
            f"Orders cost <b>{money(self.total)}</b> of {money(money_available)} available ({verdict})."
            + (f"<br><small>{escape(parts)}</small>" if parts else "")
        )


class ProblemsPanel:
    """The engine's own words on what to change; empty when the orders can be played."""

    def __init__(self):
        self.widget = widgets.HTML()
        self.problems: list[str] = []

    def show(self, problems: list[str], notes: list[str] = ()) -> None:
        """Problems block the turn; notes (e.g. buying beyond a fire limit) only inform."""
        self.problems, self.notes = list(problems), list(notes)
        noted = (
            "<div role='note'><b>Worth knowing:</b><ul>" + "".join(f"<li>{escape(n)}</li>" for n in notes) + "</ul></div>"
            if notes
            else ""
        )
        if not problems:
            self.widget.value = f"<span style='color:{TEXT_COLOURS['good']}'>&#10003; These orders can be played.</span>" + noted
            return
        items = "".join(f"<li>{escape(p)}</li>" for p in problems)
        self.widget.value = (
            f"<div role='alert' style='border-left:4px solid {OKABE_ITO['vermillion']};padding-left:8px'>"
            f"<b>Change these before ending the turn:</b><ul>{items}</ul></div>" + noted
        )


class LessonsPanel:
    """Each lesson of the last turn folded to its headline (opening to its detail and
    "explain"), then the turn's figures and events, folded. It sits under the status line that
    gives the turn's full account, so after End turn a student reads the result and every
    headline beside the button without scrolling."""

    def __init__(self):
        self.widget = widgets.HTML("<i>Lessons appear here after each turn.</i>")
        self.widget.add_class("wargame-compact")

    def show(self, report) -> None:
        if report is None:
            self.widget.value = "<i>Lessons appear here after each turn.</i>"
            return
        lessons = getattr(report, "lessons", [])
        intro = f"<h4 style='margin:4px 0'>What turn {report.turn} taught ({count(len(lessons), 'lesson')})</h4>"
        folded = "".join(
            lesson.details_html() if hasattr(lesson, "details_html") else f"<p>{html.escape(str(lesson))}</p>"
            for lesson in lessons
        )
        figures = (
            f"<details class='wargame-turn-figures'><summary>Turn {report.turn}: all its figures and events</summary>"
            f"{report.figures_html()}</details>"
        )
        self.widget.value = intro + folded + figures


class Status:
    """One line of news: 'Working…', what just happened, or an error in words."""

    def __init__(self):
        self.widget = widgets.HTML()
        self.widget.add_class("wargame-compact")
        self.text = ""

    def say(self, text: str, error: bool = False) -> None:
        colour = TEXT_COLOURS["warning"] if error else "inherit"
        role = "alert" if error else "status"
        self.text = text
        self.widget.value = f"<span role='{role}' style='color:{colour}'>{html.escape(text)}</span>"


class FilesPanel:
    """A file name, Save and Load."""

    def __init__(self, default_name: str):
        self.filename = widgets.Text(
            value=default_name,
            description="Save file",
            tooltip="Name of the JSON file to save the game to or load it from (in the notebook's folder)",
            style=LABEL_STYLE,
            layout=widgets.Layout(width="auto"),
        )
        self.save = widgets.Button(description="Save", icon="save", tooltip="Save the game (every turn's orders) as JSON")
        self.load = widgets.Button(description="Load", icon="folder-open", tooltip="Load a saved game, replacing this one")
        self.save_report = widgets.Button(
            description="Save report",
            icon="file-text",
            disabled=True,
            tooltip="At the end of the game: save the after-action report as one HTML file (same name, .html) that opens offline",
        )
        self.message = widgets.HTML()
        self.widget = widgets.VBox([widgets.HBox([self.filename, self.save, self.load, self.save_report]), self.message])

    def say(self, text: str, error: bool = False) -> None:
        colour = TEXT_COLOURS["warning"] if error else "inherit"
        self.message.value = f"<span role='{'alert' if error else 'status'}' style='color:{colour}'>{html.escape(text)}</span>"
