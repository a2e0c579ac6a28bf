"""A hostile scenario: script in every free-text field shows as literal text everywhere.

First without a browser: every HTML the dashboard, the lessons, the turn reports, the scenario
summary and the after-action report produce holds the payload escaped, never as markup. Then in
Voilà (headless Chromium): a few turns played, every chart hovered until its tooltip appears
(the tooltips that name items show the payload as text), the report in its sandboxed frame and
the saved report opened from disk; the sentinel the payload would set stays undefined.
"""

from __future__ import annotations

import html
import json
import re

import ipywidgets as widgets
from playwright.sync_api import expect

import wargame
from wargame.scenario import load_scenario
from wargame.ui import play

from .driver import RENDER_TIMEOUT, Dashboard, assert_no_cell_errors, screenshot, wait_for_drawn_canvases
from .hostile import MARKUP, PAYLOAD, SENTINEL, hostile_scenario

def all_widgets(root) -> list:
    found, stack = [], [root]
    while stack:
        widget = stack.pop()
        found.append(widget)
        stack += list(getattr(widget, "children", ()))
    return found


def test_every_html_the_kit_writes_holds_the_payload_as_text(tmp_path):
    scenario = load_scenario(hostile_scenario(tmp_path))
    dashboard = play(scenario, mode="expected", forecast_runs=20)
    while not dashboard.game.is_over:
        dashboard._end_turn()
    assert dashboard.game.reports and dashboard.after_action is not None, dashboard.status.text
    shown = all_widgets(dashboard)
    pages = [w.value for w in shown if isinstance(w, widgets.HTML)]
    pages += [scenario._repr_html_(), dashboard.after_action._repr_html_(), dashboard.after_action.html]
    pages += [report._repr_html_() for report in dashboard.game.reports]
    assert sum(MARKUP in html.unescape(page) for page in pages) >= 10  # the payload is shown, in many places
    for page in pages:
        assert MARKUP not in page and "<script>window" not in page
    # the report's frame: its page is in srcdoc (decoded by the browser), still escaped there
    srcdoc = re.search(r'srcdoc="([^"]*)"', dashboard.after_action._repr_html_()).group(1)
    assert MARKUP in html.unescape(html.unescape(srcdoc)) and MARKUP not in html.unescape(srcdoc)
    for widget in shown:
        description = getattr(widget, "description", "")
        if isinstance(description, str) and "<img" in description:
            assert not getattr(widget, "description_allow_html", False), description


# --- in the browser ------------------------------------------------------------------------------

# Each chart's hover targets: for every renderer with a hover tool, its first data point, as a
# position on the screen (bokeh's own scales and the canvas's place in the page).
HOVER_POINTS = """(k) => {
  const points = [];
  const views = window.Bokeh && window.Bokeh.index ? [...window.Bokeh.index.roots] : [];
  const all = [];
  const walk = (v) => { all.push(v); for (const c of (v.child_views || [])) walk(c); };
  views.forEach(walk);
  const figures = all.filter(v => v.model && v.model.toolbar && v.model.name && v.model.name.endsWith('_figure'));
  for (const view of figures.slice(k, k + 1)) {
    const model = view.model;
    view.el.scrollIntoView({block: 'center'});
    const frame = view.frame;
    const box = view.canvas_view.el.getBoundingClientRect();
    for (const tool of model.toolbar.tools) {
      if (tool.type !== 'HoverTool' && tool.constructor.name !== 'HoverTool') continue;
      for (const renderer of tool.renderers === 'auto' ? model.renderers : tool.renderers) {
        const data = renderer.data_source.data;
        const get = (k) => (data instanceof Map ? data.get(k) : data[k]);
        const glyph = renderer.glyph;
        const spec = (p) => (glyph[p] && glyph[p].field !== undefined ? glyph[p] : null);
        const value = (p, i) => { const s = spec(p); if (!s) return glyph[p] && glyph[p].value; const v = get(s.field)[i];
          const off = s.transform && s.transform.value !== undefined ? s.transform.value : 0; return [v, off]; };
        const n = (get('turn') || get('label') || []).length;
        for (let i = 0; i < n; i++) {
          let x, y;
          const type = glyph.type || glyph.constructor.name;
          const coord = (range, scale, v) => {
            let [raw, off] = Array.isArray(v) ? v : [v, 0];
            const synthetic = typeof raw === 'string' ? range.synthetic(raw) : raw;
            return scale.compute(synthetic + off);
          };
          if (type === 'HBar') {
            x = frame.x_scale.compute((get(glyph.right.field)[i] || 0) / 2);
            y = coord(frame.y_range, frame.y_scale, value('y', i));
          } else if (type === 'VBar') {
            x = coord(frame.x_range, frame.x_scale, value('x', i));
            y = frame.y_scale.compute((get(glyph.top.field)[i] || 0) / 2);
          } else {
            x = coord(frame.x_range, frame.x_scale, value('x', i));
            y = coord(frame.y_range, frame.y_scale, value('y', i));
          }
          const bar = type === 'HBar' ? get(glyph.right.field)[i] : type === 'VBar' ? get(glyph.top.field)[i] : 1;
          if (!isFinite(x) || !isFinite(y) || !(bar > 0)) continue;
          points.push({figure: model.name, renderer: renderer.name, x: box.left + x, y: box.top + y, width: model.inner_width});
          break;
        }
      }
    }
  }
  return {figures: figures.length, points};
}"""

