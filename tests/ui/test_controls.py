"""Order controls are built from each scenario's data, read and write Orders, and stay accessible."""

from __future__ import annotations

import html
import math

import ipywidgets as widgets
import pandas as pd
import pytest

from wargame import Game, Layer, Orders
from wargame.format import money
from wargame.scenario import shipped_scenarios
from wargame.ui import play
from wargame.ui.doctrine import NO_LAYER

# a button callback that raises fails the test (ipywidgets would only print it)
pytestmark = pytest.mark.usefixtures("callback_errors_fail_the_test")

SCENARIOS = shipped_scenarios()


@pytest.fixture(scope="module", params=SCENARIOS)
def shipped(request):
    """A dashboard per shipped scenario (shared by this module's tests: they only read it first)."""
    return play(request.param, mode="expected")


def test_every_shipped_scenario_is_covered():
    assert {"tutorial", "gulf_depletion", "baltic_shield", "eastern_front"} <= set(SCENARIOS)


def test_controls_are_built_from_the_catalogue(shipped):
    game, controls = shipped.game, shipped.controls
    scenario, view = game.scenario, game.view()
    assert list(controls.items) == list(scenario.catalogue)
    for item, spec in scenario.catalogue.items():
        row = controls.items[item]
        assert row.production.max == math.floor(view.capacity_units_per_turn[item] + 1e-9), item
        assert (row.imports is not None) == (spec.imports is not None)
        assert (row.joint is not None) == (spec.joint_production is not None)
        if spec.imports is not None:
            assert row.imports.max == math.floor(view.import_available_units[item] + 1e-9)
            price = money(spec.unit_cost_usd.value * (1 + spec.imports.price_premium))
            assert price in row.imports_note.value
        assert spec.name in row.name.value
        if spec.pk and spec.fire_capacity_per_turn:  # fire limits in plain sight, in their own column
            assert row.fire_limit.value == f"{spec.fire_capacity_per_turn:,.0f} a month", item
    # doctrine: per threat class, one slot per type able to engage it, offering only those types
    for threat, editor in controls.doctrine.threats.items():
        engaging = {item for item, spec in scenario.catalogue.items() if threat in spec.pk}
        assert len(editor.slots) == len(engaging)
        for choice, _ in editor.slots:
            assert {value for _, value in choice.options} == engaging | {NO_LAYER}
            for label, value in choice.options:
                limit = value != NO_LAYER and scenario.catalogue[value].fire_capacity_per_turn
                if limit:
                    assert f"at most {limit:,.0f} engagements a month" in label
    # strike plan: strike drones x target sets within their reach
    expected = {
        (item, target)
        for item, spec in scenario.catalogue.items()
        if spec.role == "strike_drone"
        for target in scenario.adversary.target_sets
        if spec.reach is None or target in spec.reach
    }
    assert set(controls.strikes.boxes) == expected
    assert [value for _, value in controls.autonomy.choice.options] == list(scenario.autonomy.levels)
    assert [value for _, value in controls.cycle.choice.options] == list(scenario.development_cycles)


def test_default_orders_read_back_unchanged(shipped):
    assert shipped.controls.read() == shipped.game.orders()


def test_a_turn_plays_with_the_default_orders(shipped):
    assert shipped.game.check(shipped.controls.read()) == []
    assert not shipped.end_turn_button.disabled
    shipped.end_turn_button.click()
    assert shipped.game.turn == 2
    reference = Game(shipped.game.scenario, mode="expected")
    reference.play_turn(reference.orders())
    pd.testing.assert_frame_equal(shipped.game.history, reference.history)
    for chart in shipped.plots.charts.values():
        assert chart.summary.value, chart.name


def test_prohibited_levels_are_flagged_with_the_regime(shipped):
    regime = shipped.game.scenario.autonomy.legal_regime
    labels = dict((value, label) for label, value in shipped.controls.autonomy.choice.options)
    for level in shipped.game.view().prohibited_levels:
        assert "PROHIBITED" in labels[level] and regime.name in labels[level]
    assert html.escape(regime.name) in shipped.controls.autonomy.regime.value
    assert html.escape(regime.description) in shipped.controls.autonomy.regime.value


