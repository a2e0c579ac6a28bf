"""Plots update in place, reach a view created later (Voilà), and say their key figure in words."""

from __future__ import annotations

import math

import bokeh.io
import IPython
import pytest
import bokeh.resources
from bokeh.embed.bundle import bundle_for_objs_and_resources
from bokeh.models import GlyphRenderer
from jupyter_bokeh.widgets import BokehModel

import wargame.ui
from wargame import charts
from wargame.ui import play

from .helpers import bundle_data, set_layered_doctrine

# a button callback that raises fails the test (ipywidgets would only print it)
pytestmark = pytest.mark.usefixtures("callback_errors_fail_the_test")

OKABE_ITO = {"#0072B2", "#D55E00", "#009E73", "#E69F00", "#CC79A7", "#56B4E9", "#000000", "#F0E442"}


@pytest.fixture
def bokehjs_loads(monkeypatch):
    """Every BokehJS load that play() asks bokeh for, with a fresh record of pages served."""
    calls = []
    monkeypatch.setattr(bokeh.io, "output_notebook", lambda *args, **kwargs: calls.append((args, kwargs)))
    monkeypatch.setattr(wargame.ui, "_BOKEHJS_SENT_TO", set())
    return calls


def test_play_loads_bokehjs_inline_once_per_page(bokehjs_loads, monkeypatch):
    page = {"session": "page-1"}
    monkeypatch.setattr(wargame.ui, "frontend_session", lambda: page["session"])
    play("tutorial")
    play("tutorial")
    assert len(bokehjs_loads) == 1, "a second dashboard in the same page reuses BokehJS"
    for args, kwargs in bokehjs_loads:
        resources = args[0] if args else kwargs["resources"]
        assert resources.mode == "inline" and kwargs.get("hide_banner") is True
        assert resources.components == wargame.ui.BOKEHJS
    page["session"] = "page-1-reloaded"  # a page reloaded while the kernel runs on
    play("tutorial")
    assert len(bokehjs_loads) == 2
    assert wargame.ui.load_bokehjs() is False
    assert wargame.ui.load_bokehjs(force=True) is True and len(bokehjs_loads) == 3


def test_the_page_is_known_by_the_session_of_the_request_running(monkeypatch):
    class Kernel:
        def get_parent(self, channel=None):
            assert channel == "shell"
            return {"header": {"session": "a1b2", "msg_type": "execute_request"}}

    class Shell:
        kernel = Kernel()

    monkeypatch.setattr(IPython, "get_ipython", lambda: Shell())
    assert wargame.ui.frontend_session() == "a1b2"
    monkeypatch.setattr(IPython, "get_ipython", lambda: None)  # plain Python: one "page"
    assert wargame.ui.frontend_session() == ""


def test_plots_are_bokeh_widgets_with_a_summary(expected_dashboard):
    assert expected_dashboard.fan.charts == {}, "fan charts are made on the first forecast"
    expected_dashboard.forecast_button.click()
    charts_shown = {**expected_dashboard.plots.charts, **expected_dashboard.fan.charts}
    assert len(charts_shown) == 7
    assert set(expected_dashboard.plots.charts) == {"cost_exchange", "stock", "production", "layers"}
    for chart in charts_shown.values():
        assert isinstance(chart.model, BokehModel)
        assert chart.model in chart.widget.children and chart.summary in chart.widget.children
        assert chart.summary.value.strip(), chart.name


def test_every_chart_needs_only_the_part_of_bokehjs_sent(expected_dashboard):
    """A chart that needs a part of BokehJS not sent (a DataTable, WebGL, MathJax) would stay
    blank in the page: bokeh names the parts a figure needs, and they must all be sent."""
    expected_dashboard.forecast_button.click()
    expected_dashboard.end_turn_button.click()
    shown = {**expected_dashboard.plots.charts, **expected_dashboard.fan.charts}
    for name, chart in shown.items():
        needed = bundle_for_objs_and_resources([chart.figure], bokeh.resources.INLINE).js_raw
        sent = bokeh.resources.Resources(mode="inline", components=wargame.ui.BOKEHJS).js_raw
        assert needed == sent, f"the {name} chart needs more of BokehJS than load_bokehjs sends"