TOOLTIP = ".bk-tooltip-content:visible"


def hover_every_chart(page, expected_names: set[str]) -> dict[str, str]:
    """Hover each hovered renderer's first point; its tooltip's text, by figure and renderer."""
    texts, k, count = {}, 0, 1
    while k < count:
        found = page.evaluate(HOVER_POINTS, k)
        count, k = found["figures"], k + 1
        texts.update(_hover_points(page, found["points"]))
    assert texts, "no chart with a hover tool and data in the page"
    named = {key: text for key, text in texts.items() if any(name in text for name in expected_names)}
    assert named, f"no tooltip names an item or a threat: {texts}"
    for key, text in named.items():
        assert MARKUP in text, f"{key}: the payload is not shown as literal text: {text!r}"
    return texts


def _hover_points(page, points) -> dict[str, str]:
    texts = {}
    for point in points:
        page.mouse.move(point["x"], point["y"])
        tooltip = page.locator(TOOLTIP).filter(has_text=re.compile(r"\S")).first
        try:
            expect(tooltip).to_be_visible(timeout=3_000)
        except AssertionError as error:
            raise AssertionError(f"no tooltip on {point}") from error
        texts[f"{point['figure']}/{point['renderer']}"] = tooltip.inner_text()
        page.mouse.move(0, 0)
    return texts


def assert_not_pwned(page) -> None:
    for frame in page.frames:
        assert frame.evaluate(f"() => typeof window.{SENTINEL}") == "undefined", frame.url
    assert page.locator(f'img[src="x"]').count() == 0


def test_hostile_scenario_shows_as_text_in_voila_and_the_report(voila_server, notebooks, page, console, tmp_path):
    path = hostile_scenario(tmp_path)
    scenario = load_scenario(path)
    notebook = notebooks / "hostile_scenario.ipynb"
    cell = f"from wargame.ui import play\nplay({json.dumps(str(path))}, seed=1, mode=\"expected\", forecast_runs=20)"
    notebook.write_text(
        json.dumps(
            {
                "cells": [{"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": cell}],
                "metadata": {
                    "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
                    "voila": {"template": "wargame"},  # the kit's template: no CDN
                },
                "nbformat": 4,
                "nbformat_minor": 5,
            }
        ),
        encoding="utf-8",
    )
    page.goto(f"{voila_server.url}/voila/render/{notebook.name}", wait_until="domcontentloaded", timeout=RENDER_TIMEOUT)
    dashboard = Dashboard(page, scenario)
    dashboard.wait_until_shown()
    expect(dashboard.header).to_contain_text(PAYLOAD)  # the title, as text
    names = {spec.name for spec in scenario.catalogue.values()} | {t.name for t in scenario.adversary.threats.values()}
    for turn in range(1, scenario.turns + 1):
        dashboard.end(turn)
    expect(dashboard.lessons).to_contain_text(MARKUP)
    assert_no_cell_errors(page)
    dashboard.root.evaluate("e => e.setAttribute('data-test-dashboard', '')")
    wait_for_drawn_canvases(page, "[data-test-dashboard]", 4)
    texts = hover_every_chart(page, names)
    assert {key.split("/")[0] for key in texts} >= {"cost_exchange_figure", "stock_figure", "production_figure", "layers_figure"}, texts
    assert_not_pwned(page)

    # the report at the end of the game, in its sandboxed frame, sized to its content
    frame_element = page.locator("iframe.wargame-aar-frame")
    expect(frame_element).to_have_count(1)
    assert frame_element.get_attribute("sandbox") == "allow-scripts"
    report = page.frame_locator("iframe.wargame-aar-frame")
    expect(report.locator("h1")).to_contain_text(PAYLOAD)
    page.wait_for_function(
        """() => { const f = document.querySelector('iframe.wargame-aar-frame');
                   return f && f.getBoundingClientRect().height > 1500; }""",
        timeout=30_000,
    )
    screenshot(page, "hostile-voila-end")
    assert_not_pwned(page)

    # the saved report, opened from disk
    game = wargame.Game(scenario, seed=1, mode="expected")
    orders = game.orders()
    orders.production = {"interceptor_drone": 50}  # money spent, so the spending chart has bars
    while not game.is_over:
        game.play_turn(orders)
    saved = game.after_action_report().save(tmp_path / "hostile-report.html")
    page.goto(saved.as_uri())
    page.wait_for_function("() => window.Bokeh && Bokeh.documents.length > 0")
    expect(page.locator("h1")).to_contain_text(PAYLOAD)
    expect(page.locator("body")).to_contain_text(f"Event: ")
    wait_for_drawn_canvases(page, "main", 4)
    texts = hover_every_chart(page, names)
    hovered = {key.split("/")[0] for key in texts}
    assert hovered >= {"cost_exchange_figure", "production_figure", "spending_figure", "layers_figure"}, texts
    assert any(key.startswith("stock_") for key in texts) and any(key.startswith("capacity_") for key in texts), texts
    assert_not_pwned(page)
    screenshot(page, "hostile-report")
