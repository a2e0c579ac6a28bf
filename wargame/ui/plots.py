"""Plots in the dashboard: bokeh figures from ``wargame.charts``, wrapped as widgets, refreshed in place.

A refresh assigns new data to each chart's ``ColumnDataSource`` (from the charts' data
functions); bokeh sends the change to the views on the page as a small patch. A view created
later (Voilà renders after the notebook has run, a page reloaded) is drawn from the widget's
render bundle, the whole figure serialized, so the bundle is kept current too — but only when
a view needs it (``ChartModel``): rebuilding and re-sending it on every turn cost some 90% of
End turn's time in the kernel and made every view on the page redraw its figure from scratch.
Each plot has its key figure written beside it in words (the charts' ``*_summary``).
"""

from __future__ import annotations

import textwrap

import ipywidgets as widgets
from bokeh.models import ColumnDataSource, DataRange1d, FactorRange, HoverTool, Legend, NumeralTickFormatter, Title
from bokeh.plotting import figure
from jupyter_bokeh.widgets import BokehModel

from .. import charts
from ..format import duration, money, number, turns
from ..lessons.metrics import stockpile_table
from ..palette import SERIES
from .text import escape

FAN_QUANTILES = ("5%", "25%", "50%", "75%", "95%")
FAN_COLUMNS = ("turn", "q05", "q25", "q50", "q75", "q95")


class ChartModel(BokehModel):
    """A bokeh figure as a widget whose render bundle is rebuilt only when a view needs it.

    The page reports how many views it shows (``_view_count``, which ipywidgets tracks when it
    starts at 0), or an app says the chart is on its page for good (``on_page``). While none is
    shown, a change rebuilds and syncs the bundle at once, so that the first view draws the
    current figure. While views are shown, a change reaches them as
    bokeh's patches and the bundle is only marked stale; it is rebuilt when another view
    appears on the page (the count rises) or when a page connects and asks for the widgets'
    state (``get_state``).
    """

    def __init__(self, model, on_rebuild=None, **kwargs):
        self._stale = False
        # Set by an app that knows its page shows the chart from now on: jupyter_bokeh's views
        # never report themselves (``_view_count`` stays 0 in Voila and JupyterLab alike,
        # measured), so without this every change re-sends the whole figure.
        self.on_page = False
        self._on_rebuild = on_rebuild  # called before a rebuild, to put the figure as new views need it
        super().__init__(model, _view_count=0, **kwargs)
        self.observe(self._views_changed, names="_view_count")

    @property
    def shown(self) -> bool:
        return bool(self._view_count) or self.on_page

    def changed(self) -> None:
        """The figure's data changed: patches reached the views shown; the bundle follows."""
        if self.shown:
            self._stale = True
        else:
            self.rebuild()

    def rebuild(self) -> None:
        """The render bundle from the figure as it is now, synced to the page."""
        self._stale = False
        if self._on_rebuild is not None:
            self._on_rebuild()
        self.render_bundle = self._model_to_traits(self._model)

    def _views_changed(self, change) -> None:
        if self._stale and (change["new"] or 0) > (change["old"] or 0):
            self.rebuild()  # the new view was drawn from the stale bundle: redraw them all current

    def get_state(self, key=None, drop_defaults=False):
        if self._stale:
            self.rebuild()
        return super().get_state(key, drop_defaults)


class Chart:
    """One bokeh figure as a widget, its data source, and a sentence with its key figure."""

    def __init__(self, name: str, data: dict, build):
        self.name = name
        self.source = ColumnDataSource(data=dict(data))
        self.figure = build(self.source)
        fit_titles(self.figure)
        # the bounds each auto range was built with (usually none): the browser computes the
        # bounds and writes them back into these models, and a figure re-sent with those stale
        # bounds would stop following its data (see ``update``)
        self._auto_ranges = [(r, r.start, r.end) for r in self.figure.select({"type": DataRange1d})]
        self.model = ChartModel(self.figure, on_rebuild=self._reset_auto_ranges, layout=widgets.Layout(width="100%", min_height="320px"))
        self.summary = widgets.HTML(layout=widgets.Layout(width="auto"))  # 100% plus its margin stuck out
        self.widget = widgets.VBox([self.model, self.summary], layout=widgets.Layout(width="100%", min_width="0"))

    def update(self, data: dict, summary: str) -> None:
        self.summary.value = f"<p class='wargame-chart-summary' aria-live='polite'>{summary}</p>"
        if dict(self.source.data) == dict(data):
            return  # nothing new to draw: spare re-sending the figure
        self.source.data = dict(data)
        if isinstance(self.figure.y_range, FactorRange) and "label" in data:
            # category labels follow the data (in the browser a callback does it; here for new views)
            self.figure.y_range.factors = list(data["label"])[::-1]
        self.model.changed()

    def _reset_auto_ranges(self) -> None:
        """The auto ranges' bounds back to the figure's own, for a new view to compute them from
        the data (a view on the page follows its data and keeps the bounds it computed)."""
        for auto, start, end in self._auto_ranges:
            if not _same(auto.start, start):
                auto.start = start
            if not _same(auto.end, end):
                auto.end = end


