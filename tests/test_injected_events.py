"""Events a White Cell injects into a game's next turn: played, recorded, saved and replayed."""

import json

import pytest

import wargame
from wargame import Game
from wargame.savefile import SaveFileError


def test_an_injected_delivery_and_grant_act_as_events_of_the_next_turn():
    plain = Game("tutorial", seed=4, mode="expected")
    game = Game("tutorial", seed=4, mode="expected")
    game.inject({"type": "delivery", "item": "sam_missile", "units": 10, "text": "White Cell: ten missiles arrive."})
    game.inject({"type": "funding", "grant_usd": {"value": 5_000_000}, "text": "White Cell: a grant."})
    assert [event.turn for event in game.pending_events] == [1, 1]
    report, reference = game.play_turn(), plain.play_turn()
    # step 7 adds them at the end of the turn, on top of what the plain game has
    assert report.metrics["stock_sam_missile_units"] == pytest.approx(reference.metrics["stock_sam_missile_units"] + 10)
    assert report.metrics["money_end_usd"] == pytest.approx(reference.metrics["money_end_usd"] + 5_000_000)
    assert [e.inputs["text"] for e in report.events if e.step == "events"] == [
        "White Cell: ten missiles arrive.",
        "White Cell: a grant.",
    ]
    assert game.pending_events == ()
    assert [event.type for event in game.injected_events] == ["delivery", "funding"]


def test_an_import_market_closing_is_injected_like_the_scenario_event():
    game = Game("tutorial", seed=1)
    game.inject({"type": "import_market", "item": "interceptor_drone", "available_units_per_turn": 0, "text": "Closed."})
    game.play_turn()
    assert game.view().import_available_units["interceptor_drone"] == 0


@pytest.mark.parametrize(
    "event, says",
    [
        ({"type": "delivery", "item": "laser", "units": 3, "text": "x"}, "no item 'laser'"),
        ({"type": "raid_surge", "threat": "ballistic", "multiplier": 2, "text": "x"}, "no threat 'ballistic'"),
        ({"type": "raid_surge", "threat": "attack_drone", "multiplier": 50, "text": "x"}, "multiplier"),
        ({"type": "capability", "name": "web", "kill_chain_factor": 0.5, "text": "x"}, "allowed: delivery"),
        ("a surge", "a mapping with a type"),
    ],
)
def test_an_event_that_cannot_be_injected_says_why_and_changes_nothing(event, says):
    game = Game("tutorial", seed=1)
    with pytest.raises(ValueError, match=says):
        game.inject(event)
    assert game.pending_events == ()


def test_a_saved_game_with_injected_events_replays_to_the_same_game(tmp_path):
    game = Game("tutorial", seed=9)
    game.play_turn()
    game.inject({"type": "raid_surge", "threat": "attack_drone", "multiplier": 2, "text": "Surge."})
    game.play_turn()
    game.inject({"type": "delivery", "item": "sam_missile", "units": 4, "text": "Four missiles."})
    game.play_turn()
    loaded = Game.load(game.save(tmp_path / "g.json"))
    assert loaded.history.equals(game.history)
    assert [event.turn for event in loaded.injected_events] == [2, 3]
    without = Game("tutorial", seed=9)
    for report in game.reports:
        without.play_turn(report.orders)
    assert not without.history.equals(game.history)


def test_undo_puts_the_injected_events_back_for_the_next_turn():
    game = Game("tutorial", seed=2)
    game.inject({"type": "funding", "grant_usd": {"value": 1e6}, "text": "A grant."})
    game.play_turn()
    game.undo()
    assert [event.text for event in game.pending_events] == ["A grant."]


def test_a_version_2_save_without_injected_events_still_loads(tmp_path):
    game = Game("tutorial", seed=9)
    game.play_turn()
    data = game.to_json()
    del data["injected"]
    path = tmp_path / "old.json"
    path.write_text(json.dumps({**data, "version": 2}))
    assert Game.load(path).history.equals(game.history)


@pytest.mark.parametrize(
    "injected, says",
    [
        ("surge", "injected events are malformed"),
        ([{"type": "funding", "turn": 5, "text": "x"}], "injected event 1 is malformed"),
        ([{"type": "delivery", "turn": 1, "item": "nope", "units": 2, "text": "x"}], "injected event 1 cannot be replayed"),
    ],
)
def test_a_damaged_injected_event_in_a_save_is_refused_by_name(tmp_path, injected, says):
    game = Game("tutorial", seed=9)
    game.play_turn()
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({**game.to_json(), "injected": injected}))
    with pytest.raises(SaveFileError, match=says):
        Game.load(path)
