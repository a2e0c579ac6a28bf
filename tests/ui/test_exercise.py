"""The predict-then-check exercise widget: feedback on a typed prediction, a worked answer on request."""

from __future__ import annotations

import html
import json
import math
import re

import ipywidgets as widgets
import pytest

import wargame
from wargame.ui.exercise import DEFAULT_HINTS, TRIES_BEFORE_WORKED_ANSWER, Exercise, parse_number, predict

WORKED = "60 missiles x $4M = $240M; 100 drones x $35,000 = $3.5M; 240 / 3.5 = 68.6"


def answer(exercise: Exercise, typed: str) -> str:
    """Type into the box and press Check, as a learner does; return the feedback shown."""
    exercise.input.value = typed
    exercise.check_button.click()
    return exercise.feedback.value


def every_widget(root: widgets.Widget):
    yield root
    for child in getattr(root, "children", ()):
        yield from every_widget(child)


def page_state(exercise: Exercise) -> str:
    """Everything the widgets send to the page, as text."""
    return json.dumps([w.get_state() for w in every_widget(exercise)], default=str)


@pytest.fixture
def ratio():
    return predict("What is the cost-exchange ratio?", 68.5714, tolerance=5, worked=WORKED)


def test_the_widget_shows_the_question_a_box_and_two_buttons(ratio):
    assert isinstance(ratio, widgets.VBox)
    assert "What is the cost-exchange ratio?" in ratio.prompt.value
    assert ratio.input.description == "Your prediction"
    assert ratio.check_button.description == "Check"
    assert ratio.worked_button.description == "Show worked answer"
    assert ratio.feedback.value == ""
    assert ratio.verdict is None


def test_a_prediction_within_the_tolerance_is_close_enough(ratio):
    shown = answer(ratio, "70")
    assert ratio.verdict == "close"
    assert "Close enough" in shown and "within 5 of" in shown
    assert "You said 70; the game&#x27;s figure is 68.57" in shown


def test_an_exact_prediction_is_spot_on(ratio):
    assert "Spot on" in answer(ratio, "68.5714")
    assert ratio.verdict == "close"


def test_a_first_wrong_answer_gets_a_hint_without_the_figure(ratio):
    shown = answer(ratio, "100")
    assert ratio.verdict == "high" and ratio.wrong_tries == 1
    assert "Too high. You said 100." in shown
    assert DEFAULT_HINTS["high"].split(":")[0] in html.unescape(shown)
    assert "the worked answer opens after 2 more tries, or now with Show worked answer" in shown
    # neither the figure nor the gap that would give it away
    for giveaway in ("68.57", "68.6", "31.43", "46%", "figure is"):
        assert giveaway not in shown
    assert not ratio.worked_shown and "240 / 3.5" not in page_state(ratio)


def test_too_low_gets_the_low_hint(ratio):
    shown = answer(ratio, "60")
    assert ratio.verdict == "low"
    assert "A little too low. You said 60." in shown
    assert DEFAULT_HINTS["low"].split(":")[0] in html.unescape(shown)
    assert "68.57" not in shown and "8.57" not in shown


@pytest.mark.parametrize(
    "typed, words",
    [
        ("80", "A little too high."),  # 17% above
        ("120", "Too high."),  # 75% above
        ("1,000", "Far too high: more than twice the game&#x27;s figure."),
        ("60", "A little too low."),  # 12% below
        ("45", "Too low."),  # 34% below
        ("10", "Far too low: less than half the game&#x27;s figure."),
    ],
)
def test_how_far_off_is_said_in_words_that_keep_the_figure_hidden(typed, words):
    exercise = predict("What is the cost-exchange ratio?", 68.5714, tolerance=5, worked=WORKED)
    shown = answer(exercise, typed)
    assert shown.split("role='status'>")[1].startswith(words), shown
    assert "68.57" not in shown


def test_the_notebook_names_the_step_to_recheck():
    exercise = predict(
        "How many get through?",
        46,
        unit="drones",
        tolerance=1,
        worked="100 - 54 = 46",
        hints={"high": "Did you count the missiles that miss?", "low": "Only 60 of them are engaged."},
    )
    assert "Did you count the missiles that miss?" in answer(exercise, "60")
    assert "Only 60 of them are engaged." in answer(exercise, "10")
    one_text = predict("?", 5, hints="Recheck the second step.")
    assert "Recheck the second step." in answer(one_text, "9") and "Recheck the second step." in answer(one_text, "1")


def test_hints_take_only_high_and_low():
    with pytest.raises(ValueError, match="'high' and 'low'"):
        predict("?", 5, hints={"too_high": "x"})


