"""The after-action report object: one standalone, offline HTML page built from a game.

The report is a snapshot of the game when it was made (its history and turn reports); playing
on does not change it. Every render builds fresh bokeh figures (a bokeh model belongs to one
document only), embeds them with ``bokeh.embed.file_html`` and ``bokeh.resources.INLINE``, so
the page carries BokehJS itself and loads nothing from the network.

In a notebook the page is shown inside a sandboxed ``<iframe srcdoc=...>``: the report brings
its own BokehJS, the iframe keeps it apart from the BokehJS a dashboard on the same page uses,
and the sandbox (scripts allowed, same origin not) keeps anything in the report from reaching
the notebook page. The frame's height follows the report through ``postMessage``.
"""

from __future__ import annotations

import html
import os
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from bokeh.embed import file_html
from bokeh.resources import INLINE

from .. import charts
from ..palette import BORDER_GREY
from ..lessons.metrics import interceptor_items, outcome
from . import sections

SMALL = 230  # height of the small per-item figures, px

NO_TURNS = (
    "No turn has been played yet, so there is nothing to report. "
    "Play at least one turn (game.play_turn()), then ask for the after-action report again."
)

# Tells the page around the frame how tall the report is; does nothing in a browser tab. The
# frame is sandboxed (scripts, but no access to the notebook page): it cannot resize itself, so
# it posts its height and the notebook page's own listener (``_FRAME_LISTENER``) sets it.
_FIT_FRAME = """<script>
(function () {
  var main = document.querySelector("main.wargame-aar");
  if (!main || window.parent === window) { return; }
  var sent = 0;
  function fit() {
    // the height of the report's content (never of the frame itself: no loop)
    var height = Math.ceil(main.getBoundingClientRect().bottom + window.scrollY) + 16;
    if (Math.abs(height - sent) > 2) { sent = height; window.parent.postMessage({wargameReportHeight: height}, "*"); }
  }
  window.addEventListener("load", fit);
  if (window.ResizeObserver) { new ResizeObserver(fit).observe(main); }
  setTimeout(fit, 500); setTimeout(fit, 2000);
})();
</script>"""

# In the notebook page: the height posted by this frame (and by no other window) sets its height.
_FRAME_LISTENER = """<script>
(function () {
  var frame = document.getElementById("%s");
  window.addEventListener("message", function (event) {
    if (!frame || event.source !== frame.contentWindow || !event.data) { return; }
    var height = Number(event.data.wargameReportHeight);
    if (isFinite(height) && height > 0 && height < 1000000) { frame.style.height = Math.ceil(height) + "px"; }
  });
})();
</script>"""

_TEMPLATE = """{% from macros import embed %}
{% block preamble %}<meta name="viewport" content="width=device-width, initial-scale=1">
<style>{{ css }}</style>{% endblock %}
{% block contents %}<main class="wargame-aar">
{% for kind, value in parts %}{% if kind == "html" %}{{ value }}{% elif kind == "chart" %}<div class="chart">{{ embed(roots[value]) }}</div>{% else %}<div class="multiples">{% for name in value %}<div class="chart">{{ embed(roots[name]) }}</div>{% endfor %}</div>{% endif %}
{% endfor %}</main>
{{ fit_frame }}{% endblock %}
"""


