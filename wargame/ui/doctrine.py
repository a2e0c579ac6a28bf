"""The air-defence doctrine editor and the strike plan, built from the scenario.

Doctrine: for each threat class, ordered layer slots; each slot offers only the interceptor
types able to engage that class (those with a pk against it) and a number of shots per target.
Strike plan: one box per strike drone and target set within its reach.
"""

from __future__ import annotations

import ipywidgets as widgets

from ..orders import Layer
from ..format import count, minutes, money, number, percent
from ..scenario.display import fire_limit_words
from .inputs import put, set_limit, whole_box
from .text import LABEL_STYLE, escape, sourced, whole

NO_LAYER = ""


def _layer_item(layer) -> tuple[str, int]:
    if isinstance(layer, dict):
        return layer["item"], layer.get("shots", 1)
    if isinstance(layer, (tuple, list)):
        return layer[0], layer[1] if len(layer) > 1 else 1
    return layer.item, layer.shots


# A layer row: its number, the type's choice, the shots. Each control keeps its full label
# ("Against <threat>, layer k") for screen readers and the keyboard; on screen the row's number
# and the column headings say it (the dashboard's CSS hides the labels visually in these rows).
LAYER_WIDTHS = ("4.5em", None, "7.5em")  # the choice (None) takes what the other two leave


def layer_row(number, choice, shots) -> widgets.HBox:
    """One row of a threat's layers (or the headings, given as HTML strings): the choice takes
    the width left by the layer's number and the shots box, and never grows past it."""
    cells = [widgets.HTML(part) if isinstance(part, str) else part for part in (number, choice, shots)]
    for cell in cells:
        if isinstance(cell, widgets.HTML):
            cell.add_class("wargame-compact")
    for cell, width in zip(cells, LAYER_WIDTHS):
        cell.layout.min_width = "0"
        cell.layout.width = width or "auto"
        cell.layout.flex = "0 0 auto" if width else "1 1 0%"
    return widgets.HBox(cells, layout=widgets.Layout(align_items="center", width="100%"))


class ThreatDoctrine:
    """The ordered layers fired at one threat class."""

    def __init__(self, threat: str, scenario):
        self.threat = threat
        self.scenario = scenario
        spec = scenario.adversary.threats[threat]
        self.name = spec.name
        self.engaging = [item for item, item_spec in scenario.catalogue.items() if threat in item_spec.pk]
        self.options = [("(no layer)", NO_LAYER)] + [(self._label(item), item) for item in self.engaging]
        self.slots: list[tuple[widgets.Dropdown, widgets.BoundedIntText]] = []
        for k in range(1, len(self.engaging) + 1):
            choice = widgets.Dropdown(
                options=list(self.options),
                value=NO_LAYER,
                description=f"Against {spec.name}, layer {k}",
                tooltip=(
                    f"Layer {k} fires at whatever the layers before it did not down. Only types able to engage "
                    f"{spec.name} are listed; each fires min(remaining, stock / shots, fire capacity) engagements."
                ),
                style=LABEL_STYLE,
                layout=widgets.Layout(width="auto"),
            )
            shots = whole_box(
                f"Shots per target (layer {k})",
                "Shots this layer fires at each target it engages: P(kill) = 1 - (1 - pk) ** shots; "
                "each shot uses one unit of stock.",
                limit=8,
                minimum=1,
                value=1,
            )
            choice.observe(lambda change, shots=shots: self._chosen(change["new"], shots), names="value")
            self._chosen(NO_LAYER, shots)
            self.slots.append((choice, shots))
        header = widgets.HTML(
            f"<b>{escape(spec.name)}</b> ({money(float(spec.unit_cost_usd.value))} each to the adversary). "
            f"Layers fire in order, top first."
        )
        if not self.engaging:
            header.value += " <i>None of your types can engage this threat: it always gets through.</i>"
        rows = [layer_row("<small><b>Layer</b></small>", "<small><b>Interceptor type (price a shot; pk; fire limit)</b></small>", "<small><b>Shots per target</b></small>")]
        rows += [layer_row(f"Layer {k}", choice, shots) for k, (choice, shots) in enumerate(self.slots, start=1)]
        table = widgets.VBox(rows if self.slots else [], layout=widgets.Layout(width="100%"))
        table.add_class("wargame-doctrine-layers")
        self.widget = widgets.VBox([header, table])

    def _label(self, item: str) -> str:
        spec = self.scenario.catalogue[item]
        pk = spec.pk[self.threat]
        contested = ", contested" if pk.contested else ""
        limit = fire_limit_words(spec.fire_capacity_per_turn, self.scenario.turn_length_days)
        # the price first: a dropdown narrower than its longest choice still shows it
        return f"{spec.name} ({money(float(spec.unit_cost_usd.value))} a shot; pk {percent(pk.value)}{contested}; {limit})"

    def _chosen(self, item: str, shots: widgets.BoundedIntText) -> None:
        if item and item in self.scenario.catalogue:
            limit = self.scenario.catalogue[item].max_shots_per_target
            set_limit(shots, limit)
            shots.disabled = False
            shots.tooltip = (
                f"Shots {self.scenario.catalogue[item].name} fires at each target: 1 to {limit}. "
                "P(kill) = 1 - (1 - pk) ** shots; each shot uses one unit of stock."
            )
        else:
            shots.disabled = True

    def inputs(self) -> list:
        return [w for pair in self.slots for w in pair]

    def read(self) -> list[Layer]:
        return [Layer(choice.value, int(shots.value)) for choice, shots in self.slots if choice.value]

    def write(self, layers) -> None:
        layers = [_layer_item(layer) for layer in layers]
        if len(layers) > len(self.slots):
            raise ValueError(
                f"Doctrine against {self.name}: {count(len(layers), 'layer')}, but only {count(len(self.slots), 'type')} can engage it."
            )
        for k, (choice, shots) in enumerate(self.slots):
            item, shots_each = layers[k] if k < len(layers) else (NO_LAYER, 1)
            if item not in [value for _, value in choice.options]:
                # a type that cannot engage this class: show it, flagged, for the engine to refuse
                name = self.scenario.catalogue[item].name if item in self.scenario.catalogue else item
                choice.options = list(choice.options) + [(f"{name} (cannot engage this threat)", item)]
            choice.value = item
            put(shots, shots_each)
            self._chosen(item, shots)