def test_every_control_has_a_visible_label_and_a_tooltip(shipped):
    controls = list(shipped.controls.inputs()) + [
        shipped.end_turn_button,
        shipped.forecast_button,
        shipped.undo_button,
        shipped.files.filename,
        shipped.files.save,
        shipped.files.load,
        shipped.meter.bar,
    ]
    for control in controls:
        assert control.description.strip(), control
        assert control.tooltip and control.tooltip.strip(), control.description
        if not isinstance(control, widgets.Button):
            assert control.style.description_width == "initial", control.description  # never cut short


def test_orders_written_into_the_controls_read_back_the_same():
    dashboard = play("gulf_depletion", mode="expected")
    orders = dashboard.game.orders()
    orders.production = {"ew": 150.0, "strike_drone": 20.0}
    orders.capacity = {"interceptor_drone": 40.0, "gun": 2.0}
    orders.imports = {"nasams": 3.0}
    orders.doctrine = {
        "ballistic_missile": [{"item": "pac3", "shots": 2}],
        "attack_drone": [{"item": "ew", "shots": 1}, {"item": "gun", "shots": 4}, {"item": "nasams", "shots": 1}],
    }
    orders.strikes = {"strike_drone": {"launch_sites": 5.0, "logistics": 3.0}}
    orders.autonomy = "terminal_autonomy"
    orders.adaptation = "wartime"
    orders.train_operators = 7
    dashboard.controls.write(orders)
    read = dashboard.controls.read()
    assert read.doctrine["attack_drone"][1].item == "gun" and read.doctrine["attack_drone"][1].shots == 4
    expected = Orders.from_dict(orders.to_dict())
    assert read == expected
    assert dashboard.meter.total == pytest.approx(sum(dashboard.game.costs(expected).values()))


def test_doctrine_order_and_blank_slots():
    dashboard = play("tutorial")
    (first, first_shots), (second, second_shots) = dashboard.controls.doctrine.threats["attack_drone"].slots
    assert first.value == "sam_missile" and second.value == NO_LAYER and second_shots.disabled
    first.value = NO_LAYER
    second.value = "interceptor_drone"
    second_shots.value = 3
    assert dashboard.controls.read().doctrine == {"attack_drone": [Layer("interceptor_drone", 3)]}
    second.value = NO_LAYER
    assert dashboard.controls.read().doctrine == {"attack_drone": []}
    # the same type twice: the engine's words, not the UI's
    first.value = second.value = "sam_missile"
    assert dashboard.problems.problems == dashboard.game.check(dashboard.controls.read())
    assert any("listed twice" in p for p in dashboard.problems.problems)
    assert dashboard.end_turn_button.disabled


def test_shots_above_a_types_limit_are_the_engines_to_refuse():
    dashboard = play("tutorial")
    choice, shots = dashboard.controls.doctrine.threats["attack_drone"].slots[0]
    choice.value = "interceptor_drone"
    shots.value = 3  # interceptor drones allow 3
    choice.value = "sam_missile"  # missiles allow 2: the 3 stays, and the engine explains
    assert shots.value == 3
    assert dashboard.problems.problems == [
        "Doctrine against One-way attack drone (Shahed class): 3 shots per target with High-end interceptor missile; allowed 1 to 2."
    ]
    shots.value = 2
    assert shots.max == 2 and not dashboard.end_turn_button.disabled


def test_strikes_beyond_reach_are_not_offered_and_prohibited_levels_refused():
    dashboard = play("eastern_front", mode="expected")
    assert set(g for item, g in dashboard.controls.strikes.boxes if item == "fpv") == {"logistics"}
    assert "out of reach" in dashboard.controls.strikes.widget.children[1].children[0].value
    dashboard.controls.autonomy.choice.value = "full_autonomy"
    assert any("prohibited" in p for p in dashboard.problems.problems)
    assert dashboard.end_turn_button.disabled


def test_strike_plan_is_played(strike_scenario):
    dashboard = play(strike_scenario, mode="expected")
    dashboard.controls.strikes.boxes[("fpv", "production")].value = 100
    dashboard.controls.strikes.boxes[("fpv", "launch_sites")].value = 50
    assert dashboard.controls.read().strikes == {"fpv": {"production": 100.0, "launch_sites": 50.0}}
    assert not dashboard.end_turn_button.disabled, dashboard.problems.problems
    dashboard.end_turn_button.click()
    assert dashboard.game.history.loc[1, "strike_sorties_units"] == 150
    # 10 operators fly 20 sorties each at remote piloting: 250 is beyond them, in the engine's words
    dashboard.controls.strikes.boxes[("fpv", "production")].value = 200
    assert any("operators can fly 200" in p for p in dashboard.problems.problems), dashboard.problems.problems


