"""The game as a Gymnasium environment: the API contract, spaces, seeds, masks and the vector env."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

gymnasium = pytest.importorskip("gymnasium")  # the [rl] extra; `make install` installs it

from gymnasium.utils.env_checker import check_env  # noqa: E402

import wargame  # noqa: E402
from wargame.actions import action_layout, legal_orders  # noqa: E402
from wargame.env import ENV_IDS, WargameEnv, WargameVectorEnv, env_id  # noqa: E402
from wargame.lessons.records import Lesson  # noqa: E402
from wargame.observe import observation_table  # noqa: E402
from wargame.orders import order_problems, orders_to_arrays  # noqa: E402
from wargame.scenario import shipped_scenarios  # noqa: E402

SHIPPED = shipped_scenarios()


def test_every_shipped_scenario_is_registered_under_a_versioned_id():
    assert ENV_IDS == [env_id(name) for name in SHIPPED]
    assert env_id("gulf_depletion") == "wargame/GulfDepletion-v0"
    for ident, name in zip(ENV_IDS, SHIPPED):
        spec = gymnasium.spec(ident)
        assert spec.kwargs == {"scenario": name} and spec.version == 0
        assert spec.vector_entry_point == "wargame.env:WargameVectorEnv"


@pytest.mark.parametrize("ident", ENV_IDS)
def test_check_env_passes_with_warnings_as_errors(ident):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        env = gymnasium.make(ident)
        check_env(env.unwrapped)
        env.close()


@pytest.mark.parametrize("name", SHIPPED)
def test_spaces_come_from_the_scenario(name):
    env = WargameEnv(name)
    tables = env.tables
    assert env.observation_space.shape == (len(observation_table(tables)),)
    assert env.observation_space.dtype == np.float32
    space = env.action_space.spaces
    assert space["production"].shape == space["capacity"].shape == (len(tables.items),)
    assert space["autonomy"].n == len(tables.levels) and space["development"].n == len(tables.cycles)
    assert ("imports" in space) == bool(tables.has_imports.any())
    assert ("joint" in space) == bool(tables.has_joint.any())
    assert ("strikes" in space) == bool(tables.is_strike.any() and tables.target_sets)
    if "imports" in space:
        assert space["imports"].shape == (int(tables.has_imports.sum()),)


def play(env, seed: int, actions_seed: int = 5) -> list:
    """A whole game with seeded random actions: (observation, reward, metrics) per step."""
    obs, info = env.reset(seed=seed)
    env.action_space.seed(actions_seed)
    steps = [(obs, 0.0, {})]
    terminated = False
    while not terminated:
        obs, reward, terminated, truncated, info = env.step(env.action_space.sample(mask=info["action_mask"]))
        assert truncated is False
        steps.append((obs, reward, {k: v for k, v in info.items() if isinstance(v, float)}))
    return steps


def same(a: list, b: list) -> bool:
    return all(np.array_equal(x[0], y[0]) and x[1] == y[1] and x[2] == y[2] for x, y in zip(a, b, strict=True))


def test_the_same_seed_and_actions_give_the_same_game_and_another_seed_another():
    env = WargameEnv("gulf_depletion")
    first, again, other = play(env, seed=9), play(env, seed=9), play(env, seed=10)
    assert same(first, again)
    assert not same(first, other)
    assert len(first) == env.scenario.turns + 1


def test_reset_without_a_seed_follows_the_first_seed():
    env = WargameEnv("tutorial")
    env.reset(seed=3)
    seeds = [env.reset()[1]["seed"] for _ in range(3)]
    env.reset(seed=3)
    assert [env.reset()[1]["seed"] for _ in range(3)] == seeds


@pytest.mark.parametrize("name", SHIPPED)
def test_info_carries_the_turns_metrics_lessons_and_orders(name):
    env = WargameEnv(name, mode="expected")
    obs, info = env.reset(seed=0)
    assert set(info["action_mask"]) == set(env.action_space.spaces)
    obs, reward, terminated, truncated, info = env.step(env.action_space.sample())
    report = env.game.reports[-1]
    for metric in ("damage_usd", "interceptor_spend_usd", "defender_cost_usd", "full_exchange_ratio", "money_end_usd"):
        assert info[metric] == report.metrics[metric]
    assert reward == pytest.approx(-report.metrics["defender_cost_usd"] / 1e6, rel=1e-12)
    assert isinstance(info["lessons"], tuple) and all(isinstance(lesson, Lesson) for lesson in info["lessons"])
    assert info["lessons"] == tuple(report.lessons)
    assert info["orders"].to_dict() == report.orders.to_dict()
    assert obs in env.observation_space


def test_the_game_ends_after_its_last_turn():
    env = WargameEnv("tutorial")
    steps = play(env, seed=1)
    assert len(steps) == 5 and env.game.is_over
    with pytest.raises(RuntimeError, match="reset"):
        env.step(env.action_space.sample())


def test_render_ansi_shows_the_last_turn():
    env = WargameEnv("tutorial", render_mode="ansi")
    env.reset(seed=0)
    assert "Game 'tutorial'" in env.render()
    env.step(env.action_space.sample())
    assert env.render().startswith("Turn 1 of 4")


@pytest.mark.parametrize("name", SHIPPED)
def test_random_actions_never_give_refused_orders(name):
    """Sampled actions, masked and not, are carried out: the orders played pass the engine's check."""
    env = WargameEnv(name)
    for seed, masked in ((0, True), (1, False)):
        obs, info = env.reset(seed=seed)
        env.action_space.seed(seed)
        terminated = False
        while not terminated:
            action = env.action_space.sample(mask=info["action_mask"] if masked else None)
            arrays = legal_orders(env.game.state, env.tables, {k: np.asarray(v)[None] for k, v in action.items()}, strict=True)
            assert order_problems(env.game.state, arrays, env.tables) == []
            obs, reward, terminated, truncated, info = env.step(action)
            assert orders_to_arrays(info["orders"], env.tables).production.tolist() == arrays.production.tolist()
            assert obs in env.observation_space and np.isfinite(reward)


