"""Bokeh figures of a game: cost exchange, stock, capacity, production, layers, incidents, money.

Every chart is a pair: a pure data function that returns a dict of equal-length lists (the
``data`` of a ``ColumnDataSource``) read from the game's history, its metrics and its turn
reports, and a figure builder that takes a ``ColumnDataSource``. A live dashboard updates a
plot by assigning ``source.data = cost_exchange_data(game.history)``; the figure follows.
Each chart also has a ``*_summary`` function: one sentence with its key figure in words, for
readers who cannot see the plot.

Nothing is adjudicated or derived here: values come from the history columns (named with
their units), from ``wargame.lessons.metrics``, from the turn's events and from the scenario
(starting stock and capacity, the demand benchmark). The charts never import widgets.

Names to find things by (in Python or in the browser, through ``Bokeh.documents``): every
figure has ``name="<chart>_figure"`` and every glyph renderer ``name="<chart>_<series>"``,
listed in ``RENDERER_NAMES``; per-item series are named after the item's id.
"""

from __future__ import annotations

import math
import textwrap

import pandas as pd
from bokeh.models import (
    ColumnDataSource,
    CustomJS,
    FactorRange,
    HoverTool,
    Label,
    LabelSet,
    Legend,
    LogTicker,
    NumeralTickFormatter,
    SaveTool,
    Span,
    Title,
)
from bokeh.plotting import figure
from bokeh.transform import dodge

from .lessons.metrics import (
    cumulative_cost_exchange,
    cumulative_strike_exchange,
    interceptor_items,
    spending_by_category,
    used_per_turn,
)
from . import format as fmt
from .format import money, number
from .palette import GUIDE_GREY, SERIES
from .scenario import Scenario
from .tables import tables_for

__all__ = [
    "PALETTE",
    "MARKERS",
    "DASHES",
    "HEIGHT",
    "RENDERER_NAMES",
    "cost_exchange_data",
    "cost_exchange_figure",
    "cost_exchange_summary",
    "stock_data",
    "stock_figure",
    "stock_summary",
    "capacity_data",
    "capacity_figure",
    "capacity_summary",
    "production_data",
    "production_roles",
    "production_figure",
    "production_summary",
    "production_items",
    "layers_data",
    "layers_figure",
    "layers_summary",
    "incidents_data",
    "incidents_figure",
    "incidents_summary",
    "spending_data",
    "spending_figure",
    "spending_summary",
]

#: The Okabe–Ito palette (Okabe & Ito 2008, "Color Universal Design"), readable with every
#: common colour-vision deficiency. Ordered so the first colours contrast best on white;
#: the yellow comes last. Lines also differ by dash and marker, never by colour alone.
PALETTE = SERIES  # wargame.palette: blue, vermillion, green, orange, purple, sky, black, yellow
MARKERS = ["circle", "square", "triangle", "diamond", "inverted_triangle", "hex", "star", "plus"]
DASHES = ["solid", "dashed", "dotdash", "dotted", "dashdot", [6, 3, 1, 3], [2, 2], [8, 2]]
HEIGHT = 320

#: The glyph renderers of each figure, by name (``<item>`` stands for an item's id, ``<role>``
#: for an item role's).
RENDERER_NAMES = {
    "cost_exchange": (
        "cost_exchange_cumulative",
        "cost_exchange_cumulative_points",
        "cost_exchange_turn",
        "strike_exchange_cumulative",
        "strike_exchange_cumulative_points",
    ),
    "stock": ("stock_<item>", "stock_<item>_points"),
    "capacity": ("capacity_<item>", "capacity_<item>_points"),
    "production": (
        "production_delivered_<role>", "production_used_<role>", "production_capacity_<role>", "production_benchmark",
    ),
    "layers": ("layers_engaged", "layers_downed", "layers_came"),
    "incidents": ("incidents_count",),
    "spending": ("spending_usd",),
}

SPENDING_LABELS = {
    "production": "Production",
    "capacity": "New capacity",
    "imports": "Imports",
    "development": "Development cycle",
    "training": "Training operators",
    "incidents": "Incident charges",
}


# --- helpers --------------------------------------------------------------------------------


def _source(source) -> ColumnDataSource:
    """A ColumnDataSource as given, or one made from a data dict."""
    return source if isinstance(source, ColumnDataSource) else ColumnDataSource(data=dict(source))


def _floats(values) -> list[float]:
    return [float(v) for v in values]


def _column(history: pd.DataFrame, name: str) -> list[float]:
    """A history column as floats; zeros when the turn recorded no such metric."""
    if name in history.columns:
        return _floats(history[name].fillna(0.0))
    return [0.0] * len(history)