def test_capacity_arrival_turn_shown_is_when_it_arrives():
    """The label's arrival turn agrees with the engine: lines ordered now add capacity then."""
    dashboard = play("tutorial", mode="expected")
    row = dashboard.controls.items["interceptor_drone"]
    assert "Capacity: turn 3" in row.arrives.value  # 60-day lead, 30-day turns
    assert "Import: turn 2" in row.arrives.value  # 30-day delay
    row.capacity.value = 100
    dashboard.end_turn_button.click()
    dashboard.controls.items["interceptor_drone"].capacity.value = 0
    reference = Game("tutorial", mode="expected")  # the same game without the new lines
    reference.play_turn(reference.orders())

    def capacity(game):
        return game.view().capacity_units_per_turn["interceptor_drone"]

    assert capacity(dashboard.game) == capacity(reference), "not yet at turn 2"
    assert "Capacity: turn 4" in row.arrives.value
    dashboard.end_turn_button.click()
    reference.play_turn(reference.orders())
    assert dashboard.game.turn == 3
    assert capacity(dashboard.game) - capacity(reference) == pytest.approx(100, rel=0.05), "arrived for turn 3"


def test_training_and_cycle_labels_use_the_engines_numbers():
    dashboard = play("tutorial")
    labels = [label for label, _ in dashboard.controls.cycle.choice.options]
    assert labels[1] == "Wartime cadence: patches in 30 days (about 1 turn), $2M a turn"
    assert "$50,000 each" in dashboard.controls.training.note.value
    assert "usable from turn 3" in dashboard.controls.training.note.value
    dashboard.controls.cycle.choice.value = "wartime"
    dashboard.controls.training.box.value = 4
    assert dashboard.game.costs(dashboard.controls.read())["development"] == 2_000_000
    assert "$2.2M" in dashboard.meter.text.value


# --- controls that can do nothing in a scenario are left out (issue 12, point 2) -------------


def _tabs(scenario) -> list[str]:
    from wargame.ui.controls import OrderControls

    tabs = OrderControls(scenario).widget
    return [tabs.get_title(k) for k in range(len(tabs.children))]


def test_the_tutorial_shows_no_strike_plan_cycle_or_training():
    """No strike drone (so no sortie and no operator to train) and no countermeasure to patch."""
    from wargame import load_scenario
    from wargame.ui.controls import idle_controls

    scenario = load_scenario("tutorial")
    assert idle_controls(scenario) == {"strikes", "training", "cycle"}
    assert _tabs(scenario) == ["Build and buy", "Doctrine", "Autonomy"]


def test_a_strike_drone_with_a_target_in_reach_shows_the_strike_plan_and_training(strike_scenario):
    from wargame.ui.controls import idle_controls

    assert "strikes" not in idle_controls(strike_scenario) and "training" not in idle_controls(strike_scenario)
    assert "Strike plan" in _tabs(strike_scenario) and "Adapt and train" in _tabs(strike_scenario)


def test_a_strike_drone_without_a_target_set_can_do_nothing(variant):
    from tests.conftest import STRIKE_DRONE
    from wargame.ui.controls import idle_controls

    scenario = variant({"catalogue": {"fpv": STRIKE_DRONE}})
    assert not scenario.adversary.target_sets
    assert {"strikes", "training"} <= idle_controls(scenario)
    assert "Strike plan" not in _tabs(scenario)


def test_a_strike_drone_whose_reach_misses_every_target_set_can_do_nothing(variant):
    from tests.conftest import STRIKE_DRONE, TARGET_SETS
    from wargame.ui.controls import idle_controls

    scenario = variant({"catalogue": {"fpv": {**STRIKE_DRONE, "reach": []}}, "adversary": {"target_sets": TARGET_SETS}})
    assert {"strikes", "training"} <= idle_controls(scenario)
    reaching = variant({"catalogue": {"fpv": {**STRIKE_DRONE, "reach": ["production"]}}, "adversary": {"target_sets": TARGET_SETS}})
    assert not {"strikes", "training"} & idle_controls(reaching)


def test_the_development_cycle_shows_when_the_adversary_adapts():
    from wargame import load_scenario
    from wargame.ui.controls import idle_controls

    scenario = load_scenario("gulf_depletion")
    assert scenario.adversary.countermeasures is not None
    assert idle_controls(scenario) == frozenset()
    assert "Adapt and train" in _tabs(scenario) and "Strike plan" in _tabs(scenario)


