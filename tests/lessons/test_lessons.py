"""Lessons carry the player's own numbers; texts come from the scenario; explanations read events.

Tutorial figures: 100 drones at $35,000 (raid $3.5M); 60 missiles at $4M, pk 0.9; 500
interceptor drones at $3,500, pk 0.68; targets: energy 40% at $3M, industry/military/
civilian 20% each at $2M/$2.5M/$1M.
"""

import subprocess
import sys

import pytest

import wargame
from wargame import Layer
from wargame.batch import decide
from wargame.orders import orders_from_arrays
from wargame.scenario import LESSON_KINDS, shipped_scenarios


def lessons_by_kind(report):
    return {lesson.kind: lesson for lesson in report.lessons}


def test_missiles_only_turn_teaches_cost_exchange_and_stockpile_with_its_numbers():
    game = wargame.Game("tutorial", mode="expected")
    report = game.play_turn(game.orders())
    lessons = lessons_by_kind(report)
    cost = lessons["cost_exchange"]
    # 60 missiles x $4M = $240.0M against 100 x $35,000 = $3.5M: 68.6 : 1 on interceptors alone;
    # the missiles ran out and 46 leakers did $105.8M: the full account is $345.8M, 98.8 : 1
    assert cost.headline == (
        "Nothing left to fire: your High-end interceptor missile ran out, and 46 threats got through and did "
        "$105.8M of damage. The raid cost you $345.8M (98.8 : 1 on the full account); the 68.6 : 1 on "
        "interceptors alone leaves out the damage done by the threats nothing was left to stop."
    )
    assert cost.severity == "critical"
    cited = {c.name: c.value for c in cost.metrics}
    assert cited["interceptor_spend_usd"] == pytest.approx(240e6)
    assert cited["cost_exchange_ratio"] == pytest.approx(240e6 / 3.5e6)
    assert cited["full_exchange_ratio"] == pytest.approx((240e6 + 105.8e6) / 3.5e6)
    # 54 downed would have done 54 x $2.3M average damage; 46 leaked did $105.8M
    assert cited["value_protected_usd"] == pytest.approx(54 * 105.8e6 / 46)
    assert "54 downed, 46 got through" in cost.detail
    assert cost.context and cost.contested and "CSIS" in cost.source

    stock = lessons["stockpile"]
    assert stock.headline == "High-end interceptor missile: empty now; this layer cannot fire until more arrives (60 fired since the start)."
    assert "inf" not in stock.headline + stock.detail and "never" not in stock.headline + stock.detail
    assert stock.severity == "critical"
    assert "THAAD" in stock.context and stock.contested  # a high-end stock 80%+ used echoes real depletion


def test_layered_turn_has_a_small_ratio_and_cumulative_figures():
    game = wargame.Game("tutorial", mode="expected")
    game.play_turn(game.orders())
    orders = game.orders()
    orders.doctrine = {"attack_drone": [Layer("interceptor_drone", 2), Layer("sam_missile", 1)]}
    cost = lessons_by_kind(game.play_turn(orders))["cost_exchange"]
    # 200 drones x $3,500 = $700.0k against $3.5M: 0.2 : 1; the missiles behind are gone, so the
    # 10.24 that survive the drones get through: $23.6M of damage, 6.9 : 1 on the full account.
    assert "10.24 threats got through and did $23.6M of damage" in cost.headline
    assert "(6.9 : 1 on the full account); the 0.2 : 1 on interceptors alone" in cost.headline
    # cumulative: $240.7M / $7.0M = 34.4 : 1 on interceptors; with damage $370.1M, 52.9 : 1
    assert "$370.1M against $7M (52.9 : 1 on the full account); interceptors alone $240.7M (34.4 : 1)" in cost.detail
    assert cost.severity == "critical"


def test_a_layered_turn_with_missiles_in_stock_is_judged_on_the_full_account():
    game = wargame.Game("tutorial", mode="expected")
    orders = game.orders()
    orders.doctrine = {"attack_drone": [Layer("interceptor_drone", 2), Layer("sam_missile", 1)]}
    cost = lessons_by_kind(game.play_turn(orders))["cost_exchange"]
    # 89.76 downed by drones, 10.24 engaged by missiles (9.22 downed), 1.02 leak: $2.3M each
    spend, damage = 700e3 + 10.24 * 4e6, 1.024 * 2.3e6
    cited = {c.name: c.value for c in cost.metrics}
    assert cited["defender_cost_usd"] == pytest.approx(spend + damage)
    assert "on the full account" in cost.headline and not cost.headline.startswith("Nothing left")
    assert cost.severity == "warning"  # 12.6 : 1 on the full account, under the critical 20