def _turns(history: pd.DataFrame) -> list[int]:
    return [int(t) for t in history.index]


def _new_figure(name: str, title: str, x_label: str, y_label: str, **options):
    """A figure with the kit's look: title, labelled axes, full width, few tools."""
    p = figure(
        name=name,
        title=title,
        sizing_mode="stretch_width",
        height=options.pop("height", HEIGHT),
        tools="",
        toolbar_location="right",
        x_axis_label=x_label,
        y_axis_label=y_label,
        **options,
    )
    p.add_tools(SaveTool())
    p.toolbar.logo = None
    p.title.text_font_size = "13px"
    return p


def _hover(**options) -> HoverTool:
    """Tooltips on hover; always on, so no toolbar button (the toolbar keeps only "save")."""
    return HoverTool(visible=False, **options)


def _integer_turn_axis(p) -> None:
    p.xaxis.ticker.min_interval = 1
    p.xaxis.ticker.num_minor_ticks = 0
    p.xaxis.formatter = NumeralTickFormatter(format="0")


def _caption(p, text: str, width: int = 100) -> None:
    """Lines under the plot (sources, reading notes), wrapped: they travel with the figure."""
    for line in textwrap.wrap(text, width):
        p.add_layout(Title(text=line, text_font_style="italic", text_font_size="11px", align="left"), "below")
        p.height += 16


def _legend(p, items, ncols: int | None = None) -> None:
    """The legend under the plot (clicking an entry hides its series); the plot grows to fit it.

    Short labels go in columns, long ones one to a row: a bokeh legend never wraps.
    """
    if ncols is None:
        longest = max((len(label) for label, _ in items), default=0)
        ncols = 3 if longest <= 22 else 2 if longest <= 42 else 1
    ncols = max(1, min(ncols, len(items)))
    legend = Legend(
        items=items, location="top_left", click_policy="hide", label_text_font_size="11px", ncols=ncols,
        border_line_alpha=0, margin=4, padding=4, spacing=2,
    )
    p.add_layout(legend, "below")
    p.height += 22 * math.ceil(len(items) / ncols)


def _item_name(scenario: Scenario, item: str) -> str:
    return scenario.catalogue[item].name


# --- cost exchange --------------------------------------------------------------------------

COST_EXCHANGE_COLUMNS = (
    "turn",
    "interceptor_spend_usd",
    "raid_cost_usd",
    "cost_exchange_ratio",
    "cumulative_cost_exchange_ratio",
    "strike_cost_usd",
    "strike_value_destroyed_usd",
    "cumulative_strike_exchange_ratio",
)
# each figure also as text, written by ``wargame.format``, for the tooltips: "<column>_text"
_COST_EXCHANGE_TEXT = {
    "interceptor_spend_usd": money,
    "raid_cost_usd": money,
    "cost_exchange_ratio": fmt.ratio,
    "cumulative_cost_exchange_ratio": fmt.ratio,
    "strike_cost_usd": money,
    "strike_value_destroyed_usd": money,
    "cumulative_strike_exchange_ratio": fmt.ratio,
}


def _with_text(data: dict[str, list], writers: dict) -> dict[str, list]:
    """``<column>_text`` beside each column in ``writers``: its values as a student reads them."""
    return {**data, **{f"{column}_text": [write(v) for v in data[column]] for column, write in writers.items()}}


def cost_exchange_data(history: pd.DataFrame) -> dict[str, list]:
    """Cost exchange both ways, one row per turn played.

    Columns: ``turn``; ``interceptor_spend_usd``, ``raid_cost_usd`` and their ratio
    ``cost_exchange_ratio`` (this turn) and ``cumulative_cost_exchange_ratio`` (to this turn;
    your spend per dollar of raid, lower is better); ``strike_cost_usd``,
    ``strike_value_destroyed_usd`` and ``cumulative_strike_exchange_ratio`` (value destroyed per
    dollar of your strikes, higher is better). Ratios with nothing to divide by are 0.
    """
    if history.empty:
        return _with_text({column: [] for column in COST_EXCHANGE_COLUMNS}, _COST_EXCHANGE_TEXT)
    return _with_text({
        "turn": _turns(history),
        "interceptor_spend_usd": _column(history, "interceptor_spend_usd"),
        "raid_cost_usd": _column(history, "raid_cost_usd"),
        "cost_exchange_ratio": _column(history, "cost_exchange_ratio"),
        "cumulative_cost_exchange_ratio": _floats(cumulative_cost_exchange(history)),
        "strike_cost_usd": _column(history, "strike_cost_usd"),
        "strike_value_destroyed_usd": _column(history, "strike_value_destroyed_usd"),
        "cumulative_strike_exchange_ratio": _floats(cumulative_strike_exchange(history)),
    }, _COST_EXCHANGE_TEXT)


