"""Hostile lesson templates: ``validate`` allows only ``{name}``; play never raises on any.

A lesson template comes from a scenario file. With ``str.format``, ``{ratio[999]}``,
``{interceptor_spend:d}``, ``{turn!z}`` or ``{turn:>99999999999}`` raised in the middle of a
turn, and ``{turn.__class__.__dict__}`` printed Python internals. Now ``validate`` refuses
anything but a bare figure name, with the file, line and field, and the renderer used in play
substitutes bare names only, so even a template that never went through ``validate`` reads as
its own text.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import wargame
from wargame.lessons.defaults import TEXTS, VARIANTS
from wargame.scenario import ScenarioError, load_scenario
from wargame.scenario.lesson_fields import LESSON_FIELDS, fill_template, template_problems
from wargame.scenario.schema import FrozenDict, LessonText

pytestmark = pytest.mark.timeout(10)

ALLOWED_NOTE = "(allowed: {name} with a name among cumulative_defender_cost, cumulative_full_ratio, cumulative_raid_cost"


def write_variant(folder: Path, template: str, part: str = "headline") -> Path:
    path = folder / "lessons.yaml"
    quoted = "'" + template.replace("'", "''") + "'"
    path.write_text(
        f"extends: tutorial\n# reworded lessons\nlessons:\n  cost_exchange:\n    {part}: {quoted}\n",
        encoding="utf-8",
    )
    return path


def refusal(folder: Path, template: str, part: str = "headline") -> str:
    """The one message ``validate`` gives for a template, checked to sit on its line and field."""
    path = write_variant(folder, template, part)
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    (problem,) = caught.value.problems
    assert (problem.file, problem.line, problem.field) == (str(path), 5, f"lessons.cost_exchange.{part}")
    assert problem.value == template
    return problem.message


HOSTILE = [
    ("{interceptor_spend:d}", "has a format (':d'); figures arrive already written out, so write {interceptor_spend}"),
    ("{turn:>99999999999}", "has a format (':>99999999999'); figures arrive already written out, so write {turn}"),
    ("{turn!z}", "has a conversion ('!z'); figures arrive already written out, so write {turn}"),
    ("{turn!r:>5}", "has a conversion ('!r:>5')"),
    ("{turn.__class__.__dict__}", "has an attribute ('.__class__.__dict__'); figures arrive already written out, so write {turn}"),
    ("{ratio[999]}", "has an index ('[999]'); figures arrive already written out, so write {ratio}"),
    ("{ratio[0].real}", "has an index ('[0].real')"),
]


@pytest.mark.parametrize("template, says", HOSTILE, ids=[t for t, _ in HOSTILE])
def test_validate_refuses_anything_but_a_bare_name_with_file_line_and_field(tmp_path, template, says):
    message = refusal(tmp_path, f"Spent {template} this turn.")
    assert says in message, message
    assert ALLOWED_NOTE in message and message.endswith("a literal brace is written {{ or }})")


@pytest.mark.parametrize(
    "template, says",
    [
        ("You spent {interceptor_spending}.", "unknown figure {interceptor_spending} in the template"),
        ("Turn {}.", "an empty {} names no figure"),
        ("Turn {0}.", "{0} is not a figure name"),
        ("Turn { turn }.", "{ turn } is not a figure name"),
        ("Turn {turn.", "a single '{' with no partner"),
        ("Turn turn}.", "a single '}' with no partner"),
    ],
    ids=["unknown name", "empty", "positional", "spaces", "lone {", "lone }"],
)
def test_validate_refuses_a_name_it_does_not_know_or_a_brace_alone(tmp_path, template, says):
    message = refusal(tmp_path, template)
    assert says in message, message


def test_a_nested_placeholder_is_refused_and_renders_without_raising(tmp_path):
    path = write_variant(tmp_path, "{turn:{raid_cost}}")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    messages = [(p.line, p.field, p.message[:26]) for p in caught.value.problems]
    field = "lessons.cost_exchange.headline"
    assert messages == [(5, field, "a single '{' with no partn"), (5, field, "a single '}' with no partn")]
    assert fill_template("{turn:{raid_cost}}", {"raid_cost": "$3.5M"}) == "{turn:$3.5M}"


def test_an_unknown_name_gets_a_suggestion(tmp_path):
    assert refusal(tmp_path, "{interceptor_spending}").endswith("did you mean 'interceptor_spend'?")


def test_a_refused_detail_is_reported_on_its_own_field(tmp_path):
    assert "has an index" in refusal(tmp_path, "Ratio {ratio[1]}", part="detail")


def test_every_problem_of_a_template_is_reported(tmp_path):
    path = write_variant(tmp_path, "{turn:d} {ratio[0]} {nope}")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    messages = [p.message for p in caught.value.problems]
    assert len(messages) == 3
    assert any("has a format" in m for m in messages) and any("has an index" in m for m in messages)
    assert any(m.startswith("unknown figure {nope}") for m in messages)


def test_bare_names_and_doubled_braces_pass_and_render(tmp_path):
    template = "Turn {turn}: {{not a figure}} spent {interceptor_spend}."
    scenario = load_scenario(write_variant(tmp_path, template))
    assert scenario.lessons["cost_exchange"].headline == template
    assert fill_template(template, {"turn": 3, "interceptor_spend": "$1.0M"}) == "Turn 3: {not a figure} spent $1.0M."


@pytest.mark.parametrize("kind", sorted(LESSON_FIELDS))
def test_every_default_template_keeps_to_the_grammar(kind):
    templates = [*TEXTS[kind].values(), *VARIANTS.get(kind, {}).values()]
    assert templates
    for template in templates:
        assert template_problems(template, LESSON_FIELDS[kind]) == [], template


# --- the renderer used in play --------------------------------------------------------------------

FIGURES = {"turn": 2, "ratio": "3.0 : 1", "interceptor_spend": "$1.0M"}


@pytest.mark.parametrize("template", [t for t, _ in HOSTILE] + ["{", "}", "{}", "{0}", "{{{turn}}}"])
def test_the_renderer_never_raises_and_leaves_anything_but_a_bare_name_as_written(template):
    text = fill_template(template, FIGURES)
    if template == "{{{turn}}}":
        assert text == "{2}"
    else:
        assert text == template
    assert "class" not in text.replace("__class__", "") and "mappingproxy" not in text


def test_the_renderer_writes_a_dash_for_a_figure_the_turn_does_not_have():
    assert fill_template("Runway {runway}.", {"turn": 1}) == "Runway –."


def _unvalidated(template: str) -> wargame.Scenario:
    """The tutorial with a template put in past ``validate`` (as code or an old save might)."""
    base = load_scenario("tutorial")
    text = LessonText.model_construct(headline=template, detail=template, thresholds=FrozenDict())
    scenario = base.model_copy(update={"lessons": FrozenDict({"cost_exchange": text})})
    object.__setattr__(scenario, "__pydantic_private__", {**base.__pydantic_private__, "_cache": {}})
    return scenario


@pytest.mark.parametrize("template", [t for t, _ in HOSTILE], ids=[t for t, _ in HOSTILE])
def test_a_turn_with_an_unvalidated_hostile_template_plays_and_changes_nothing_else(template):
    plain = wargame.Game("tutorial", seed=4, mode="expected")
    hostile = wargame.Game(_unvalidated(template), seed=4, mode="expected")
    plain_report = plain.play_turn(plain.orders())
    report = hostile.play_turn(hostile.orders())
    assert (hostile.turn, len(hostile.reports)) == (2, 1)
    (lesson,) = [lesson for lesson in report.lessons if lesson.kind == "cost_exchange"]
    assert lesson.headline == template
    assert lesson.detail.startswith(template)
    assert report.metrics == plain_report.metrics
    assert hostile.history.equals(plain.history)
