"""``extends``: a scenario that overrides a few fields of another.

Mappings merge key by key, lists and other values replace, and ``null`` removes a key.

Problems point into the file where the faulty value was written: the overriding file for its
own fields, the extended file (with a note to override it) for an inherited value that no
longer fits.
"""

from __future__ import annotations

import pytest

from wargame.scenario import load_scenario
from wargame.scenario.loading import merge

from .helpers import TUTORIAL, edit, line_of, problems_of, tutorial_text

SHORT = """\
# Two turns of the tutorial, with a bigger missile stock.
extends: tutorial
title: "Tutorial, short"
turns: 2
learning_objectives:
  - See a stockpile run down in two turns.
catalogue:
  sam_missile:
    stock_units: 10
events: []
narrative:
  1: First month.
  2: Last month.
  3: null
  4: null
"""


# --- merge --------------------------------------------------------------------------------------


def test_merge_merges_mappings_key_by_key_and_replaces_everything_else():
    base = {"a": {"x": 1, "y": {"deep": 1, "keep": 2}}, "lst": [1, 2, 3], "s": "old", "only_base": 0}
    override = {"a": {"y": {"deep": 9}, "z": 3}, "lst": [4], "s": "new", "only_override": 1}

    assert merge(base, override) == {
        "a": {"x": 1, "y": {"deep": 9, "keep": 2}, "z": 3},
        "lst": [4],
        "s": "new",
        "only_base": 0,
        "only_override": 1,
    }


def test_merge_leaves_its_inputs_unchanged():
    base, override = {"a": {"x": 1}}, {"a": {"y": 2}}
    merge(base, override)
    assert base == {"a": {"x": 1}} and override == {"a": {"y": 2}}


def test_merge_removes_a_key_set_to_null():
    assert merge({"a": {"x": 1, "y": 2}, "b": 3}, {"a": {"x": None}, "b": None, "c": None}) == {"a": {"y": 2}}


def test_merge_replaces_a_mapping_by_a_scalar_and_a_scalar_by_a_mapping():
    assert merge({"a": {"x": 1}}, {"a": 5}) == {"a": 5}
    assert merge({"a": 5}, {"a": {"x": 1}}) == {"a": {"x": 1}}


# --- loading a scenario that extends another ----------------------------------------------------


def test_an_extending_scenario_keeps_what_it_does_not_override(write):
    scenario = load_scenario(write("short.yaml", SHORT))
    tutorial = load_scenario("tutorial")

    assert (scenario.title, scenario.turns) == ("Tutorial, short", 2)
    assert scenario.extends == "tutorial"
    assert scenario.name == "short"
    # a mapping merged: one field of one item changed, the rest inherited
    assert scenario.catalogue["sam_missile"].stock_units == 10
    assert scenario.catalogue["sam_missile"].unit_cost_usd == tutorial.catalogue["sam_missile"].unit_cost_usd
    assert scenario.catalogue["interceptor_drone"] == tutorial.catalogue["interceptor_drone"]
    assert scenario.adversary == tutorial.adversary
    # lists replaced, not appended
    assert scenario.learning_objectives == ("See a stockpile run down in two turns.",)
    assert scenario.events == ()
    # a mapping keyed by turn merged, with the turns that no longer exist removed by null
    assert dict(scenario.narrative) == {1: "First month.", 2: "Last month."}


def test_inherited_turns_beyond_a_shorter_game_must_be_removed_with_null(write):
    path = write("short.yaml", edit(SHORT, "  3: null\n  4: null\n", ""))

    problems = problems_of(path)

    assert [(p.file, p.line, p.field) for p in problems] == [
        (str(TUTORIAL), line_of(tutorial_text(), "  3: An ally's delivery"), "narrative[3]"),
        (str(TUTORIAL), line_of(tutorial_text(), "  4: The last month."), "narrative[4]"),
    ]
    assert all(p.message.endswith("inherited by short.yaml: override it there") for p in problems)