def cost_exchange_figure(source) -> "figure":
    """Both exchange ratios over the turns, on a log axis, with the 1 : 1 break-even line.

    The log axis shows 0.2 : 1 and 69 : 1 on one plot; a ratio of 0 (nothing fired, no
    strikes) has no place on it and shows no point (the summary says so in words).
    """
    source = _source(source)
    p = _new_figure(
        "cost_exchange_figure",
        "Cost exchange, both ways",
        "Turn",
        "Ratio (log scale)",
        y_axis_type="log",
    )
    _integer_turn_axis(p)
    p.yaxis.ticker = LogTicker(mantissas=[1, 2, 5])
    p.yaxis.formatter = NumeralTickFormatter(format="0,0.[00]")
    p.add_layout(Span(location=1.0, dimension="width", line_color=GUIDE_GREY, line_dash="dashed", line_width=1.5))
    p.add_layout(
        Label(x=4, x_units="screen", y=1.0, text="1 : 1 break-even", text_font_size="11px", text_color=GUIDE_GREY, y_offset=2)
    )
    blue, vermillion, green = PALETTE[0], PALETTE[1], PALETTE[2]
    cumulative_line = p.line(
        "turn", "cumulative_cost_exchange_ratio", source=source, line_color=blue, line_width=3, name="cost_exchange_cumulative"
    )
    cumulative_points = p.scatter(
        "turn", "cumulative_cost_exchange_ratio", source=source, marker="circle", size=8, color=blue,
        name="cost_exchange_cumulative_points",
    )
    turn_points = p.scatter(
        "turn", "cost_exchange_ratio", source=source, marker="square", size=9, fill_color="white",
        line_color=vermillion, line_width=2, name="cost_exchange_turn",
    )
    strike_line = p.line(
        "turn", "cumulative_strike_exchange_ratio", source=source, line_color=green, line_width=3, line_dash="dashed",
        name="strike_exchange_cumulative",
    )
    strike_points = p.scatter(
        "turn", "cumulative_strike_exchange_ratio", source=source, marker="triangle", size=9, color=green,
        name="strike_exchange_cumulative_points",
    )
    _legend(
        p,
        [
            ("Your interceptor spend per $ of raid, cumulative (lower is better)", [cumulative_line, cumulative_points]),
            ("… the same, this turn alone", [turn_points]),
            ("Value destroyed per $ of your strikes, cumulative (higher is better)", [strike_line, strike_points]),
        ],
    )
    p.add_tools(
        _hover(
            renderers=[cumulative_points, turn_points, strike_points],
            tooltips=[
                ("Turn", "@turn"),
                ("Interceptor spend", "@interceptor_spend_usd_text"),
                ("Raid cost", "@raid_cost_usd_text"),
                ("This turn", "@cost_exchange_ratio_text"),
                ("Cumulative", "@cumulative_cost_exchange_ratio_text"),
                ("Strike cost", "@strike_cost_usd_text"),
                ("Value destroyed", "@strike_value_destroyed_usd_text"),
                ("Strike exchange, cumulative", "@cumulative_strike_exchange_ratio_text"),
            ],
        )
    )
    _caption(p, "A ratio of 0 (nothing fired, or no strikes flown) cannot be drawn on a log scale and shows no point.")
    return p


def cost_exchange_summary(history: pd.DataFrame) -> str:
    data = cost_exchange_data(history)
    if not data["turn"]:
        return "No turn has been played yet, so there is no cost exchange to show."
    turn = data["turn"][-1]
    spend, raid = data["interceptor_spend_usd"][-1], data["raid_cost_usd"][-1]
    cumulative = fmt.ratio(data["cumulative_cost_exchange_ratio"][-1])
    if raid > 0:
        text = (
            f"Turn {turn}: you spent {money(spend)} on interceptors against a {money(raid)} raid "
            f"({fmt.ratio(data['cost_exchange_ratio'][-1])}); cumulative {cumulative}."
        )
    else:
        text = f"Turn {turn}: no raid came and you spent {money(spend)} on interceptors; cumulative {cumulative}."
    strike_cost = sum(data["strike_cost_usd"])
    if strike_cost > 0:
        destroyed = sum(data["strike_value_destroyed_usd"])
        text += (
            f" Your strikes so far cost {money(strike_cost)} and destroyed {money(destroyed)} "
            f"({fmt.ratio(data['cumulative_strike_exchange_ratio'][-1])})."
        )
    else:
        text += " You have flown no strikes."
    return text


