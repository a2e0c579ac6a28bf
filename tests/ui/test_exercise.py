"""The predict-then-check exercise widget: feedback on a typed prediction, a worked answer on request."""

from __future__ import annotations

import json
import math

import ipywidgets as widgets
import pytest

import wargame
from wargame.ui.exercise import Exercise, parse_number, predict

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


def test_too_high_says_by_how_much(ratio):
    shown = answer(ratio, "100")
    assert ratio.verdict == "high"
    assert "Too high by 31.43 (46% above it)" in shown
    assert "68.57" in shown
    assert "open the worked answer" in shown


def test_too_low_says_by_how_much(ratio):
    shown = answer(ratio, "10")
    assert ratio.verdict == "low"
    assert "Too low by 58.57 (85% below it)" in shown


def test_a_wild_guess_is_measured_in_multiples(ratio):
    assert "the gap is about 14 times the figure itself" in answer(ratio, "1,000")


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
    spend = predict("How much more do you spend?", 10_415_000, unit="USD", tolerance=1_000_000)
    assert spend.unit_label.value == "dollars"
    assert spend.input.placeholder == "e.g. 3.5M"
    assert "Close enough" in answer(spend, "10M")
    assert "within $1.0M" in spend.feedback.value
    assert "Spot on" in answer(spend, "$10,415,000")
    shown = answer(spend, "12.5m")
    assert "Too high by $2.1M" in shown and "the game&#x27;s figure is $10.4M" in shown
    shown = answer(spend, "10.4")
    assert spend.verdict == "low" and "If you meant millions, type 10.4M" in shown


def test_percentages_differ_by_percentage_points():
    rate = predict("What share hit?", 2.9, unit="%", tolerance=1)
    shown = answer(rate, "11%")
    assert "Too high by 8.1 percentage points" in shown
    assert "You said 11%; the game&#x27;s figure is 2.9%" in shown
    assert "Close enough: within 1 percentage point" in answer(rate, "3.5")


def test_a_unit_typed_after_the_number_is_understood_and_counted_in_words():
    turn = predict("On which turn?", 7, unit="turns", tolerance=0)
    assert "Spot on" in answer(turn, "7 turns")
    assert "Too low by 1 turn (14% below it)" in answer(turn, "6")


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
    assert "open the worked answer" not in answer(exercise, "5")


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
    ],
)
def test_numbers_are_read_as_learners_type_them(typed, unit, expected):
    assert parse_number(typed, unit) == pytest.approx(expected)


@pytest.mark.parametrize("typed", ["", "abc", "12 apples", "3..5", "$", "nan", "inf"])
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
    assert "$240.0M of interceptors / $3.5M of raid" in exercise.worked_box.value