def test_an_error_in_the_overriding_file_points_into_that_file(write):
    text = edit(SHORT, "    stock_units: 10\n", "    stock_units: -10\n")
    path = write("short.yaml", text)

    (problem,) = problems_of(path)

    assert (problem.file, problem.line, problem.field) == (
        str(path),
        line_of(text, "stock_units: -10"),
        "catalogue.sam_missile.stock_units",
    )
    assert "inherited" not in problem.message


def test_an_inherited_value_that_no_longer_fits_points_into_the_extended_file(write):
    text = edit(SHORT, "events: []\n", "")  # the tutorial's event on turn 3 is now after the end
    path = write("short.yaml", text)

    (problem,) = problems_of(path)

    assert (problem.file, problem.line, problem.field) == (
        str(TUTORIAL),
        line_of(tutorial_text(), "  - turn: 3"),
        "events[0].turn",
    )
    assert "(allowed: 1 to 2, the scenario's last turn)" in problem.message
    assert problem.message.endswith("inherited by short.yaml: override it there")


def test_a_replaced_list_reports_its_own_lines_not_those_of_the_list_it_replaced(write):
    text = SHORT.replace(
        "events: []\n",
        "events:\n  - turn: 2\n    type: delivery\n    units: 4\n    text: A late delivery.\n",
    )
    path = write("short.yaml", text)

    (problem,) = problems_of(path)

    # the tutorial's events[0] has an `item` on its line 170 or so: that line must not be used
    assert (problem.file, problem.line, problem.field) == (
        str(path),
        line_of(text, "  - turn: 2"),
        "events[0].item",
    )
    assert problem.message == "required field is missing"


def test_a_new_item_missing_fields_points_at_the_item_in_the_overriding_file(write):
    text = SHORT.replace(
        "    stock_units: 10\n", "    stock_units: 10\n  cannon:\n    name: Cannon\n    role: gun\n"
    )
    path = write("short.yaml", text)

    problems = problems_of(path)

    assert {p.field for p in problems} == {
        "catalogue.cannon.unit_cost_usd",
        "catalogue.cannon.stock_units",
        "catalogue.cannon.capacity_units_per_turn",
        "catalogue.cannon.capacity_cost_usd_per_unit",
        "catalogue.cannon.capacity_lead_time_days",
    }
    assert {(p.file, p.line) for p in problems} == {(str(path), line_of(text, "  cannon:"))}


def test_a_misspelt_key_in_the_overriding_file_is_found_with_a_suggestion(write):
    text = edit(SHORT, "    stock_units: 10\n", "    stock_unit: 10\n")
    path = write("short.yaml", text)
    (problem,) = problems_of(path)
    assert (problem.line, problem.field) == (
        line_of(text, "stock_unit: 10"),
        "catalogue.sam_missile.stock_unit",
    )
    assert problem.message.endswith("did you mean 'stock_units'?")


def test_a_chain_of_three_files_merges_in_order(write):
    write("middle.yaml", SHORT)
    path = write(
        "last.yaml", "extends: middle\ntitle: Last\ncatalogue:\n  interceptor_drone:\n    stock_units: 7\n"
    )

    scenario = load_scenario(path)

    assert (scenario.title, scenario.turns, scenario.extends) == ("Last", 2, "middle")
    assert scenario.catalogue["sam_missile"].stock_units == 10
    assert scenario.catalogue["interceptor_drone"].stock_units == 7


def test_a_name_in_extends_is_looked_up_beside_the_file_before_the_shipped_ones(write):
    write(
        "tutorial.yaml",
        edit(tutorial_text(), 'title: "Tutorial: a hundred drones a month"', "title: Local copy"),
    )
    scenario = load_scenario(write("child.yaml", "extends: tutorial\nturns: 4\n"))
    assert scenario.title == "Local copy"


def test_a_relative_path_in_extends_is_read_from_the_extending_files_folder(write, tmp_path, monkeypatch):
    (tmp_path / "base").mkdir()
    write("base/origin.yaml", tutorial_text())
    path = write("child.yaml", "extends: base/origin.yaml\ntitle: From a path\n")
    monkeypatch.chdir("/")
    assert load_scenario(path).title == "From a path"


