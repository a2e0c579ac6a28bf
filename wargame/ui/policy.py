"""Autonomy level (with its trade-offs and the legal regime), development cycle, and training."""

from __future__ import annotations

import ipywidgets as widgets

from ..orders import Orders
from ..rules.adaptation import turns_to_patch
from ..scenario.schema import AUTONOMY_LEVELS
from ..format import count, days, duration, minutes, money, number, percent, turns
from ..palette import VERMILLION_TEXT
from .inputs import put, whole_box
from .text import LABEL_STYLE, escape, sourced, sourced_note
from .timing import lead_turns, usable_from


class AutonomyPicker:
    """One autonomy level for strike drones; prohibited levels are flagged in their labels."""

    def __init__(self, scenario):
        self.scenario = scenario
        self.autonomy = scenario.autonomy
        self.levels = [level for level in AUTONOMY_LEVELS if level in self.autonomy.levels]
        self.choice = widgets.RadioButtons(
            options=[(self.autonomy.levels[level].name, level) for level in self.levels],
            value=self.autonomy.default_level,
            description="Autonomy level for strike drones",
            tooltip=(
                "Who decides a strike. More autonomy: higher hit rate under jamming and a faster kill chain, "
                "but more misidentification and less accountability. Prohibited levels are marked."
            ),
            style=LABEL_STYLE,
            layout=widgets.Layout(width="auto"),
        )
        self.regime = widgets.HTML()
        self.tradeoffs = widgets.HTML()
        self.widget = widgets.VBox([self.regime, self.choice, self.tradeoffs])
        self.prohibited: tuple[str, ...] = tuple(self.autonomy.legal_regime.prohibited_levels)
        self._show(jamming=scenario.adversary.jamming_intensity)

    def inputs(self) -> list:
        return [self.choice]

    def read(self) -> str:
        return self.choice.value

    def write(self, level: str) -> None:
        values = [value for _, value in self.choice.options]
        if level not in values:
            self.choice.options = list(self.choice.options) + [(f"{level} (not in this scenario)", level)]
        self.choice.value = level

    def refresh(self, view) -> None:
        self.prohibited = tuple(view.prohibited_levels)
        self._show(view.jamming_intensity)

    def _show(self, jamming: float) -> None:
        current = self.choice.value
        regime = self.autonomy.legal_regime
        labels = []
        for level in self.levels:
            name = self.autonomy.levels[level].name
            labels.append((f"{name} (PROHIBITED: {regime.name})" if level in self.prohibited else name, level))
        extra = [(label, value) for label, value in self.choice.options if value not in self.levels]
        if [label for label, _ in self.choice.options] != [label for label, _ in labels + extra]:
            self.choice.options = labels + extra
            self.choice.value = current  # changing options selects the first one: keep the student's choice
        prohibited = ", ".join(self.autonomy.levels[l].name for l in self.prohibited if l in self.autonomy.levels) or "none"
        self.regime.value = (
            f"<b>Legal regime: {escape(regime.name)}</b>. {escape(regime.description)}<br>"
            f"Prohibited now: <b>{escape(prohibited)}</b>. Each misidentification incident costs "
            f"{escape(sourced(regime.incident_cost_usd))}."
            + (f"<br><small>Source: {escape(regime.source)}</small>" if regime.source else "")
        )
        self.tradeoffs.value = tradeoffs_table(self.autonomy, self.levels, self.prohibited, jamming)


# The trade-offs a student compares, one row each (a column per level).
TRADEOFF_ROWS = (
    "who decides", "hit rate, no jamming", "under jamming", "kill chain", "misidentification", "operators", "review window"
)


