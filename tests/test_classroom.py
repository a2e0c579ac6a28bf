"""``wargame.classroom``: the example class session, loading a folder of save files, comparing.

The shipped example session (``assets/class_session_example``) is generated, not written by
hand: playing it again with ``make_example_session`` gives games with identical histories. A
damaged file in a session folder is reported by name and the other files still load. The
ranking of ``compare`` follows the outcome figures of ``wargame.lessons.metrics.outcome``.
"""

from __future__ import annotations

import shutil

import numpy as np
import pandas as pd
import pytest

import wargame
from wargame.scenario import shipped_scenarios
from wargame import Game, classroom
from wargame.lessons.metrics import outcome

EXAMPLE = classroom.example_session_folder()


@pytest.fixture(scope="module")
def session() -> classroom.Session:
    return classroom.load_session(EXAMPLE)


@pytest.fixture(scope="module")
def table(session) -> pd.DataFrame:
    return classroom.compare(session)


# --- the shipped example ------------------------------------------------------------------------


REGENERATE = "regenerate it: python -m wargame.classroom make-example assets/class_session_example"


def test_example_folder_is_reproducible(tmp_path, session):
    assert session.problems == [], f"the shipped example no longer loads; {REGENERATE}"
    written = classroom.make_example_session(tmp_path)
    assert sorted(p.name for p, _ in written) == sorted(p.name for p in EXAMPLE.glob("*.json"))
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"team_{k:02d}.json" for k in range(1, 13)]
    for team, shipped in session:
        again = Game.load(tmp_path / f"{team}.json")
        assert (again.seed, again.mode, again.scenario.content_hash) == (shipped.seed, shipped.mode, shipped.scenario.content_hash)
        assert [r.orders for r in again.reports] == [r.orders for r in shipped.reports], f"{team}: {REGENERATE}"
        pd.testing.assert_frame_equal(again.history, shipped.history, obj=f"{team}'s history ({REGENERATE})")


def test_example_session_is_a_whole_class(session):
    assert session.problems == []
    assert len(session) == 12 and session.teams == [f"team_{k:02d}" for k in range(1, 13)]
    assert all(game.is_over and game.scenario.name == "tutorial" for _, game in session)
    assert len({game.seed for _, game in session}) == 12
    assert (EXAMPLE / "README.md").is_file()
    assert "python -m wargame.classroom make-example assets/class_session_example" in (EXAMPLE / "README.md").read_text()


def test_example_plans_use_every_built_in_policy_and_some_switch():
    plans = classroom._example_plans(12, 4, seed=1)
    assert {name for plan in plans for name in plan} == set(wargame.BUILT_IN_POLICIES)
    assert 0 < sum(len(set(plan)) > 1 for plan in plans) < 12
    assert plans == classroom._example_plans(12, 4, seed=1)
    assert plans != classroom._example_plans(12, 4, seed=2)


def test_describe_plan():
    assert classroom.describe_plan(["hold"] * 4) == "hold"
    assert classroom.describe_plan(["hold", "hold", "balanced", "balanced"]) == "hold for turns 1-2, then balanced for turns 3-4"
    assert classroom.describe_plan(["hold", "balanced", "balanced"]) == "hold for turn 1, then balanced for turns 2-3"


def test_make_example_refuses_a_folder_with_other_save_files(tmp_path):
    (tmp_path / "alice.json").write_text("{}", encoding="utf-8")
    with pytest.raises(FileExistsError, match="alice.json"):
        classroom.make_example_session(tmp_path, players=2)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["alice.json"]


def test_command_line_make_example_and_compare(tmp_path, capsys):
    assert classroom.main(["make-example", str(tmp_path), "--players", "3", "--seed", "5"]) == 0
    out = capsys.readouterr().out
    assert f"Wrote 3 save files to {tmp_path} (tutorial, seeds 5 to 7):" in out
    assert "team_03.json: " in out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["team_01.json", "team_02.json", "team_03.json"]
    assert classroom.main(["compare", str(tmp_path)]) == 0
    assert "team_02" in capsys.readouterr().out


# --- loading a session --------------------------------------------------------------------------


