"""Scripted events fire at the end of their turn and change the state for what follows."""

import pytest

import wargame


def test_ally_delivery_arrives_on_its_turn():
    game = wargame.Game("tutorial", mode="expected")
    orders = wargame.Orders(doctrine={"attack_drone": [wargame.Layer("interceptor_drone", 1)]}, adaptation="peacetime")
    metrics = [game.play_turn(orders).metrics for _ in range(3)]
    assert [m["delivered_sam_missile_units"] for m in metrics] == [0, 0, 8]
    assert metrics[2]["stock_sam_missile_units"] == 68
    assert any(e.step == "events" and "eight missiles" in e.inputs["text"] for e in game.reports[2].events)


def test_funding_legal_import_and_jamming_events(variant):
    scenario = variant(
        {
            "events": [
                {"turn": 1, "type": "funding", "grant_usd": 10_000_000, "per_turn_usd": 30_000_000, "text": "Loans"},
                {"turn": 1, "type": "legal_regime", "prohibited_levels": ["full_autonomy", "supervised_autonomy"], "text": "New law"},
                {"turn": 1, "type": "import_market", "item": "sam_missile", "available_units_per_turn": 0, "text": "Sold out"},
                {"turn": 1, "type": "jamming", "intensity": 0.9, "text": "Heavy jamming"},
            ]
        }
    )
    game = wargame.Game(scenario, mode="expected")
    orders = wargame.Orders(doctrine={"attack_drone": [wargame.Layer("interceptor_drone", 1)]}, adaptation="peacetime")
    m = game.play_turn(orders).metrics
    assert m["grants_usd"] == 10_000_000
    assert m["income_usd"] == 30_000_000
    assert m["money_end_usd"] == pytest.approx(70_000_000 + 10_000_000 + 30_000_000)
    assert m["jamming_intensity"] == 0.9
    orders.autonomy = "supervised_autonomy"
    orders.imports = {"sam_missile": 1}
    problems = game.check(orders)
    assert any("Supervised autonomy is prohibited" in p for p in problems)
    assert "Imports of High-end interceptor missile: 1 ordered, the market offers 0 this turn." in problems
