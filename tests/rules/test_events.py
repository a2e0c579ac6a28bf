"""Scripted events fire at the end of their turn and change the state for what follows."""

import math
from pathlib import Path

import numpy as np
import pytest

import wargame


def test_ally_delivery_arrives_on_its_turn(tutorial):
    game = wargame.Game(tutorial, mode="expected")
    orders = wargame.Orders(doctrine={"attack_drone": [wargame.Layer("interceptor_drone", 1)]}, adaptation="peacetime")
    metrics = [game.play_turn(orders).metrics for _ in range(3)]
    assert [m["delivered_sam_missile_units"] for m in metrics] == [0, 0, 8]
    assert metrics[2]["stock_sam_missile_units"] == 68
    assert any(e.step == "events" and "eight missiles" in e.inputs["text"] for e in game.reports[2].events)


def test_funding_legal_import_and_jamming_events(variant):
    scenario = variant(
        {
            "events": [
                {"turn": 1, "type": "funding", "grant_usd": 10_000_000, "per_turn_usd": 30_000_000, "text": "Loans"},
                {"turn": 1, "type": "legal_regime", "prohibited_levels": ["full_autonomy", "supervised_autonomy"], "text": "New law"},
                {"turn": 1, "type": "import_market", "item": "sam_missile", "available_units_per_turn": 0, "text": "Sold out"},
                {"turn": 1, "type": "jamming", "intensity": 0.9, "text": "Heavy jamming"},
            ]
        }
    )
    game = wargame.Game(scenario, mode="expected")
    orders = wargame.Orders(doctrine={"attack_drone": [wargame.Layer("interceptor_drone", 1)]}, adaptation="peacetime")
    m = game.play_turn(orders).metrics
    assert m["grants_usd"] == 10_000_000
    assert m["income_usd"] == 30_000_000
    assert m["money_end_usd"] == pytest.approx(70_000_000 + 10_000_000 + 30_000_000)
    assert m["jamming_intensity"] == 0.9
    orders.autonomy = "supervised_autonomy"
    orders.imports = {"sam_missile": 1}
    problems = game.check(orders)
    assert any("Supervised autonomy is prohibited" in p for p in problems)
    assert "Imports of High-end interceptor missile: 1 ordered, the market offers 0 this turn." in problems


# Events that can slip. The sums below are done by hand from the scenario numbers written in
# each test; the rule is in docs/rules.md, "Events that can slip".


def test_a_slipping_delivery_arrives_in_expected_shares(variant):
    # 100 missiles due on turn 1; 40% chance they slip by 1 or 2 turns (each equally likely):
    # turn 1 gets 100 x 0.6 = 60, turn 2 gets 100 x 0.4 / 2 = 20, turn 3 the other 20.
    scenario = variant(
        {
            "events": [
                {
                    "turn": 1,
                    "type": "delivery",
                    "item": "sam_missile",
                    "units": 100,
                    "text": "Missiles from an ally",
                    "slip": {"chance": 0.4, "by_turns": [1, 2]},
                }
            ]
        }
    )
    game = wargame.Game(scenario, mode="expected")
    orders = wargame.Orders(doctrine={"attack_drone": [wargame.Layer("interceptor_drone", 1)]}, adaptation="peacetime")
    delivered = [game.play_turn(orders).metrics["delivered_sam_missile_units"] for _ in range(4)]
    assert delivered == pytest.approx([60, 20, 20, 0])
    texts = [e.inputs["text"] for e in game.reports[0].events if e.step == "events"]
    assert texts == ["Missiles from an ally (Expected-value mode: 60% of it counts this turn, its chance of coming now.)"]


def test_a_capability_shortens_the_kill_chain_weighted_by_the_chance_it_has_arrived(strike_scenario, variant):
    # Terminal autonomy: p_hit 0.5 x (1 - 0.2 x 0.3 jamming) = 0.47, kill chain 10 min; launch
    # sites dwell 30 min. A targeting web halves the kill chain (factor 0.5), due at the end of
    # turn 1 with a 40% chance of slipping by exactly one turn.
    # Turn 1: 10 min (nothing has arrived yet).
    # Turn 2: arrived with chance 0.6, factor 1 - 0.6 x (1 - 0.5) = 0.7: 7 min.
    # Turn 3: arrived for certain: 5 min.
    scenario = variant(
        {
            "events": [
                {
                    "turn": 1,
                    "type": "capability",
                    "name": "A targeting web",
                    "kill_chain_factor": 0.5,
                    "text": "The targeting web is running.",
                    "slip": {"chance": 0.4, "by_turns": [1, 1]},
                }
            ]
        },
        base=Path(strike_scenario.path).name,  # extends names a file beside it, never an absolute path
    )
    game = wargame.Game(scenario, mode="expected")
    hits = []
    for _ in range(3):
        orders = game.orders()
        orders.autonomy = "terminal_autonomy"
        orders.strikes = {"fpv": {"launch_sites": 100}}
        hits.append(game.play_turn(orders).metrics["strike_hits_units"])
    assert hits == pytest.approx([100 * 0.47 * math.exp(-m / 30) for m in (10, 7, 5)])