def test_holding_fire_never_reads_as_winning_the_money_war():
    game = wargame.Game("tutorial", mode="expected")
    orders = game.orders()
    orders.doctrine = {"attack_drone": []}
    cost = lessons_by_kind(game.play_turn(orders))["cost_exchange"]
    # nothing fired: 0 : 1 on interceptors, but 100 leakers did $230.0M: 65.7 : 1
    assert "0 : 1" in cost.headline and "65.7 : 1 on the full account" in cost.headline
    assert cost.severity == "critical"


def test_stockpile_runway_at_the_current_burn():
    game = wargame.Game("tutorial", mode="expected")
    orders = game.orders()
    orders.doctrine = {"attack_drone": [Layer("interceptor_drone", 2)]}
    stock = lessons_by_kind(game.play_turn(orders))["stockpile"]
    # 200 fired of 500: 300 left, 40% used; runway 300 / 200 = 1.5 turns
    assert stock.headline == "Interceptor drone: 300 left, 40% used since the start; runway at this turn's burn: 1.5 turns."
    assert stock.severity == "warning"


def test_capacity_gap_against_the_demand_benchmark(variant):
    scenario = variant(
        {
            "demand_benchmark": {
                "label": "the Lithuania estimate",
                "units_per_year": {"value": 3_000_000, "source": "EU defence commissioner, Jun 2025"},
                "roles": ["interceptor_drone"],
            }
        }
    )
    game = wargame.Game(scenario, mode="expected")
    orders = game.orders()
    orders.doctrine = {"attack_drone": [Layer("interceptor_drone", 1)]}
    orders.production = {"interceptor_drone": 300}
    gap = lessons_by_kind(game.play_turn(orders))["capacity_gap"]
    # 100 fired, 300 received; no industry hits leak... capacity 300/turn x 365/30 = 3,650 a year
    leaked_industry = 100 * (1 - 0.68) * 0.2
    annual = 300 * 0.99**leaked_industry * 365 / 30
    cited = {c.name: c.value for c in gap.metrics}
    assert cited["annual_output_units"] == pytest.approx(annual)
    assert cited["benchmark_pct"] == pytest.approx(100 * annual / 3_000_000)
    assert "the Lithuania estimate" in gap.detail and "3,000,000 a year" in gap.detail
    assert gap.source.startswith("EU defence commissioner, Jun 2025")  # the benchmark first, then the background


def test_autonomy_accountability_and_adaptation_lessons(strike_scenario, variant):
    game = wargame.Game(strike_scenario, mode="expected")
    orders = game.orders()
    orders.autonomy = "terminal_autonomy"
    orders.strikes = {"fpv": {"production": 100}}
    lessons = lessons_by_kind(game.play_turn(orders))
    autonomy = lessons["autonomy"]
    # p_hit 0.5 x (1 - 0.2 x 0.3) = 47%; 100 sorties by 10 operators x 20 = 50% load
    assert "47%" in autonomy.headline and "10 minutes" in autonomy.headline
    assert "operator load 50%" in autonomy.detail
    assert "Remote piloting 19%" in autonomy.detail  # 0.25 x (1 - 0.8 x 0.3)
    assert autonomy.contested and "5 hits in 14" in autonomy.context
    accountability = lessons["accountability"]
    # 100 x 0.0001 = 0.01 incidents x $5M = $50,000
    assert "0.01 misidentification incidents this turn, costing $50,000" in accountability.headline
    assert "Meaningful human control" in accountability.headline

    scenario = variant({"adversary": {"countermeasures": {"first_turn": 1, "interval_turns": 5, "pk_penalty": 0.5}}})
    game = wargame.Game(scenario, mode="expected")
    adaptation = lessons_by_kind(game.play_turn(game.orders()))["adaptation"]
    # peacetime patches in 540 days = 18 turns
    assert adaptation.headline == (
        "The adversary has countered your High-end interceptor missile: 50% of its effect lost until patched in 18 turns."
    )


@pytest.mark.parametrize("kind", LESSON_KINDS)
def test_every_kind_appears_in_a_shipped_scenario_played_by_a_built_in_policy(kind):
    seen = set()
    for name in shipped_scenarios():
        game = wargame.Game(name, seed=3)
        policy = wargame.BUILT_IN_POLICIES["balanced"]
        while not game.is_over and kind not in seen:
            report = game.play_turn(orders_from_arrays(decide(policy, game.state, game.tables), game.tables))
            seen |= {lesson.kind for lesson in report.lessons}
        if kind in seen:
            break
    assert kind in seen