def test_after_three_wrong_tries_the_worked_answer_opens_with_the_figure(ratio):
    answer(ratio, "100")
    second = answer(ratio, "90")
    assert "after one more try" in second and "68.57" not in second
    assert not ratio.worked_shown
    third = answer(ratio, "10")
    assert ratio.wrong_tries == TRIES_BEFORE_WORKED_ANSWER == 3
    assert "Too low by 58.57. You said 10; the game&#x27;s figure is 68.57." in third
    assert "After 3 tries, the worked answer is open below" in third
    assert ratio.worked_shown and "240 / 3.5 = 68.6" in ratio.worked_box.value
    # from now on the figure is given with every check
    assert "Too high by 31.43. You said 100; the game&#x27;s figure is 68.57." in answer(ratio, "100")


def test_a_right_answer_does_not_use_up_a_try(ratio):
    answer(ratio, "70")
    answer(ratio, "   ")
    answer(ratio, "about seventy")
    assert ratio.wrong_tries == 0


def test_asking_for_the_worked_answer_gives_the_figure_from_then_on(ratio):
    assert "68.57" not in answer(ratio, "100")
    ratio.worked_button.click()
    assert ratio.worked_shown
    assert "the game&#x27;s figure is 68.57" in answer(ratio, "100")


def test_without_a_worked_answer_the_figure_comes_after_three_tries():
    exercise = predict("How many?", 3, tolerance=0)
    assert "the game&#x27;s figure is shown after 2 more tries" in answer(exercise, "5")
    answer(exercise, "5")
    assert "the game&#x27;s figure is 3" in answer(exercise, "5")
    assert not exercise.worked_shown


def test_the_edge_of_the_tolerance_counts_as_close(ratio):
    answer(ratio, str(68.5714 + 5))
    assert ratio.verdict == "close"
    answer(ratio, str(68.5714 - 5.01))
    assert ratio.verdict == "low"


def test_an_empty_box_asks_for_a_prediction(ratio):
    shown = answer(ratio, "   ")
    assert "Type your prediction in the box first" in shown
    assert ratio.verdict is None


def test_text_that_is_not_a_number_is_explained(ratio):
    shown = answer(ratio, "about seventy")
    assert "is not a number the checker can read" in shown
    assert ratio.verdict is None


def test_a_new_check_replaces_the_feedback(ratio):
    answer(ratio, "100")
    assert ratio.verdict == "high"
    shown = answer(ratio, "68")
    assert ratio.verdict == "close" and "Too high" not in shown


def test_money_is_typed_and_shown_as_players_read_it():
    spend = predict("How much more do you spend?", 10_415_000, unit="USD", tolerance=1_000_000, worked="...")
    assert spend.unit_label.value == "dollars"
    assert spend.input.placeholder == "e.g. 3.5M"
    assert "Close enough" in answer(spend, "10M")
    assert "within $1M" in spend.feedback.value
    assert "Spot on" in answer(spend, "$10,415,000")
    shown = answer(spend, "10.4")
    assert spend.verdict == "low" and "If you meant millions, type 10.4M" in shown
    assert "10.4M" not in shown.replace("type 10.4M", "")
    spend.worked_button.click()  # the figure is given once the worked answer is open
    shown = answer(spend, "12.5m")
    assert "Too high by $2.1M" in shown and "the game&#x27;s figure is $10.4M" in shown


def test_percentages_differ_by_percentage_points():
    rate = predict("What share hit?", 2.9, unit="%", tolerance=1, worked="0.11 x 0.264 = 0.029")
    assert "Far too high" in answer(rate, "11%")
    rate.show_worked()
    shown = answer(rate, "11%")
    assert "Too high by 8.1 percentage points" in shown
    assert "You said 11%; the game&#x27;s figure is 2.9%" in shown
    assert "Close enough: within 1 percentage point" in answer(rate, "3.5")


def test_a_unit_typed_after_the_number_is_understood_and_counted_in_words():
    turn = predict("On which turn?", 7, unit="turns", tolerance=0, worked="...")
    assert "Spot on" in answer(turn, "7 turns")
    assert "A little too low. You said 6 turns." in answer(turn, "6")
    turn.show_worked()
    assert "Too low by 1 turn. You said 6 turns" in answer(turn, "6")


@pytest.mark.parametrize("typed", ["69:1", "69 : 1", "69", "69 to 1", "240:3.5"])
def test_a_ratio_is_read_as_the_kit_writes_it(ratio, typed):
    assert "Close enough" in answer(ratio, typed) or "Spot on" in ratio.feedback.value
    assert ratio.verdict == "close"


