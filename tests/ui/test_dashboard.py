"""Playing through the dashboard's widgets: the game changes exactly as the engine says.

The tutorial in expected mode makes every figure checkable by hand (the worked example in docs/rules.md:
drones 2 shots then missiles against 100 one-way drones at $35,000: interceptor spend
$0.7M + $40.96M = $41.66M against a $3.5M raid, 11.9 : 1).
"""

from __future__ import annotations

import html

import re

import pandas as pd
import pytest

from wargame import Game
from wargame.ui import Dashboard, play

from .helpers import bundle_data, layered_orders, set_layered_doctrine

# a button callback that raises fails the test (ipywidgets would only print it)
pytestmark = pytest.mark.usefixtures("callback_errors_fail_the_test")


def test_play_returns_a_dashboard_widget_with_its_game():
    dashboard = play("tutorial", seed=4, mode="expected")
    again = play("tutorial")  # a second call in the same kernel works too
    assert isinstance(dashboard, Dashboard) and isinstance(again, Dashboard)
    assert dashboard.game.seed == 4 and dashboard.game.mode == "expected" and dashboard.game.turn == 1
    assert dashboard.children, "the dashboard shows its parts"
    game = Game("tutorial", seed=9)
    assert play(game).game is game


def test_header_shows_turn_money_estimate_and_narrative(expected_dashboard):
    header = expected_dashboard.header.widget.value
    view = expected_dashboard.game.view()
    low, high = view.raid_estimate_units["attack_drone"]
    assert "Turn 1 of 4" in header
    assert "$2.6M" in header  # $2M to start + $0.6M for the first turn
    assert (low, high) == (80, 120)  # 100 expected, +- 2 sqrt(100)
    assert "80 to 120" in header
    assert "One-way attack drone" in header
    assert "Intelligence expects about a hundred one-way attack drones" in header


def test_end_turn_plays_the_orders_set_in_the_widgets(expected_dashboard):
    dashboard = expected_dashboard
    set_layered_doctrine(dashboard)
    assert not dashboard.end_turn_button.disabled
    dashboard.end_turn_button.click()

    game = dashboard.game
    assert game.turn == 2
    reference = Game("tutorial", mode="expected")
    reference.play_turn(layered_orders(reference))
    pd.testing.assert_frame_equal(game.history, reference.history)
    metrics = game.reports[-1].metrics
    assert metrics["interceptor_spend_usd"] == pytest.approx(700_000 + 40_960_000)
    assert metrics["cost_exchange_ratio"] == pytest.approx(41_660_000 / 3_500_000)

    lessons = dashboard.lessons.widget.value
    for figure in ("$41.7M", "$3.5M", "11.9 : 1"):
        assert figure in lessons
    assert "wargame-lesson" in lessons and "Explain this number" in lessons  # the lessons' own HTML
    # the result in the status line, then each lesson once, folded to its headline (issue 12, point 1)
    assert dashboard.status.text.startswith("Turn 1 played:") and "Full account" in dashboard.status.text
    for lesson in game.reports[-1].lessons:
        assert lessons.count(f"wargame-lesson wargame-{lesson.kind}'") == 1, lesson.kind
        assert f"{html.escape(lesson.headline)}</summary>" in lessons, lesson.headline
    assert lessons.count("<details class='wargame-lesson") == len(game.reports[-1].lessons)
    assert "Turn 2 of 4" in dashboard.header.widget.value
    # the next turn starts from the orders just played
    assert dashboard.controls.read() == game.orders()


def test_stochastic_game_through_the_dashboard_matches_the_engine():
    dashboard = play("tutorial", seed=3)
    set_layered_doctrine(dashboard)
    dashboard.end_turn_button.click()
    dashboard.controls.items["interceptor_drone"].imports.value = 100
    dashboard.end_turn_button.click()

    reference = Game("tutorial", seed=3)
    first = layered_orders(reference)
    reference.play_turn(first)
    second = first.copy()
    second.imports = {"interceptor_drone": 100.0}
    reference.play_turn(second)
    pd.testing.assert_frame_equal(dashboard.game.history, reference.history)
    assert dashboard.game.history.loc[2, "spend_imports_usd"] == 100 * 3_500 * 1.3


