"""``wargame.charts``: the data behind every chart agrees with the game's history, and the
figures build around that data.

The figures a chart shows are checked against the history columns (one row per turn, named
with their units) and against sums done here, in the test; the air-defence layers of the
tutorial's first turn are checked against the worked example in docs/rules.md, by hand.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from bokeh.embed import json_item
from bokeh.models import ColumnDataSource, GlyphRenderer, HoverTool

import wargame
from wargame import Game, Layer, charts
from wargame.batch import decide
from wargame.format import money
from wargame.orders import orders_from_arrays

# Okabe & Ito (2008), "Color Universal Design": the eight colours of the palette.
OKABE_ITO = {"#000000", "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7"}
REFERENCE_GREY = "#555555"  # the 1 : 1 line: a reference, not a series


def layered(game: Game) -> wargame.Orders:
    """Interceptor drones first (two shots each), then missiles; build 100 drones a turn."""
    orders = game.orders()
    orders.doctrine = {"attack_drone": [Layer("interceptor_drone", 2), Layer("sam_missile", 1)]}
    orders.production = {"interceptor_drone": 100}
    return orders


def policy(game: Game, name: str) -> wargame.Orders:
    return orders_from_arrays(decide(wargame.BUILT_IN_POLICIES[name], game.state, game.tables), game.tables)


@pytest.fixture(scope="module")
def default_game() -> Game:
    """The tutorial in expected mode, four turns of its default orders (missiles only)."""
    game = Game("tutorial", seed=1, mode="expected")
    for _ in range(4):
        game.play_turn()
    return game


@pytest.fixture(scope="module")
def layered_game() -> Game:
    game = Game("tutorial", seed=1, mode="expected")
    for _ in range(4):
        game.play_turn(layered(game))
    return game


@pytest.fixture(scope="module")
def strike_game() -> Game:
    """A stochastic game that flies strikes, builds lines and has a demand benchmark."""
    game = Game("eastern_front", seed=3)
    for _ in range(4):
        game.play_turn(policy(game, "balanced"))
    assert game.history["strike_sorties_units"].sum() > 0, "the fixture should fly strikes"
    return game


@pytest.fixture(params=["default_game", "layered_game", "strike_game"])
def game(request) -> Game:
    return request.getfixturevalue(request.param)


def all_data(game: Game) -> dict[str, dict]:
    history, scenario = game.history, game.scenario
    return {
        "cost_exchange": charts.cost_exchange_data(history),
        "stock": charts.stock_data(history, scenario),
        "capacity": charts.capacity_data(history, scenario),
        "production": charts.production_data(history, scenario),
        "incidents": charts.incidents_data(history),
        "spending": charts.spending_data(history),
        **{f"layers_{r.turn}": charts.layers_data(r, scenario) for r in game.reports},
    }


# --- the data ---------------------------------------------------------------------------------


def test_every_data_function_returns_equal_length_lists(game):
    for chart, data in all_data(game).items():
        lengths = {column: len(values) for column, values in data.items()}
        assert len(set(lengths.values())) == 1, f"{chart}: columns of different lengths {lengths}"
        assert all(isinstance(values, list) for values in data.values()), chart


def test_cost_exchange_data_agrees_with_the_history(game):
    history = game.history
    data = charts.cost_exchange_data(history)
    figures = {
        "interceptor_spend_usd", "raid_cost_usd", "cost_exchange_ratio", "cumulative_cost_exchange_ratio",
        "strike_cost_usd", "strike_value_destroyed_usd", "cumulative_strike_exchange_ratio",
    }
    assert set(data) == {"turn", *figures, *(f"{name}_text" for name in figures)}
    # the tooltips' text columns are written as everywhere else (wargame.format)
    assert data["interceptor_spend_usd_text"] == [money(v) for v in data["interceptor_spend_usd"]]
    assert data["turn"] == list(range(1, len(history) + 1))
    for column in ("interceptor_spend_usd", "raid_cost_usd", "cost_exchange_ratio", "strike_cost_usd", "strike_value_destroyed_usd"):
        assert data[column] == pytest.approx(history[column].to_list()), column
    spend = np.cumsum(history["interceptor_spend_usd"].to_numpy())
    faced = np.cumsum(history["raid_cost_usd"].to_numpy())
    assert data["cumulative_cost_exchange_ratio"] == pytest.approx(list(spend / faced))
    cost = np.cumsum(history["strike_cost_usd"].to_numpy())
    value = np.cumsum(history["strike_value_destroyed_usd"].to_numpy())
    expected = [v / c if c > 0 else 0.0 for v, c in zip(value, cost)]
    assert data["cumulative_strike_exchange_ratio"] == pytest.approx(expected)


def test_the_tutorial_cost_exchange_by_hand(default_game):
    """Turn 1, missiles only: 60 missiles at $4M against 100 drones at $35,000 (docs/rules.md)."""
    data = charts.cost_exchange_data(default_game.history)
    assert data["interceptor_spend_usd"][0] == pytest.approx(60 * 4_000_000)
    assert data["raid_cost_usd"][0] == pytest.approx(100 * 35_000)
    assert data["cost_exchange_ratio"][0] == pytest.approx(240 / 3.5)


def test_stock_data_starts_from_the_scenario_and_follows_the_history(game):
    history, scenario = game.history, game.scenario
    data = charts.stock_data(history, scenario)
    with_pk = [item for item, spec in scenario.catalogue.items() if spec.pk]
    assert set(data) == {"turn"} | {f"stock_{item}_units" for item in with_pk} | {f"name_{item}" for item in with_pk}
    assert data["turn"] == [0] + list(history.index)
    for item in with_pk:
        column = data[f"stock_{item}_units"]
        assert column[0] == scenario.catalogue[item].stock_units
        assert column[1:] == pytest.approx(history[f"stock_{item}_units"].to_list())


def test_capacity_data_starts_from_the_scenario_and_follows_the_history(game):
    history, scenario = game.history, game.scenario
    data = charts.capacity_data(history, scenario)
    for item, spec in scenario.catalogue.items():
        column = data[f"capacity_{item}_units_per_turn"]
        assert column[0] == spec.capacity_units_per_turn
        assert column[1:] == pytest.approx(history[f"capacity_{item}_units_per_turn"].to_list())


def test_production_without_a_benchmark_counts_each_interceptor_role_on_its_own(layered_game):
    """Missiles and drones are never added into one bar: one set of columns per role."""
    history, scenario = layered_game.history, layered_game.scenario
    assert scenario.demand_benchmark is None
    data = charts.production_data(history, scenario)
    assert charts.production_roles(scenario) == ["interceptor_missile", "interceptor_drone"]
    for item, role in (("sam_missile", "interceptor_missile"), ("interceptor_drone", "interceptor_drone")):
        assert scenario.catalogue[item].role == role
        assert data[f"delivered_{role}_units"] == pytest.approx(history[f"delivered_{item}_units"].to_list())
        assert data[f"used_{role}_units"] == pytest.approx(history[f"expended_{item}_units"].to_list())
    assert not any(key in data for key in ("delivered_units", "used_units", "capacity_units_per_turn"))
    assert data["benchmark_units_per_turn"] == [0.0] * len(history)
    # drones ordered in turn 1 arrive in turn 2; the ally's 8 missiles in turn 3
    assert data["delivered_interceptor_drone_units"][1] == pytest.approx(100)
    assert data["delivered_interceptor_missile_units"][2] == pytest.approx(8)
    fig = charts.production_figure(data, scenario)
    bars = {r.name for r in glyph_renderers(fig) if r.name.startswith(("production_delivered", "production_used"))}
    assert bars == {f"production_{what}_{role}" for what in ("delivered", "used") for role in charts.production_roles(scenario)}


def test_production_against_a_benchmark_counts_its_roles(strike_game):
    history, scenario = strike_game.history, strike_game.scenario
    benchmark = scenario.demand_benchmark
    counted = [i for i, spec in scenario.catalogue.items() if spec.role in benchmark.roles]
    assert counted and len(counted) < len(scenario.catalogue)
    assert charts.production_roles(scenario) == list(dict.fromkeys(scenario.catalogue[i].role for i in counted))
    data = charts.production_data(history, scenario)
    for role in charts.production_roles(scenario):
        of_role = [i for i in counted if scenario.catalogue[i].role == role]
        delivered = sum(history.get(f"delivered_{i}_units", 0.0) for i in of_role)
        used = sum(history.get(f"expended_{i}_units", 0.0) + history.get(f"launched_{i}_units", 0.0) for i in of_role)
        assert data[f"delivered_{role}_units"] == pytest.approx(list(delivered))
        assert data[f"used_{role}_units"] == pytest.approx(list(used))
    per_turn = benchmark.units_per_year.value * scenario.turn_length_days / 365
    assert data["benchmark_units_per_turn"] == pytest.approx([per_turn] * len(history))


def test_layers_of_the_tutorials_first_turn_match_the_worked_example(default_game):
    """docs/rules.md: missiles only, 1 shot: 60 engaged, 54 downed, 46 leak."""
    data = charts.layers_data(default_game.reports[0], default_game.scenario)
    assert data["came"] == [100]
    assert data["engaged"] == [60]
    assert data["downed"] == pytest.approx([54])
    assert data["leaked_after"] == pytest.approx([46])
    assert data["label"] == ["One-way attack drone (Shahed class): layer 1, High-end interceptor missile"]


def test_layers_of_a_layered_doctrine_by_hand(layered_game):
    """docs/rules.md: drones, 2 shots, then missiles: P = 1 - 0.32², 89.76 downed; missiles engage the rest."""
    data = charts.layers_data(layered_game.reports[0], layered_game.scenario)
    p_drones = 1 - (1 - 0.68) ** 2
    assert data["item"] == ["interceptor_drone", "sam_missile"]
    assert data["came"] == pytest.approx([100, 100 * (1 - p_drones)])
    assert data["engaged"] == pytest.approx([100, 100 * (1 - p_drones)])
    assert data["downed"] == pytest.approx([100 * p_drones, 100 * (1 - p_drones) * 0.9])
    assert data["leaked_after"][-1] == pytest.approx(100 * (1 - p_drones) * 0.1)
    assert data["leaked_after"][-1] == pytest.approx(layered_game.history["leaked_units"].iloc[0])
    assert "Interceptor drone" in data["label"][0] and "2 shots" in data["label"][0]


def test_layers_agree_with_each_turns_totals(game):
    """Each threat's last layer leaves what leaked; the layers' kills add up to what was downed."""
    for report in game.reports:
        data = charts.layers_data(report, game.scenario)
        for threat in set(data["threat"]):
            rows = [k for k, t in enumerate(data["threat"]) if t == threat]
            assert data["leaked_after"][rows[-1]] == pytest.approx(report.metrics[f"leaked_{threat}_units"])
            assert sum(data["downed"][k] for k in rows) == pytest.approx(report.metrics[f"downed_{threat}_units"])
            for before, after in zip(rows, rows[1:]):
                assert data["came"][after] == pytest.approx(data["leaked_after"][before])


def test_incidents_and_spending_agree_with_the_history(strike_game):
    history = strike_game.history
    data = charts.incidents_data(history)
    assert data["incidents_count"] == pytest.approx(history["incidents_count"].to_list())
    assert sum(data["incidents_count"]) > 0
    spending = charts.spending_data(history)
    for category, spent in zip(spending["category"], spending["spent_usd"]):
        column = "incident_charges_usd" if category == "incidents" else f"spend_{category}_usd"
        assert spent == pytest.approx(history[column].sum()), category


def test_a_game_with_no_turns_gives_empty_charts_not_errors():
    game = Game("tutorial", seed=1)
    history, scenario = game.history, game.scenario
    assert charts.cost_exchange_data(history)["turn"] == []
    assert charts.stock_data(history, scenario)["turn"] == [0]
    assert all(v == [] for v in charts.production_data(history, scenario).values())
    for build, data in (
        (charts.cost_exchange_figure, charts.cost_exchange_data(history)),
        (charts.incidents_figure, charts.incidents_data(history)),
        (charts.spending_figure, charts.spending_data(history)),
    ):
        json_item(build(data))
    json_item(charts.stock_figure(charts.stock_data(history, scenario), scenario))
    json_item(charts.production_figure(charts.production_data(history, scenario), scenario))
    assert "No turn" in charts.cost_exchange_summary(history)
    assert "No turn" in charts.stock_summary(history, scenario)


# --- the figures ------------------------------------------------------------------------------


def figures_of(game: Game) -> dict:
    history, scenario = game.history, game.scenario
    sources = {name: ColumnDataSource(data) for name, data in all_data(game).items()}
    last = f"layers_{game.reports[-1].turn}"
    return {
        "cost_exchange": (charts.cost_exchange_figure(sources["cost_exchange"]), sources["cost_exchange"]),
        "stock": (charts.stock_figure(sources["stock"], scenario), sources["stock"]),
        "capacity": (charts.capacity_figure(sources["capacity"], scenario), sources["capacity"]),
        "production": (charts.production_figure(sources["production"], scenario), sources["production"]),
        "layers": (charts.layers_figure(sources[last]), sources[last]),
        "incidents": (charts.incidents_figure(sources["incidents"]), sources["incidents"]),
        "spending": (charts.spending_figure(sources["spending"]), sources["spending"]),
    }


def glyph_renderers(fig) -> list[GlyphRenderer]:
    return [r for r in fig.renderers if isinstance(r, GlyphRenderer)]


def test_figures_are_labelled_sized_and_named(game):
    for chart, (fig, _) in figures_of(game).items():
        assert fig.name == f"{chart}_figure"
        assert fig.title.text.strip(), chart
        assert fig.sizing_mode == "stretch_width" and fig.height and fig.height > 100, chart
        assert all(axis.axis_label for axis in fig.xaxis), chart
        if chart not in ("layers", "spending"):  # categorical bars: the categories label the axis
            assert all(axis.axis_label for axis in fig.yaxis), chart
        names = [r.name for r in glyph_renderers(fig)]
        assert all(names) and len(names) == len(set(names)), f"{chart}: renderers {names}"
        assert len([t for t in fig.toolbar.tools if t.visible]) <= 2, chart
        json_item(fig)  # serialisable: a complete bokeh model


def test_renderer_names_are_the_documented_ones(game):
    """Browser tests find series by name: every renderer is listed in ``RENDERER_NAMES``."""
    for chart, (fig, _) in figures_of(game).items():
        documented = charts.RENDERER_NAMES[chart]
        items = list(game.scenario.catalogue)
        roles = {spec.role for spec in game.scenario.catalogue.values()}
        allowed = {name.replace("<item>", item) for name in documented for item in items if "<role>" not in name}
        allowed |= {name.replace("<role>", role) for name in documented for role in roles if "<role>" in name}
        for renderer in glyph_renderers(fig):
            assert renderer.name in allowed, f"{chart}: {renderer.name} is not in RENDERER_NAMES"


def test_figures_plot_their_source(game):
    """Every series reads the source passed in, so assigning ``source.data`` updates the plot."""
    for chart, (fig, source) in figures_of(game).items():
        for renderer in glyph_renderers(fig):
            assert renderer.data_source is source, f"{chart}: {renderer.name}"


def test_named_series_hold_the_data(layered_game):
    figs = figures_of(layered_game)
    by_name = {r.name: r for fig, _ in figs.values() for r in glyph_renderers(fig)}
    cumulative = by_name["cost_exchange_cumulative"]
    assert cumulative.glyph.y == "cumulative_cost_exchange_ratio"
    assert cumulative.data_source.data["cumulative_cost_exchange_ratio"] == pytest.approx(
        list(np.cumsum(layered_game.history["interceptor_spend_usd"]) / np.cumsum(layered_game.history["raid_cost_usd"]))
    )
    stock = by_name["stock_interceptor_drone"]
    assert stock.data_source.data[stock.glyph.y][1:] == pytest.approx(
        layered_game.history["stock_interceptor_drone_units"].to_list()
    )
    downed = by_name["layers_downed"]
    assert downed.data_source.data[downed.glyph.right] == charts.layers_data(
        layered_game.reports[-1], layered_game.scenario
    )["downed"]


def test_assigning_new_data_updates_a_live_figure():
    game = Game("tutorial", seed=1, mode="expected")
    game.play_turn()
    source = ColumnDataSource(charts.cost_exchange_data(game.history))
    fig = charts.cost_exchange_figure(source)
    game.play_turn(layered(game))
    source.data = charts.cost_exchange_data(game.history)
    (line,) = [r for r in glyph_renderers(fig) if r.name == "cost_exchange_cumulative"]
    assert line.data_source.data["turn"] == [1, 2]


def test_the_layers_axis_follows_new_data(layered_game, default_game):
    """The layer labels are categories: the figure starts with them and resets them on new data."""
    source = ColumnDataSource(charts.layers_data(default_game.reports[0], default_game.scenario))
    fig = charts.layers_figure(source)
    assert list(fig.y_range.factors) == source.data["label"][::-1]
    callbacks = source.js_property_callbacks.get("change:data", [])
    assert callbacks and "factors" in callbacks[0].code


def test_the_palette_is_okabe_ito_and_used_everywhere(strike_game):
    assert set(charts.PALETTE) == OKABE_ITO and len(charts.PALETTE) == 8
    for chart, (fig, _) in figures_of(strike_game).items():
        for renderer in glyph_renderers(fig):
            glyph = renderer.glyph
            for prop in ("line_color", "fill_color"):
                colour = getattr(glyph, prop, None)
                if isinstance(colour, str) and colour not in ("white", REFERENCE_GREY):
                    assert colour in OKABE_ITO, f"{chart}: {renderer.name}.{prop} = {colour}"


def test_series_differ_by_more_than_colour(strike_game):
    """Stock lines differ in dash or marker too, for readers who cannot tell the colours apart."""
    fig = charts.stock_figure(charts.stock_data(strike_game.history, strike_game.scenario), strike_game.scenario)
    lines = [r.glyph for r in glyph_renderers(fig) if not r.name.endswith("_points")]
    points = [r.glyph for r in glyph_renderers(fig) if r.name.endswith("_points")]
    styles = {(str(g.line_dash), p.marker) for g, p in zip(lines, points)}
    assert len(styles) == len(lines) > 1


def test_the_benchmark_carries_its_label_and_source(strike_game):
    scenario = strike_game.scenario
    benchmark = scenario.demand_benchmark
    fig = charts.production_figure(charts.production_data(strike_game.history, scenario), scenario)
    texts = [fig.title.text] + [t.text for t in fig.below if hasattr(t, "text")]
    assert any(benchmark.label in t for t in texts)
    assert any(benchmark.units_per_year.source in t for t in texts)
    assert benchmark.units_per_year.source in charts.production_summary(strike_game.history, scenario)
    assert "production_benchmark" in [r.name for r in glyph_renderers(fig)]


# --- the summaries ----------------------------------------------------------------------------


def test_cost_exchange_summary_states_the_key_figures(layered_game):
    history = layered_game.history
    last = history.iloc[-1]
    text = charts.cost_exchange_summary(history)
    cumulative = history["interceptor_spend_usd"].sum() / history["raid_cost_usd"].sum()
    assert f"Turn {history.index[-1]}" in text
    assert money(last["interceptor_spend_usd"]) in text and money(last["raid_cost_usd"]) in text
    assert f"{last['interceptor_spend_usd'] / last['raid_cost_usd']:.1f} : 1" in text
    assert f"cumulative {cumulative:.1f} : 1" in text


def test_every_summary_is_one_plain_sentence_with_a_number(game):
    history, scenario = game.history, game.scenario
    texts = [
        charts.cost_exchange_summary(history),
        charts.stock_summary(history, scenario),
        charts.capacity_summary(history, scenario),
        charts.production_summary(history, scenario),
        charts.incidents_summary(history),
        charts.spending_summary(history),
        charts.layers_summary(game.reports[0], scenario),
    ]
    for text in texts:
        assert isinstance(text, str) and text.endswith(".") and any(ch.isdigit() for ch in text), text
        assert "nan" not in text.lower().split() and "<" not in text, text


def test_layers_summary_of_the_worked_example(default_game):
    text = charts.layers_summary(default_game.reports[0], default_game.scenario)
    assert "100 came, 60 engaged, 54 downed, 46 left" in text


def test_stock_summary_names_each_item_with_its_stock(default_game):
    history, scenario = default_game.history, default_game.scenario
    text = charts.stock_summary(history, scenario)
    for item in ("sam_missile", "interceptor_drone"):
        assert scenario.catalogue[item].name in text
        assert f"{history[f'stock_{item}_units'].iloc[-1]:.0f}" in text
    assert math.isclose(history["stock_sam_missile_units"].iloc[-1], 0.0)


def test_tooltips_are_built_from_fields_never_from_a_scenarios_words(strike_game):
    """A name such as <img src=x onerror=...> reaches a tooltip only as a field's value, which
    bokeh escapes; a tooltip template holds only the kit's own labels and field references."""
    scenario, history = strike_game.scenario, strike_game.history
    names = {spec.name for spec in scenario.catalogue.values()} | {t.name for t in scenario.adversary.threats.values()}
    figures = [
        charts.cost_exchange_figure(charts.cost_exchange_data(history)),
        charts.stock_figure(charts.stock_data(history, scenario), scenario),
        charts.capacity_figure(charts.capacity_data(history, scenario), scenario),
        charts.production_figure(charts.production_data(history, scenario), scenario),
        charts.layers_figure(charts.layers_data(strike_game.reports[-1], scenario)),
        charts.incidents_figure(charts.incidents_data(history)),
        charts.spending_figure(charts.spending_data(history)),
    ]
    hovers = [tool for figure in figures for tool in figure.tools if isinstance(tool, HoverTool)]
    assert len(hovers) >= len(figures)
    for tool in hovers:
        for label, template in tool.tooltips:
            assert not any(name in label or name in template for name in names), (label, template)
            assert "{safe}" not in template
            assert re.fullmatch(r"(@\w+|@\{\w+\})(\{[^}]*\})?", template), template
    stock = charts.stock_data(history, scenario)
    item = charts.interceptor_items(scenario)[0]
    assert set(stock[f"name_{item}"]) == {scenario.catalogue[item].name}