def test_end_turn_updates_every_plot_in_place(expected_dashboard):
    dashboard = expected_dashboard
    plots = dashboard.plots.charts
    sources_before = {name: chart.source for name, chart in plots.items()}
    set_layered_doctrine(dashboard)
    dashboard.end_turn_button.click()
    history, scenario, report = dashboard.game.history, dashboard.game.scenario, dashboard.game.reports[-1]

    assert {name: chart.source for name, chart in plots.items()} == sources_before, "the same sources, new data"
    expected = {
        "cost_exchange": charts.cost_exchange_data(history),
        "stock": charts.stock_data(history, scenario),
        "production": charts.production_data(history, scenario),
        "layers": charts.layers_data(report, scenario),
    }
    for name, data in expected.items():
        assert dict(plots[name].source.data) == data, name
        assert bundle_data(plots[name]) == data, f"{name}: a view created now (Voilà) would miss the new data"
    # the worked example in docs/rules.md: drones 2 shots then missiles, 100 drones at $35,000
    assert plots["cost_exchange"].source.data["cost_exchange_ratio"] == [pytest.approx(41_660_000 / 3_500_000)]
    assert plots["stock"].source.data["stock_sam_missile_units"] == [60, pytest.approx(60 - 10.24)]
    assert plots["layers"].source.data["downed"] == [pytest.approx(89.76), pytest.approx(9.216)]
    # the layer labels are the plot's categories: they follow the data for new views too
    assert list(plots["layers"].figure.y_range.factors) == plots["layers"].source.data["label"][::-1]

    assert "11.9 : 1" in plots["cost_exchange"].summary.value
    assert "$41.7M" in plots["cost_exchange"].summary.value
    assert "runway" in plots["stock"].summary.value and "4.9 turns" in plots["stock"].summary.value
    assert "89.76 downed" in plots["layers"].summary.value


def test_fan_chart_uses_okabe_ito_colours_and_names_its_bands(expected_dashboard):
    expected_dashboard.forecast_button.click()
    assert set(expected_dashboard.fan.charts) == {"damage_usd", "leaked_real_units", "money_end_usd"}
    for metric, chart in expected_dashboard.fan.charts.items():
        renderers = [r for r in chart.figure.renderers if isinstance(r, GlyphRenderer)]
        names = {r.name for r in renderers}
        assert {"forecast_5_95", "forecast_25_75", "forecast_median"} <= names
        for renderer in renderers:
            glyph = renderer.glyph
            for attribute in ("fill_color", "line_color"):
                colour = getattr(glyph, attribute, None)
                if isinstance(colour, str):
                    assert colour.upper() in {c.upper() for c in OKABE_ITO}, (metric, renderer.name, colour)
        legend = chart.figure.legend[0]
        labels = [item.label["value"] for item in legend.items]
        assert labels == ["90% of futures (5–95%)", "Half of futures (25–75%)", "Median"]


def _range_in_bundle(chart, bokeh_range) -> dict:
    found = []

    def walk(node):
        if isinstance(node, dict):
            if node.get("id") == bokeh_range.id and "type" in node:
                found.append(node.get("attributes", {}))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(chart.model.render_bundle["docs_json"])
    return next((attributes for attributes in found if attributes), {})


def test_bounds_the_browser_wrote_back_do_not_freeze_the_axes(expected_dashboard):
    """A browser view computes an auto range's bounds and writes them back into the Python
    models; re-sending the figure with those bounds (update_from_model) would pin the axes to
    the old data (seen in Voilà: the first turn's point off the plot). The dashboard resets
    them to the figure's own before re-sending."""
    chart = expected_dashboard.plots.charts["cost_exchange"]
    y_range = chart.figure.y_range
    assert math.isnan(y_range.start) and math.isnan(y_range.end)  # unset: bokeh 3 computes them
    y_range.start, y_range.end = 0.08, 12.6  # as the browser writes back for an empty plot
    expected_dashboard.end_turn_button.click()
    assert math.isnan(y_range.start) and math.isnan(y_range.end)
    attributes = _range_in_bundle(chart, y_range)
    assert attributes.get("start") != 0.08 and attributes.get("end") != 12.6, attributes
    # bounds a chart sets itself are kept
    stock = expected_dashboard.plots.charts["stock"]
    assert stock.figure.y_range.start == 0
    assert _range_in_bundle(stock, stock.figure.y_range)["start"] == 0