def test_orders_over_budget_disable_end_turn_with_the_engines_message(expected_dashboard):
    dashboard = expected_dashboard
    dashboard.controls.items["sam_missile"].capacity.value = 2  # 2 x $60M of new missile lines
    orders = dashboard.controls.read()
    expected = dashboard.game.check(orders)
    assert expected == ["These orders cost $120M; you have $2.6M. Cut $117.4M."]
    assert dashboard.end_turn_button.disabled and dashboard.forecast_button.disabled
    assert dashboard.problems.problems == expected
    assert "Cut $117.4M." in dashboard.problems.widget.value
    assert "$120M" in dashboard.meter.text.value and "over budget" in dashboard.meter.text.value

    dashboard.end_turn_button.click()  # clicked anyway (click() ignores disabled): nothing is played
    assert dashboard.game.turn == 1 and dashboard.game.history.empty

    dashboard.controls.items["sam_missile"].capacity.value = 0
    assert not dashboard.end_turn_button.disabled
    assert "These orders can be played" in dashboard.problems.widget.value


def test_production_above_capacity_is_shown_not_clamped(expected_dashboard):
    dashboard = expected_dashboard
    box = dashboard.controls.items["interceptor_drone"].production
    assert box.max == 300  # the widget's limit is this turn's capacity
    orders = dashboard.game.orders()
    orders.production = {"interceptor_drone": 301.0}
    dashboard.controls.write(orders)  # e.g. last turn's orders after industry lost capacity
    assert box.value == 301, "an order written into the controls is never cut down silently"
    message = "Production of Interceptor drone: 301 ordered, capacity is 300 this turn."
    assert dashboard.problems.problems == [message] == dashboard.game.check(orders)
    assert dashboard.end_turn_button.disabled
    box.value = 300
    assert box.max == 300 and not dashboard.end_turn_button.disabled


def test_undo_restores_the_turn_the_controls_and_the_plots(expected_dashboard):
    dashboard = expected_dashboard
    dashboard.end_turn_button.click()  # turn 1: the starting doctrine, missiles only
    after_first = dashboard.game.history.copy()
    assert dashboard.undo_button.disabled is False
    set_layered_doctrine(dashboard)
    played = dashboard.controls.read()
    dashboard.end_turn_button.click()
    assert dashboard.game.turn == 3
    assert bundle_data(dashboard.plots.charts["cost_exchange"])["turn"] == [1, 2]

    dashboard.undo_button.click()
    assert dashboard.game.turn == 2
    pd.testing.assert_frame_equal(dashboard.game.history, after_first)
    assert dashboard.controls.read() == played, "the undone turn's orders are back in the controls"
    for chart in (dashboard.plots.charts["cost_exchange"], dashboard.plots.charts["production"]):
        assert list(chart.source.data["turn"]) == [1]
        assert bundle_data(chart)["turn"] == [1]
    assert dashboard.plots.charts["stock"].source.data["turn"] == [0, 1]
    assert "Turn 2 of 4" in dashboard.header.widget.value
    assert "What turn 1 taught" in dashboard.lessons.widget.value
    assert "68.6 : 1" in dashboard.lessons.widget.value  # missiles only: $240M against $3.5M

    dashboard.undo_button.click()
    assert dashboard.game.turn == 1 and dashboard.undo_button.disabled
    assert list(dashboard.plots.charts["cost_exchange"].source.data["turn"]) == []
    assert "after each turn" in dashboard.lessons.widget.value


def test_forecast_fills_the_fan_charts(expected_dashboard):
    dashboard = expected_dashboard
    set_layered_doctrine(dashboard)
    dashboard.forecast_button.click()
    result = dashboard.fan.forecast
    assert result is not None and result.runs == 200 == dashboard.forecast_runs
    assert result.seconds < 2.0
    assert dashboard.game.turn == 1 and dashboard.game.history.empty, "a forecast changes nothing"
    for metric in ("damage_usd", "leaked_real_units", "money_end_usd"):
        chart = dashboard.fan.charts[metric]
        data = chart.source.data
        assert data["turn"] == [1, 2, 3, 4]
        band = result.band(metric)
        assert data["q50"] == [float(v) for v in band["50%"]]
        assert all(a <= b <= c <= d <= e for a, b, c, d, e in zip(data["q05"], data["q25"], data["q50"], data["q75"], data["q95"]))
        assert bundle_data(chart)["q95"] == data["q95"]
        assert "median" in chart.summary.value
    assert "Forecast ready: 200 futures" in dashboard.status.widget.value
    assert dashboard.forecast_button.description == "Forecast" and not dashboard.forecast_button.disabled
    dashboard.end_turn_button.click()  # the game moved on: the old futures no longer apply
    assert dashboard.fan.forecast is None
    assert all(list(chart.source.data["turn"]) == [] for chart in dashboard.fan.charts.values())
    assert "press Forecast again" in dashboard.fan.about.value