# --- stock and capacity ---------------------------------------------------------------------


def stock_data(history: pd.DataFrame, scenario: Scenario) -> dict[str, list]:
    """Stock of each interceptor type (items with a pk): ``turn`` and ``stock_<item>_units``.

    The first row is turn 0: the stock at the start (the scenario's ``stock_units``); then one
    row per turn played, the stock at the end of that turn (the history's columns).
    """
    items = interceptor_items(scenario)
    data: dict[str, list] = {"turn": [0] + _turns(history)}
    for item in items:
        data[f"stock_{item}_units"] = [float(scenario.catalogue[item].stock_units)] + _column(history, f"stock_{item}_units")
    return _with_names(data, scenario, items)


def _with_names(data: dict[str, list], scenario: Scenario, items) -> dict[str, list]:
    """``name_<item>`` columns: each item's name on every row, for tooltips to show as text (a
    tooltip template holds only field references, never a scenario's words)."""
    rows = len(data["turn"])
    return {**data, **{f"name_{item}": [_item_name(scenario, item)] * rows for item in items}}


def capacity_data(history: pd.DataFrame, scenario: Scenario) -> dict[str, list]:
    """Domestic production capacity (joint lines included): ``turn``, ``capacity_<item>_units_per_turn``.

    Every catalogue item; turn 0 is the start (the scenario's ``capacity_units_per_turn``),
    then the capacity at the end of each turn played (after damage to industry and new lines).
    """
    data: dict[str, list] = {"turn": [0] + _turns(history)}
    for item, spec in scenario.catalogue.items():
        data[f"capacity_{item}_units_per_turn"] = [float(spec.capacity_units_per_turn)] + _column(
            history, f"capacity_{item}_units_per_turn"
        )
    return _with_names(data, scenario, list(scenario.catalogue))


def _lines_by_item(p, source: ColumnDataSource, scenario: Scenario, items, column, prefix: str, every) -> None:
    """One line per item; each item keeps its colour, dash and marker whichever items are drawn."""
    legend_items = []
    for item in items:
        k = every.index(item) if item in every else len(every)
        colour, dash, marker = PALETTE[k % len(PALETTE)], DASHES[k % len(DASHES)], MARKERS[k % len(MARKERS)]
        line = p.line("turn", column(item), source=source, line_color=colour, line_width=2.5, line_dash=dash, name=f"{prefix}_{item}")
        points = p.scatter(
            "turn", column(item), source=source, marker=marker, size=8, color=colour, name=f"{prefix}_{item}_points"
        )
        legend_items.append((_item_name(scenario, item), [line, points]))
        p.add_tools(
            _hover(
                renderers=[points],
                tooltips=[("", f"@{{name_{item}}}"), ("Turn", "@turn"), ("Units", f"@{{{column(item)}}}{{0,0.[00]}}")],
            )
        )
    if len(items) > 1:
        _legend(p, legend_items)


def _levels_figure(source, scenario, items, every, column, prefix: str, titles, y_label: str, name, height):
    source = _source(source)
    title = f"{_item_name(scenario, items[0])}: {titles[1]}" if len(items) == 1 else titles[0]
    p = _new_figure(name or f"{prefix}_figure", title, "Turn (0 = start)", y_label, height=height or HEIGHT)
    _integer_turn_axis(p)
    p.yaxis.formatter = NumeralTickFormatter(format="0,0.[0]")
    p.y_range.start = 0
    _lines_by_item(p, source, scenario, items, column, prefix, every)
    return p


def stock_figure(source, scenario: Scenario, items=None, name: str | None = None, height: int | None = None):
    """One line per interceptor type: units on hand at the start and at the end of each turn.

    ``items`` picks some of them (a list of ids): the report draws one small figure per item,
    since a stock of 60 missiles is invisible beside 500 drones on one axis.
    """
    every = interceptor_items(scenario)
    items = every if items is None else list(items)
    return _levels_figure(
        source, scenario, items, every, lambda item: f"stock_{item}_units", "stock",
        ("Interceptor stock on hand", "stock on hand"), "Units in stock", name, height,
    )


def capacity_figure(source, scenario: Scenario, items=None, name: str | None = None, height: int | None = None):
    """One line per catalogue item (or the ``items`` given): domestic production capacity per turn.

    Capacity falls when leakers hit industry and rises when new lines come online.
    """
    every = list(scenario.catalogue)
    items = every if items is None else list(items)
    return _levels_figure(
        source, scenario, items, every, lambda item: f"capacity_{item}_units_per_turn", "capacity",
        ("Domestic production capacity", "production capacity"), "Units per turn", name, height,
    )