# The longest line of a chart's title and of a caption under it, in characters: a chart of the
# dashboard is at least 420 px wide (``PlotPanel``'s grid), a plot area of about 330 px, which
# holds some 50 characters of the 13 px bold title and 65 of the 11 px italic captions.
TITLE_CHARS = 44
CAPTION_CHARS = 58
LINE_PX = 16  # the height a caption line adds to a figure (``wargame.charts._caption``)


def fit_titles(p) -> None:
    """Wrap a figure's title and the captions under it to lines a dashboard chart shows whole
    (a line wider than the plot area is cut off at its edge); the figure grows by the lines
    added, so its plot area keeps its height.

    A caption comes as one title per line of 100 characters (``wargame.charts._caption``);
    each run of them becomes one title of shorter lines, a paragraph ending where a line ends
    a sentence."""
    if p.title.text:
        p.title.text = "\n".join(textwrap.wrap(p.title.text, TITLE_CHARS))
    added = p.title.text.count("\n")
    below, run = [], []
    for renderer in [*p.below, None]:
        if isinstance(renderer, Title):
            run.append(renderer)
            continue
        if run:
            lines = _caption_lines([r.text for r in run])
            run[0].text = "\n".join(lines)
            below.append(run[0])
            added += len(lines) - len(run)
            run = []
        if renderer is not None:
            below.append(renderer)
    p.below = below
    p.height += LINE_PX * added


def _caption_lines(lines: list[str]) -> list[str]:
    """Caption lines rewrapped to ``CAPTION_CHARS``, paragraph by paragraph."""
    paragraphs, current = [], []
    for line in lines:
        current.append(line)
        if line.rstrip().endswith("."):
            paragraphs.append(" ".join(current))
            current = []
    if current:
        paragraphs.append(" ".join(current))
    return [wrapped for paragraph in paragraphs for wrapped in textwrap.wrap(paragraph, CAPTION_CHARS)]


def _same(a, b) -> bool:
    """Equal bounds, where an unset bound (NaN in bokeh 3) equals another unset one."""
    return a == b or (a != a and b != b)


def _runway_text(history, scenario) -> str:
    if history.empty:
        return ""
    rows = stockpile_table(history, scenario)
    parts = []
    for _, row in rows.iterrows():
        runway = row["runway_turns"]
        parts.append(f"{escape(row['name'])}: {number(row['stock_units'])} left, runway {turns(runway)}")
    return " Runway at last turn's burn: " + "; ".join(parts) + "."


class PlotPanel:
    """Cost exchange, stock and runway, production against consumption, and the last raid's layers."""

    def __init__(self, scenario):
        self.scenario = scenario
        empty = _empty_history()
        self.charts = {
            "cost_exchange": Chart("cost_exchange", charts.cost_exchange_data(empty), charts.cost_exchange_figure),
            "stock": Chart("stock", charts.stock_data(empty, scenario), lambda s: charts.stock_figure(s, scenario)),
            "production": Chart(
                "production", charts.production_data(empty, scenario), lambda s: charts.production_figure(s, scenario)
            ),
            "layers": Chart("layers", {c: [] for c in charts.LAYER_COLUMNS}, charts.layers_figure),
        }
        self.widget = widgets.GridBox(
            [chart.widget for chart in self.charts.values()],
            layout=widgets.Layout(grid_template_columns="repeat(auto-fit, minmax(420px, 1fr))", grid_gap="8px", width="100%"),
        )

    def refresh(self, game) -> None:
        history, scenario = game.history, self.scenario
        self.charts["cost_exchange"].update(charts.cost_exchange_data(history), escape(charts.cost_exchange_summary(history)))
        self.charts["stock"].update(
            charts.stock_data(history, scenario),
            escape(charts.stock_summary(history, scenario)) + _runway_text(history, scenario),
        )
        self.charts["production"].update(
            charts.production_data(history, scenario), escape(charts.production_summary(history, scenario))
        )
        if game.reports:
            report = game.reports[-1]
            self.charts["layers"].update(charts.layers_data(report, scenario), escape(charts.layers_summary(report, scenario)))
        else:
            self.charts["layers"].update(
                {c: [] for c in charts.LAYER_COLUMNS}, "No turn has been played yet, so no layer has fired."
            )


def _empty_history():
    import pandas as pd

    return pd.DataFrame(columns=["turn"]).set_index("turn")


# --- the forecast fan chart -------------------------------------------------------------------

FAN_METRICS = (
    ("damage_usd", "Cumulative damage", "US dollars", money, "$0.[0]a"),
    ("leaked_real_units", "Cumulative real threats that got through", "Units", number, "0,0"),
    ("money_end_usd", "Money at the end of each turn", "US dollars", money, "$0.[0]a"),
)


