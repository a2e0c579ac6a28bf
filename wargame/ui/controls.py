"""Order controls built from the scenario's catalogue: read them into Orders, write Orders in.

Nothing here is specific to a scenario: every box, label and limit comes from the scenario
and from what the game shows the player (``Game.view()``); prices come from ``Game.costs``.
The controls never judge orders: ``Game.check`` does (see ``dashboard.py``).
"""

from __future__ import annotations

import ipywidgets as widgets

from ..format import days, money, number, percent
from ..orders import Orders
from ..scenario.display import fire_limit_words, per_turn_words
from ..palette import BORDER_GREY
from .doctrine import DoctrineEditor, StrikePlan
from .inputs import put, set_limit, whole_box
from .policy import AutonomyPicker, CyclePicker, TrainingBox
from .text import escape, sourced_note, whole
from .timing import lead_turns

ROLE_NAMES = {
    "interceptor_missile": "interceptor missile",
    "interceptor_drone": "interceptor drone",
    "gun": "gun",
    "electronic_warfare": "electronic warfare",
    "laser": "laser",
    "strike_drone": "strike drone",
}


def _fires(spec, scenario) -> str:
    """An interceptor's fire limit in its row: "fires at most 300 engagements a month" or "no fire limit"."""
    limit = spec.fire_capacity_per_turn
    words = fire_limit_words(limit, scenario.turn_length_days)
    return words if limit is None or limit == float("inf") else f"fires {words}"


def fire_limit_cell(spec, scenario) -> str:
    """The Build grid's fire-limit cell: "300 a month" (the column says engagements), "none"
    for an interceptor without a limit, "not an interceptor" for a type that fires at no threat."""
    if not spec.pk:
        return "<small>not an interceptor</small>"
    limit = spec.fire_capacity_per_turn
    if limit is None or limit == float("inf"):
        return "none"
    return f"{number(limit)} {per_turn_words(scenario.turn_length_days)}"


def arrival(turn: int, lead: int, turns: int) -> str:
    """When an order placed on ``turn`` can be used, in a few words: "turn 3", "at once",
    "too late" (after the last turn); the same arithmetic as ``usable_from``."""
    if lead <= 0:
        return "at once"
    return "too late" if turn + lead > turns else f"turn {turn + lead}"


def unit_price(game, **amounts) -> float:
    """The engine's price of one unit of an order, e.g. ``unit_price(game, imports={item: 1})``."""
    category = "capacity" if "joint_capacity" in amounts else next(iter(amounts))
    return game.costs(Orders(**amounts))[category]


# The Build grid's columns (issue 12, point 2): the item's facts, then one column per order.
# Each heading: (title, a smaller second line); each fact column's share of the width.
FACT_COLUMNS = (
    ("Item", ""), ("Price", "each"), ("On hand", ""), ("Capacity", "a turn"), ("Fire limit", "engagements"), ("Arrives", "usable from"),
)
FACT_WIDTHS = ("1.5fr", "0.9fr", "0.6fr", "0.7fr", "0.9fr", "1.2fr")
ORDER_COLUMNS = ("Build", "Add capacity", "Import")
JOINT_COLUMN = "Joint lines"


