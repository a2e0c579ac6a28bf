"""Helpers for the dashboard tests: orders set through the widgets, and the same orders as data."""

from __future__ import annotations

import json

from wargame import Game, Layer


def set_layered_doctrine(dashboard, production: int = 300) -> None:
    """Through the widgets: interceptor drones 2 shots, then missiles 1 shot; build drones."""
    (first, first_shots), (second, second_shots) = dashboard.controls.doctrine.threats["attack_drone"].slots
    first.value = "interceptor_drone"
    first_shots.value = 2
    second.value = "sam_missile"
    second_shots.value = 1
    dashboard.controls.items["interceptor_drone"].production.value = production


def layered_orders(game: Game):
    """The same orders written as data, for a separate game."""
    orders = game.orders()
    orders.doctrine = {"attack_drone": [Layer("interceptor_drone", 2), Layer("sam_missile", 1)]}
    orders.production = {"interceptor_drone": 300.0}
    return orders


def bundle_data(chart) -> dict:
    """A chart's data as a browser view created now would receive it: the BokehModel's render
    bundle, which ``update_from_model`` refreshes (Voilà creates views after the cells ran)."""
    found = []

    def walk(node):
        if isinstance(node, dict):
            if node.get("id") == chart.source.id and "attributes" in node:
                found.append(node["attributes"]["data"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(json.loads(json.dumps(chart.model.render_bundle["docs_json"])))
    assert found, f"the render bundle of {chart.name} holds no data source {chart.source.id}"
    data = found[0]
    return dict(data["entries"]) if data.get("type") == "map" else data
