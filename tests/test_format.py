"""wargame.format: one way to write numbers, checked figure by figure."""

import math

import pytest

from wargame import format as fmt


@pytest.mark.parametrize(
    "amount, shown",
    [
        (0, "$0"),
        (12.5, "$12.50"),
        (3_500, "$3,500"),
        (35_000, "$35,000"),  # never "$35.0k"
        (700_000, "$700,000"),
        (4_000_000, "$4M"),  # never "$4.0M"
        (3_900_000, "$3.9M"),
        (41_660_000, "$41.7M"),
        (240_000_000, "$240M"),
        (2.5e9, "$2.5bn"),
        (1.25e9, "$1.25bn"),
        (-50e6, "-$50M"),
        (999_999.6, "$1M"),
    ],
)
def test_money_has_one_format(amount, shown):
    assert fmt.money(amount) == shown


def test_money_to_cut_rounds_up():
    assert fmt.money(1_040_001, round_up=True) == "$1.1M" and fmt.money(1_040_001) == "$1M"


@pytest.mark.parametrize(
    "value, noun, shown",
    [
        (1, "incident", "1 incident"),
        (1.0, "turn", "1 turn"),
        (2, "turn", "2 turns"),
        (0, "incident", "0 incidents"),
        (0.4, "incident", "0.4 incidents"),
        (22.0, "unit", "22 units"),
        (478.5, "person", "479 people"),
        (12, "sortie", "12 sorties"),
        (0.004, "incident", "0.004 incidents"),  # a small expectation is not rounded to 0
        (1_250, "unit", "1,250 units"),
    ],
)
def test_counts_agree_with_their_noun(value, noun, shown):
    assert fmt.count(value, noun) == shown


@pytest.mark.parametrize(
    "fraction, shown",
    [(0, "0%"), (0.002, "0.2%"), (0.0004, "0.04%"), (0.035, "3.5%"), (0.68, "68%"), (1, "100%"), (-0.05, "-5%")],
)
def test_percentages_keep_the_precision_a_small_figure_needs(fraction, shown):
    assert fmt.percent(fraction) == shown


def test_percent_of_a_figure_already_in_percent():
    assert fmt.percent_of(68.6) == "69%" and fmt.percent_of(0.2) == "0.2%"


@pytest.mark.parametrize("value, shown", [(69.0, "69 : 1"), (68.57, "68.6 : 1"), (0.2, "0.2 : 1"), (0.0345, "0.035 : 1"), (0, "0 : 1")])
def test_ratios(value, shown):
    assert fmt.ratio(value) == shown


@pytest.mark.parametrize(
    "value, shown",
    [(1, "1 turn"), (2, "2 turns"), (2.46, "2.5 turns"), (0, "empty now"), (-1, "empty now"), (math.inf, "not running down")],
)
def test_turns(value, shown):
    assert fmt.turns(value) == shown


@pytest.mark.parametrize(
    "minutes, shown",
    [(1, "1 minute"), (2, "2 minutes"), (1 / 3, "20 seconds"), (0.001, "under a second"), (90, "1.5 hours")],
)
def test_durations(minutes, shown):
    assert fmt.minutes(minutes) == shown


def test_plain_numbers_as_written_in_a_file():
    assert [fmt.plain(v) for v in (0.0, 0.25, 1e6, 3, 5e-05)] == ["0", "0.25", "1000000", "3", "0.00005"]


@pytest.mark.parametrize("bad", [math.inf, -math.inf, math.nan, None, "x", 10**400])
@pytest.mark.parametrize(
    "write", [fmt.money, fmt.number, fmt.percent, fmt.ratio, fmt.minutes, fmt.people, fmt.amount, fmt.signed_percent]
)
def test_no_figure_ever_reads_inf_or_nan(write, bad):
    shown = write(bad)
    assert shown == fmt.NO_FIGURE and "inf" not in shown.lower() and "nan" not in shown.lower()


def test_turns_of_nothing_to_say():
    assert fmt.turns(math.nan) == fmt.NO_FIGURE and fmt.turns(None) == fmt.NO_FIGURE