# --- extends that cannot be followed -------------------------------------------------------------


@pytest.mark.parametrize(
    "extends, says",
    [
        ("tutorail", "no scenario of that name (allowed: "),
        ("missing/base.yaml", "no such scenario file"),
        ("3", "must be a scenario name"),
        ("[tutorial]", "must be a scenario name"),
    ],
    ids=["unknown name", "unknown path", "a number", "a list"],
)
def test_an_extends_that_names_nothing_is_reported_on_its_line(write, extends, says):
    text = f"# a variant\ntitle: Variant\nextends: {extends}\n"
    path = write("variant.yaml", text)

    (problem,) = problems_of(path)

    assert (problem.file, problem.line, problem.field) == (str(path), 3, "extends")
    assert says in problem.message


def test_an_unknown_name_in_extends_suggests_the_closest(write):
    (problem,) = problems_of(write("variant.yaml", "extends: tutorail\n"))
    assert problem.message.endswith("did you mean 'tutorial'?")


def test_scenarios_that_extend_each_other_in_a_loop_are_refused(write):
    first = write("first.yaml", "title: First\nextends: second\n")
    second = write("second.yaml", "# comment\nextends: first\n")

    (problem,) = problems_of(first)

    assert (problem.file, problem.line, problem.field) == (str(second), 2, "extends")
    assert problem.message == "scenarios extend each other in a loop: first -> second -> first"


def test_a_scenario_that_extends_itself_is_refused(write):
    path = write("itself.yaml", "extends: itself\n")
    (problem,) = problems_of(path)
    assert (problem.line, problem.message) == (1, "scenarios extend each other in a loop: itself -> itself")


def test_a_broken_extended_file_reports_its_own_problem(write):
    write("base.yaml", edit(tutorial_text(), "turns: 4\n", "turns: [4\n"))
    (problem,) = problems_of(write("child.yaml", "extends: base\n"))
    assert problem.file.endswith("base.yaml")
    assert "not valid YAML" in problem.message


def test_removing_a_field_with_null_is_the_same_as_leaving_it_unset():
    """``merge`` removes null keys; that is harmless only while every nullable field defaults to None."""
    from typing import get_args

    from pydantic import BaseModel

    from wargame.scenario import schema

    models = [m for m in vars(schema).values() if isinstance(m, type) and issubclass(m, BaseModel)]
    nullable_with_other_default = [
        f"{model.__name__}.{name}"
        for model in models
        for name, field in model.model_fields.items()
        if type(None) in get_args(field.annotation) and field.default is not None
    ]
    assert nullable_with_other_default == []


def test_removing_a_required_field_with_null_is_reported_in_the_overriding_file(write):
    path = write("variant.yaml", "extends: tutorial\n\ntitle: null\n")
    (problem,) = problems_of(path)
    assert (problem.file, problem.line, problem.field, problem.message) == (
        str(path),
        3,
        "title",
        "required field is missing",
    )


def test_extending_a_file_that_is_not_a_scenario_is_reported_in_that_file(write):
    base = write("base.yaml", "- just\n- a list\n")
    (problem,) = problems_of(write("child.yaml", "extends: base\ntitle: x\n"))
    assert (problem.file, problem.line) == (str(base), 1)
    assert problem.message.startswith("not a scenario: the file holds a list")


def test_a_very_long_chain_of_extends_is_refused(write):
    from wargame.scenario.loading import MAX_EXTENDS_DEPTH

    write("s0.yaml", tutorial_text())
    for index in range(1, MAX_EXTENDS_DEPTH + 2):
        write(f"s{index}.yaml", f"extends: s{index - 1}\n")
    assert load_scenario(write("ok.yaml", f"extends: s{MAX_EXTENDS_DEPTH - 2}\n")).turns == 4  # 8 files
    (problem,) = problems_of(write("deep.yaml", f"extends: s{MAX_EXTENDS_DEPTH - 1}\n"))  # 9 files
    assert problem.field == "extends"
    assert problem.message.startswith("too many scenarios extend one another (allowed: at most")
