"""Adaptation: countermeasures against the busiest item, patched by the development cycle."""

import pytest

import wargame
from wargame import Layer
from wargame.rules.adaptation import countermeasure_due, turns_to_patch
from wargame.tables import tables_for

COUNTERMEASURES = {"adversary": {"countermeasures": {"first_turn": 1, "interval_turns": 10, "pk_penalty": 0.5}}}


def drone_orders(cycle):
    return wargame.Orders(doctrine={"attack_drone": [Layer("interceptor_drone", 1)]}, adaptation=cycle)


def test_schedule_of_countermeasures(variant):
    tables = tables_for(variant({"adversary": {"countermeasures": {"first_turn": 2, "interval_turns": 3, "pk_penalty": 0.3}}}))
    assert [countermeasure_due(t, tables) for t in range(1, 9)] == [False, True, False, False, True, False, False, True]


def test_a_countermeasure_cuts_the_busiest_items_pk_until_patched(variant):
    scenario = variant(COUNTERMEASURES)
    game = wargame.Game(scenario, mode="expected")
    first = game.play_turn(drone_orders("peacetime")).metrics
    assert first["kills_interceptor_drone_units"] == pytest.approx(68)
    assert first["countermeasures_fielded_count"] == 1
    second = game.play_turn(drone_orders("peacetime")).metrics
    assert second["kills_interceptor_drone_units"] == pytest.approx(100 * 0.68 * 0.5)
    assert second["countermeasures_active_count"] == 1


def test_a_wartime_cadence_patches_in_one_turn(variant):
    scenario = variant(COUNTERMEASURES)
    game = wargame.Game(scenario, mode="expected")
    game.play_turn(drone_orders("wartime"))  # countermeasure fielded at the end of turn 1
    second = game.play_turn(drone_orders("wartime")).metrics  # 30-day patch: done at the end of turn 2
    assert second["kills_interceptor_drone_units"] == pytest.approx(34)
    assert second["countermeasures_patched_count"] == 1
    third = game.play_turn(drone_orders("wartime")).metrics
    assert third["kills_interceptor_drone_units"] == pytest.approx(68)
    assert third["countermeasures_active_count"] == 0


def test_a_peacetime_cadence_takes_years(variant):
    scenario = variant(COUNTERMEASURES)
    game = wargame.Game(scenario, mode="expected")
    for _ in range(4):
        m = game.play_turn(drone_orders("peacetime")).metrics
    assert m["countermeasures_active_count"] == 1
    assert m["development_patch_turns"] == 18  # 540 days / 30
    assert turns_to_patch(3 * 30 / 540, 540, 30) == 15
