"""Actions projected onto legal orders: whatever an agent asks, the engine accepts what it gets."""

from __future__ import annotations

import numpy as np
import pytest

import wargame
from wargame.actions import DOCTRINES, action_layout, action_mask, legal_orders, random_actions, turn_reward
from wargame.orders import order_costs, order_problems
from wargame.rules.draws import make_draws
from wargame.scenario import shipped_scenarios
from wargame.state import initial_state
from wargame.tables import tables_for
from wargame.turn import resolve_turn

SHIPPED = shipped_scenarios()


@pytest.fixture(scope="module")
def scenarios() -> dict:
    return {name: wargame.load_scenario(name) for name in SHIPPED}


def hostile_actions(rng, tables, batch: int) -> dict:
    """Random actions, plus values outside the space: above 1, negative, NaN, huge choices."""
    action = random_actions(rng, tables, batch)
    for key, values in action.items():
        if values.dtype.kind == "f":
            pick = rng.random(values.shape)
            values[pick < 0.2] = 1.0
            values[(pick > 0.2) & (pick < 0.25)] = 7.5
            values[(pick > 0.25) & (pick < 0.3)] = -3.0
            values[(pick > 0.3) & (pick < 0.32)] = np.nan
        else:
            values[: batch // 4] = 99
    return action


@pytest.mark.parametrize("mode", ["stochastic", "expected"])
@pytest.mark.parametrize("name", SHIPPED)
def test_every_action_becomes_orders_the_engine_accepts(scenarios, name, mode):
    tables = tables_for(scenarios[name])
    rng = np.random.default_rng(21)
    games = 48
    state = initial_state(tables, games)
    draws = make_draws(mode, np.arange(games), tables.draw_columns)
    while state.turn <= tables.turns:
        orders = legal_orders(state, tables, hostile_actions(rng, tables, games), strict=True)
        assert order_problems(state, orders, tables) == []
        assert np.all(sum(order_costs(state, orders, tables).values()) <= state.money + 1e-6)
        state, _ = resolve_turn(state, orders, tables, draws)


def test_all_out_orders_spend_up_to_the_money_and_no_further(scenarios):
    tables = tables_for(scenarios["gulf_depletion"])
    full = initial_state(tables, 1)
    layout = action_layout(tables)
    everything = {key: np.ones((1,) if size is None else (1, size)) for key, size in layout.shapes.items()}
    everything.update({key: np.zeros(1, int) for key in layout.choices})
    wanted = float(sum(order_costs(full, legal_orders(full, tables, everything, strict=True), tables).values())[0])
    assert wanted <= full.money[0]
    state = full.replace(money=np.array([wanted / 2]))  # now everything costs twice the money
    orders = legal_orders(state, tables, everything, strict=True)
    spent = float(sum(order_costs(state, orders, tables).values())[0])
    assert 0.9 * state.money[0] < spent <= state.money[0], "cut in proportion, to just within the money"
    assert orders.production.sum() > 0 and orders.capacity.sum() > 0


def test_a_modest_action_is_carried_out_as_asked(scenarios):
    """Hand arithmetic on the tutorial: 40% of each line's capacity, nothing else."""
    scenario = scenarios["tutorial"]
    tables = tables_for(scenario)
    state = initial_state(tables, 1)
    layout = action_layout(tables)
    action = {key: np.zeros((1, size)) for key, size in layout.shapes.items()}
    action["production"][:] = 0.4
    action.update(doctrine=np.array([1]), autonomy=np.array([0]), development=np.array([0]))
    orders = legal_orders(state, tables, action, strict=True)
    capacity = [scenario.catalogue[item].capacity_units_per_turn for item in tables.items]
    assert orders.production[0].tolist() == [np.floor(0.4 * c) for c in capacity]
    assert orders.capacity.sum() == orders.imports.sum() == 0


def test_a_prohibited_level_is_replaced_and_masked(tmp_path):
    path = tmp_path / "strict.yaml"
    path.write_text("extends: gulf_depletion\nautonomy:\n  legal_regime:\n    prohibited_levels: [full_autonomy]\n", encoding="utf-8")
    tables = tables_for(wargame.load_scenario(path))
    state = initial_state(tables, 2)
    full = tables.levels.index("full_autonomy")
    mask = action_mask(state, tables)["autonomy"]
    assert mask.dtype == np.int8 and mask[:, full].tolist() == [0, 0] and mask.sum() == 2 * (len(tables.levels) - 1)
    action = random_actions(np.random.default_rng(0), tables, 2)
    action["autonomy"][:] = full
    orders = legal_orders(state, tables, action, strict=True)
    assert orders.autonomy.tolist() == [tables.levels.index(tables.scenario.autonomy.default_level)] * 2


def test_doctrines_are_the_documented_set(scenarios):
    tables = tables_for(scenarios["gulf_depletion"])
    layout = action_layout(tables)
    assert layout.choices["doctrine"] == len(DOCTRINES) == layout.doctrine_items.shape[0]
    starting = layout.doctrine_items[list(DOCTRINES).index("starting")]
    for t, threat in enumerate(tables.threats):
        listed = [tables.items.index(layer.item) for layer in tables.scenario.doctrine.get(threat, ())]
        assert starting[t, : len(listed)].tolist() == listed
    dearest = layout.doctrine_items[list(DOCTRINES).index("dearest_only")]
    for t in range(len(tables.threats)):
        able = np.nonzero(tables.can_engage[:, t])[0]
        assert dearest[t, 0] == able[np.argmax(tables.unit_cost[able])] and (dearest[t, 1:] == -1).all()


def test_a_missing_entry_is_named():
    tables = tables_for(wargame.load_scenario("tutorial"))
    action = random_actions(np.random.default_rng(0), tables, 1)
    del action["production"]
    with pytest.raises(KeyError, match="production"):
        legal_orders(initial_state(tables, 1), tables, action)


def test_the_reward_is_the_full_cost_account_in_millions():
    metrics = {"defender_cost_usd": np.array([2_500_000.0, 0.0]), "damage_usd": np.array([1.0, 1.0])}
    assert turn_reward(metrics).tolist() == [-2.5, 0.0]
