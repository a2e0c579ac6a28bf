"""Chance: expectations in expected mode; per-game streams that do not depend on the batch."""

import numpy as np
import pytest

from wargame.rules.draws import ExpectedDraws, RandomDraws, make_draws


def test_expected_mode_returns_expectations_and_keeps_fractions():
    draws = ExpectedDraws()
    assert draws.binomial(np.array([100.0]), np.array([0.9]))[0] == pytest.approx(90)
    assert draws.binomial(np.array([10.24]), np.array([0.9]))[0] == pytest.approx(9.216)
    assert draws.poisson(np.array([12.5]))[0] == 12.5
    assert draws.whole(np.array([2.5]))[0] == 2.5


def test_a_games_draws_do_not_depend_on_the_rest_of_the_batch():
    alone = RandomDraws([np.random.default_rng(7)], 6)
    batch = RandomDraws([np.random.default_rng(s) for s in (3, 7, 11)], 6)
    for draws in (alone, batch):
        draws.start_turn()
    n_alone, n_batch = np.array([1000.0]), np.array([50.0, 1000.0, 5.0])
    assert alone.binomial(n_alone, np.full(1, 0.3))[0] == batch.binomial(n_batch, np.full(3, 0.3))[1]
    assert alone.poisson(np.array([7.0]))[0] == batch.poisson(np.array([1.0, 7.0, 900.0]))[1]


def test_asking_for_more_than_the_turn_reserves_is_an_error():
    draws = RandomDraws([np.random.default_rng(0)], 2)
    draws.start_turn()
    draws.binomial(np.array([5.0]), np.array([0.5]))
    with pytest.raises(RuntimeError):
        draws.binomial(np.array([5.0]), np.array([0.5]))


def test_unknown_mode_is_refused():
    with pytest.raises(ValueError, match="stochastic"):
        make_draws("average", [0], 4)
