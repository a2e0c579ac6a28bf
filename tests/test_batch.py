"""Batched play: ``wargame.simulate`` runs the same rules as ``Game``, one game per batch row.

Run k of a batch uses seed ``seed + k`` and its own random generator, so it must play exactly
like ``Game(scenario, seed=seed + k)`` given the same orders: every metric of every turn equal,
bit for bit. Built-in policies give legal orders in every shipped scenario; a student's own
policy (a plain function from what the player sees to ``Orders``) works the same way.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import wargame
from wargame import Game, Layer, Orders, OrdersError, PlayerView
from wargame.batch import decide
from wargame.orders import default_orders, orders_from_arrays
from wargame.scenario import shipped_scenarios
from wargame.tables import tables_for

SHIPPED = shipped_scenarios()
MODES = ("stochastic", "expected")
POLICIES = sorted(wargame.BUILT_IN_POLICIES)
KEYS = ["run", "seed", "turn"]
# The summary: each of these summed over a run's turns, then described over the runs.
SUMMARY_ROWS = [
    "damage_usd",
    "leaked_real_units",
    "civilian_harm_people",
    "interceptor_spend_usd",
    "raid_cost_usd",
    "spend_total_usd",
    "strike_value_destroyed_usd",
    "incidents_count",
    "defender_cost_usd",
    "cost_exchange_ratio",
    "full_exchange_ratio",
    "infrastructure_preserved_pct",
    "money_end_usd",
    "unspent_pct",
    "pars_met",
    "all_pars_met",
]
SUMMED = SUMMARY_ROWS[:9]
SUMMARY_COLUMNS = ["mean", "std", "5%", "50%", "95%"]


@pytest.fixture(scope="module")
def scenarios() -> dict:
    return {name: wargame.load_scenario(name) for name in SHIPPED}


def run_history(result, run: int) -> pd.DataFrame:
    """One run's rows of a simulation's history, indexed by turn like ``Game.history``."""
    rows = result.history[result.history["run"] == run]
    return rows.drop(columns=["run", "seed"]).set_index("turn")


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("policy", ["balanced", "layered_cheap"])
@pytest.mark.parametrize("name", SHIPPED)
def test_run_k_of_a_batch_plays_like_a_game_with_seed_plus_k(scenarios, name, policy, mode):
    scenario, runs, seed = scenarios[name], 5, 100
    result = wargame.simulate(scenario, policy, runs=runs, seed=seed, mode=mode)
    function = wargame.BUILT_IN_POLICIES[policy]
    for k in range(runs):
        game = Game(scenario, seed=seed + k, mode=mode)
        while not game.is_over:
            orders = orders_from_arrays(decide(function, game.state, game.tables), game.tables)
            game.play_turn(orders)
        batch = run_history(result, k)
        assert set(batch.columns) == set(game.history.columns)
        pd.testing.assert_frame_equal(batch[game.history.columns], game.history, check_exact=True, check_names=True)
        assert (result.history.loc[result.history["run"] == k, "seed"] == seed + k).all()
        final = result.final_state.take(np.array([k]))
        for field, values in game.state.arrays().items():
            assert np.array_equal(final.arrays()[field], values), f"run {k}: final state.{field} differs"
    if mode == "stochastic":  # the runs differ from each other: each has its own generator
        first, second = run_history(result, 0), run_history(result, 1)
        assert not first.equals(second)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("policy", POLICIES)
@pytest.mark.parametrize("name", SHIPPED)
def test_built_in_policies_play_every_scenario_to_the_end(scenarios, name, policy, mode):
    """Built-in policies give legal orders all game long (``simulate`` refuses illegal ones)."""
    scenario, runs = scenarios[name], 12
    result = wargame.simulate(scenario, policy, runs=runs, seed=7, mode=mode)
    assert result.policy == policy
    assert len(result.totals) == runs
    assert len(result.history) == runs * scenario.turns
    assert list(result.history.columns[:3]) == KEYS
    expected_keys = pd.MultiIndex.from_product([range(runs), range(1, scenario.turns + 1)], names=["run", "turn"])
    assert result.history.set_index(["run", "turn"]).index.equals(expected_keys)
    assert list(result.history.groupby("run")["seed"].first()) == [7 + k for k in range(runs)]
    assert result.final_state.batch == runs and result.final_state.turn == scenario.turns + 1
    assert result.history.drop(columns=KEYS).notna().all().all()


def test_the_summary_describes_the_totals_of_each_run(scenarios):
    result = wargame.simulate(scenarios["tutorial"], "balanced", runs=40, seed=3)
    assert list(result.summary.index) == SUMMARY_ROWS
    assert list(result.summary.columns) == SUMMARY_COLUMNS
    sums = result.history.groupby("run")[SUMMED].sum()
    pd.testing.assert_frame_equal(result.totals[SUMMED], sums)
    last = result.history.groupby("run")["money_end_usd"].last()
    assert np.array_equal(result.totals["money_end_usd"], last)
    ratio = sums["interceptor_spend_usd"] / sums["raid_cost_usd"]
    assert np.allclose(result.totals["cost_exchange_ratio"], ratio, rtol=1e-12)
    # the full account: interceptors fired plus damage, per dollar of raid
    full = (sums["interceptor_spend_usd"] + sums["damage_usd"]) / sums["raid_cost_usd"]
    assert np.allclose(result.totals["full_exchange_ratio"], full, rtol=1e-12)
    received = last + sums["spend_total_usd"] + result.history.groupby("run")["incident_charges_usd"].sum()
    assert np.allclose(result.totals["unspent_pct"], 100 * last / received, rtol=1e-12)
    for row in SUMMARY_ROWS:
        column = result.totals[row]
        assert result.summary.loc[row, "mean"] == pytest.approx(column.mean(), rel=1e-12)
        assert result.summary.loc[row, "50%"] == pytest.approx(column.median(), rel=1e-12)
        assert result.summary.loc[row, "5%"] <= result.summary.loc[row, "50%"] <= result.summary.loc[row, "95%"]


def test_a_student_policy_is_a_plain_function_of_what_the_player_sees(scenarios):
    scenario = scenarios["tutorial"]
    tables = tables_for(scenario)
    seen: list[PlayerView] = []

    def stand_pat(view: PlayerView) -> Orders:
        """Buy nothing, keep the starting doctrine: what the built-in 'hold' does here."""
        seen.append(view)
        return default_orders(tables)

    runs = 3
    mine = wargame.simulate(scenario, stand_pat, runs=runs, seed=50)
    hold = wargame.simulate(scenario, "hold", runs=runs, seed=50)
    assert mine.policy == "stand_pat"
    pd.testing.assert_frame_equal(mine.history, hold.history, check_exact=True)
    # the function saw each run's own view, turn by turn
    assert [view.turn for view in seen] == [turn for turn in range(1, scenario.turns + 1) for _ in range(runs)]
    assert all(isinstance(view, PlayerView) and view.turns == scenario.turns for view in seen)
    for turn in range(1, scenario.turns + 1):
        views = [v for v in seen if v.turn == turn]
        money = mine.history[mine.history["turn"] == turn]["budget_available_usd"].tolist()
        assert [v.money_usd for v in views] == money


def test_a_student_policy_that_uses_the_view_plays_like_a_game(scenarios):
    """A function that reacts to its view: interceptor drones in front, buy as many as it can."""
    scenario = scenarios["tutorial"]

    def drones_first(view: PlayerView) -> Orders:
        price = float(scenario.catalogue["interceptor_drone"].unit_cost_usd.value)
        build = min(int(view.capacity_units_per_turn["interceptor_drone"]), int(view.money_usd // price))
        return Orders(
            production={"interceptor_drone": build},
            doctrine={"attack_drone": [Layer("interceptor_drone", 2), Layer("sam_missile", 1)]},
        )

    result = wargame.simulate(scenario, drones_first, runs=2, seed=60)
    for k in range(2):
        game = Game(scenario, seed=60 + k)
        while not game.is_over:
            game.play_turn(drones_first(game.view()))
        pd.testing.assert_frame_equal(run_history(result, k)[game.history.columns], game.history, check_exact=True)


@pytest.mark.parametrize("name", SHIPPED)
def test_runs_with_different_orders_stay_independent(scenarios, name):
    """Runs of one batch that order different doctrines (a layer used in some runs, not in others)
    each still play like their own game: no run's choices shift another run's random numbers."""
    scenario = scenarios[name]
    tables = tables_for(scenario)
    cheapest_cycle = tables.cycles[int(np.argmin(tables.cycle_cost))]

    def mixed(view: PlayerView) -> Orders:
        orders = default_orders(tables)
        orders.adaptation = cheapest_cycle
        key = int(sum(view.stock_units.values())) + view.turn  # differs between runs after turn 1
        for t, threat in enumerate(tables.threats):
            able = [item for i, item in enumerate(tables.items) if tables.can_engage[i, t]]
            choice = (key + t) % 3
            layers = [Layer(item, 1) for item in able]
            orders.doctrine[threat] = layers if choice == 0 else layers[::-1][:1] if choice == 1 else []
        return orders

    runs, seed = 4, 300
    result = wargame.simulate(scenario, mixed, runs=runs, seed=seed)
    for k in range(runs):
        game = Game(scenario, seed=seed + k)
        while not game.is_over:
            game.play_turn(mixed(game.view()))
        pd.testing.assert_frame_equal(run_history(result, k)[game.history.columns], game.history, check_exact=True)


def test_a_student_policy_with_illegal_orders_is_refused_with_the_run_and_turn(scenarios):
    def greedy(view: PlayerView) -> Orders:
        return Orders(production={"sam_missile": 1000})

    with pytest.raises(OrdersError) as caught:
        wargame.simulate(scenarios["tutorial"], greedy, runs=2, seed=1)
    assert any(problem.startswith("run 0, turn 1: Production of") for problem in caught.value.problems)


def test_an_unknown_policy_name_is_a_clear_error(scenarios):
    with pytest.raises(ValueError) as caught:
        wargame.simulate(scenarios["tutorial"], "holdd", runs=2)
    message = str(caught.value)
    assert "'holdd'" in message
    for name in POLICIES:
        assert name in message
    with pytest.raises(TypeError, match="policy"):
        wargame.simulate(scenarios["tutorial"], 42, runs=2)


def test_an_unknown_mode_is_a_clear_error(scenarios):
    with pytest.raises(ValueError, match="stochastic.*expected"):
        wargame.simulate(scenarios["tutorial"], "hold", runs=2, mode="average")


def test_simulate_takes_a_scenario_name(scenarios):
    by_name = wargame.simulate("tutorial", "hold", runs=3, seed=9)
    by_object = wargame.simulate(scenarios["tutorial"], "hold", runs=3, seed=9)
    pd.testing.assert_frame_equal(by_name.history, by_object.history, check_exact=True)


def test_simulate_command_prints_the_summary_and_writes_csv(tmp_path):
    import subprocess
    import sys

    path = tmp_path / "runs.csv"
    result = subprocess.run(
        [sys.executable, "-m", "wargame", "simulate", "tutorial", "--runs", "20", "--policy", "hold", "--csv", str(path)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "policy hold, 20 runs" in result.stdout and "damage_usd" in result.stdout and "95%" in result.stdout
    import pandas as pd

    history = pd.read_csv(path)
    assert len(history) == 20 * 4 and set(history["run"]) == set(range(20))
    missing = subprocess.run([sys.executable, "-m", "wargame", "simulate", "tutorail"], capture_output=True, text=True)
    assert missing.returncode == 1 and "did you mean 'tutorial'" in missing.stderr and "Traceback" not in missing.stderr