class ItemOrders:
    """Build, add capacity, import and add joint lines for one catalogue item: its row of the
    Build grid (name, price, on hand, capacity, fire limit, arrivals, then the order boxes)."""

    def __init__(self, item: str, scenario):
        spec = scenario.catalogue[item]
        self.item, self.spec, self.scenario = item, spec, scenario
        cost_note = sourced_note(spec.unit_cost_usd)
        # the description goes in the tooltip (and the scenario's page): one grid row stays short
        about = " ".join(part for part in (spec.description, cost_note) if part)
        self.name = widgets.HTML(
            f"<b>{escape(spec.name)}</b><br><small>{ROLE_NAMES[spec.role]}</small>", tooltip=about or spec.name
        )
        self.price = widgets.HTML(_price_cell(spec.unit_cost_usd), tooltip=cost_note or f"Unit cost of {spec.name}")
        self.on_hand = widgets.HTML()
        self.capacity_now = widgets.HTML()
        self.fire_limit = widgets.HTML(fire_limit_cell(spec, scenario), tooltip=_fires(spec, scenario) if spec.pk else "")
        self.arrives = widgets.HTML()
        self.production = whole_box(
            f"Build {spec.name}",
            f"Units of {spec.name} to build on your own lines this turn: at most this turn's capacity; "
            "paid now, delivered next turn.",
        )
        self.production_note = widgets.HTML()
        self.capacity = whole_box(
            f"Add capacity for {spec.name}",
            f"Units per turn of new domestic production capacity for {spec.name}: paid now, "
            f"producing after a lead time of {days(spec.capacity_lead_time_days)}.",
        )
        self.capacity_note = widgets.HTML()
        self.imports = self.imports_note = self.joint = self.joint_note = None
        if spec.imports is not None:
            self.imports = whole_box(
                f"Import {spec.name}",
                f"Units of {spec.name} bought abroad: at most what the market offers this turn; "
                f"{percent(spec.imports.price_premium)} price premium; delivered after {days(spec.imports.delay_days)}."
                + (f" {spec.imports.source}" if spec.imports.source else ""),
            )
            self.imports_note = widgets.HTML()
        if spec.joint_production is not None:
            joint = spec.joint_production
            self.joint = whole_box(
                f"Joint capacity for {spec.name} with {joint.partner}",
                f"Units per turn of capacity built with {joint.partner}: a line costs {joint.capacity_cost_factor:g}x "
                f"a domestic one, produces after {days(joint.lead_time_days)}, and builds units for "
                f"{joint.unit_cost_factor:g}x the unit cost." + (f" {joint.source}" if joint.source else ""),
            )
            self.joint_note = widgets.HTML()

    def cells(self, with_joint: bool) -> list:
        """This item's row of the Build grid: one cell per fact (``FACT_COLUMNS``), then one
        per order (build, add capacity, import, and joint lines if any item of the scenario
        has them), each its labelled box over its limit and price."""
        # overflow visible: a cell whose box is disabled must not become a scroll region (axe-core)
        cell = widgets.Layout(min_width="0", border_bottom=f"1px solid {BORDER_GREY}", padding="2px 3px", overflow="visible")
        facts = [self.name, self.price, self.on_hand, self.capacity_now, self.fire_limit, self.arrives]
        cells = [widgets.VBox([fact], layout=cell) for fact in facts]
        for fact_cell in cells:
            fact_cell.add_class("wargame-fact-cell")
        orders = [(self.production, self.production_note, ""), (self.capacity, self.capacity_note, "")]
        orders.append((self.imports, self.imports_note, "No imports offered."))
        if with_joint:
            orders.append((self.joint, self.joint_note, "No joint lines."))
        for box, note, absent in orders:
            order = widgets.HTML(f"<small>{absent}</small>", layout=cell) if box is None else widgets.VBox([box, note], layout=cell)
            order.add_class("wargame-order-cell")
            cells.append(order)
        return cells

    def inputs(self) -> list:
        return [box for box in (self.production, self.capacity, self.imports, self.joint) if box is not None]

    def refresh(self, game, view) -> None:
        spec, item, turn, turns = self.spec, self.item, view.turn, view.turns
        days = self.scenario.turn_length_days
        capacity = view.capacity_units_per_turn[item]
        on_order = view.on_order_units[item]
        self.on_hand.value = number(view.stock_units[item]) + (f"<br><small>{number(on_order)} on order</small>" if on_order else "")
        self.capacity_now.value = number(capacity)
        set_limit(self.production, whole(capacity), disable_at_zero=True)
        # short notes: a row of the Build grid is as tall as its longest cell
        self.production_note.value = f"<small>At most {whole(capacity)}; {money(unit_price(game, production={item: 1}))} each.</small>"
        self.capacity_note.value = f"<small>{money(unit_price(game, capacity={item: 1}))} per unit a turn.</small>"
        arrives = [("Build", 1), ("Capacity", lead_turns(spec.capacity_lead_time_days, days))]
        if self.imports is not None:
            available = view.import_available_units[item]
            set_limit(self.imports, whole(available))
            arrives.append(("Import", lead_turns(spec.imports.delay_days, days)))
            self.imports_note.value = (
                f"<small>{number(available)} offered at {money(unit_price(game, imports={item: 1}))} each "
                f"(+{percent(spec.imports.price_premium)}).</small>"
            )
        if self.joint is not None:
            joint = spec.joint_production
            arrives.append(("Joint", lead_turns(joint.lead_time_days, days)))
            self.joint_note.value = (
                f"<small>With {escape(joint.partner)}: {money(unit_price(game, joint_capacity={item: 1}))} per unit "
                f"a turn; units cost {joint.unit_cost_factor:g}x.</small>"
            )
        self.arrives.value = "<small>" + "<br>".join(f"{what}: {arrival(turn, lead, turns)}" for what, lead in arrives) + "</small>"