class DoctrineEditor:
    def __init__(self, scenario):
        self.threats = {threat: ThreatDoctrine(threat, scenario) for threat in scenario.adversary.threats}
        intro = widgets.HTML(
            "For each threat class, choose which interceptor types fire, in which order, and how many "
            "shots each fires per target. Cheap layers first spare the expensive ones."
        )
        self.widget = widgets.VBox([intro] + [t.widget for t in self.threats.values()])

    def inputs(self) -> list:
        return [w for t in self.threats.values() for w in t.inputs()]

    def read(self) -> dict:
        return {threat: editor.read() for threat, editor in self.threats.items()}

    def write(self, doctrine: dict) -> None:
        for threat, editor in self.threats.items():
            editor.write(doctrine.get(threat, []))


class StrikePlan:
    """Own strike drones sent at the adversary's target sets within each drone's reach."""

    def __init__(self, scenario):
        self.scenario = scenario
        sets = scenario.adversary.target_sets
        self.boxes: dict[tuple[str, str], widgets.BoundedIntText] = {}
        self.notes: dict[str, widgets.HTML] = {}
        parts = [
            widgets.HTML(
                "Send strike drones at the adversary's launch sites, production and logistics. "
                "Hits cut the adversary's launch capacity for a while. Each sortie needs operators "
                "(see Autonomy) and may misidentify its target."
            )
        ]
        for item, spec in scenario.catalogue.items():
            if spec.role != "strike_drone":
                continue
            reach = [g for g in sets if spec.reach is None or g in spec.reach]
            self.notes[item] = widgets.HTML()
            boxes = []
            for g in reach:
                target = sets[g]
                dwell = (
                    f" Time-sensitive: it stays put about {minutes(target.dwell_minutes)}, so a slow kill chain misses it."
                    if target.dwell_minutes
                    else ""
                )
                box = whole_box(
                    f"{spec.name} at {target.name}",
                    f"Sorties of {spec.name} at {target.name}: each hit is worth {money(float(target.value_usd_per_hit.value))} "
                    f"and removes {percent(target.capacity_loss_per_hit)} of the adversary's launch capacity "
                    f"(recovering {percent(target.recovery_per_turn)} a turn).{dwell}",
                )
                self.boxes[(item, g)] = box
                boxes.append(box)
            out_of_reach = [sets[g].name for g in sets if g not in reach]
            heading = f"<b>{escape(spec.name)}</b>, {escape(sourced(spec.unit_cost_usd))} each"
            if out_of_reach:
                heading += f"; out of reach: {escape(', '.join(out_of_reach))}"
            parts.append(widgets.VBox([widgets.HTML(heading), self.notes[item]] + boxes))
        if not self.boxes:
            parts.append(widgets.HTML("<i>No strike drones or no target sets in this scenario: nothing to plan.</i>"))
        self.widget = widgets.VBox(parts)

    def inputs(self) -> list:
        return list(self.boxes.values())

    def read(self) -> dict:
        plan: dict[str, dict[str, float]] = {}
        for (item, g), box in self.boxes.items():
            if box.value:
                plan.setdefault(item, {})[g] = float(box.value)
        return plan

    def write(self, strikes: dict) -> None:
        for (item, g), box in self.boxes.items():
            put(box, strikes.get(item, {}).get(g, 0))
        unknown = [(item, g) for item, plan in strikes.items() for g, n in plan.items() if n and (item, g) not in self.boxes]
        if unknown:
            raise ValueError(f"Strikes the controls cannot show (out of reach or not a strike drone): {unknown}")

    def refresh(self, view) -> None:
        for item, note in self.notes.items():
            on_hand = view.stock_units[item]
            note.value = f"<small>On hand: {number(on_hand)}; the sorties of all target sets together cannot exceed it.</small>"
            for (owner, _), box in self.boxes.items():
                if owner == item:
                    set_limit(box, whole(on_hand))