def test_forecast_shows_working_while_it_runs(monkeypatch, expected_dashboard):
    dashboard = expected_dashboard
    seen = {}

    def slow_forecast(game, orders, runs):
        seen["button"] = dashboard.forecast_button.description
        seen["status"] = dashboard.status.widget.value
        seen["disabled"] = dashboard.forecast_button.disabled
        raise ValueError("The game is over: there is no future to forecast.")

    monkeypatch.setattr("wargame.ui.dashboard.forecast", slow_forecast)
    dashboard.forecast_button.click()
    assert seen == {"button": "Working…", "status": seen["status"], "disabled": True}
    assert "Working" in seen["status"]
    assert "No forecast: The game is over" in dashboard.status.widget.value
    assert not dashboard.forecast_button.disabled


def test_save_then_load_round_trips(tmp_path, expected_dashboard):
    dashboard = expected_dashboard
    set_layered_doctrine(dashboard)
    dashboard.end_turn_button.click()
    dashboard.controls.items["interceptor_drone"].production.value = 0
    dashboard.end_turn_button.click()
    assert dashboard.game.turn == 3
    path = tmp_path / "my-game.json"
    dashboard.files.filename.value = str(path)
    dashboard.files.save.click()
    assert path.exists() and "Saved 2 turns" in dashboard.files.message.value

    other = play("tutorial", seed=1)
    other.files.filename.value = str(path)
    other.files.load.click()
    assert "Loaded" in other.files.message.value
    assert other.game.mode == "expected" and other.game.turn == 3
    pd.testing.assert_frame_equal(other.game.history, dashboard.game.history)
    assert other.controls.read() == dashboard.game.orders()
    assert list(other.plots.charts["cost_exchange"].source.data["turn"]) == [1, 2]
    assert "Turn 3 of 4" in other.header.widget.value


def test_load_into_another_scenario_rebuilds_the_controls(tmp_path):
    gulf = play("gulf_depletion", mode="expected")
    gulf.end_turn_button.click()
    path = tmp_path / "gulf.json"
    gulf.game.save(path)
    dashboard = play("tutorial")
    dashboard.files.filename.value = str(path)
    dashboard.files.load.click()
    assert dashboard.game.scenario.name == "gulf_depletion"
    assert set(dashboard.controls.items) == set(gulf.game.scenario.catalogue)
    assert dashboard.controls.read() == gulf.game.orders()
    assert dashboard.plots.charts["cost_exchange"].source.data["turn"] == [1]
    assert dashboard.controls.widget in dashboard.children[1].children[0].children


def test_load_and_save_errors_are_words_not_tracebacks(tmp_path):
    dashboard = play("tutorial")
    path = tmp_path / "broken.json"
    cases = [
        (None, "no such save file"),
        ("{not json", "not valid JSON"),
        ('{"format": "something else"}', "not a save file of the drone wargame kit"),
    ]
    for content, words in cases:
        if content is not None:
            path.write_text(content, encoding="utf-8")
        dashboard.files.filename.value = str(path)
        dashboard.files.load.click()
        message = dashboard.files.message.value
        assert words in message and "Traceback" not in message and "role='alert'" in message
        assert dashboard.game.turn == 1
    dashboard.files.filename.value = str(tmp_path / "no-such-folder" / "game.json")
    dashboard.files.save.click()
    assert "Could not save" in dashboard.files.message.value
    dashboard.files.filename.value = "  "
    dashboard.files.save.click()
    assert "Type a file name first" in dashboard.files.message.value
    dashboard.files.filename.value = str(tmp_path / "report")
    dashboard.files.save_report.click()
    assert "at the end of the game" in dashboard.files.message.value


def test_the_last_turn_ends_the_game_and_shows_the_report(tmp_path, expected_dashboard):
    dashboard = expected_dashboard
    set_layered_doctrine(dashboard)
    production = dashboard.controls.items["interceptor_drone"].production
    for turn in range(1, 5):
        if turn == 2:
            # leakers hit industry: last turn's 300 is above this turn's capacity, so the standing
            # order is lowered to it, and the student is told why; the turn is not blocked
            assert production.value == 299 and production.limit == 299
            assert "Interceptor drone production lowered from 300 to 299: damage cut your lines." in dashboard.status.text
            assert "Full account: the raid cost you" in dashboard.status.text
        if production.value > production.limit:
            assert dashboard.problems.problems == [
                f"Production of Interceptor drone: {production.value} ordered, capacity is {production.limit} this turn."
            ]
            production.value = production.limit
        assert not dashboard.end_turn_button.disabled, dashboard.problems.problems
        dashboard.end_turn_button.click()
        assert dashboard.game.turn == turn + 1
    assert dashboard.game.is_over
    assert dashboard.end_turn_button.disabled and dashboard.forecast_button.disabled
    assert all(control.disabled for control in dashboard.controls.inputs())
    assert "The game is over" in dashboard.header.widget.value
    assert dashboard.after_action is not None and not dashboard.files.save_report.disabled
    (output,) = dashboard.report_output.outputs
    assert "After-action report" in output["data"]["text/html"]
    assert "wargame-aar-frame" in output["data"]["text/html"]  # the report's own display
    dashboard.files.filename.value = str(tmp_path / "final.json")
    dashboard.files.save_report.click()
    assert (tmp_path / "final.html").exists(), dashboard.files.message.value
    dashboard.undo_button.click()  # back into the game: controls free again, report gone
    assert not dashboard.game.is_over and dashboard.report_output.outputs == ()
    assert not dashboard.end_turn_button.disabled
    assert not dashboard.controls.items["interceptor_drone"].production.disabled


