"""Hostile batch arguments: ``simulate`` and ``forecast`` check ``runs`` and ``seed`` before
playing anything, with a ``ValueError`` saying what to pass; the command line prints it and
writes nothing.
"""

from __future__ import annotations

import pytest

import wargame
from wargame import Game
from wargame.__main__ import main
from wargame.batch import MAX_HISTORY_ROWS, MAX_RUNS, forecast, simulate
from wargame.seeds import SEED_MAX

pytestmark = pytest.mark.timeout(10)


@pytest.fixture(scope="module")
def tutorial():
    return wargame.load_scenario("tutorial")


RUNS = {
    "zero": (0, "not 0"),
    "negative": (-5, "not -5"),
    "text": ("10", " (without quotes), not '10'."),
    "fraction": (1.5, "not 1.5"),
    "whole-float": (10.0, "not 10.0"),
    "true": (True, "not True"),
    "none": (None, "not None"),
    "too-many": (MAX_RUNS + 1, "not 100,001; for more, call simulate again with another seed"),
    "10**400": (10**400, "not a number that large;"),
}


@pytest.mark.parametrize("case", RUNS, ids=str)
def test_runs_must_be_a_whole_number_of_games_in_range(tutorial, case):
    runs, words = RUNS[case]
    before = tutorial.model_dump_json()
    with pytest.raises(ValueError) as caught:
        simulate(tutorial, runs=runs)
    message = str(caught.value)
    assert message.startswith(f"runs must be a whole number of games from 1 to {MAX_RUNS:,}") and words in message, message
    assert tutorial.model_dump_json() == before


SEEDS = {
    "2**70": (2**70, "not 1,180,591,620,717,411,303,424"),
    "negative": (-1, "not -1"),
    "true": (True, "not True"),
    "text": ("5", "not '5'"),
    "fraction": (0.5, "not 0.5"),
    "last-run-past-the-range": (SEED_MAX - 1, "(the last of 3 runs is seed + 2)"),
}


@pytest.mark.parametrize("case", SEEDS, ids=str)
def test_seed_must_be_a_whole_number_in_range(tutorial, case):
    seed, words = SEEDS[case]
    before = tutorial.model_dump_json()
    with pytest.raises(ValueError) as caught:
        simulate(tutorial, runs=3, seed=seed)
    message = str(caught.value)
    assert message.startswith(f"The seed must be a whole number from 0 to {SEED_MAX - 2:,}"), message
    assert words in message
    assert tutorial.model_dump_json() == before


def test_the_highest_seeds_and_one_run_play(tutorial):
    result = simulate(tutorial, runs=2, seed=SEED_MAX - 1, mode="expected")
    assert list(result.totals.index) == [0, 1] and result.history["seed"].tolist()[-1] == SEED_MAX
    one = simulate(tutorial, runs=1, seed=0)
    assert len(one.totals) == 1 and one.summary.loc["damage_usd", "mean"] == one.totals["damage_usd"].iloc[0]


def test_runs_times_turns_is_bounded():
    longest = max((wargame.load_scenario(name) for name in wargame.scenario.shipped_scenarios()), key=lambda s: s.turns)
    most = MAX_HISTORY_ROWS // longest.turns
    assert most < MAX_RUNS, "the bound on rows must be the one that refuses here"
    with pytest.raises(ValueError, match=f"at most {MAX_HISTORY_ROWS:,} .*Pass runs={most:,} or fewer"):
        simulate(longest, runs=most + 1)


@pytest.mark.parametrize("runs, seed", [(0, None), ("5", None), (10, 2**70), (10, -3)])
def test_forecast_checks_runs_and_seed_and_leaves_the_game(tutorial, runs, seed):
    game = Game(tutorial, seed=2)
    game.play_turn(game.orders())
    before = {k: v for k, v in game.to_json().items() if k != "saved_at"}
    with pytest.raises(ValueError, match="runs must be|The seed must be"):
        forecast(game, runs=runs, seed=seed)
    assert {k: v for k, v in game.to_json().items() if k != "saved_at"} == before


@pytest.mark.parametrize("arguments", [["--runs", "200000"], ["--seed", "-4"], ["--seed", str(2**70)]], ids=" ".join)
def test_the_command_line_prints_the_reason_and_writes_nothing(tmp_path, capsys, arguments):
    csv = tmp_path / "runs.csv"
    assert main(["simulate", "tutorial", *arguments, "--csv", str(csv)]) == 1
    _, err = capsys.readouterr()
    assert ("runs must be" in err or "The seed must be" in err) and "Traceback" not in err
    assert not csv.exists()