def fan_data(forecast, metric: str) -> dict[str, list]:
    """The quantile bands of one forecast metric by turn, as columns for a fan chart."""
    if forecast is None:
        return {c: [] for c in FAN_COLUMNS}
    band = forecast.band(metric)
    data = {"turn": [int(t) for t in band.index]}
    for column, quantile in zip(FAN_COLUMNS[1:], FAN_QUANTILES):
        data[column] = [float(v) for v in band[quantile]]
    return data


def fan_figure(source, metric: str, title: str, y_label: str, tick_format: str):
    """5–95% and 25–75% bands of the futures, and their median, by turn (Okabe–Ito colours)."""
    p = figure(
        name=f"forecast_{metric}_figure",
        title=title,
        height=340,
        sizing_mode="stretch_width",
        tools="save",
        toolbar_location="right",
        x_axis_label="Turn",
        y_axis_label=y_label,
    )
    p.toolbar.logo = None
    p.xaxis.ticker.min_interval = 1
    p.xaxis.formatter = NumeralTickFormatter(format="0")
    p.yaxis.formatter = NumeralTickFormatter(format=tick_format)
    outer = p.varea("turn", "q05", "q95", source=source, fill_color=SERIES[5], fill_alpha=0.35, name="forecast_5_95")
    inner = p.varea("turn", "q25", "q75", source=source, fill_color=SERIES[0], fill_alpha=0.45, name="forecast_25_75")
    median = p.line("turn", "q50", source=source, line_color=SERIES[6], line_width=2.5, name="forecast_median")
    points = p.scatter("turn", "q50", source=source, size=7, color=SERIES[6], name="forecast_median_points")
    p.add_layout(
        Legend(
            items=[("90% of futures (5–95%)", [outer]), ("Half of futures (25–75%)", [inner]), ("Median", [median, points])],
            location="top_left",
            label_text_font_size="11px",
        ),
        "below",
    )
    p.add_tools(
        HoverTool(
            renderers=[points],
            tooltips=[("Turn", "@turn"), ("5%", f"@q05{{{tick_format}}}"), ("Median", f"@q50{{{tick_format}}}"), ("95%", f"@q95{{{tick_format}}}")],
        )
    )
    return p


def fan_summary(data: dict, title: str, fmt) -> str:
    if not data["turn"]:
        return f"{title}: press Forecast to see the range of futures."
    k = len(data["turn"]) - 1
    return (
        f"{title}, by turn {data['turn'][k]}: median {fmt(data['q50'][k])}; half of the futures between "
        f"{fmt(data['q25'][k])} and {fmt(data['q75'][k])}; 90% between {fmt(data['q05'][k])} and {fmt(data['q95'][k])}."
    )


class ForecastPanel:
    """Fan charts of the futures of the current orders (``wargame.batch.forecast``).

    The three figures are made on the first forecast (a dashboard that never forecasts does not
    pay for them); later forecasts update them in place.
    """

    def __init__(self):
        self.forecast = None
        self.charts: dict[str, Chart] = {}
        self.about = widgets.HTML(
            "<i>Press Forecast to play many futures of this game with the orders on screen held to the end "
            "(random draws, whatever the game's mode) and see the range of cumulative damage, threats that got "
            "through, and money. Nothing in your game changes.</i>"
        )
        self.grid = widgets.GridBox(
            [], layout=widgets.Layout(grid_template_columns="repeat(auto-fit, minmax(320px, 1fr))", grid_gap="8px")
        )
        self.widget = widgets.VBox([self.about, self.grid])

    def _build(self) -> None:
        if self.charts:
            return
        for metric, title, y_label, _, tick in FAN_METRICS:
            self.charts[metric] = Chart(
                f"forecast_{metric}", fan_data(None, metric), lambda s, m=metric, t=title, y=y_label, f=tick: fan_figure(s, m, t, y, f)
            )
        self.grid.children = [chart.widget for chart in self.charts.values()]

    def show(self, forecast) -> None:
        self._build()
        self.forecast = forecast
        for metric, title, _, fmt, _ in FAN_METRICS:
            data = fan_data(forecast, metric)
            self.charts[metric].update(data, escape(fan_summary(data, title, fmt)))
        self.about.value = (
            f"{forecast.runs} futures from turn {forecast.first_turn} with the orders on screen held to the end, "
            f"computed in {duration(forecast.seconds)} (random draws, whatever the game's mode). Nothing in your game changed."
        )

    def clear(self) -> None:
        """Forget a forecast made before the game changed (its bands no longer apply)."""
        self.forecast = None
        if not self.charts:
            return
        for metric, title, _, fmt, _ in FAN_METRICS:
            data = fan_data(None, metric)
            self.charts[metric].update(data, escape(fan_summary(data, title, fmt)))
        self.about.value = "<i>The game has changed since the last forecast: press Forecast again.</i>"
