"""Air defence against hand-computed values (expected mode), from the worked example in docs/rules.md.

The tutorial scenario: a raid of 100 one-way drones at $35,000 (raid cost $3.5M); 60 high-end
missiles at $4M with pk 0.9, and 500 interceptor drones at $3,500 with pk 0.68.
"""

import numpy as np
import pytest

import wargame
from wargame import Layer
from wargame.rules.air_defence import kill_probability


def play_first_turn(scenario, doctrine, mode="expected", seed=0):
    game = wargame.Game(scenario, seed=seed, mode=mode)
    orders = game.orders()
    orders.doctrine = {"attack_drone": doctrine}
    return game.play_turn(orders).metrics


def test_missiles_only_one_shot_runs_the_stock_dry():
    m = play_first_turn("tutorial", [Layer("sam_missile", 1)])
    assert m["raid_size_units"] == 100
    assert m["raid_cost_usd"] == 100 * 35_000
    assert m["expended_sam_missile_units"] == 60  # min(100 remaining, 60 // 1 stock)
    assert m["downed_units"] == pytest.approx(60 * 0.9)  # 54
    assert m["leaked_units"] == pytest.approx(100 - 54)  # 46
    assert m["interceptor_spend_usd"] == pytest.approx(60 * 4_000_000)  # $240M
    assert m["cost_exchange_ratio"] == pytest.approx(240e6 / 3.5e6)  # 69 : 1
    assert m["stock_sam_missile_units"] == 0


def test_cheap_layer_with_two_shots_then_missiles():
    m = play_first_turn("tutorial", [Layer("interceptor_drone", 2), Layer("sam_missile", 1)])
    p_drone = 1 - (1 - 0.68) ** 2  # 0.8976
    downed_by_drones = 100 * p_drone  # 89.76
    left = 100 - downed_by_drones  # 10.24 engaged by missiles
    downed_by_missiles = left * 0.9  # 9.216
    assert m["expended_interceptor_drone_units"] == pytest.approx(200)
    assert m["kills_interceptor_drone_units"] == pytest.approx(89.76)
    assert m["expended_sam_missile_units"] == pytest.approx(10.24)
    assert m["kills_sam_missile_units"] == pytest.approx(downed_by_missiles)
    assert m["leaked_units"] == pytest.approx(left - downed_by_missiles)  # 1.024
    spend = 200 * 3_500 + 10.24 * 4_000_000  # $0.7M + $40.96M
    assert m["interceptor_spend_usd"] == pytest.approx(spend)
    assert m["cost_exchange_ratio"] == pytest.approx(spend / 3.5e6)  # 11.9 : 1


def test_drones_only_two_shots():
    m = play_first_turn("tutorial", [Layer("interceptor_drone", 2)])
    assert m["downed_units"] == pytest.approx(89.76)
    assert m["leaked_units"] == pytest.approx(10.24)
    assert m["interceptor_spend_usd"] == pytest.approx(700_000)
    assert m["cost_exchange_ratio"] == pytest.approx(0.2)


def test_fire_capacity_limits_engagements(variant):
    scenario = variant({"catalogue": {"sam_missile": {"fire_capacity_per_turn": 30}}})
    m = play_first_turn(scenario, [Layer("sam_missile", 1)])
    assert m["expended_sam_missile_units"] == 30
    assert m["downed_units"] == pytest.approx(27)
    assert m["stock_sam_missile_units"] == 30


def test_shots_per_target_divide_the_stock_in_whole_salvos(variant):
    # stochastic mode: 5 missiles with 2 shots each can engage only 2 targets
    scenario = variant({"catalogue": {"sam_missile": {"stock_units": 5}}})
    m = play_first_turn(scenario, [Layer("sam_missile", 2)], mode="stochastic", seed=4)
    assert m["expended_sam_missile_units"] == 4
    assert m["stock_sam_missile_units"] == 1


def test_decoys_drain_interceptors_and_do_no_damage(variant):
    scenario = variant({"adversary": {"threats": {"attack_drone": {"decoy_share": 0.5, "decoy_unit_cost_usd": 10_000}}}})
    m = play_first_turn(scenario, [Layer("sam_missile", 1)])
    # 50 real and 50 decoys; 60 missiles engage all 100 in proportion: 54 downed, 46 leak
    assert m["raid_decoys_units"] == 50
    assert m["raid_cost_usd"] == pytest.approx(50 * 35_000 + 50 * 10_000)
    assert m["downed_decoys_units"] == pytest.approx(27)
    assert m["leaked_real_units"] == pytest.approx(23)
    assert m["leaked_decoys_units"] == pytest.approx(23)
    hits = sum(m[f"hits_{c}_units"] for c in ("energy", "industry", "military", "civilian"))
    assert hits == pytest.approx(23)  # only real leakers hit anything


def test_countermeasure_cuts_pk_before_shots_compound():
    assert kill_probability(0.68, 2, 0.0, 0.5) == pytest.approx(0.8976)
    assert kill_probability(0.68, 2, 1.0, 0.5) == pytest.approx(1 - (1 - 0.34) ** 2)
    batch = kill_probability(np.array([0.9, 0.9]), np.array([1, 1]), np.array([0.0, 1.0]), 0.3)
    assert batch == pytest.approx([0.9, 0.63])


def test_stock_is_shared_between_threat_classes(variant):
    scenario = variant(
        {
            "adversary": {
                "threats": {
                    "missile": {
                        "name": "Ballistic missile",
                        "unit_cost_usd": 3_000_000,
                        "launches_per_turn": 40,
                        "target_shares": {"military": 1.0},
                    }
                }
            },
            "catalogue": {"sam_missile": {"pk": {"missile": 0.5}}},
            "doctrine": {"missile": [{"item": "sam_missile", "shots": 1}]},
        }
    )
    game = wargame.Game(scenario, mode="expected")
    m = game.play_turn(game.orders()).metrics
    # attack drones come first in the scenario: they take all 60 missiles; none left for missiles
    assert m["expended_sam_missile_units"] == 60
    assert m["leaked_missile_units"] == pytest.approx(40)
    assert m["leaked_attack_drone_units"] == pytest.approx(46)