def _price_cell(figure) -> str:
    """A sourced unit cost in a narrow cell: the figure, then where sources disagree, small."""
    spread = getattr(figure, "range", None)
    text = money(float(figure.value))
    notes = []
    if spread is not None:
        notes.append(f"sources {money(spread[0])}–{money(spread[1])}")
    if getattr(figure, "contested", False):
        notes.append("contested")
    return text + (f"<br><small>{escape('; '.join(notes))}</small>" if notes else "")


def build_grid(rows: dict) -> widgets.VBox:
    """The Build tab as one grid: a row per item with its facts (name, price, on hand,
    capacity, fire limit, when each order arrives), a column per order (issue 12, point 2).

    Each box keeps its full label ("Build <item>") for screen readers and the keyboard; on
    screen the column heading and the row's item say it (the dashboard's CSS hides the label
    visually inside the grid, the way an accessible table does). In a narrow output area (Lab
    beside its file browser) the dashboard's CSS puts each item's orders on a line under its
    facts, each order two fact columns wide, rather than squeeze nine columns."""
    with_joint = any(row.joint is not None for row in rows.values())
    orders = ORDER_COLUMNS + ((JOINT_COLUMN,) if with_joint else ())
    header = [
        widgets.HTML(f"<b>{title}</b>" + (f"<br><small>{more}</small>" if more else ""), layout=widgets.Layout(min_width="0"))
        for title, more in FACT_COLUMNS
    ]
    for title in orders:
        heading = widgets.HTML(f"<b>{title}</b>", layout=widgets.Layout(min_width="0"))
        heading.add_class("wargame-order-cell")
        header.append(heading)
    cells = [cell for row in rows.values() for cell in row.cells(with_joint)]
    grid = widgets.GridBox(
        header + cells,
        layout=widgets.Layout(
            grid_template_columns=" ".join(f"minmax(0, {w})" for w in FACT_WIDTHS) + f" repeat({len(orders)}, minmax(4.5em, 1.1fr))",
            grid_gap="0 4px",
            width="100%",
        ),
    )
    grid.add_class("wargame-build-grid")
    wrapper = widgets.VBox([grid], layout=widgets.Layout(width="100%"))
    wrapper.add_class("wargame-build")
    return wrapper


def idle_controls(scenario) -> frozenset[str]:
    """The order controls that can do nothing in this scenario, which the dashboard leaves out:
    ``"strikes"`` and ``"training"`` when no strike drone has a target set in reach (operators
    only fly strike sorties), ``"cycle"`` when the adversary never fields a countermeasure
    (the development cycle only patches countermeasures)."""
    sets = scenario.adversary.target_sets
    strikers = [spec for spec in scenario.catalogue.values() if spec.role == "strike_drone"]
    in_reach = any(spec.reach is None or target in spec.reach for spec in strikers for target in sets)
    idle = set() if in_reach else {"strikes", "training"}
    if scenario.adversary.countermeasures is None:
        idle.add("cycle")
    return frozenset(idle)