def test_reset_may_switch_to_a_scenario_with_the_same_spaces(tmp_path):
    env = WargameEnv("tutorial")
    same_spaces = tmp_path / "tutorial_variant.yaml"
    same_spaces.write_text("extends: tutorial\ntitle: Same spaces, another adversary\nadversary:\n  threats:\n    attack_drone:\n      unit_cost_usd: 40_000\n", encoding="utf-8")
    env.reset(seed=0, options={"scenario": str(same_spaces)})
    assert env.scenario.title == "Same spaces, another adversary"
    with pytest.raises(ValueError, match="make a new environment"):
        env.reset(options={"scenario": "gulf_depletion"})
    with pytest.raises(ValueError, match="unknown reset options"):
        env.reset(options={"seed": 3})


@pytest.mark.parametrize("mode", ["expected", "stochastic"])
@pytest.mark.parametrize("name", ["gulf_depletion", "eastern_front"])
def test_the_vector_env_plays_like_single_envs_with_the_same_seeds(name, mode):
    games, seed = 4, 70
    vector = WargameVectorEnv(games, name, mode=mode)
    singles = [WargameEnv(name, mode=mode) for _ in range(games)]
    obs, info = vector.reset(seed=seed)
    assert info["seed"].tolist() == [seed + k for k in range(games)]
    for k, env in enumerate(singles):
        single_obs, _ = env.reset(seed=seed + k)
        assert np.array_equal(obs[k], single_obs)
    vector.action_space.seed(1)
    for _ in range(vector.tables.turns):
        actions = vector.action_space.sample()
        obs, reward, terminated, truncated, info = vector.step(actions)
        for k, env in enumerate(singles):
            one = {key: value[k] for key, value in actions.items()}
            single_obs, single_reward, single_done, _, single_info = env.step(one)
            assert np.array_equal(obs[k], single_obs)
            assert reward[k] == single_reward and terminated[k] == single_done
            assert info["damage_usd"][k] == single_info["damage_usd"] and info["_damage_usd"][k]
    assert terminated.all() and not truncated.any()


def test_the_vector_env_starts_new_games_on_the_step_after_the_last():
    vector = WargameVectorEnv(3, "tutorial")
    obs, info = vector.reset(seed=0)
    first = obs.copy()
    for _ in range(4):
        obs, reward, terminated, truncated, info = vector.step(vector.action_space.sample())
    assert terminated.all()
    obs, reward, terminated, truncated, info = vector.step(vector.action_space.sample())
    assert np.array_equal(obs, first) and not reward.any() and not terminated.any()
    assert info["seed"].tolist() != [0, 1, 2]
    assert vector.observation_space.shape == (3, *vector.single_observation_space.shape)


def test_make_vec_uses_the_batched_engine():
    envs = gymnasium.make_vec("wargame/Tutorial-v0", num_envs=5, vectorization_mode="vector_entry_point")
    assert isinstance(envs.unwrapped, WargameVectorEnv) and envs.num_envs == 5
    obs, _ = envs.reset(seed=2)
    assert obs.shape == (5, *envs.single_observation_space.shape)


def test_a_bad_mode_or_batch_is_refused():
    with pytest.raises(ValueError, match="mode"):
        WargameEnv("tutorial", mode="average")
    with pytest.raises(ValueError, match="num_envs"):
        WargameVectorEnv(0, "tutorial")
    env = WargameEnv("tutorial")
    env.reset(seed=0)
    with pytest.raises(KeyError, match="production"):
        env.step({"doctrine": 0})


def test_a_policy_trained_on_the_env_races_in_simulate():
    """An action function over observations, wrapped as a batched policy, plays ``simulate``."""
    from wargame.env import policy_from_actions

    tables = WargameEnv("tutorial").tables
    layout = action_layout(tables)

    def choose(observations: np.ndarray) -> dict:
        batch = len(observations)
        action = {key: np.full((batch, size), 0.5) for key, size in layout.shapes.items()}
        action.update(doctrine=np.ones(batch, int), autonomy=np.zeros(batch, int), development=np.zeros(batch, int))
        return action

    result = wargame.simulate("tutorial", policy_from_actions(choose, name="half_of_everything"), runs=20, seed=0)
    assert result.policy == "half_of_everything" and len(result.totals) == 20
    assert (result.history["spend_production_usd"] > 0).all()