def _levels_summary(data: dict, scenario: Scenario, items, column, what: str, unit: str) -> str:
    if len(data["turn"]) <= 1:
        start = "; ".join(f"{_item_name(scenario, i)} {number(data[column(i)][0])}" for i in items)
        return f"No turn has been played yet. {what} at the start: {start}."
    turn = data["turn"][-1]
    parts = [
        f"{_item_name(scenario, i)} {number(data[column(i)][-1])}{unit} (from {number(data[column(i)][0])} at the start)"
        for i in items
    ]
    return f"After turn {turn}, {what.lower()}: " + "; ".join(parts) + "."


def stock_summary(history: pd.DataFrame, scenario: Scenario) -> str:
    items = interceptor_items(scenario)
    return _levels_summary(stock_data(history, scenario), scenario, items, lambda i: f"stock_{i}_units", "Stock", "")


def capacity_summary(history: pd.DataFrame, scenario: Scenario) -> str:
    return _levels_summary(
        capacity_data(history, scenario),
        scenario,
        list(scenario.catalogue),
        lambda i: f"capacity_{i}_units_per_turn",
        "Production capacity",
        " a turn",
    )


# --- production against consumption and the demand benchmark -------------------------------


def production_items(scenario: Scenario) -> list[str]:
    """The items counted on the production chart: those of the demand benchmark's roles, if the
    scenario has a benchmark (a drones-a-year benchmark counts drones, not missiles), else every
    interceptor type."""
    benchmark = scenario.demand_benchmark
    if benchmark is not None:
        return [item for item, spec in scenario.catalogue.items() if spec.role in benchmark.roles]
    return interceptor_items(scenario)


def production_roles(scenario: Scenario) -> list[str]:
    """The roles of ``production_items``, in catalogue order: the chart counts each role on its
    own, so missiles are never added to drones."""
    roles: list[str] = []
    for item in production_items(scenario):
        role = scenario.catalogue[item].role
        if role not in roles:
            roles.append(role)
    return roles


ROLE_WORDS = {
    "interceptor_missile": "interceptor missiles",
    "interceptor_drone": "interceptor drones",
    "gun": "guns",
    "electronic_warfare": "electronic-warfare units",
    "laser": "lasers",
    "strike_drone": "strike drones",
}


def _role_name(role: str) -> str:
    """A role as a student reads it, capitalised: "interceptor_drone" -> "Interceptor drones"."""
    text = ROLE_WORDS[role]
    return text[:1].upper() + text[1:]


def benchmark_units_per_turn(scenario: Scenario) -> float:
    """The scenario's demand benchmark (units a year) at the scale of one turn, or 0 without one."""
    benchmark = scenario.demand_benchmark
    if benchmark is None:
        return 0.0
    return float(benchmark.units_per_year.value) * scenario.turn_length_days / 365.0


def production_data(history: pd.DataFrame, scenario: Scenario) -> dict[str, list]:
    """Per turn and per role of ``production_roles(scenario)`` (units of one role are summed,
    never units of two): ``delivered_<role>_units`` (built, imported or donated, arriving that
    turn), ``used_<role>_units`` (fired in air defence plus launched on strikes) and
    ``capacity_<role>_units_per_turn`` (domestic lines at the end of the turn); with ``turn`` and
    ``benchmark_units_per_turn`` (the demand benchmark scaled to the turn length; 0 if none)."""
    rows = len(history)
    data: dict[str, list] = {"turn": _turns(history)}
    for role in production_roles(scenario):
        delivered, used, capacity = [0.0] * rows, [0.0] * rows, [0.0] * rows
        for item in production_items(scenario):
            if scenario.catalogue[item].role != role:
                continue
            delivered = [a + b for a, b in zip(delivered, _column(history, f"delivered_{item}_units"))]
            capacity = [a + b for a, b in zip(capacity, _column(history, f"capacity_{item}_units_per_turn"))]
            if rows:
                used = [a + b for a, b in zip(used, _floats(used_per_turn(history, item)))]
        data[f"delivered_{role}_units"] = delivered
        data[f"used_{role}_units"] = used
        data[f"capacity_{role}_units_per_turn"] = capacity
    data["benchmark_units_per_turn"] = [benchmark_units_per_turn(scenario)] * rows
    return data


def _items_text(scenario: Scenario, items) -> str:
    names = [_item_name(scenario, i) for i in items]
    return ", ".join(names) if names else "no items"


