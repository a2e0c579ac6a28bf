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
        ledger.add(turn, orders, record.metrics, state, expected=False)
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


EVERY_RULE = """
extends: tutorial
title: "Test variant: joint lines, strikes, decoys and every kind of event"
turns: 6
catalogue:
  interceptor_drone:
    joint_production: {partner: a partner, capacity_cost_factor: 1.5, lead_time_days: 30, unit_cost_factor: 0.8}
  strike_drone:
    name: Long-range strike drone
    role: strike_drone
    unit_cost_usd: 50_000
    max_shots_per_target: 1
    stock_units: 40
    capacity_units_per_turn: 20
    capacity_cost_usd_per_unit: 0
    capacity_lead_time_days: 0
    imports: {available_units_per_turn: 10, price_premium: 0.5, delay_days: 0}
adversary:
  threats:
    attack_drone: {decoy_share: 0.3, decoy_unit_cost_usd: 10_000, growth_per_turn: 0.1, schedule: {3: 1.5}}
  countermeasures: {first_turn: 2, interval_turns: 2, pk_penalty: 0.5}
  target_sets:
    launch_sites: {name: Launch sites, value_usd_per_hit: 2_000_000, capacity_loss_per_hit: 0.02, recovery_per_turn: 0.2, dwell_minutes: 30}
training:
  lead_time_days: 0
events:
  - {turn: 2, type: funding, grant_usd: 10_000_000, per_turn_usd: 25_000_000, text: A grant.}
  - {turn: 3, type: legal_regime, prohibited_levels: [full_autonomy, remote_piloting], incident_cost_usd: 8_000_000, text: Stricter rules.}
  - {turn: 3, type: import_market, item: sam_missile, available_units_per_turn: 2, text: The market dries up.}
  - {turn: 4, type: jamming, intensity: 0.7, text: Jamming grows.}
  - {turn: 5, type: delivery, item: strike_drone, units: 10, text: Drones from an ally.}
  - {turn: 2, type: delivery, item: sam_missile, units: 6, text: "Missiles from an ally, maybe late.", slip: {chance: 0.5, by_turns: [1, 2]}}
"""


@pytest.mark.parametrize("mode", ["stochastic", "expected"])
def test_random_legal_play_with_every_rule_in_play(tmp_path, mode):
    """Joint lines, a free production line, strikes, training with no lead, prohibitions that
    include the default level, every kind of event and a delivery that may slip: the projection
    still finds legal orders, and the ledger counts the slipped delivery when it comes."""
    path = tmp_path / "every_rule.yaml"
    path.write_text(EVERY_RULE, encoding="utf-8")
    assert play_random(wargame.load_scenario(path), games=48, seed=2, mode=mode) == []
    assert main(["validate", "--play", "--games", "4", str(path)]) == 0