def test_rewording_a_lesson_in_the_scenario_changes_its_text(variant):
    scenario = variant(
        {
            "lessons": {
                "cost_exchange": {
                    "headline": "Spent {interceptor_spend} to stop a {raid_cost} raid.",
                    "thresholds": {"critical_ratio": 100},
                }
            }
        }
    )
    game = wargame.Game(scenario, mode="expected")
    cost = lessons_by_kind(game.play_turn(game.orders()))["cost_exchange"]
    assert cost.headline == "Spent $240M to stop a $3.5M raid."  # the instructor's wording wins, even for a dry turn
    assert cost.severity == "critical"  # the missiles ran dry: critical whatever the thresholds
    assert "Since the start" in cost.detail  # the detail keeps the default wording


def test_a_template_naming_an_unknown_figure_is_reported_with_its_line(tmp_path):
    path = tmp_path / "bad_lesson.yaml"
    path.write_text(
        "extends: tutorial\n"
        "lessons:\n"
        "  cost_exchange:\n"
        "    headline: 'You spent {interceptor_spending}.'\n",
        encoding="utf-8",
    )
    with pytest.raises(wargame.ScenarioError) as error:
        wargame.load_scenario(path)
    assert f"{path}:4: lessons.cost_exchange.headline" in str(error.value)
    assert "unknown figure {interceptor_spending}" in str(error.value)
    assert "did you mean 'interceptor_spend'?" in str(error.value)
    result = subprocess.run([sys.executable, "-m", "wargame", "validate", str(path)], capture_output=True, text=True)
    assert result.returncode == 1
    assert f"{path}:4: lessons.cost_exchange.headline" in result.stdout + result.stderr


def test_explain_the_leakers_layer_by_layer():
    game = wargame.Game("tutorial", mode="expected")
    orders = game.orders()
    orders.doctrine = {"attack_drone": [Layer("interceptor_drone", 2), Layer("sam_missile", 1)]}
    report = game.play_turn(orders)
    story = report.explain("leaked_units")
    assert story.startswith("1.02 got through in all.")
    assert "100 One-way attack drone (Shahed class) came" in story
    assert "layer 1 (Interceptor drone, pk 0.68, 2 shots, P(kill) 0.8976) engaged 100 of 100 and downed 89.76" in story
    assert "layer 2 (High-end interceptor missile, pk 0.9, 1 shot, P(kill) 0.9) engaged 10.24 of 10.24 and downed 9.22" in story
    spend = report.explain("interceptor_spend_usd")
    assert spend == "Interceptors fired at cost: 10.24 High-end interceptor missile at $4M + 200 Interceptor drone at $3,500 = $41.7M."
    with pytest.raises(KeyError, match="figures that can be explained"):
        report.explain("no_such_figure")


def test_explain_shows_chance_in_stochastic_mode():
    report = wargame.Game("tutorial", seed=5).play_turn()
    story = report.explain("downed_units")
    assert "(expected " in story


def test_a_turn_report_shows_its_lessons_in_a_notebook():
    report = wargame.Game("tutorial", mode="expected").play_turn()
    page = report._repr_html_()
    assert "wargame-lesson" in page and "Explain this number" in page and "68.6 : 1" in page


def test_hand_written_orders_without_a_cycle_get_the_scenarios_default(variant):
    scenario = variant({"adversary": {"countermeasures": {"first_turn": 1, "interval_turns": 5, "pk_penalty": 0.5}}})
    game = wargame.Game(scenario, mode="expected")
    orders = wargame.Orders(doctrine={"attack_drone": [Layer("interceptor_drone", 1)]})
    game.play_turn(orders)
    report = game.play_turn(orders)  # a countermeasure is active: the adaptation lesson names the cycle
    assert report.orders.adaptation == "peacetime"
    assert "Peacetime procurement" in lessons_by_kind(report)["adaptation"].detail


def test_explain_names_each_layers_fire_limit():
    game = wargame.Game("gulf_depletion", mode="expected")
    text = game.play_turn(game.orders()).explain("leaked_units")
    assert "THAAD-class interceptor, pk 0.8, 1 shot, P(kill) 0.8, at most 96 engagements a month) engaged 48" in text


def test_the_full_account_is_explained_from_its_parts():
    game = wargame.Game("tutorial", mode="expected")
    text = game.play_turn(game.orders()).explain("full_exchange_ratio")
    # 60 missiles x $4M + 46 leakers' $105.8M = $345.8M, against $3.5M
    assert text.startswith("The full account: $240M of interceptors fired + $105.8M of damage = $345.8M, against $3.5M of raid = 98.8 : 1.")