def test_header_shows_a_date_with_its_risk_and_then_that_it_is_late(variant):
    from wargame.ui import play

    scenario = variant(
        {
            "events": [
                {
                    "turn": 1,
                    "type": "capability",
                    "name": "A targeting web",
                    "kill_chain_factor": 0.5,
                    "text": "The web is running.",
                    "slip": {"chance": 1.0, "by_turns": [2, 2]},
                }
            ]
        }
    )
    dashboard = play(scenario, seed=0)
    assert "Expected: A targeting web: due turn 1, 100% chance it slips 2 turns" in dashboard.header.widget.value
    dashboard.game.play_turn(dashboard.game.orders())
    dashboard.header.refresh(dashboard.game)
    assert "A targeting web: late (it was due on turn 1); it may still come." in dashboard.header.widget.value
    for _ in range(2):
        dashboard.game.play_turn(dashboard.game.orders())
    dashboard.header.refresh(dashboard.game)
    assert "targeting web" not in dashboard.header.widget.value


def test_buying_beyond_the_fire_limit_is_said_plainly_and_not_refused():
    from wargame.orders import fire_limit_notes, orders_to_arrays

    game = Game("gulf_depletion", seed=0, mode="expected")
    for _ in range(6):
        game.play_turn(game.orders())  # the starting doctrine never fires electronic warfare
    ew = game.tables.items.index("ew")
    held = game.state.stock[0, ew]
    orders = game.orders()
    orders.imports["ew"] = 1000
    notes = fire_limit_notes(game.state, orders_to_arrays(orders, game.tables), game.tables)
    # 300 engagements a month, one shot each, 2 turns left: at most 600 can ever be fired
    assert notes == [
        "Electronic-warfare jamming engagement: only 300 of these can be fired a month (1 shot per target at most), "
        f"600 in the 2 turns left; with this order you will hold {held + 1000:,.0f}."
    ]
    assert not game.check(orders)  # said, not refused
    orders.imports["ew"] = 0
    assert fire_limit_notes(game.state, orders_to_arrays(orders, game.tables), game.tables) == []


def _contrast_on_white(colour: str) -> float:
    """WCAG 2 contrast ratio of a #rrggbb colour against white."""
    channels = [int(colour[k : k + 2], 16) / 255 for k in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return 1.05 / (luminance + 0.05)


def _html_values(widget) -> list[str]:
    values = [widget.value] if isinstance(getattr(widget, "value", None), str) else []
    for child in getattr(widget, "children", ()):
        values += _html_values(child)
    return values


def test_words_are_written_in_colours_that_read_on_white():
    """WCAG AA: 4.5:1 for normal text; axe-core checks the same in the browser tests."""
    from wargame.ui.exercise import predict
    from wargame.ui.policy import AutonomyPicker

    dashboard = play("gulf_depletion", mode="expected")
    dashboard.end_turn_button.click()
    dashboard.status.say("A planted error", error=True)
    dashboard.files.say("A planted error", error=True)
    dashboard.controls.items[next(iter(dashboard.controls.items))].production.value = 10**6  # over budget
    exercise = predict("?", 10, tolerance=0)
    exercise.input.value = "3"
    exercise.check_button.click()
    shown = _html_values(dashboard) + _html_values(exercise) + _html_values(AutonomyPicker(dashboard.game.scenario).widget)
    colours = {c.upper() for text in shown for c in re.findall(r"(?<![-\w])color:\s*(#[0-9A-Fa-f]{6})", text)}
    assert "#B34700" in colours, "the planted errors are coloured: the sweep sees text colours"
    faint = {c: round(_contrast_on_white(c), 2) for c in colours if _contrast_on_white(c) < 4.5}
    assert not faint, f"text colours below 4.5:1 on white: {faint}"
