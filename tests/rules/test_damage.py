"""Damage: real leakers hit categories by their shares; values, harm and lost capacity."""

import numpy as np
import pytest

import wargame
from wargame.rules.damage import split_by_shares, value_of_a_real_hit
from wargame.rules.draws import ExpectedDraws, RandomDraws
from wargame.tables import tables_for


def test_damage_of_46_leakers_by_hand():
    game = wargame.Game("tutorial", mode="expected")
    m = game.play_turn(game.orders()).metrics  # missiles only: 46 leak
    hits = {"energy": 46 * 0.4, "industry": 46 * 0.2, "military": 46 * 0.2, "civilian": 46 * 0.2}
    for category, expected in hits.items():
        assert m[f"hits_{category}_units"] == pytest.approx(expected)
    value = 18.4 * 3_000_000 + 9.2 * 2_000_000 + 9.2 * 2_500_000 + 9.2 * 1_000_000  # $105.8M
    assert m["damage_usd"] == pytest.approx(value)
    assert m["civilian_harm_people"] == pytest.approx(9.2 * 0.5)
    assert m["capacity_lost_pct"] == pytest.approx(100 * (1 - 0.99**9.2))
    # value protected: the 54 downed would have done the same average damage
    assert m["value_protected_usd"] == pytest.approx(54 * value / 46)


def test_damage_factor_scales_a_threats_hits(variant):
    scenario = variant({"adversary": {"threats": {"attack_drone": {"damage_factor": 2.0}}}})
    game = wargame.Game(scenario, mode="expected")
    m = game.play_turn(game.orders()).metrics
    assert m["damage_usd"] == pytest.approx(2 * 105_800_000)
    assert value_of_a_real_hit(tables_for(scenario)) == pytest.approx([2 * 105_800_000 / 46])


def test_split_by_shares_is_exact_in_expectation_and_whole_when_drawn():
    shares = np.array([0.4, 0.2, 0.2, 0.2])
    expected = split_by_shares(np.array([46.0]), shares, ExpectedDraws())
    assert expected[0] == pytest.approx([18.4, 9.2, 9.2, 9.2])
    draws = RandomDraws([np.random.default_rng(s) for s in range(500)], 8)
    draws.start_turn()
    drawn = split_by_shares(np.full(500, 46.0), shares, draws)
    assert np.all(drawn.sum(axis=1) == 46)
    assert np.all(drawn == np.round(drawn)) and np.all(drawn >= 0)
    assert drawn.mean(axis=0) == pytest.approx([18.4, 9.2, 9.2, 9.2], abs=0.5)