def test_an_interceptor_without_a_fire_limit_reads_no_fire_limit():
    from wargame.ui.controls import _fires

    from wargame import load_scenario

    scenario = load_scenario("gulf_depletion")
    assert _fires(scenario.catalogue["interceptor_drone"], scenario) == "no fire limit"
    assert _fires(scenario.catalogue["ew"], scenario) == "fires at most 300 engagements a month"


def test_the_build_grid_has_a_row_per_item_and_a_column_per_fact_and_order():
    """Issue 12, point 2: name, price, on hand, capacity, fire limit and arrival in columns of
    their own, then one column per order; every cell of a row in its column."""
    from wargame.ui.controls import FACT_COLUMNS, ORDER_COLUMNS

    dashboard = play("gulf_depletion", mode="expected")
    wrapper = dashboard.controls.widget.children[0]
    grid = wrapper.children[0]
    titles = [cell.value for cell in grid.children[: len(FACT_COLUMNS) + len(ORDER_COLUMNS)]]
    for (title, _), shown in zip(FACT_COLUMNS + tuple((order, "") for order in ORDER_COLUMNS), titles):
        assert f"<b>{title}</b>" in shown
    assert [t for t, _ in FACT_COLUMNS] == ["Item", "Price", "On hand", "Capacity", "Fire limit", "Arrives"]
    columns = len(FACT_COLUMNS) + len(ORDER_COLUMNS)
    assert len(grid.children) == columns * (1 + len(dashboard.scenario.catalogue))
    assert len(grid.layout.grid_template_columns.replace("repeat(3,", "").split("minmax")) - 1 == columns - 2
    ew = dashboard.controls.items["ew"]
    row = grid.children[columns * (1 + list(dashboard.scenario.catalogue).index("ew")) :][:columns]
    assert row[0].children == (ew.name,) and row[4].children == (ew.fire_limit,) and row[5].children == (ew.arrives,)
    assert ew.fire_limit.value == "300 a month"
    assert ew.arrives.value == "<small>Build: turn 2<br>Capacity: turn 2<br>Import: turn 2</small>"
    assert dashboard.controls.items["interceptor_drone"].fire_limit.value == "none"
    assert "not an interceptor" in dashboard.controls.items["strike_drone"].fire_limit.value
    assert row[6].children[0] is ew.production and row[8].children[0] is ew.imports


def test_an_order_that_arrives_after_the_last_turn_reads_too_late():
    from wargame.ui.controls import arrival

    assert (arrival(3, 2, 8), arrival(7, 2, 8), arrival(3, 0, 8)) == ("turn 5", "too late", "at once")


def test_the_autonomy_table_has_a_column_per_level_and_shares_the_width():
    """The trade-offs fit the orders panel: levels as columns in a fixed-layout table 100% wide,
    a row per trade-off (eight columns of trade-offs lost the last one off screen)."""
    from wargame.ui.policy import TRADEOFF_ROWS

    dashboard = play("gulf_depletion", mode="expected")
    picker = dashboard.controls.autonomy
    shown = picker.tradeoffs.value
    assert "table-layout:fixed" in shown and "width:100%" in shown
    assert shown.count("<th scope='col'") == 1 + len(picker.levels)
    assert shown.count("<th scope='row'") == len(TRADEOFF_ROWS)
    for level in picker.levels:
        assert html.escape(dashboard.scenario.autonomy.levels[level].name) in shown


def test_a_doctrine_choice_shows_its_price_first_and_each_layer_is_a_row():
    dashboard = play("gulf_depletion", mode="expected")
    editor = dashboard.controls.doctrine.threats["attack_drone"]
    name = dashboard.scenario.catalogue["pac3"].name
    label = next(label for label, value in editor.slots[0][0].options if value == "pac3")
    assert label.startswith(f"{name} ($4M a shot; pk ")
    table = editor.widget.children[1]
    assert "wargame-doctrine-layers" in table._dom_classes
    for k, (choice, shots) in enumerate(editor.slots, start=1):
        row = table.children[k]
        assert isinstance(row, widgets.HBox) and row.children[1:] == (choice, shots)
        assert choice.description == f"Against {editor.name}, layer {k}"  # the label a screen reader reads
