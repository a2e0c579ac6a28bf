"""Random legal play with the invariants checked: on every scenario, and it catches a broken engine."""

from __future__ import annotations

import numpy as np
import pytest

import wargame
import wargame.selfcheck as selfcheck
from wargame.__main__ import main
from wargame.actions import legal_orders, random_actions
from wargame.rules.draws import make_draws
from wargame.scenario import shipped_scenarios
from wargame.selfcheck import Ledger, play_random
from wargame.state import initial_state
from wargame.tables import tables_for
from wargame.turn import resolve_turn

SHIPPED = shipped_scenarios()


@pytest.mark.parametrize("mode", ["stochastic", "expected"])
@pytest.mark.parametrize("name", SHIPPED)
def test_random_legal_play_keeps_every_invariant(name, mode):
    assert play_random(wargame.load_scenario(name), games=24, seed=5, mode=mode) == []


def _three_turns(name: str = "gulf_depletion"):
    tables = tables_for(wargame.load_scenario(name))
    rng = np.random.default_rng(0)
    state = initial_state(tables, 4)
    draws = make_draws("stochastic", np.arange(4), tables.draw_columns)
    ledger = Ledger(tables, 4)
    for _ in range(3):
        orders = legal_orders(state, tables, random_actions(rng, tables, 4), strict=True)
        turn = state.turn
        state, record = resolve_turn(state, orders, tables, draws)
        ledger.add(turn, orders, record.metrics)
    return tables, state, ledger


def test_the_ledger_sees_a_drone_appear_from_nowhere():
    tables, state, ledger = _three_turns()
    assert ledger.problems(state, "stochastic") == []
    stock = state.stock.copy()
    stock[2, 1] += 1
    problems = ledger.problems(state.replace(stock=stock), "stochastic")
    assert problems and problems[0].startswith("after turn 3, game 2: units not conserved")


def test_the_ledger_sees_money_vanish_and_a_negative_stock():
    tables, state, ledger = _three_turns()
    problems = ledger.problems(state.replace(money=state.money - 1000.0), "stochastic")
    assert any("money not conserved" in p for p in problems)
    stock = state.stock.copy()
    stock[0, 0] = -2.0
    assert any("state stock is negative" in p for p in ledger.problems(state.replace(stock=stock), "stochastic"))


def test_play_random_reports_a_broken_rule(monkeypatch):
    """An engine that loses a missile each turn (while it has one) is caught."""

    def leaky(state, orders, tables, draws, keep_events=True):
        state, record = resolve_turn(state, orders, tables, draws, keep_events)
        return state.replace(stock=np.maximum(state.stock - np.eye(1, state.stock.shape[1]), 0)), record

    monkeypatch.setattr(selfcheck, "resolve_turn", leaky)
    problems = play_random(wargame.load_scenario("tutorial"), games=3)
    assert problems and "units not conserved" in problems[0]


def test_validate_play_plays_each_file(capsys):
    assert main(["validate", "--play", "--games", "3", "tutorial"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("OK: tutorial (")
    assert out[1] == "OK: tutorial: 3 random games in each mode kept every invariant"


def test_validate_play_exits_1_and_prints_what_broke(capsys, monkeypatch):
    monkeypatch.setattr(selfcheck, "play_random", lambda scenario, games, mode: ["after turn 2, game 0: money not conserved"] if mode == "expected" else [])
    assert main(["validate", "--play", "tutorial"]) == 1
    captured = capsys.readouterr()
    assert "tutorial: expected play: after turn 2, game 0: money not conserved" in captured.out
    assert "problems in 1 of 1 scenario file" in captured.err
