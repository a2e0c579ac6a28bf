"""The raid: launch capacity, growth, the schedule, suppression and decoys."""

import numpy as np
import pytest

import wargame
from wargame.rules.raid import expected_raid_size
from wargame.tables import tables_for


def raid_sizes(scenario, turns, mode="expected"):
    game = wargame.Game(scenario, mode=mode)
    sizes = []
    for _ in range(turns):
        sizes.append(game.play_turn(game.orders()).metrics["raid_size_units"])
    return sizes


def test_launch_capacity_grows_each_turn(variant):
    scenario = variant({"adversary": {"threats": {"attack_drone": {"growth_per_turn": 0.1}}}})
    assert raid_sizes(scenario, 3) == pytest.approx([100, 110, 121])


def test_schedule_multiplies_a_turns_raid(variant):
    scenario = variant({"adversary": {"threats": {"attack_drone": {"schedule": {2: 3.0, 3: 0.5}}}}})
    assert raid_sizes(scenario, 3) == pytest.approx([100, 300, 50])


def test_decoy_share_and_raid_cost(variant):
    scenario = variant(
        {"adversary": {"threats": {"attack_drone": {"decoy_share": 0.3, "decoy_unit_cost_usd": 10_000}}}}
    )
    game = wargame.Game(scenario, mode="expected")
    m = game.play_turn(game.orders()).metrics
    assert m["raid_decoys_units"] == pytest.approx(30)
    assert m["raid_cost_usd"] == pytest.approx(70 * 35_000 + 30 * 10_000)


def test_suppression_scales_the_expected_raid(strike_scenario):
    game = wargame.Game(strike_scenario, mode="expected")
    tables = tables_for(strike_scenario)
    state = game.state.replace(suppression=np.array([[0.5, 0.8]]))
    assert expected_raid_size(state, tables)[0, 0] == pytest.approx(100 * 0.5 * 0.8)


def test_stochastic_raids_vary_around_the_expected_size():
    sizes = [wargame.Game("tutorial", seed=s).play_turn().metrics["raid_size_units"] for s in range(200)]
    assert len(set(sizes)) > 5
    assert all(float(x).is_integer() for x in sizes)
    assert np.mean(sizes) == pytest.approx(100, abs=3 * 10 / np.sqrt(200) + 0.5)