@pytest.mark.parametrize("typed", ["turn 7", "7", "Turn 7", "on turn 7", "7 turns", "turn 7 "])
def test_a_turn_is_read_with_or_without_the_word(typed):
    for unit in ("turn", ""):
        exercise = predict("In which turn is the stock first fired empty?", 7, unit=unit, tolerance=0)
        assert "Spot on" in answer(exercise, typed), (unit, typed)


def test_the_default_tolerance_is_five_percent_of_the_answer():
    exercise = predict("How many?", 200)
    assert exercise.tolerance == pytest.approx(10)
    answer(exercise, "210")
    assert exercise.verdict == "close"
    answer(exercise, "211")
    assert exercise.verdict == "high"


def test_the_worked_answer_is_hidden_until_asked(ratio):
    assert not ratio.worked_shown
    assert ratio.worked_box.layout.display == "none"
    assert ratio.worked_box.value == ""
    assert "240 / 3.5" not in page_state(ratio)
    answer(ratio, "100")  # checking does not reveal it
    assert not ratio.worked_shown and "240 / 3.5" not in page_state(ratio)

    ratio.worked_button.click()
    assert ratio.worked_shown
    assert ratio.worked_box.layout.display != "none"
    assert "240 / 3.5 = 68.6" in ratio.worked_box.value
    assert ratio.worked_button.description == "Hide worked answer"

    ratio.worked_button.click()
    assert not ratio.worked_shown
    assert ratio.worked_box.value == ""
    assert ratio.worked_button.description == "Show worked answer"


def test_without_a_worked_answer_the_button_is_disabled():
    exercise = predict("How many?", 3)
    assert exercise.worked_button.disabled
    exercise.worked_button.click()
    assert not exercise.worked_shown
    assert "worked answer" not in answer(exercise, "5")


def test_text_is_escaped_and_line_breaks_are_kept():
    exercise = predict("Is 3 < 4?", 1, worked="first line\nsecond <line>")
    assert "3 &lt; 4" in exercise.prompt.value
    exercise.show_worked()
    assert "second &lt;line&gt;" in exercise.worked_box.value
    assert "white-space:pre-wrap" in exercise.worked_box.value


@pytest.mark.parametrize("bad", [math.nan, math.inf])
def test_the_answer_must_be_a_finite_number(bad):
    with pytest.raises(ValueError, match="finite"):
        predict("?", bad)


def test_the_tolerance_cannot_be_negative():
    with pytest.raises(ValueError, match="tolerance"):
        predict("?", 1, tolerance=-1)


@pytest.mark.parametrize(
    "typed, unit, expected",
    [
        ("12", "", 12),
        ("-3.5", "", -3.5),
        (".5", "", 0.5),
        ("1,200", "", 1200),
        ("1_200", "", 1200),
        ("3.5M", "USD", 3.5e6),
        ("$240m", "USD", 240e6),
        ("2 million", "USD", 2e6),
        ("1.2bn", "USD", 1.2e9),
        ("12k", "", 12_000),
        ("40%", "%", 40),
        ("7 turns", "turns", 7),
        ("1e3", "", 1000),
        ("69:1", "", 69),
        ("69 : 1", "", 69),
        ("69 to 1", "", 69),
        ("240:3.5", "", 240 / 3.5),
        ("1:1,000", "", 0.001),
        ("turn 7", "", 7),
        ("in turn 7", "turn", 7),
        ("7 turn", "turn", 7),
        ("46 drones", "drones", 46),
        ("1 drone", "drones", 1),
        ("3 months", "months", 3),
    ],
)
def test_numbers_are_read_as_learners_type_them(typed, unit, expected):
    assert parse_number(typed, unit) == pytest.approx(expected)


@pytest.mark.parametrize("typed", ["", "abc", "12 apples", "3..5", "$", "nan", "inf", "1:0", "1e300:1e-300", "69:", ":1", "turn", "1:2:3", "turn seven"])
def test_text_that_is_not_a_number_reads_as_none(typed):
    assert parse_number(typed) is None


def test_the_answer_comes_from_the_engine():
    """As in the notebooks: the figure to predict is the engine's, from an expected-value turn."""
    game = wargame.Game("tutorial", seed=1, mode="expected")
    report = game.play_turn(game.orders())
    exercise = predict(
        "Missiles only: what is the cost-exchange ratio?",
        answer=report.metrics["cost_exchange_ratio"],
        tolerance=5,
        worked=report.explain("cost_exchange_ratio"),
    )
    assert exercise.answer == pytest.approx(60 * 4_000_000 / (100 * 35_000))  # 68.57, by hand
    assert "Close enough" in answer(exercise, "69")
    exercise.show_worked()
    assert "$240M of interceptors / $3.5M of raid" in exercise.worked_box.value
