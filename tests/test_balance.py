"""The balance check: shipped scenarios pass with no warning, and each warning fires on a variant made for it."""

import pytest

from wargame import balance as checks
from wargame.__main__ import main
from wargame.scenario import shipped_scenarios


def test_a_free_instant_laser_line_is_flagged(variant):
    # the old gulf_depletion exploit: laser lines for $0 that produce at once
    scenario = variant({"catalogue": {"laser": {"capacity_cost_usd_per_unit": 0, "capacity_lead_time_days": 0}}}, base="gulf_depletion")
    found = checks.free_or_instant_purchases(scenario)
    assert any("new lines for High-energy laser" in s and "cost nothing" in s for s in found)
    assert any("produce in the turn they are ordered" in s for s in found)


def test_lines_that_make_more_than_can_ever_be_fired_are_flagged(variant):
    scenario = variant({"catalogue": {"ew": {"fire_capacity_per_turn": 10}}}, base="gulf_depletion")
    (sentence,) = checks.beyond_fire_limits(scenario)
    # 600 in stock + 200 a turn x 8 turns = 2,200, against 10 x 1 shot x 8 turns = 80
    assert "2,200 over the game" in sentence and "only 10 engagements a turn" in sentence and "80 shots in 8 turns" in sentence


@pytest.mark.parametrize("name", shipped_scenarios())
def test_no_shipped_scenario_has_a_free_instant_or_unfireable_purchase(name):
    import wargame

    scenario = wargame.load_scenario(name)
    assert checks.free_or_instant_purchases(scenario) == []
    assert checks.beyond_fire_limits(scenario) == []


def test_a_trivial_policy_meeting_par_is_flagged(variant):
    lax = variant({"par": {"full_exchange_ratio_max": 1000, "infrastructure_preserved_pct": 0, "civilian_harm_max": 1_000_000}})
    result = checks.check_scenario(lax, runs=10, search_runs=5)
    assert any(w.startswith("the trivial policy hold meets par in 100% of games") for w in result.warnings)
    assert any(w.startswith("the trivial policy missiles_only meets par") for w in result.warnings)


def test_money_that_does_not_bind_is_flagged(variant):
    # the tutorial with ten times its money: the reference policy cannot spend it
    rich = variant({"budget": {"initial_usd": 40_000_000, "per_turn_usd": 15_000_000}})
    result = checks.check_scenario(rich, runs=10, search_runs=5)
    (sentence,) = [w for w in result.warnings if "money does not bind" in w]
    assert sentence.startswith("the reference policy ends with ") and "% of its money unspent (more than 15%)" in sentence


def test_a_weak_yardstick_is_flagged():
    # measured against layered_cheap instead of the reference, the search wins by far more than 25%
    result = checks.check_scenario("tutorial", runs=10, search_runs=5, yardstick="layered_cheap")
    assert any("beats the layered_cheap policy's full account by" in w and "the yardstick is too weak" in w for w in result.warnings)


def test_one_recipe_everywhere_is_flagged():
    report = checks.balance(["tutorial", "tutorial"], runs=5, search_runs=5)
    assert report.one_recipe and "one recipe wins everywhere" in report.one_recipe


def test_the_tutorial_passes_and_the_report_says_what_it_measured(capsys):
    result = checks.check_scenario("tutorial", runs=20, search_runs=10)
    assert result.warnings == []
    assert list(result.policies.index) == ["hold", "missiles_only", "layered_cheap", "balanced", "reference"]
    assert result.policies.loc["hold", "all_pars_met_pct"] == 0
    assert result.policies.loc["reference", "all_pars_met_pct"] >= 50
    assert {"full_exchange_ratio", "unspent_pct"} <= set(result.policies.columns)
    assert len(result.search) == len(checks.FAMILY)
    assert main(["balance", "tutorial", "--runs", "20", "--search-runs", "10"]) == 0
    out = capsys.readouterr().out
    assert "Best of 32 searched strategies" in out and "No warnings." in out


@pytest.mark.slow
def test_every_shipped_scenario_passes_and_no_one_recipe_wins_them_all():
    report = checks.balance(shipped_scenarios())
    print(report.text())
    assert report.warnings == []
    assert len({s.best for s in report.scenarios}) > 1