def slipping_web(variant, chance, by_turns, turn=2):
    return variant(
        {
            "events": [
                {
                    "turn": turn,
                    "type": "capability",
                    "name": "A targeting web",
                    "kill_chain_factor": 0.5,
                    "text": "The targeting web is running.",
                    "slip": {"chance": chance, "by_turns": by_turns},
                }
            ]
        }
    )


@pytest.mark.parametrize("chance, by_turns, fires_on", [(0.0, [1, 3], 2), (1.0, [2, 2], 4)])
def test_a_sure_slip_or_none_fires_on_the_drawn_turn(variant, chance, by_turns, fires_on):
    scenario = slipping_web(variant, chance, by_turns)
    result = wargame.simulate(scenario, "hold", runs=20, seed=3)
    state = result.final_state
    assert (state.event_turn[:, 0] == fires_on).all()
    assert (state.kill_chain_factor == 0.5).all()


def test_games_of_a_batch_slip_apart_and_each_replays_alone(variant):
    # chance 0.5, late by 1 or 2 turns: the due turn 2 becomes 2, 3 or 4 in different games
    scenario = slipping_web(variant, 0.5, [1, 2])
    result = wargame.simulate(scenario, "hold", runs=200, seed=11)
    fired_on = result.final_state.event_turn[:, 0]
    on_time = (fired_on == 2).mean()
    assert set(np.unique(fired_on)) == {2, 3, 4}
    # 200 games at chance 0.5: a share on time outside 0.35-0.65 is 4 standard deviations off
    assert 0.35 < on_time < 0.65
    for k in (0, 1, 2):
        game = wargame.Game(scenario, seed=11 + k)
        while not game.is_over:
            game.play_turn(game.orders())
        assert game.state.event_turn[0, 0] == fired_on[k]


def test_a_slip_is_reported_on_the_due_date(variant):
    scenario = slipping_web(variant, 1.0, [1, 1])
    game = wargame.Game(scenario, seed=0)
    game.play_turn(game.orders())
    second = game.play_turn(game.orders())
    texts = [e.inputs["text"] for e in second.events if e.step == "events"]
    assert texts == ["A targeting web did not arrive on turn 2 as planned: the date has slipped."]
    third = game.play_turn(game.orders())
    assert [e.inputs["text"] for e in third.events if e.step == "events"] == ["The targeting web is running."]


def test_the_date_is_shown_with_its_risk(variant):
    from wargame.scenario.display import event_heading

    scenario = slipping_web(variant, 0.4, [1, 3], turn=3)
    assert event_heading(scenario.events[0]) == "A targeting web: due turn 3, 40% chance it slips 1-3 turns"
    assert "due turn 3, 40% chance it slips 1-3 turns" in scenario._repr_html_()


@pytest.mark.parametrize(
    "event, message",
    [
        ({"turn": 1, "type": "jamming", "intensity": 0.5, "text": "x"}, "a jamming event cannot slip"),
        (
            {"turn": 1, "type": "funding", "grant_usd": 1, "per_turn_usd": 2, "text": "x"},
            "changes the per-turn income cannot slip",
        ),
    ],
)
def test_only_events_with_an_expected_share_may_slip(variant, event, message):
    with pytest.raises(wargame.ScenarioError) as error:
        variant({"events": [{**event, "slip": {"chance": 0.5, "by_turns": [1, 2]}}]})
    assert message in str(error.value)
    assert "events[0].slip" in str(error.value) or "events.0.slip" in str(error.value)


def test_slip_turns_written_high_to_low_are_refused(variant):
    event = {"turn": 1, "type": "delivery", "item": "sam_missile", "units": 1, "text": "x"}
    with pytest.raises(wargame.ScenarioError) as error:
        variant({"events": [{**event, "slip": {"chance": 0.5, "by_turns": [3, 1]}}]})
    assert "written high to low: [3, 1]" in str(error.value)


def test_expected_mode_says_how_much_of_a_capability_counts(variant):
    # due turn 1, chance 0.4 of slipping exactly one turn: arrived 60% by turn 1, 100% by turn 2
    scenario = slipping_web(variant, 0.4, [1, 1], turn=1)
    game = wargame.Game(scenario, mode="expected")
    texts = []
    for _ in range(2):
        report = game.play_turn(game.orders())
        texts += [e.inputs["text"] for e in report.events if e.step == "events"]
    assert texts == [
        "The targeting web is running. (Expected-value mode: counted as 60% arrived, its chance of having come by now.)",
        "The targeting web is running. (Expected-value mode: counted as 100% arrived, its chance of having come by now.)",
    ]
