"""How a problem reads: ``FILE:LINE: field.path = value: what is wrong (allowed: ...)``."""

from __future__ import annotations

import pytest

from wargame.scenario.errors import (
    MISSING,
    Problem,
    ScenarioError,
    allowed_list,
    closest,
    did_you_mean,
    dotted,
    show_value,
)


def test_a_problem_reads_file_line_field_value_and_message():
    problem = Problem("s.yaml", 12, ("catalogue", "sam", "pk", "drone"), 1.5, "out of range (allowed: <= 1)")
    assert str(problem) == "s.yaml:12: catalogue.sam.pk.drone = 1.5: out of range (allowed: <= 1)"


def test_a_problem_without_a_value_or_a_field_or_a_line_leaves_them_out():
    assert (
        str(Problem("s.yaml", 3, ("title",), MISSING, "required field is missing"))
        == "s.yaml:3: title: required field is missing"
    )
    assert str(Problem("s.yaml", 1, (), MISSING, "the file is empty")) == "s.yaml:1: the file is empty"
    assert str(Problem("s.yaml", 0, (), MISSING, "file not found")) == "s.yaml: file not found"


def test_dotted_paths_write_indices_and_turn_keys_in_brackets():
    assert dotted(("events", 0, "turn")) == "events[0].turn"
    assert dotted(("narrative", 5)) == "narrative[5]"
    assert dotted(()) == ""


@pytest.mark.parametrize(
    "value, shown",
    [
        ("text", "'text'"),
        (4, "4"),
        (0.25, "0.25"),
        (None, "null"),
        (True, "true"),
        ([5000, 2500], "[5000, 2500]"),
        ({"energy": 0.5, "industry": 0.5}, "{energy: 0.5, industry: 0.5}"),
        ({7: 1}, "{7: 1}"),
        ("x" * 100, "'" + "x" * 56 + "..."),
        (list(range(40)), "[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, ...]"),
    ],
    ids=["text", "int", "float", "null", "bool", "list", "mapping", "turn keys", "long text", "long list"],
)
def test_values_are_shown_as_they_would_be_written_in_yaml(value, shown):
    assert show_value(value) == shown


def test_did_you_mean_suggests_the_closest_choice_or_nothing():
    assert did_you_mean("sam_misile", ["sam_missile", "interceptor_drone"]) == "; did you mean 'sam_missile'?"
    assert did_you_mean("Sam_Missile", ["sam_missile"]) == "; did you mean 'sam_missile'?"
    assert did_you_mean("laser", ["sam_missile", "interceptor_drone"]) == ""
    assert closest("TURNS", ["turns", "title"]) == "turns"


def test_allowed_lists_are_sorted_and_say_when_empty():
    assert allowed_list(["b", "a"]) == "a, b"
    assert allowed_list([]) == "none defined"


def test_a_scenario_error_sorts_its_problems_by_file_then_line():
    problems = [
        Problem("b.yaml", 1, ("x",), 1, "late file"),
        Problem("a.yaml", 9, ("y",), 2, "late line"),
        Problem("a.yaml", 2, ("z",), 3, "early line"),
    ]
    error = ScenarioError(problems)
    assert [p.message for p in error.problems] == ["early line", "late line", "late file"]
    assert str(error).splitlines()[0] == "3 problems in the scenario:"
    assert isinstance(error, ValueError)