@dataclass
class AfterActionReport:
    """A game's after-action report: ``.html`` (the page), ``.save(path)``, and notebook display."""

    scenario: object
    seed: int
    mode: str
    history: pd.DataFrame
    reports: list = field(default_factory=list)
    _html: str | None = field(default=None, repr=False, compare=False)

    @property
    def title(self) -> str:
        return f"After-action report: {self.scenario.title}"

    @property
    def turns_played(self) -> int:
        return len(self.reports)

    # --- output --------------------------------------------------------------------------

    @property
    def html(self) -> str:
        """The whole report as one standalone HTML document (BokehJS inline, no network)."""
        if self._html is None:
            self._html = self._render()
        return self._html

    def save(self, path: str | os.PathLike) -> Path:
        """Write the report as one HTML file that opens offline; returns the path written."""
        path = Path(path)
        path.write_text(self.html, encoding="utf-8")
        return path

    def _repr_html_(self) -> str:
        if not self.reports:
            return self._notice_html()
        # ASCII only (characters as references, decoded back by the attribute): the frame reads
        # the same whatever encoding the notebook page is served in.
        page = html.escape(self.html, quote=True).encode("ascii", "xmlcharrefreplace").decode("ascii")
        title = html.escape(self.title).encode("ascii", "xmlcharrefreplace").decode("ascii")
        # sandboxed: the report's scripts (BokehJS, the height) run, but in an opaque origin,
        # so nothing in it can reach the notebook page, its kernel or its cookies
        frame_id = f"wargame-aar-{uuid.uuid4().hex}"
        return (
            f'<iframe id="{frame_id}" class="wargame-aar-frame" title="{title}" sandbox="allow-scripts" '
            f'style="width:100%;height:1200px;border:1px solid {BORDER_GREY}" srcdoc="{page}"></iframe>'
            + _FRAME_LISTENER % frame_id
        )

    def __repr__(self) -> str:
        return (
            f"<AfterActionReport {self.scenario.name!r} seed={self.seed} mode={self.mode}: "
            f"{self.turns_played} of {self.scenario.turns} turns>"
        )

    def __str__(self) -> str:
        """The report's key figures in plain text."""
        if not self.reports:
            return NO_TURNS
        lines = [self.title, f"Seed {self.seed}, {self.mode} mode, {self.turns_played} of {self.scenario.turns} turns played."]
        for figure in outcome(self.history, self.scenario):
            kind = sections.verdict(figure)
            lines.append(
                f"  {figure.label}: {sections.show(figure.value, figure.unit)}"
                + (f" (par {sections.par_text(figure)}: {sections.VERDICTS[kind][1].lower()})" if figure.par is not None else "")
            )
        lines += [f"  {text}" for text in self._summaries().values()]
        return "\n".join(lines)

    # --- building ------------------------------------------------------------------------

    def _summaries(self) -> dict[str, str]:
        history, scenario = self.history, self.scenario
        return {
            "cost_exchange": charts.cost_exchange_summary(history),
            "stock": charts.stock_summary(history, scenario),
            "capacity": charts.capacity_summary(history, scenario),
            "production": charts.production_summary(history, scenario),
            "incidents": charts.incidents_summary(history),
            "spending": charts.spending_summary(history),
            **({"layers": charts.layers_summary(self.reports[-1], scenario)} if self.reports else {}),
        }

    def _figures(self) -> dict[str, object]:
        """Fresh bokeh figures, built for one render only, by the name they are embedded under."""
        history, scenario = self.history, self.scenario
        figures = [
            charts.cost_exchange_figure(charts.cost_exchange_data(history)),
            charts.production_figure(charts.production_data(history, scenario), scenario),
            charts.spending_figure(charts.spending_data(history)),
            charts.layers_figure(charts.layers_data(self.reports[-1], scenario)),
        ]
        if self._any_strikes():
            figures.append(charts.incidents_figure(charts.incidents_data(history)))
        stock, capacity = charts.stock_data(history, scenario), charts.capacity_data(history, scenario)
        for item in interceptor_items(scenario):
            figures.append(charts.stock_figure(stock, scenario, items=[item], name=f"stock_{item}_figure", height=SMALL))
        for item in self._capacity_items():
            figures.append(
                charts.capacity_figure(capacity, scenario, items=[item], name=f"capacity_{item}_figure", height=SMALL)
            )
        return {figure.name: figure for figure in figures}

    def _capacity_items(self) -> list[str]:
        """Items that had domestic lines at some point (a flat zero line teaches nothing)."""
        data = charts.capacity_data(self.history, self.scenario)
        return [item for item in self.scenario.catalogue if any(v > 0 for v in data[f"capacity_{item}_units_per_turn"])]

    def _any_strikes(self) -> bool:
        history = self.history
        return any(
            column in history.columns and float(history[column].abs().sum()) > 0
            for column in ("strike_sorties_units", "incidents_count")
        )

    def _notice_html(self) -> str:
        return (
            f"<div class='wargame-aar-notice'><h3>{html.escape(self.title)}</h3>"
            f"<p class='notice'>{html.escape(NO_TURNS)}</p></div>"
        )

    def _render(self) -> str:
        if not self.reports:
            return (
                f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{html.escape(self.title)}</title>"
                f"<style>{sections.CSS}</style></head><body><main class='wargame-aar'>"
                f"<h1>{html.escape(self.title)}</h1><p class='notice'>{html.escape(NO_TURNS)}</p></main></body></html>"
            )
        history, scenario = self.history, self.scenario
        summaries = self._summaries()
        figures = self._figures()
        layer_sentences = {r.turn: charts.layers_summary(r, scenario).split(": ", 1)[-1] for r in self.reports}
        facts = {"seed": self.seed, "mode": self.mode, "turns_played": self.turns_played}

        def text(name: str, heading: str) -> tuple[str, str]:
            return ("html", f"<h2 id='{name}'>{html.escape(heading)}</h2><p class='summary'>{html.escape(summaries[name])}</p>")

        def chart(name: str, heading: str, extra: str = "") -> list[tuple[str, object]]:
            return [text(name, heading), ("chart", f"{name}_figure"), ("html", extra)]

        incidents = chart("incidents", "Incidents") if f"incidents_figure" in figures else [text("incidents", "Incidents")]
        parts: list[tuple[str, object]] = [
            ("html", sections.heading(facts, scenario)),
            ("html", sections.outcome_section(history, scenario)),
            ("html", sections.runway_section(history, scenario)),
            *chart("cost_exchange", "Cost exchange, both ways", sections.prices_note(scenario)),
            *chart("layers", f"Air defence in the last turn played (turn {self.reports[-1].turn}), layer by layer"),
            text("stock", "Stock of interceptors"),
            ("grid", [f"stock_{item}_figure" for item in interceptor_items(scenario)]),
            text("capacity", "Production capacity"),
            ("grid", [f"capacity_{item}_figure" for item in self._capacity_items()]),
            ("html", sections.no_lines_note(scenario, self._capacity_items())),
            *chart("production", "Production against consumption"),
            *incidents,
            *chart("spending", "Money by category"),
            ("html", sections.timeline_section(self.reports, scenario, layer_sentences)),
            ("html", sections.sources_section(scenario)),
            (
                "html",
                "<p class='small'>Made by the drone-era defence economics teaching kit. Charts use the Okabe–Ito "
                "colour-blind-safe palette; every chart's key figure is also written above it.</p>",
            ),
        ]
        return file_html(
            list(figures.values()),
            resources=INLINE,
            title=self.title,
            template=_TEMPLATE,
            template_variables={"parts": parts, "css": sections.CSS, "fit_frame": _FIT_FRAME},
        )


def after_action_report(game) -> AfterActionReport:
    """The after-action report of a game as it stands (a snapshot: playing on does not change it)."""
    return AfterActionReport(
        scenario=game.scenario,
        seed=game.seed,
        mode=game.mode,
        history=game.history.copy(),
        reports=list(game.reports),
    )
