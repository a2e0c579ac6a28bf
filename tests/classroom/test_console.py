"""``wargame.classroom.console``: the instructor's table, the White Cell and closing."""

from __future__ import annotations

import pytest

from wargame.classroom import load_stored_session
from wargame.classroom.console import Console, ConsoleRefused, demo_session, inject, table_html, team_table, white_cell_event
from wargame.classroom.session import TeamGame, shown_code
from wargame.classroom.store import Store, StoreError
from wargame.scenario import load_scenario


@pytest.fixture
def played(tmp_path, store_url) -> Store:
    """Two teams with two turns each, on each database in turn."""
    return demo_session(tmp_path, "the token", teams=2, turns=2, url=store_url)


def test_the_console_needs_the_instructor_token(played, tmp_path):
    with pytest.raises(ConsoleRefused, match="not the instructor token of this session"):
        Console(tmp_path, "a guess")
    assert Console(tmp_path, "the token").store.session().scenario == "tutorial"


def test_the_team_table_reads_each_stored_game(played):
    TeamGame.join(played, "Late")  # joined, not played
    table = team_table(played)
    game = played.game("Team 1")
    row = table.loc["Team 1"]
    assert row["turns_played"] == 2
    assert row["money_end_usd"] == game.history["money_end_usd"].iloc[-1]
    defended = game.history["interceptor_spend_usd"].sum() + game.history["damage_usd"].sum()
    assert row["defender_cost_usd"] == pytest.approx(defended)
    assert row["full_exchange_ratio"] == pytest.approx(defended / game.history["raid_cost_usd"].sum())
    assert table.loc["Late", "turns_played"] == 0
    assert table.loc["Late", "code"] == played.team("Late").code and table["code"].nunique() == 3
    shown = table_html(table, 4)
    assert "2 of 4" in shown and "0 of 4" in shown and "nan" not in shown
    assert shown_code(played.team("Team 1").code) in shown  # for a team that lost its code


def test_each_row_holds_its_own_teams_figures_whatever_the_rank(tmp_path, store_url):
    """Teams that played different numbers of turns, ranked in another order than they joined."""
    store = Store.create(tmp_path, "tutorial", seed=1, url=store_url)
    for name, turns in (("Ahead", 3), ("Behind", 1), ("Middle", 2)):
        team = TeamGame.join(store, name)
        for _ in range(turns):
            team.play_turn()
    table = team_table(store)
    assert table["turns_played"].to_dict() == {"Ahead": 3, "Behind": 1, "Middle": 2}
    for name in table.index:
        assert table.loc[name, "money_end_usd"] == store.game(name).history["money_end_usd"].iloc[-1]


def test_team_names_are_escaped_in_the_table(tmp_path, store_url):
    store = Store.create(tmp_path, "tutorial", seed=1, url=store_url)
    store.add_team("<script>x</script>")  # the store takes what it is given; the table escapes
    assert "<script>" not in table_html(team_table(store), 4)
    assert "&lt;script&gt;" in table_html(team_table(store), 4)


def test_an_injected_event_is_checked_before_it_is_stored(played):
    scenario = load_scenario("tutorial")
    with pytest.raises(ValueError, match="multiplier"):
        inject(played, white_cell_event("raid_surge", scenario, "attack_drone", 11, ""))
    with pytest.raises(ValueError, match="Choose what the event is about"):
        white_cell_event("delivery", scenario, None, 5, "")
    assert played.events() == []
    inject(played, white_cell_event("delivery", scenario, "sam_missile", 6, ""))
    assert [e.event["units"] for e in played.events()] == [6]


def test_the_white_cell_panel_injects_and_close_ends_the_session(played, tmp_path):
    console = Console(tmp_path, "the token")
    console.kind.value = "funding"
    console.amount.value = 3e6
    assert console.inject() == 1
    assert "Event 1 stored" in console.white_cell_message.value
    console.close_session()
    assert not played.is_open()
    assert "load_stored_session" in console.close_message.value
    with pytest.raises(StoreError, match="closed"):
        inject(played, white_cell_event("funding", load_scenario("tutorial"), None, 1e6, ""))
    session = load_stored_session(tmp_path)
    assert session.teams == ["Team 1", "Team 2"] and session.problems == []