def production_figure(source, scenario: Scenario):
    """Units of each role delivered and used per turn (bars, side by side), each role's
    capacity and the demand benchmark (lines)."""
    source = _source(source)
    roles = production_roles(scenario)
    benchmark = scenario.demand_benchmark
    title = "Production against consumption, per role"
    if benchmark is not None:
        title += ", and the demand benchmark"
    p = _new_figure("production_figure", title, "Turn", "Units per turn")
    _integer_turn_axis(p)
    p.yaxis.formatter = NumeralTickFormatter(format="0,0")
    p.y_range.start = 0
    width = 0.8 / max(1, 2 * len(roles))
    items_for_legend, bars = [], []
    tooltips = [("Turn", "@turn")]
    for k, role in enumerate(roles):
        name = _role_name(role)
        offset = -0.4 + width * (2 * k + 0.5)
        colour = PALETTE[(2 * k) % len(PALETTE)]
        delivered = p.vbar(
            x=dodge("turn", offset, range=p.x_range), top=f"delivered_{role}_units", width=width * 0.95, source=source,
            fill_color=colour, line_color=colour, name=f"production_delivered_{role}",
        )
        used = p.vbar(
            x=dodge("turn", offset + width, range=p.x_range), top=f"used_{role}_units", width=width * 0.95, source=source,
            fill_color=PALETTE[(2 * k + 1) % len(PALETTE)], line_color=PALETTE[(2 * k + 1) % len(PALETTE)],
            hatch_pattern="/", hatch_color="white", hatch_alpha=0.6, name=f"production_used_{role}",
        )
        capacity = p.line(
            "turn", f"capacity_{role}_units_per_turn", source=source, line_color=colour, line_width=2.5,
            line_dash=DASHES[(k + 2) % len(DASHES)], name=f"production_capacity_{role}",
        )
        items_for_legend += [
            (f"{name}: delivered", [delivered]),
            (f"{name}: used", [used]),
            (f"{name}: capacity", [capacity]),
        ]
        tooltips += [  # the kit's own words in lower case: a template never holds a scenario's name
            (f"Delivered ({ROLE_WORDS[role]})", f"@delivered_{role}_units{{0,0.[00]}}"),
            (f"Used ({ROLE_WORDS[role]})", f"@used_{role}_units{{0,0.[00]}}"),
            (f"Capacity ({ROLE_WORDS[role]})", f"@capacity_{role}_units_per_turn{{0,0.[00]}}"),
        ]
        bars += [delivered, used]
    if benchmark is not None:
        line = p.line(
            "turn", "benchmark_units_per_turn", source=source, line_color=PALETTE[6], line_width=2.5, line_dash="dashed",
            name="production_benchmark",
        )
        items_for_legend.append((f"Demand benchmark, per turn ({number(benchmark_units_per_turn(scenario))})", [line]))
        tooltips.append(("Benchmark", "@benchmark_units_per_turn{0,0}"))
    _legend(p, items_for_legend)
    _caption(p, "Counted: " + _items_text(scenario, production_items(scenario)) + ".")
    if benchmark is not None:
        source_text = benchmark.units_per_year.source or "no source given in the scenario"
        _caption(
            p,
            f"Benchmark: {benchmark.label}, {number(float(benchmark.units_per_year.value))} a year "
            f"(source: {source_text}).",
        )
    p.add_tools(_hover(renderers=bars, tooltips=tooltips))
    return p


def production_summary(history: pd.DataFrame, scenario: Scenario) -> str:
    data = production_data(history, scenario)
    items = _items_text(scenario, production_items(scenario))
    benchmark = scenario.demand_benchmark
    if not data["turn"]:
        text = f"No turn has been played yet ({items})."
    else:
        parts = []
        for role in production_roles(scenario):
            delivered, used = data[f"delivered_{role}_units"], data[f"used_{role}_units"]
            parts.append(
                f"{_role_name(role)}: turn {data['turn'][-1]} {number(delivered[-1])} delivered, {number(used[-1])} used; "
                f"over {fmt.count(len(data['turn']), 'turn')} {number(sum(delivered))} delivered against {number(sum(used))} used"
            )
        text = "; ".join(parts) + f" ({items})."
    if benchmark is not None:
        text += (
            f" The benchmark, {benchmark.label}, is {number(float(benchmark.units_per_year.value))} a year, "
            f"about {number(benchmark_units_per_turn(scenario))} a turn"
            + (f" (source: {benchmark.units_per_year.source})." if benchmark.units_per_year.source else ".")
        )
    return text


