"""Own strikes: hit rates by autonomy level under jamming, dwell time, incidents, suppression.

Tutorial autonomy figures: terminal autonomy p_hit 0.5, jamming sensitivity 0.2, kill chain
10 min, misidentification 0.0001, 20 sorties per operator; remote piloting 0.25, 0.8, 20 min,
0.00005. Jamming 0.3. Incident cost $5M. Ten operators.
"""

import math

import pytest

import wargame


def strike(scenario, level, plan, mode="expected"):
    game = wargame.Game(scenario, mode=mode)
    orders = game.orders()
    orders.autonomy = level
    orders.strikes = {"fpv": plan}
    return game, game.play_turn(orders).metrics


def test_terminal_autonomy_holds_its_hit_rate_under_jamming(strike_scenario):
    _, m = strike(strike_scenario, "terminal_autonomy", {"production": 100})
    p_hit = 0.5 * (1 - 0.2 * 0.3)  # 0.47
    assert m["strike_hits_units"] == pytest.approx(100 * p_hit)
    assert m["strike_value_destroyed_usd"] == pytest.approx(100 * p_hit * 1_000_000)
    assert m["strike_cost_usd"] == pytest.approx(100 * 500)
    assert m["incidents_count"] == pytest.approx(100 * 0.0001)
    assert m["incident_cost_usd"] == pytest.approx(0.01 * 5_000_000)
    assert m["stock_fpv_units"] == pytest.approx(1000 - 100)


def test_remote_piloting_falls_hard_under_jamming(strike_scenario):
    _, m = strike(strike_scenario, "remote_piloting", {"production": 100})
    assert m["strike_hits_units"] == pytest.approx(100 * 0.25 * (1 - 0.8 * 0.3))


def test_time_sensitive_targets_favour_a_short_kill_chain(strike_scenario):
    _, m = strike(strike_scenario, "terminal_autonomy", {"launch_sites": 100})
    assert m["strike_hits_units"] == pytest.approx(100 * 0.47 * math.exp(-10 / 30))
    _, fast = strike(strike_scenario, "supervised_autonomy", {"launch_sites": 100})
    assert fast["strike_hits_units"] == pytest.approx(100 * 0.55 * (1 - 0.1 * 0.3) * math.exp(-1 / 30))


def test_hits_suppress_the_next_raid_and_it_recovers(strike_scenario):
    game, m = strike(strike_scenario, "terminal_autonomy", {"production": 100})
    left = 0.999**47
    assert m["adversary_capacity_pct"] == pytest.approx(100 * left)
    orders = game.orders()
    orders.strikes = {}
    second = game.play_turn(orders).metrics
    assert second["raid_size_units"] == pytest.approx(100 * left)
    assert second["adversary_capacity_pct"] == pytest.approx(100 * (left + (1 - left) * 0.5))


def test_incident_costs_are_charged_against_next_turns_money(strike_scenario):
    _, m = strike(strike_scenario, "terminal_autonomy", {"production": 100})
    # 100 sorties x 0.0001 = 0.01 incidents x $5M = $50,000
    assert m["incident_charges_usd"] == pytest.approx(50_000)
    assert m["money_end_usd"] == pytest.approx(70_000_000 + 20_000_000 - 50_000)


def test_sorties_need_operators(strike_scenario):
    game = wargame.Game(strike_scenario, mode="expected")
    orders = game.orders()
    orders.autonomy = "terminal_autonomy"
    orders.strikes = {"fpv": {"production": 300}}
    problems = game.check(orders)
    assert problems == [
        "Terminal autonomy lets one operator fly 20 sorties a turn: 10 operators can fly 200, "
        "you ordered 300. Fly fewer sorties, train operators, or choose a level that needs fewer operators."
    ]
    orders.autonomy = "supervised_autonomy"  # 100 sorties per operator
    assert game.check(orders) == []


def test_strikes_cannot_use_more_drones_than_on_hand_or_interceptors(strike_scenario):
    game = wargame.Game(strike_scenario, mode="expected")
    orders = game.orders()
    orders.autonomy = "supervised_autonomy"
    orders.strikes = {"fpv": {"production": 1200}, "interceptor_drone": {"production": 5}}
    problems = game.check(orders)
    assert "Strikes with FPV strike drone: 1,200 ordered, 1,000 on hand." in problems
    assert "Interceptor drone is not a strike drone. Strike with a strike drone instead." in problems