class OrderControls:
    """Every order control of a scenario, in tabs; ``read()`` gives Orders, ``write(orders)`` sets them."""

    def __init__(self, scenario):
        self.scenario = scenario
        self.items = {item: ItemOrders(item, scenario) for item in scenario.catalogue}
        self.doctrine = DoctrineEditor(scenario)
        self.strikes = StrikePlan(scenario)
        self.autonomy = AutonomyPicker(scenario)
        self.cycle = CyclePicker(scenario)
        self.training = TrainingBox(scenario)
        # controls that can do nothing here keep their defaults, unseen (read() still reads them)
        self.idle = idle_controls(scenario)
        adapt = [w for name, w in (("cycle", self.cycle.widget), ("training", self.training.widget)) if name not in self.idle]
        sections = [
            ("Build and buy", build_grid(self.items)),
            ("Doctrine", self.doctrine.widget),
            *([("Strike plan", self.strikes.widget)] if "strikes" not in self.idle else []),
            ("Autonomy", self.autonomy.widget),
            *([("Adapt and train", widgets.VBox(adapt))] if adapt else []),
        ]
        self.widget = widgets.Tab(children=[w for _, w in sections], titles=[t for t, _ in sections])
        self._listeners: list = []
        self._quiet = False
        for control in self.inputs():
            control.observe(self._changed, names="value")

    # --- reading and writing ---------------------------------------------------------------------

    def inputs(self) -> list:
        """Every widget a student sets, in display order."""
        boxes = [box for row in self.items.values() for box in row.inputs()]
        return boxes + self.doctrine.inputs() + self.strikes.inputs() + self.autonomy.inputs() + self.cycle.inputs() + self.training.inputs()

    def read(self) -> Orders:
        def amounts(get) -> dict:
            return {item: float(get(row).value) for item, row in self.items.items() if get(row) is not None and get(row).value}

        return Orders(
            production=amounts(lambda row: row.production),
            capacity=amounts(lambda row: row.capacity),
            joint_capacity=amounts(lambda row: row.joint),
            imports=amounts(lambda row: row.imports),
            doctrine=self.doctrine.read(),
            strikes=self.strikes.read(),
            autonomy=self.autonomy.read(),
            adaptation=self.cycle.read(),
            train_operators=self.training.read(),
        )

    def write(self, orders: Orders, notify: bool = True) -> None:
        """Show these orders in the controls (then tell listeners once, unless ``notify`` is
        False: a caller that checks the orders itself afterwards spares a second check)."""
        self._quiet = True
        try:
            for item, row in self.items.items():
                put(row.production, orders.production.get(item, 0))
                put(row.capacity, orders.capacity.get(item, 0))
                if row.imports is not None:
                    put(row.imports, orders.imports.get(item, 0))
                if row.joint is not None:
                    put(row.joint, orders.joint_capacity.get(item, 0))
            self.doctrine.write(orders.doctrine)
            self.strikes.write(orders.strikes)
            self.autonomy.write(orders.autonomy)
            self.cycle.write(orders.adaptation)
            self.training.write(orders.train_operators)
        finally:
            self._quiet = False
        if notify:
            self._notify()

    def refresh(self, game) -> None:
        """Limits, prices and notes for the turn about to be played."""
        view = game.view()
        self._quiet = True
        try:
            for row in self.items.values():
                row.refresh(game, view)
            self.strikes.refresh(view)
            self.autonomy.refresh(view)
            self.cycle.refresh(game, view)
            self.training.refresh(game, view)
        finally:
            self._quiet = False

    def set_disabled(self, disabled: bool) -> None:
        """Freeze every control (the game is over), or free them again."""
        for control in self.inputs():
            control.disabled = disabled

    # --- change notification ----------------------------------------------------------------------

    def on_change(self, callback) -> None:
        self._listeners.append(callback)

    def _changed(self, change) -> None:
        if not self._quiet:
            self._notify()

    def _notify(self) -> None:
        for callback in self._listeners:
            callback()