# --- air-defence layers of one turn ---------------------------------------------------------

LAYER_COLUMNS = ("label", "threat", "item", "layer", "shots", "came", "engaged", "downed", "leaked_after")


def _layer_events(report):
    return [e for e in report.events if e.step == "air_defence" and bool(e.inputs.get("used", True))]


def layers_data(report, scenario: Scenario) -> dict[str, list]:
    """One row per air-defence layer fired in a turn (a ``TurnReport``), in firing order.

    Columns: ``label`` ("<threat>: layer <n>, <item>", with the shots if more than one), ``threat``, ``item`` (ids), ``layer``,
    ``shots``, ``came`` (threats left when the layer fired), ``engaged``, ``downed`` and
    ``leaked_after`` (left after this layer: what the next layer faces, or what leaks).
    """
    tables_items = tables_for(scenario).items
    data: dict[str, list] = {column: [] for column in LAYER_COLUMNS}
    for event in _layer_events(report):
        threat, item = event.inputs["threat"], tables_items[int(event.inputs["item"])]
        layer, shots = int(event.inputs["layer"]), int(event.inputs["shots"])
        came, downed = float(event.inputs["came"]), float(event.value)
        label = f"{scenario.adversary.threats[threat].name}: layer {layer}, {_item_name(scenario, item)}"
        if shots > 1:
            label += f" ({shots} shots)"
        data["label"].append(label)
        data["threat"].append(threat)
        data["item"].append(item)
        data["layer"].append(layer)
        data["shots"].append(shots)
        data["came"].append(came)
        data["engaged"].append(float(event.inputs["engaged"]))
        data["downed"].append(downed)
        data["leaked_after"].append(came - downed)
    return data


def layers_figure(source):
    """Horizontal bars per layer: threats engaged, and threats downed, first layer on top.

    Each layer's full name is written above its bars, inside the plot, and not on the y axis:
    names such as "<threat>: layer 2, <interceptor> (2 shots)" would take the whole width of a
    laptop's grid column and leave the bars no room. The layer names are the plot's
    categories; when ``source.data`` changes in the browser, a small callback resets them, so
    a live plot follows new turns.
    """
    source = _source(source)
    labels = list(source.data.get("label", []))
    p = _new_figure(
        "layers_figure",
        "Air defence this turn, layer by layer",
        "Threats (units)",
        "",
        y_range=FactorRange(factors=labels[::-1], range_padding=0.1),
    )
    p.xaxis.formatter = NumeralTickFormatter(format="0,0.[00]")
    p.x_range.start = 0
    p.yaxis.visible = False  # the names are written above the bars (LabelSet below)
    p.ygrid.grid_line_color = None
    engaged = p.hbar(
        y=dodge("label", 0.04, range=p.y_range), right="engaged", height=0.26, source=source, fill_color=PALETTE[0],
        line_color=PALETTE[0], name="layers_engaged",
    )
    downed = p.hbar(
        y=dodge("label", -0.26, range=p.y_range), right="downed", height=0.26, source=source, fill_color=PALETTE[2],
        line_color=PALETTE[2], hatch_pattern="/", hatch_color="white", hatch_alpha=0.6, name="layers_downed",
    )
    came = p.scatter(
        x="came", y=dodge("label", -0.11, range=p.y_range), source=source, marker="dash", angle=math.pi / 2, size=22,
        line_width=3, color=PALETTE[6], name="layers_came",
    )
    p.add_layout(
        LabelSet(
            x=0, y=dodge("label", 0.2, range=p.y_range), text="label", source=source, x_units="screen", x_offset=4,
            text_font_size="11px", text_baseline="bottom", text_color=PALETTE[6],
        )
    )
    _legend(p, [("Engaged", [engaged]), ("Downed", [downed]), ("Came at this layer", [came])])
    p.add_tools(
        _hover(
            renderers=[engaged, downed],
            tooltips=[
                ("", "@label"),
                ("Came", "@came{0,0.[00]}"),
                ("Engaged", "@engaged{0,0.[00]}"),
                ("Downed", "@downed{0,0.[00]}"),
                ("Left after this layer", "@leaked_after{0,0.[00]}"),
            ],
        )
    )
    source.js_on_change(
        "data",
        CustomJS(args=dict(y_range=p.y_range, source=source), code="y_range.factors = [...source.data.label].reverse()"),
    )
    return p


