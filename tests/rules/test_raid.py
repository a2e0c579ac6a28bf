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


def test_a_scripted_raid_surge_multiplies_its_turn_only(variant):
    # tutorial: 100 attack drones a turn in expected mode; the surge doubles turn 2 only
    surge = {"turn": 2, "type": "raid_surge", "threat": "attack_drone", "multiplier": 2.0, "text": "A surge."}
    scenario = variant({"events": [surge]})
    assert raid_sizes(scenario, 3) == pytest.approx([100, 200, 100])


def test_a_raid_surge_multiplies_a_scheduled_turn_and_shows_in_the_estimate(variant):
    surge = {"turn": 2, "type": "raid_surge", "threat": "attack_drone", "multiplier": 1.5, "text": "A surge."}
    scenario = variant({"adversary": {"threats": {"attack_drone": {"schedule": {2: 3.0}}}}, "events": [surge]})
    assert raid_sizes(scenario, 2) == pytest.approx([100, 100 * 3.0 * 1.5])
    game = wargame.Game(scenario, mode="expected")
    game.play_turn()
    low, high = game.view().raid_estimate_units["attack_drone"]
    assert (low + high) / 2 == pytest.approx(450)


def test_an_injected_raid_surge_multiplies_the_next_turn_only():
    game = wargame.Game("tutorial", mode="expected")
    game.play_turn()
    game.inject({"type": "raid_surge", "threat": "attack_drone", "multiplier": 2.5, "text": "White Cell: a surge."})
    assert game.play_turn().metrics["raid_size_units"] == pytest.approx(250)
    assert game.play_turn().metrics["raid_size_units"] == pytest.approx(100)


def test_a_raid_surge_names_a_threat_the_scenario_has(variant, tmp_path):
    from wargame.scenario import ScenarioError

    surge = {"turn": 2, "type": "raid_surge", "threat": "attack_drones", "multiplier": 2.0, "text": "A surge."}
    with pytest.raises(ScenarioError, match=r"events\[0\]\.threat.*unknown threat"):
        variant({"events": [surge]})
