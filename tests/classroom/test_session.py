"""``wargame.classroom.session``: joining, holding a team's game, storing every turn, news."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import update

from wargame import Game
from wargame.classroom import store as store_module
from wargame.classroom.session import (
    TeamCodeNeeded, TeamGame, TeamHeld, TeamNameError, checked_team_name, codes_match, new_team_code, shown_code, team_seed,
)
from wargame.classroom.store import Store, StoreError


@pytest.fixture
def store(tmp_path, store_url) -> Store:
    """A new session of the tutorial (seed 20), on each database in turn."""
    return Store.create(tmp_path, "tutorial", seed=20, url=store_url)


@pytest.mark.parametrize("name, stored", [("Blue", "Blue"), ("  Équipe   Nord ", "Équipe Nord"), ("O'Neil-2.b_x", "O'Neil-2.b_x")])
def test_a_plain_team_name_is_kept_trimmed(name, stored):
    assert checked_team_name(name) == stored


@pytest.mark.parametrize(
    "name, says",
    [
        ("", "Type your team's name first"),
        ("   ", "Type your team's name first"),
        ("x" * 31, "at most 30 characters; this one has 31"),
        ("<script>alert(1)</script>", "remove ( ) / < >"),
        ("Blue; DROP TABLE teams", "remove ;"),
        ("a\x00b", "remove"),
        (None, "A team name is text"),
    ],
)
def test_a_team_name_that_is_not_plain_text_is_refused_with_what_to_change(name, says):
    with pytest.raises(TeamNameError, match=re.escape(says)):
        checked_team_name(name)


def test_each_team_plays_its_own_seed_and_every_turn_is_stored(store):
    blue = TeamGame.join(store, "Blue")
    red = TeamGame.join(store, "Red")
    assert (blue.seed, red.seed) == (team_seed(20, 1), team_seed(20, 2)) == (20, 21)
    blue.play_turn()
    blue.play_turn()
    assert store.last_turn("Blue") == 2 and store.last_turn("Red") == 0
    assert store.game("Blue").history.equals(blue.history)


def test_a_new_team_gets_a_code_of_its_own_that_students_can_read():
    codes = [new_team_code() for _ in range(20)]
    assert all(re.fullmatch(r"\d{6}", code) for code in codes)
    assert len(set(codes)) > 15  # random, not a sequence or a constant
    assert shown_code("042917") == "042 917"
    assert codes_match(" 042 917 ", "042917") and codes_match("042-917", "042917")
    assert not codes_match("042918", "042917") and not codes_match(None, "042917") and not codes_match("", "042917")


def test_a_team_that_exists_is_joined_only_with_its_code(store):
    blue = TeamGame.join(store, "Blue", holder="page A", lease_s=0.0)  # its page is gone at once
    red = TeamGame.join(store, "Red", holder="page R")
    blue.play_turn()
    assert blue.code == store.team("Blue").code and re.fullmatch(r"\d{6}", blue.code) and red.code != blue.code
    with pytest.raises(TeamCodeNeeded, match="A team called Blue has joined this session already.*type the team's code"):
        TeamGame.join(store, "Blue", holder="page B")
    with pytest.raises(TeamCodeNeeded, match="not the code of the team Blue"):
        TeamGame.join(store, "Blue", code=red.code, holder="page B")
    with pytest.raises(TeamCodeNeeded, match="not the code of the team Blue"):  # nor by taking it over
        TeamGame.join(store, "Blue", code=red.code, holder="page B", take_over=True)
    assert store.team("Blue").holder == "page A"  # refused pages took nothing
    again = TeamGame.join(store, "Blue", code=shown_code(blue.code), holder="page B")
    assert again.turn == 2 and store.team("Blue").holder == "page B"


def test_a_team_from_before_codes_gets_one_when_it_next_joins(tmp_path, store_url):
    """A session an older kit wrote (store version 1, teams without codes) is upgraded on
    opening, and its teams keep playing: each gets a code when it next joins."""
    old = Store.create(tmp_path, "tutorial", seed=20, url=store_url)
    TeamGame.join(old, "Blue", holder="page A", lease_s=0.0).play_turn()
    with old.engine.begin() as connection:  # as version 1 left it: no codes
        connection.execute(update(store_module.teams_table).values(code=None))
        connection.execute(update(store_module.kit_schema).values(version=1))
        schema = old.schema and connection.dialect.identifier_preparer.quote_schema(old.schema)
        connection.exec_driver_sql(f"ALTER TABLE {schema + '.' if schema else ''}teams DROP COLUMN code")
    old.dispose()
    store = Store.open(tmp_path)
    assert store.schema_version() == store_module.SCHEMA_VERSION == 2
    assert store.team("Blue").code is None
    again = TeamGame.join(store, "Blue", holder="page B")
    assert again.turn == 2 and re.fullmatch(r"\d{6}", again.code) and store.team("Blue").code == again.code
    with pytest.raises(TeamCodeNeeded):
        TeamGame.join(store, "Blue", holder="page C", take_over=True)


def test_a_second_live_page_is_refused_with_a_message_and_gets_no_game(store):
    blue = TeamGame.join(store, "Blue", holder="page A")
    with pytest.raises(TeamHeld, match="already playing on another page.*Take over"):
        TeamGame.join(store, "Blue", code=blue.code, holder="page B")
    assert store.team("Blue").holder == "page A"


def test_a_page_that_reloads_continues_from_the_last_stored_turn_on_the_same_stream(store):
    first = TeamGame.join(store, "Blue", holder="page A", lease_s=0.0)  # its lease runs out at once
    first.play_turn()
    first.play_turn()
    again = TeamGame.join(store, "Blue", code=first.code, holder="page B")
    assert again.turn == 3
    again.play_turn()
    reference = Game("tutorial", seed=20)
    for _ in range(3):
        reference.play_turn()
    assert again.history.equals(reference.history)


def test_taking_over_stops_the_old_page_which_is_told_and_stores_nothing(store):
    old = TeamGame.join(store, "Blue", holder="page A")
    old.play_turn()
    new = TeamGame.join(store, "Blue", code=old.code, holder="page B", take_over=True)
    with pytest.raises(StoreError, match="Another page has taken over"):
        old.play_turn()
    assert old.lost and old.turn == 2
    assert old.heartbeat() is False
    new.play_turn()
    assert store.last_turn("Blue") == 2


def test_a_turn_the_store_refuses_is_taken_back(store):
    blue = TeamGame.join(store, "Blue")
    blue.play_turn()
    store.close()
    with pytest.raises(StoreError, match="The session is closed"):
        blue.play_turn()
    assert blue.turn == 2 and len(blue.reports) == 1


def test_nobody_joins_a_closed_session(store):
    store.close()
    with pytest.raises(StoreError, match="closed"):
        TeamGame.join(store, "Blue")


def test_undo_is_refused_in_class(store):
    blue = TeamGame.join(store, "Blue")
    blue.play_turn()
    with pytest.raises(StoreError, match="cannot be taken back"):
        blue.undo()


def test_an_injected_event_reaches_every_teams_next_turn_and_is_saved(store):
    teams = [TeamGame.join(store, name) for name in ("Blue", "Red", "Green")]
    teams[0].play_turn()
    store.inject({"type": "raid_surge", "threat": "attack_drone", "multiplier": 2.0, "text": "White Cell: a surge."})
    news = [team.take_news() for team in teams]
    assert [[(n.text, n.turn) for n in team] for team in news] == [
        [("White Cell: a surge.", 2)],
        [("White Cell: a surge.", 1)],
        [("White Cell: a surge.", 1)],
    ]
    for team in teams:
        report = team.play_turn()
        assert "White Cell: a surge." in [e.inputs["text"] for e in report.events if e.step == "events"]
    assert [len(store.game(name).injected_events) for name in ("Blue", "Red", "Green")] == [1, 1, 1]
    assert teams[0].take_news() == []


def test_news_waiting_when_a_page_reloads_is_taken_in_again(store):
    blue = TeamGame.join(store, "Blue", holder="page A", lease_s=0.0)
    blue.play_turn()
    store.inject({"type": "funding", "grant_usd": {"value": 2e6}, "text": "A grant."})
    blue.take_news()
    again = TeamGame.join(store, "Blue", code=blue.code, holder="page B")
    assert [n.text for n in again.news()] == ["A grant."]
    again.play_turn()
    assert [e.text for e in store.game("Blue").injected_events] == ["A grant."]
