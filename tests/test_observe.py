"""The observer: one documented vector of what the player sees, and PlayerView read from it."""

from __future__ import annotations

import math

import numpy as np
import pytest

import wargame
from wargame import Game, PlayerView
from wargame.actions import legal_orders, random_actions
from wargame.batch import decide
from wargame.observe import observation_table, observe, player_view, player_views
from wargame.orders import orders_from_arrays
from wargame.policies import BUILT_IN
from wargame.rules.draws import make_draws
from wargame.scenario import shipped_scenarios
from wargame.state import initial_state
from wargame.tables import tables_for
from wargame.turn import resolve_turn

SHIPPED = shipped_scenarios()


@pytest.fixture(scope="module")
def scenarios() -> dict:
    return {name: wargame.load_scenario(name) for name in SHIPPED}


def played(scenario, turns: int, seed: int = 3) -> Game:
    """A game some turns in, played by the balanced policy (stock, capacity, orders on their way)."""
    game = Game(scenario, seed=seed)
    for _ in range(turns):
        game.play_turn(orders_from_arrays(decide(BUILT_IN["balanced"], game.state, game.tables), game.tables))
    return game


@pytest.mark.parametrize("name", SHIPPED)
def test_the_table_documents_every_entry_of_the_vector(scenarios, name):
    tables = tables_for(scenarios[name])
    table = observation_table(tables)
    vector = observe(initial_state(tables, 3), tables)
    assert vector.shape == (3, len(table)) and vector.dtype == np.float32
    assert len(set(table.names)) == len(table), "entry names are unique"
    assert all(entry.unit for entry in table.entries)
    assert np.all(table.low < table.high) and np.all(np.isfinite(table.high))
    n_items, n_threats, n_levels = len(tables.items), len(tables.threats), len(tables.levels)
    assert len(table) == 3 + 5 * n_items + 2 + n_threats + n_levels  # turn, money, income; 4 per item + countermeasures
    for item in tables.items:
        assert f"stock_{item}_units" in table.names and f"capacity_{item}_units_per_turn" in table.names
    assert table.frame().loc["money_million_usd", "unit"] == "million USD"


def test_money_is_shown_in_millions_and_read_back_in_usd(scenarios):
    tables = tables_for(scenarios["tutorial"])
    state = initial_state(tables, 1)
    table = observation_table(tables)
    money = table.names.index("money_million_usd")
    assert observe(state, tables, dtype=np.float64)[0, money] == pytest.approx(state.money[0] / 1e6, rel=1e-15)
    assert observe(state, tables, dtype=np.float64, base_units=True)[0, money] == state.money[0]


@pytest.mark.parametrize("name", SHIPPED)
def test_player_view_reads_the_state_exactly(scenarios, name):
    """Every field of the view, against the state's own arrays (the view's meaning, spelt out)."""
    game = played(scenarios[name], turns=min(3, scenarios[name].turns - 1))
    state, tables = game.state, game.tables
    view = game.view()
    assert isinstance(view, PlayerView)
    assert (view.turn, view.turns) == (state.turn, scenarios[name].turns)
    assert view.money_usd == state.money[0] and view.income_usd_per_turn == state.income[0]
    on_order = tables.stock_pipe.waiting(state.incoming_stock)[0]
    for i, item in enumerate(tables.items):
        assert view.stock_units[item] == state.stock[0, i]
        assert view.capacity_units_per_turn[item] == state.capacity[0, i] + state.joint_capacity[0, i]
        assert view.on_order_units[item] == on_order[i]
        assert view.import_available_units[item] == state.import_available[0, i]
    assert view.operators == state.operators[0] and view.jamming_intensity == state.jamming[0]
    mean = state.launch_capacity[0] * tables.raid_schedule[state.turn] * np.prod(state.suppression[0])
    for t, threat in enumerate(tables.threats):
        low, high = view.raid_estimate_units[threat]
        assert low == pytest.approx(max(0.0, mean[t] - 2 * math.sqrt(mean[t])), rel=1e-12)
        assert high == pytest.approx(mean[t] + 2 * math.sqrt(mean[t]), rel=1e-12)
    assert view.countermeasures == {item: state.countermeasure[0, i] for i, item in enumerate(tables.items) if state.countermeasure[0, i] > 0}
    assert view.prohibited_levels == tuple(level for a, level in enumerate(tables.levels) if state.prohibited[0, a])


def test_a_finished_game_shows_no_coming_raid(scenarios):
    game = played(scenarios["tutorial"], turns=scenarios["tutorial"].turns)
    assert game.is_over
    view = game.view()
    assert view.turn == game.scenario.turns + 1
    assert all(band == (0.0, 0.0) for band in view.raid_estimate_units.values())


def test_each_row_of_a_batch_is_that_games_own_view(scenarios):
    tables = tables_for(scenarios["gulf_depletion"])
    rng = np.random.default_rng(4)
    state = initial_state(tables, 5)
    draws = make_draws("stochastic", np.arange(5), tables.draw_columns)
    for _ in range(3):
        state, _ = resolve_turn(state, legal_orders(state, tables, random_actions(rng, tables, 5), strict=True), tables, draws)
    views = player_views(state, tables)
    whole = observe(state, tables)
    for game in range(5):
        assert views[game] == player_view(state, tables, game)
        assert np.array_equal(whole[game], observe(state.take([game]), tables)[0])
    assert len({view.money_usd for view in views}) > 1, "the games differ, so must their views"


@pytest.mark.parametrize("mode", ["stochastic", "expected"])
@pytest.mark.parametrize("name", SHIPPED)
def test_random_legal_play_stays_within_the_documented_bounds(scenarios, name, mode):
    tables = tables_for(scenarios[name])
    table = observation_table(tables)
    low, high = table.low.astype(np.float32), table.high.astype(np.float32)
    rng = np.random.default_rng(11)
    games = 64
    state = initial_state(tables, games)
    draws = make_draws(mode, 100 + np.arange(games), tables.draw_columns)
    while state.turn <= tables.turns:
        # all-out actions as well as random ones: spending everything is what pushes the bounds
        action = random_actions(rng, tables, games)
        for key, values in action.items():
            if values.dtype.kind == "f":
                values[: games // 2] = 1.0
        state, _ = resolve_turn(state, legal_orders(state, tables, action, strict=True), tables, draws)
        vector = observe(state, tables)
        below, above = vector < low, vector > high
        assert not below.any(), f"{[table.names[j] for j in np.nonzero(below.any(axis=0))[0]]} below their bound"
        assert not above.any(), f"{[table.names[j] for j in np.nonzero(above.any(axis=0))[0]]} above their bound"