def test_chart_titles_and_captions_are_wrapped_to_lines_a_dashboard_chart_shows_whole():
    """A title longer than the plot area is cut off at its edge (the production chart's was):
    every line of every title and caption is short enough for the narrowest dashboard chart,
    one caption is one title of lines, and the figure grows by the lines added."""
    from bokeh.models import Title

    from wargame.ui.plots import CAPTION_CHARS, LINE_PX, TITLE_CHARS, fit_titles

    dashboard = play("gulf_depletion", mode="expected")
    production = dashboard.plots.charts["production"].figure
    assert production.title.text == "Production against consumption, per role,\nand the demand benchmark"
    for chart in dashboard.plots.charts.values():
        p = chart.figure
        assert all(len(line) <= TITLE_CHARS for line in p.title.text.split("\n")), p.title.text
        captions = [r for r in p.below if isinstance(r, Title)]
        assert len(captions) <= 1, f"{p.name}: a caption in {len(captions)} titles"
        for caption in captions:
            assert all(len(line) <= CAPTION_CHARS for line in caption.text.split("\n")), caption.text

    fresh = charts.production_figure(charts.production_data(dashboard.game.history, dashboard.scenario), dashboard.scenario)
    lines_before = 1 + sum(1 for r in fresh.below if isinstance(r, Title))
    height = fresh.height
    fit_titles(fresh)
    lines_after = fresh.title.text.count("\n") + 1 + sum(r.text.count("\n") + 1 for r in fresh.below if isinstance(r, Title))
    assert fresh.height == height + LINE_PX * (lines_after - lines_before)
    assert "Counted:" in next(r.text for r in fresh.below if isinstance(r, Title))


@pytest.fixture
def widget_messages(monkeypatch):
    """Every widget message sent, as (widget, message, buffers)."""
    from ipywidgets import Widget

    sent = []
    send = Widget._send

    def recording_send(widget, msg, buffers=None):
        sent.append((widget, msg, buffers))
        return send(widget, msg, buffers)

    monkeypatch.setattr(Widget, "_send", recording_send)
    return sent


def _bundles_sent(sent, chart) -> int:
    return sum(1 for widget, msg, _ in sent if widget is chart.model and "render_bundle" in (msg.get("state") or {}))


def _patches_sent(sent, chart) -> int:
    return sum(1 for widget, msg, _ in sent if widget is chart.model and msg.get("method") == "custom")


def test_a_chart_shown_on_a_page_gets_patches_not_its_whole_figure_again(expected_dashboard, widget_messages):
    """Once a page shows a chart (its view count, which the page reports, is above 0), End turn
    sends the chart's new data as a patch and not the whole figure (which cost most of End
    turn's time and redrew the figure); a view created after that still gets the current data:
    from the state a connecting page asks for, or, in the same page, a redraw when the count rises."""
    charts_ = expected_dashboard.plots.charts
    for chart in charts_.values():
        chart.model._view_count = 1  # as the page reports when it shows the chart
    widget_messages.clear()
    expected_dashboard.end_turn_button.click()
    cost = charts_["cost_exchange"]
    assert len(cost.source.data["turn"]) == 1
    for chart in charts_.values():
        assert _bundles_sent(widget_messages, chart) == 0, chart.name
    assert _patches_sent(widget_messages, cost) > 0
    # a page connecting now asks for the state: it holds the current data
    state = cost.model.get_state()
    assert bundle_data(cost)["turn"] == [1]
    assert "render_bundle" in state
    # a second view in the same page: the figure is sent again, current
    stock = charts_["stock"]
    widget_messages.clear()
    stock.model._view_count = 2
    assert _bundles_sent(widget_messages, stock) == 1
    assert bundle_data(stock)["turn"] == list(stock.source.data["turn"])
    # without a view (none shown yet, or no page) every change re-sends the figure, as before
    for chart in charts_.values():
        chart.model._view_count = 0
    widget_messages.clear()
    expected_dashboard.end_turn_button.click()
    assert _bundles_sent(widget_messages, cost) == 1
    assert bundle_data(cost)["turn"] == [1, 2]