def tradeoffs_table(autonomy, levels, prohibited, jamming: float) -> str:
    """The autonomy levels side by side: a column per level, a row per trade-off.

    Levels as columns (few of them) and trade-offs as rows keep the table as wide as its
    output area: the columns share the width (fixed layout) and long words wrap, so no
    column is cut off on a laptop (issue 12)."""
    columns = []
    for level in levels:
        spec = autonomy.levels[level]
        operators = f"1 per {count(spec.sorties_per_operator, 'sortie')}" if spec.sorties_per_operator else "none needed"
        review = duration(spec.review_window_seconds) if spec.review_window_seconds is not None else "no human review"
        note = sourced_note(spec.p_hit)
        columns.append(
            {
                "heading": f"{escape(spec.name)}" + (f"<br><b style='color:{VERMILLION_TEXT}'>prohibited</b>" if level in prohibited else ""),
                "who decides": escape(spec.description),
                "hit rate, no jamming": f"<span title='{escape(note)}'>{escape(sourced(spec.p_hit, percent))}</span>",
                "under jamming": f"loses {percent(spec.jamming_sensitivity)} at full jamming",
                "kill chain": minutes(spec.kill_chain_minutes),
                "misidentification": escape(sourced(spec.p_misidentification, percent)),
                "operators": operators,
                "review window": review,
            }
        )
    cell = "text-align:left;vertical-align:top;padding:2px 6px 4px 0;overflow-wrap:anywhere"
    head = f"<th scope='col' style='{cell};width:10em'>trade-off</th>" + "".join(
        f"<th scope='col' style='{cell}'>{column['heading']}</th>" for column in columns
    )
    body = "".join(
        f"<tr><th scope='row' style='{cell}'>{row}</th>" + "".join(f"<td style='{cell}'>{column[row]}</td>" for column in columns) + "</tr>"
        for row in TRADEOFF_ROWS
    )
    caption = f"<caption style='text-align:left'>Trade-offs of each level (jamming now: {percent(jamming)} of full)</caption>"
    return (
        "<table class='wargame-table wargame-tradeoffs' style='font-size:90%;line-height:1.35;width:100%;table-layout:fixed'>"
        f"{caption}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    )


class CyclePicker:
    """The development cycle: how fast countermeasures are patched, and what that costs each turn."""

    def __init__(self, scenario):
        self.scenario = scenario
        self.cycles = scenario.development_cycles
        self.choice = widgets.RadioButtons(
            options=[(self._label(cycle), cycle) for cycle in self.cycles],
            value=scenario.default_development_cycle,
            description="Development cycle (adaptation)",
            tooltip=(
                "How fast your engineers patch an adversary countermeasure, and what that cadence costs "
                "every turn you hold it."
            ),
            style=LABEL_STYLE,
            layout=widgets.Layout(width="auto"),
        )
        self.status = widgets.HTML()
        self.widget = widgets.VBox([self.choice, self.status])

    def _label(self, cycle: str) -> str:
        spec = self.cycles[cycle]
        patch = int(turns_to_patch(0.0, spec.patch_days, self.scenario.turn_length_days))
        return f"{spec.name}: patches in {days(spec.patch_days)} (about {turns(patch)}), {money(float(spec.cost_usd_per_turn.value))} a turn"

    def inputs(self) -> list:
        return [self.choice]

    def read(self) -> str:
        return self.choice.value

    def write(self, cycle: str) -> None:
        cycle = cycle or self.scenario.default_development_cycle
        if cycle not in [value for _, value in self.choice.options]:
            self.choice.options = list(self.choice.options) + [(f"{cycle} (not in this scenario)", cycle)]
        self.choice.value = cycle

    def refresh(self, game, view) -> None:
        catalogue = self.scenario.catalogue
        active = [catalogue[item].name if item in catalogue else item for item in view.countermeasures]
        cm = self.scenario.adversary.countermeasures
        about = f" {escape(cm.description)}" if cm is not None and cm.description else ""
        if active:
            text = f"Adversary countermeasures active against: <b>{escape(', '.join(active))}</b>.{about}"
        elif cm is not None:
            text = f"No countermeasure active. The adversary adapts from turn {cm.first_turn}, every {turns(cm.interval_turns)}.{about}"
        else:
            text = "The adversary does not adapt in this scenario."
        sources = [f"{self.cycles[c].name}: {self.cycles[c].source}" for c in self.cycles if self.cycles[c].source]
        self.status.value = text + (f"<br><small>Sources: {escape('; '.join(sources))}</small>" if sources else "")


class TrainingBox:
    """Operators to train this turn."""

    def __init__(self, scenario):
        training = scenario.training
        self.scenario = scenario
        self.box = whole_box(
            "Operators to train",
            f"Operators fly or supervise strike sorties. Training costs {money(float(training.cost_usd_per_operator.value))} "
            f"each and takes {days(training.lead_time_days)}.",
        )
        self.note = widgets.HTML()
        self.widget = widgets.VBox([self.box, self.note])

    def inputs(self) -> list:
        return [self.box]

    def read(self) -> float:
        return float(self.box.value)

    def write(self, operators: float) -> None:
        put(self.box, operators)

    def refresh(self, game, view) -> None:
        training = self.scenario.training
        lead = lead_turns(training.lead_time_days, self.scenario.turn_length_days)
        self.note.value = (
            f"<small>You have {count(view.operators, 'operator')}. "
            f"{money(game.costs(Orders(train_operators=1))['training'])} each; trained now: "
            f"{usable_from(view.turn, lead, view.turns)}.</small>"
        )