def layers_summary(report, scenario: Scenario) -> str:
    data = layers_data(report, scenario)
    if not data["label"]:
        return f"Turn {report.turn}: no air-defence layer fired."
    parts = [
        f"{label}: {number(came)} came, {number(engaged)} engaged, {number(downed)} downed, "
        f"{number(left)} left"
        for label, came, engaged, downed, left in zip(
            data["label"], data["came"], data["engaged"], data["downed"], data["leaked_after"]
        )
    ]
    return f"Turn {report.turn}: " + "; ".join(parts) + "."


# --- incidents ------------------------------------------------------------------------------


def incidents_data(history: pd.DataFrame) -> dict[str, list]:
    """Misidentification incidents per turn: ``turn``, ``incidents_count``, ``incident_cost_usd``
    (what they cost) and ``civilian_harm_people`` (harm from leakers, for comparison)."""
    data = {
        "turn": _turns(history),
        "incidents_count": _column(history, "incidents_count"),
        "incident_cost_usd": _column(history, "incident_cost_usd"),
        "civilian_harm_people": _column(history, "civilian_harm_people"),
    }
    return _with_text(data, {"incident_cost_usd": money})


def incidents_figure(source):
    source = _source(source)
    p = _new_figure("incidents_figure", "Misidentification incidents of your strikes, per turn", "Turn", "Incidents")
    _integer_turn_axis(p)
    p.yaxis.formatter = NumeralTickFormatter(format="0,0.[00]")
    p.y_range.start = 0
    bars = p.vbar(
        x="turn", top="incidents_count", width=0.6, source=source, fill_color=PALETTE[4], line_color=PALETTE[4],
        hatch_pattern="x", hatch_color="white", hatch_alpha=0.5, name="incidents_count",
    )
    p.add_tools(
        _hover(
            renderers=[bars],
            tooltips=[("Turn", "@turn"), ("Incidents", "@incidents_count{0,0.[00]}"), ("Their cost", "@incident_cost_usd_text")],
        )
    )
    return p


def incidents_summary(history: pd.DataFrame) -> str:
    data = incidents_data(history)
    if not data["turn"]:
        return "No turn has been played yet, so there are no incidents to show."
    total, cost = sum(data["incidents_count"]), sum(data["incident_cost_usd"])
    if total == 0:
        return f"No misidentification incidents in {fmt.count(len(data['turn']), 'turn')}."
    worst = max(range(len(data["turn"])), key=lambda k: data["incidents_count"][k])
    return (
        f"{fmt.count(total, 'misidentification incident')} in {fmt.count(len(data['turn']), 'turn')}, costing {money(cost)}; "
        f"the most in turn {data['turn'][worst]} ({number(data['incidents_count'][worst])})."
    )


# --- money by category ----------------------------------------------------------------------


def spending_data(history: pd.DataFrame) -> dict[str, list]:
    """Money spent over the game by category (``wargame.lessons.metrics.spending_by_category``):
    ``category`` (id), ``label`` (in words), ``spent_usd``."""
    if history.empty:
        return {"category": [], "label": [], "spent_usd": [], "spent_usd_text": []}
    spent = spending_by_category(history)
    data = {
        "category": list(spent),
        "label": [SPENDING_LABELS.get(c, c.replace("_", " ").capitalize()) for c in spent],
        "spent_usd": _floats(spent.values()),
    }
    return _with_text(data, {"spent_usd": money})


def spending_figure(source):
    source = _source(source)
    labels = list(source.data.get("label", [])) or list(SPENDING_LABELS.values())
    p = _new_figure(
        "spending_figure", "Money spent over the game, by category", "US dollars", "", y_range=FactorRange(factors=labels[::-1])
    )
    p.xaxis.formatter = NumeralTickFormatter(format="$0.[0]a")
    p.x_range.start = 0
    bars = p.hbar(
        y="label", right="spent_usd", height=0.6, source=source, fill_color=PALETTE[0], line_color=PALETTE[0],
        name="spending_usd",
    )
    p.add_tools(_hover(renderers=[bars], tooltips=[("", "@label"), ("Spent", "@spent_usd_text")]))
    source.js_on_change(
        "data",
        CustomJS(args=dict(y_range=p.y_range, source=source), code="y_range.factors = [...source.data.label].reverse()"),
    )
    return p


def spending_summary(history: pd.DataFrame) -> str:
    data = spending_data(history)
    if not data["category"]:
        return "No turn has been played yet, so no money has been spent."
    total = sum(data["spent_usd"])
    if total <= 0:
        return f"You spent {money(0)} in all: nothing on orders, and no incident charges."
    parts = [f"{label} {money(v)}" for label, v in zip(data["label"], data["spent_usd"]) if v > 0]
    return f"You spent {money(total)} in all: " + "; ".join(parts) + "."
