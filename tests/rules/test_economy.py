"""The economy: what orders cost, when deliveries arrive, and how money carries over.

Tutorial figures: missiles $4M (imports +25%, 60 days), interceptor drones $3,500 (lines
$20,000 per unit of capacity, 60 days), operators $50,000 (60 days), wartime cycle $2M/turn.
Money at the start: $50M initial + $20M for turn 1.
"""

import numpy as np
import pytest

import wargame
from wargame import Layer
from wargame.rules.economy import production_unit_cost
from wargame.tables import tables_for


def quiet_orders(game):
    """Orders that buy nothing and fire only drones, so missile stock is untouched."""
    orders = wargame.Orders(adaptation="peacetime")
    orders.doctrine = {"attack_drone": [Layer("interceptor_drone", 1)]}
    return orders


def test_order_costs_by_category(tutorial):
    game = wargame.Game(tutorial, mode="expected")
    orders = quiet_orders(game)
    orders.production = {"interceptor_drone": 100}
    orders.imports = {"sam_missile": 10}
    orders.capacity = {"interceptor_drone": 10}
    orders.train_operators = 2
    orders.adaptation = "wartime"
    costs = game.costs(orders)
    assert costs == {
        "production": pytest.approx(100 * 3_500),
        "imports": pytest.approx(10 * 4_000_000 * 1.25),
        "capacity": pytest.approx(10 * 20_000),
        "training": pytest.approx(2 * 50_000),
        "development": pytest.approx(2_000_000),
    }
    m = game.play_turn(orders).metrics
    total = 350_000 + 50_000_000 + 200_000 + 100_000 + 2_000_000
    assert m["budget_available_usd"] == 70_000_000
    assert m["spend_total_usd"] == pytest.approx(total)
    assert m["money_end_usd"] == pytest.approx(70_000_000 - total + 20_000_000)


def test_deliveries_arrive_after_their_lead_times(tutorial):
    game = wargame.Game(tutorial, mode="expected")
    orders = quiet_orders(game)
    orders.production = {"interceptor_drone": 100}  # next turn
    orders.imports = {"sam_missile": 10}  # 60 days = 2 turns
    orders.capacity = {"interceptor_drone": 50}  # 60 days = 2 turns
    orders.train_operators = 3  # 60 days = 2 turns
    first = game.play_turn(orders).metrics
    assert first["delivered_interceptor_drone_units"] == 100
    assert first["delivered_sam_missile_units"] == 0
    assert first["on_order_sam_missile_units"] == 10
    assert first["operators_units"] == 10
    second = game.play_turn(quiet_orders(game)).metrics
    assert second["delivered_sam_missile_units"] == 10
    assert second["operators_units"] == 13
    capacity_before_damage = 300 + 50
    lost = 1 - first["capacity_lost_pct"] / 100
    lost2 = 1 - second["capacity_lost_pct"] / 100
    assert second["capacity_interceptor_drone_units_per_turn"] == pytest.approx(
        300 * lost * lost2 + 50
    )
    assert capacity_before_damage > second["capacity_interceptor_drone_units_per_turn"]


def test_industry_damage_lowers_production_capacity(tutorial):
    game = wargame.Game(tutorial, mode="expected")
    m = game.play_turn(game.orders()).metrics  # missiles only: 46 leak
    industry_hits = 46 * 0.2
    assert m["hits_industry_units"] == pytest.approx(industry_hits)
    assert m["capacity_interceptor_drone_units_per_turn"] == pytest.approx(300 * 0.99**industry_hits)
    assert m["capacity_sam_missile_units_per_turn"] == pytest.approx(2 * 0.99**industry_hits)


def test_budget_schedule_changes_income(variant):
    scenario = variant({"budget": {"schedule_usd": {2: 5_000_000}}})
    game = wargame.Game(scenario, mode="expected")
    m = game.play_turn(quiet_orders(game)).metrics
    assert m["income_usd"] == 5_000_000
    assert m["money_end_usd"] == pytest.approx(70_000_000 + 5_000_000)


def test_joint_lines_are_dearer_sooner_and_build_cheaper(variant):
    scenario = variant(
        {
            "catalogue": {
                "interceptor_drone": {
                    "joint_production": {
                        "partner": "a partner",
                        "capacity_cost_factor": 1.5,
                        "lead_time_days": 30,
                        "unit_cost_factor": 0.5,
                    }
                }
            }
        }
    )
    game = wargame.Game(scenario, mode="expected")
    orders = quiet_orders(game)
    orders.joint_capacity = {"interceptor_drone": 100}
    assert game.costs(orders)["capacity"] == pytest.approx(100 * 20_000 * 1.5)
    game.play_turn(orders)
    tables = tables_for(scenario)
    state = game.state
    i = tables.items.index("interceptor_drone")
    joint_share = state.joint_capacity[0, i] / (state.capacity[0, i] + state.joint_capacity[0, i])
    assert state.joint_capacity[0, i] > 0
    assert production_unit_cost(state, tables)[0, i] == pytest.approx(3_500 * (1 - joint_share * 0.5))


def test_orders_that_cost_too_much_are_refused_with_the_amounts(tutorial):
    game = wargame.Game(tutorial, mode="expected")
    orders = quiet_orders(game)
    orders.imports = {"sam_missile": 10}
    orders.production = {"sam_missile": 2, "interceptor_drone": 300}
    orders.capacity = {"interceptor_drone": 500}
    # 10 x 5M + 2 x 4M + 300 x 3,500 + 500 x 20,000 = 50 + 8 + 1.05 + 10 = $69.05M: fits in $70M
    assert game.check(orders) == []
    orders.capacity = {"interceptor_drone": 600}  # +$2M: $71.05M
    assert game.check(orders) == ["These orders cost $71.1M; you have $70M. Cut $1.1M."]
    before = game.state
    with pytest.raises(wargame.OrdersError):
        game.play_turn(orders)
    assert game.state is before and game.turn == 1
    assert np.array_equal(game.state.money, [70_000_000])