def test_load_session_reports_a_damaged_file_by_name_and_loads_the_rest(tmp_path):
    for path in EXAMPLE.glob("*.json"):
        shutil.copy(path, tmp_path / path.name)
    damaged = tmp_path / "team_03.json"
    damaged.write_text(damaged.read_text(encoding="utf-8")[:200], encoding="utf-8")
    (tmp_path / "notes.json").write_text('{"homework": true}', encoding="utf-8")
    (tmp_path / "README.md").write_text("not a save file, and not a .json file", encoding="utf-8")

    loaded = classroom.load_session(tmp_path)

    assert loaded.teams == [f"team_{k:02d}" for k in range(1, 13) if k != 3]
    assert len(loaded.problems) == 2
    notes, team_03 = loaded.problems
    assert team_03.startswith("team_03.json: this save file is damaged or truncated")
    assert notes == "notes.json: this is not a save file of the drone wargame kit."
    assert str(tmp_path) not in team_03  # named by file, not by full path
    assert "team_03.json" in repr(loaded) and "could not be loaded" in loaded._repr_html_()
    assert len(classroom.compare(loaded)) == 11


def test_load_session_of_a_missing_folder(tmp_path):
    with pytest.raises(FileNotFoundError, match="no such folder"):
        classroom.load_session(tmp_path / "nowhere")


def test_session_game_and_overview(session):
    assert session.game("team_05").seed == 5
    with pytest.raises(KeyError, match="team_99"):
        session.game("team_99")
    overview = session.overview()
    assert list(overview.index) == session.teams and overview["turns_played"].eq(4).all()


# --- comparing games ----------------------------------------------------------------------------


def test_compare_outcome_columns_are_the_metrics_outcome_figures(session, table):
    assert set(table.index) == set(session.teams)
    for team, game in session:
        figures = outcome(game.history, game.scenario)
        assert [f.name for f in figures] == classroom.OUTCOME_COLUMNS
        for figure in figures:
            assert table.loc[team, figure.name] == pytest.approx(figure.value)
        judged = [f.met_par for f in figures if f.met_par is not None]
        assert table.loc[team, "pars_met"] == sum(judged)
        assert table.loc[team, "pars_set"] == sum(f.par is not None for f in figures)
        assert table.loc[team, "spend_production_usd"] == pytest.approx(game.history["spend_production_usd"].sum())


def test_compare_ranks_consistently_with_the_outcome_figures(table):
    assert list(table["rank"]) == sorted(table["rank"])
    assert table["rank"].iloc[0] == 1 and table["rank"].max() <= len(table)
    keys = [(row.full_exchange_ratio, -row.infrastructure_preserved_pct, row.civilian_harm_people) for row in table.itertuples()]
    assert keys == sorted(keys)
    for (better, worse), (rank_better, rank_worse) in zip(zip(keys, keys[1:]), zip(table["rank"], table["rank"].iloc[1:])):
        assert rank_better < rank_worse if better != worse else rank_better == rank_worse
    # the table says what it ranks by, and it is the full account, not pars met
    assert table.attrs["ranked_by"].startswith("Ranked by the full account")
    assert "pars met" not in classroom.RANK_BY


def test_the_team_that_never_fired_a_cheap_interceptor_ranks_last_in_the_example(table):
    # team_01 holds (the scenario's missiles-only doctrine, nothing bought): it must not win
    assert table.loc["team_01", "rank"] >= len(table) - 1
    assert table.loc["team_05", "rank"] == 1  # the reference policy throughout


def test_compare_by_one_figure_in_its_better_direction(session):
    by_damage = classroom.compare(session, rank_by=["damage_usd"])
    assert by_damage["damage_usd"].idxmin() == by_damage.index[0]
    assert by_damage["damage_usd"].is_monotonic_increasing
    by_infrastructure = classroom.compare(session, rank_by=["infrastructure_preserved_pct"])
    assert by_infrastructure["infrastructure_preserved_pct"].is_monotonic_decreasing


def test_equal_games_share_a_rank_and_unplayed_games_come_last(session):
    game = session.game("team_08")
    twin = Game.load(classroom.example_session_folder() / "team_08.json")
    unplayed = Game("tutorial", seed=99)
    table = classroom.compare({"a": game, "b": twin, "c": session.game("team_01"), "late": unplayed})
    assert table.loc["a", "rank"] == table.loc["b", "rank"] == 1
    assert table.loc["c", "rank"] == 3
    assert table.index[-1] == "late" and table.loc["late", "rank"] == 4
    assert np.isnan(table.loc["late", "damage_usd"])


