"""The after-action report saved as one HTML file: opened from disk, offline, its plots draw
the game's data and the browser reports no error."""

from __future__ import annotations

import math

from playwright.sync_api import expect

import wargame

from .driver import assert_close, plot_sources, renderer_name, screenshot, wait_for_drawn_canvases

def played_game() -> wargame.Game:
    """The tutorial played to the end: missiles first, then interceptor drones in front."""
    game = wargame.Game("tutorial", seed=3, mode="expected")
    game.play_turn(game.orders())
    orders = game.orders()
    orders.doctrine["attack_drone"] = [wargame.Layer("interceptor_drone", 2), wargame.Layer("sam_missile", 1)]
    orders.production["interceptor_drone"] = 150
    while not game.is_over:
        game.play_turn(orders)
    return game


def test_saved_after_action_report_renders_offline(chromium, page, console, tmp_path):
    game = played_game()
    path = game.after_action_report().save(tmp_path / "aar.html")
    requests = []
    page.on("request", lambda request: requests.append(request.url))

    page.goto(path.as_uri())
    page.wait_for_function("() => window.Bokeh && Bokeh.documents.length > 0 && Bokeh.documents[0].roots().length > 0")
    figures = page.evaluate("() => Bokeh.documents.flatMap(d => d.roots()).map(r => [r.id, r.name])")
    names = [name for _, name in figures]
    for required in ("cost_exchange_figure", "production_figure", "layers_figure", "spending_figure"):
        assert required in names, f"the report has no {required}: {names}"
    for root_id, name in figures:
        expect(page.locator(f'[data-root-id="{root_id}"] canvas').first).to_be_attached()
        wait_for_drawn_canvases(page, f'[data-root-id="{root_id}"]', 1)

    history = game.history
    turns = [int(t) for t in history.index]
    (cost,) = plot_sources(page, renderer_name("cost_exchange"))
    assert cost["turn"] == turns
    for column in ("interceptor_spend_usd", "raid_cost_usd", "cost_exchange_ratio"):
        assert_close(cost[column], list(history[column]), f"report cost exchange chart, {column}")
    stock_sources = plot_sources(page, renderer_name("stock", "sam_missile"))
    assert stock_sources and all(s["turn"] == [0] + turns for s in stock_sources)
    assert_close(stock_sources[0]["stock_sam_missile_units"][1:], list(history["stock_sam_missile_units"]), "report stock chart")
    assert not any(math.isnan(float(v)) for v in cost["interceptor_spend_usd"])

    offline = [url for url in requests if not url.startswith(("file:", "data:", "blob:"))]
    assert not offline, f"the report fetched from the network: {offline}"
    screenshot(page, "after-action-report")
    console.assert_clean()