def test_decisions_that_mattered(session, table):
    hold, layered = session.game("team_01"), session.game("team_08")  # hold / balanced all game
    assert table.loc["team_01", "layered_turns"] == 0
    assert table.loc["team_01", "cheapest_share_of_kills_pct"] == 0
    assert table.loc["team_08", "layered_turns"] == 4
    assert table.loc["team_08", "cheapest_interceptor"] == "interceptor_drone"
    kills = layered.history[["kills_interceptor_drone_units", "kills_sam_missile_units"]].sum()
    assert table.loc["team_08", "cheapest_share_of_kills_pct"] == pytest.approx(100 * kills.iloc[0] / kills.sum())
    spend = layered.history["expended_interceptor_drone_units"].sum() * 3_500
    assert table.loc["team_08", "cheapest_share_of_interceptor_spend_pct"] == pytest.approx(
        100 * spend / layered.history["interceptor_spend_usd"].sum()
    )
    assert set(table["autonomy_levels"]) == {"no strikes"}  # the tutorial has no strike drones
    assert hold.reports[0].orders.adaptation == table.loc["team_01", "development_cycles"]


def test_decisions_name_the_autonomy_level_of_turns_with_strikes(strike_scenario):
    game = Game(strike_scenario, seed=3)
    orders = game.orders()
    orders.strikes = {"fpv": {"launch_sites": 10}}
    orders.autonomy = "terminal_autonomy"
    game.play_turn(orders)
    quiet = game.orders()  # a turn without strikes: its autonomy setting decides nothing
    quiet.strikes, quiet.autonomy = {}, "supervised_autonomy"
    game.play_turn(quiet)
    decided = classroom.decisions(game)
    assert decided["autonomy_levels"] == "terminal_autonomy"
    assert decided["strike_sorties_units"] == pytest.approx(10)


# --- ranking policies ---------------------------------------------------------------------------


def test_rank_policies_ranks_the_mean_figures_like_compare():
    scenario = wargame.load_scenario("tutorial")
    results = {name: wargame.simulate(scenario, name, runs=40, seed=3) for name in wargame.BUILT_IN_POLICIES}
    ranked = classroom.rank_policies(results, scenario)
    assert set(ranked.index) == set(results) and (ranked["runs"] == 40).all()
    assert list(ranked["rank"]) == sorted(ranked["rank"])
    runs = classroom.run_outcomes(results["missiles_only"], scenario)
    assert len(runs) == 40
    assert ranked.loc["missiles_only", "damage_usd"] == pytest.approx(runs["damage_usd"].mean())
    assert ranked.loc["missiles_only", "damage_usd"] == pytest.approx(results["missiles_only"].totals["damage_usd"].mean())
    assert ranked.loc["layered_cheap", "rank"] < ranked.loc["missiles_only", "rank"]
    assert ranked.loc["layered_cheap", "rank"] < ranked.loc["hold", "rank"]
    assert classroom.rank_policies(list(results.values()), "tutorial").index.tolist() == ranked.index.tolist()
    assert ranked.attrs["ranked_by"] == classroom.ranking_note()
    assert list(ranked.columns[:3]) == ["rank", "runs", "full_exchange_ratio"]


@pytest.mark.parametrize("name", shipped_scenarios())
def test_doing_nothing_ranks_below_every_sound_policy(name):
    scenario = wargame.load_scenario(name)
    results = {policy: wargame.simulate(scenario, policy, runs=20, seed=0) for policy in ("hold", "balanced", "layered_cheap", "reference")}
    ranked = classroom.rank_policies(results, scenario)
    for sound in ("balanced", "layered_cheap", "reference"):
        assert ranked.loc["hold", "rank"] > ranked.loc[sound, "rank"], ranked


def test_rank_policies_from_per_run_outcomes_matches_from_results():
    scenario = wargame.load_scenario("tutorial")
    results = {name: wargame.simulate(scenario, name, runs=20, seed=0) for name in ("hold", "layered_cheap")}
    outcomes = {name: classroom.run_outcomes(result, scenario) for name, result in results.items()}
    pd.testing.assert_frame_equal(classroom.rank_policies(outcomes, scenario), classroom.rank_policies(results, scenario))


def test_figure_directions_follow_the_outcome_figures():
    better = classroom.figure_directions("tutorial")
    assert better["infrastructure_preserved_pct"] == "higher" and better["pars_met"] == "higher"
    assert better["cost_exchange_ratio"] == better["damage_usd"] == better["civilian_harm_people"] == "lower"
