"""Careless edits to a scenario, each caught with its file, line, field path and what is allowed.

Every case edits a copy of the shipped tutorial (``edits``: pairs of old and new text), then
checks the one problem reported: its line is the line of ``at`` in the edited text, its field
path is ``field``, the value shown is ``value``, and the message holds every fragment of
``says`` (what is wrong, what is allowed, the did-you-mean).
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from wargame.scenario import ScenarioError

from .helpers import edit, line_of, problems_of, tutorial_text

PROBABILITY = "(allowed: >= 0 and <= 1)"
LAST_TURN = "(allowed: 1 to 4, the scenario's last turn)"

STRIKE_DRONE = """  loitering_munition:
    name: Loitering munition
    role: strike_drone
    unit_cost_usd: 20_000
    stock_units: 10
    capacity_units_per_turn: 5
    capacity_cost_usd_per_unit: 10_000
    capacity_lead_time_days: 30

doctrine:
"""


@dataclass(frozen=True)
class Case:
    id: str
    edits: tuple[tuple[str, str], ...]
    at: str
    field: str
    says: tuple[str, ...]
    value: str | None = None


CASES = [
    Case(
        "negative unit cost",
        (("      value: 3_500\n", "      value: -3_500\n"),),
        at="value: -3_500",
        field="catalogue.interceptor_drone.unit_cost_usd.value",
        value="-3500",
        says=("out of range", "(allowed: > 0 and <= 10,000,000,000)"),
    ),
    Case(
        "zero unit cost written as a plain number",
        (
            (
                "      unit_cost_usd:\n        value: 35_000\n"
                "        source: Shahed/Geran-2 20,000–70,000, CSIS May 2025; "
                "Ukrainian intelligence via CNN Aug 2025\n"
                "        range: [20_000, 70_000]\n        contested: true\n",
                "      unit_cost_usd: 0\n",
            ),
        ),
        at="unit_cost_usd: 0",
        field="adversary.threats.attack_drone.unit_cost_usd",
        value="0",
        says=("out of range", "(allowed: > 0 and <= 10,000,000,000)"),
    ),
    Case(
        "pk above one",
        (("        value: 0.9\n", "        value: 1.5\n"),),
        at="value: 1.5",
        field="catalogue.sam_missile.pk.attack_drone.value",
        value="1.5",
        says=("out of range", PROBABILITY),
    ),
    Case(
        "pk below zero",
        (("        value: 0.68\n", "        value: -0.1\n"),),
        at="value: -0.1",
        field="catalogue.interceptor_drone.pk.attack_drone.value",
        value="-0.1",
        says=("out of range", PROBABILITY),
    ),
    Case(
        "negative stock",
        (("    stock_units: 60\n", "    stock_units: -5\n"),),
        at="stock_units: -5",
        field="catalogue.sam_missile.stock_units",
        value="-5",
        says=("out of range", "(allowed: >= 0 and <= 1,000,000,000)"),
    ),
    Case(
        "doctrine item that cannot engage the threat",
        (
            ("\ndoctrine:\n", "\n" + STRIKE_DRONE),
            ("      shots: 1\n", "      shots: 1\n    - item: loitering_munition\n"),
        ),
        at="- item: loitering_munition",
        field="doctrine.attack_drone[1].item",
        value="'loitering_munition'",
        says=("loitering_munition cannot engage attack_drone", "(allowed: interceptor_drone, sam_missile)"),
    ),
    Case(
        "doctrine names an unknown item",
        (("    - item: sam_missile\n", "    - item: sam_misile\n"),),
        at="- item: sam_misile",
        field="doctrine.attack_drone[0].item",
        value="'sam_misile'",
        says=("unknown item", "(allowed: interceptor_drone, sam_missile)", "did you mean 'sam_missile'?"),
    ),
    Case(
        "doctrine item id in capitals is reported once, as unknown",
        (("    - item: sam_missile\n", "    - item: Sam_Missile\n"),),
        at="- item: Sam_Missile",
        field="doctrine.attack_drone[0].item",
        says=("unknown item", "did you mean 'sam_missile'?"),
    ),
    Case(
        "doctrine names an unknown threat",
        (("doctrine:\n  attack_drone:\n", "doctrine:\n  atack_drone:\n"),),
        at="  atack_drone:",
        field="doctrine.atack_drone",
        says=("unknown threat class", "(allowed: attack_drone)", "did you mean 'attack_drone'?"),
    ),
    Case(
        "pk for an unknown threat",
        (
            (
                "    pk:\n      attack_drone:\n        value: 0.68",
                "    pk:\n      attack_dron:\n        value: 0.68",
            ),
        ),
        at="attack_dron:\n",
        field="catalogue.interceptor_drone.pk.attack_dron",
        says=("unknown threat class", "did you mean 'attack_drone'?"),
    ),
    Case(
        "event after the last turn",
        (("  - turn: 3\n", "  - turn: 9\n"),),
        at="- turn: 9",
        field="events[0].turn",
        value="9",
        says=("after the last turn", LAST_TURN),
    ),
    Case(
        "event names an unknown item",
        (("    item: sam_missile\n    units: 8", "    item: sam_missle\n    units: 8"),),
        at="item: sam_missle",
        field="events[0].item",
        value="'sam_missle'",
        says=("unknown item", "did you mean 'sam_missile'?"),
    ),
    Case(
        "unknown event type",
        (("    type: delivery\n", "    type: delivry\n"),),
        at="type: delivry",
        field="events[0].type",
        value="'delivry'",
        says=(
            "unknown event type",
            "(allowed: delivery, funding, legal_regime, import_market, jamming, capability, raid_surge)",
            "did you mean 'delivery'?",
        ),
    ),
    Case(
        "event without a type",
        (("    type: delivery\n", ""),),
        at="- turn: 3",
        field="events[0].type",
        says=("required field is missing", "(allowed: delivery, funding"),
    ),
    Case(
        "capacity lead time of 45 days with 30-day turns",
        (("    capacity_lead_time_days: 60\n", "    capacity_lead_time_days: 45\n"),),
        at="capacity_lead_time_days: 45",
        field="catalogue.interceptor_drone.capacity_lead_time_days",
        value="45",
        says=("not a whole number of turns of 30 days", "(allowed: multiples of 30, e.g. 30 or 60)"),
    ),
    Case(
        "import delay not a whole number of turns",
        (("      delay_days: 60\n", "      delay_days: 50\n"),),
        at="delay_days: 50",
        field="catalogue.sam_missile.imports.delay_days",
        value="50",
        says=("not a whole number of turns", "(allowed: multiples of 30, e.g. 30 or 60)"),
    ),
    Case(
        "missing title",
        (('title: "Tutorial: a hundred drones a month"\n', ""),),
        at="description: >",
        field="title",
        says=("required field is missing",),
    ),
    Case(
        "missing unit cost of an item",
        (
            (
                "    unit_cost_usd:\n      value: 3_500\n"
                "      source: interceptor drone 2,500 (Sting) to 3,500–5,000, TVP Mar 2026; Fox Oct 2025\n"
                "      range: [2_500, 5_000]\n",
                "",
            ),
        ),
        at="  interceptor_drone:\n    name:",
        field="catalogue.interceptor_drone.unit_cost_usd",
        says=("required field is missing",),
    ),
    Case(
        "misspelt top-level key",
        (("turn_length_days: 30\n", "turn_lenght_days: 30\n"),),
        at="turn_lenght_days",
        field="turn_lenght_days",
        says=("unknown field", "turn_length_days, turns", "did you mean 'turn_length_days'?"),
    ),
    Case(
        "misspelt nested key is one problem, not also a missing field",
        (("    stock_units: 500\n", "    stock_unit: 500\n"),),
        at="stock_unit: 500",
        field="catalogue.interceptor_drone.stock_unit",
        says=("unknown field", "stock_units, unit_cost_usd", "did you mean 'stock_units'?"),
    ),
    Case(
        "text where a whole number goes",
        (("turns: 4\n", "turns: four\n"),),
        at="turns: four",
        field="turns",
        value="'four'",
        says=("wrong kind of value", "(allowed: a whole number)"),
    ),
    Case(
        "a fraction of a turn",
        (("turns: 4\n", "turns: 4.5\n"),),
        at="turns: 4.5",
        field="turns",
        value="4.5",
        says=("(allowed: a whole number)",),
    ),
    Case(
        "zero turns",
        (("turns: 4\n", "turns: 0\n"),),
        at="turns: 0",
        field="turns",
        value="0",
        says=("out of range", "(allowed: >= 1 and <= 60)"),
    ),
    Case(
        "text where a sourced figure goes",
        (("  per_turn_usd: 600_000\n", "  per_turn_usd: twenty million\n"),),
        at="per_turn_usd: twenty",
        field="budget.per_turn_usd",
        value="'twenty million'",
        says=("wrong kind of value", "a number, or a mapping with value:"),
    ),
    Case(
        "a version number that YAML reads as a number",
        (('version: "1.0"\n', "version: 1.0\n"),),
        at="version: 1.0",
        field="version",
        value="1.0",
        says=("(allowed: text; put it in quotes", '"1.0"'),
    ),
    Case(
        "item id with capitals",
        (
            (
                "  interceptor_drone:\n    name: Interceptor drone\n",
                "  Interceptor_Drone:\n    name: Interceptor drone\n",
            ),
        ),
        at="Interceptor_Drone:",
        field="catalogue.Interceptor_Drone",
        says=(
            "not a valid id",
            "(allowed: lower-case letters, digits and _",
            "did you mean 'interceptor_drone'?",
        ),
    ),
    Case(
        "target shares that do not add up to one",
        (("{energy: 0.4, industry", "{energy: 0.5, industry"),),
        at="target_shares:",
        field="adversary.threats.attack_drone.target_shares",
        value="{energy: 0.5, industry: 0.2, military: 0.2, civilian: 0.2}",
        says=("shares add up to 1.1", "(allowed: they must add up to 1)"),
    ),
    Case(
        "target share for an unknown target category",
        (("industry: 0.2, military: 0.2, civilian: 0.2}", "industry: 0.2, military: 0.2, civilians: 0.2}"),),
        at="target_shares:",
        field="adversary.threats.attack_drone.target_shares.civilians",
        says=("unknown target category", "did you mean 'civilian'?"),
    ),
    Case(
        "key written twice",
        (("turns: 4\n", "turns: 4\nturns: 5\n"),),
        at="turns: 5",
        field="turns",
        says=("written twice (first on line", "keep one"),
    ),
    Case(
        "python object tag",
        (("turns: 4\n", 'turns: !!python/object/apply:os.system ["true"]\n'),),
        at="turns: !!python",
        field="turns",
        says=("refused", "!!python/object/apply:os.system", "plain data only"),
    ),
    Case(
        "unknown YAML tag",
        (("turns: 4\n", "turns: !days 4\n"),),
        at="turns: !days",
        field="turns",
        says=("unknown YAML tag !days", "(allowed: plain numbers, text"),
    ),
    Case(
        "prohibited default autonomy level",
        (("  default_level: remote_piloting\n", "  default_level: full_autonomy\n"),),
        at="default_level: full_autonomy",
        field="autonomy.default_level",
        value="'full_autonomy'",
        says=(
            "the legal regime prohibits this level",
            "(allowed: remote_piloting, supervised_autonomy, terminal_autonomy)",
        ),
    ),
    Case(
        "budget schedule after the last turn",
        (("  per_turn_usd: 600_000\n", "  per_turn_usd: 600_000\n  schedule_usd: {7: 30_000_000}\n"),),
        at="schedule_usd: {7",
        field="budget.schedule_usd[7]",
        value="30000000",
        says=("after the last turn", LAST_TURN),
    ),
    Case(
        "raid schedule after the last turn",
        (("      damage_factor: 1.0\n", "      damage_factor: 1.0\n      schedule:\n        5: 2.0\n"),),
        at="        5: 2.0",
        field="adversary.threats.attack_drone.schedule[5]",
        says=("after the last turn", LAST_TURN),
    ),
    Case(
        "narrative after the last turn",
        (("  4: The last month.", "  5: The last month."),),
        at="  5: The last month.",
        field="narrative[5]",
        says=("after the last turn", LAST_TURN),
    ),
    Case(
        "more shots than the item fires at one target",
        (("    - item: sam_missile\n      shots: 1\n", "    - item: sam_missile\n      shots: 3\n"),),
        at="shots: 3",
        field="doctrine.attack_drone[0].shots",
        value="3",
        says=("more shots than sam_missile can fire at one target", "(allowed: 1 to 2)"),
    ),
    Case(
        "max shots per target above the limit",
        (("    max_shots_per_target: 3\n", "    max_shots_per_target: 9\n"),),
        at="max_shots_per_target: 9",
        field="catalogue.interceptor_drone.max_shots_per_target",
        value="9",
        says=("out of range", "(allowed: >= 1 and <= 8)"),
    ),
    Case(
        "range written high to low",
        (("      range: [2_500, 5_000]\n", "      range: [5_000, 2_500]\n"),),
        at="range: [5_000, 2_500]",
        field="catalogue.interceptor_drone.unit_cost_usd.range",
        value="[5000, 2500]",
        says=("range written high to low", "(allowed: [low, high] with low <= high)"),
    ),
    Case(
        "range beyond the limits of a probability",
        (("        range: [0.36, 0.75]\n", "        range: [0.36, 1.75]\n"),),
        at="range: [0.36, 1.75]",
        field="autonomy.levels.terminal_autonomy.p_hit.range",
        value="[0.36, 1.75]",
        says=("range out of limits", "(allowed: both ends >= 0 and <= 1)"),
    ),
    Case(
        "fraction above one",
        (("  jamming_intensity: 0.3\n", "  jamming_intensity: 1.3\n"),),
        at="jamming_intensity: 1.3",
        field="adversary.jamming_intensity",
        value="1.3",
        says=("out of range", PROBABILITY),
    ),
    Case(
        "misspelt role",
        (("    role: interceptor_drone\n", "    role: interceptor_dron\n"),),
        at="role: interceptor_dron\n",
        field="catalogue.interceptor_drone.role",
        value="'interceptor_dron'",
        says=("not a known choice", "electronic_warfare", "did you mean 'interceptor_drone'?"),
    ),
    Case(
        "misspelt lesson kind",
        (("\npar:\n", "\nlessons:\n  stockpil: {headline: Runway}\n\npar:\n"),),
        at="  stockpil:",
        field="lessons.stockpil",
        says=("not a known key", "cost_exchange", "did you mean 'stockpile'?"),
    ),
    Case(
        "unknown default development cycle",
        (("default_development_cycle: peacetime\n", "default_development_cycle: peace_time\n"),),
        at="default_development_cycle: peace_time",
        field="default_development_cycle",
        value="'peace_time'",
        says=("unknown development cycle", "(allowed: peacetime, wartime)", "did you mean 'peacetime'?"),
    ),
    Case(
        "a cost of .inf",
        (("      value: 3_500\n", "      value: .inf\n"),),
        at="value: .inf",
        field="catalogue.interceptor_drone.unit_cost_usd.value",
        value=".inf",
        says=("not a finite number", "(allowed: a number, not .nan or .inf)"),
    ),
    Case(
        "a stock of .nan",
        (("    stock_units: 60\n", "    stock_units: .nan\n"),),
        at="stock_units: .nan",
        field="catalogue.sam_missile.stock_units",
        value=".nan",
        says=("not a finite number",),
    ),
    Case(
        "yes where a number goes",
        (("turns: 4\n", "turns: yes\n"),),
        at="turns: yes",
        field="turns",
        value="true",
        says=(
            "wrong kind of value",
            "(allowed: a whole number; YAML reads yes, no, on and off as true/false)",
        ),
    ),
    Case(
        "a range with one end",
        (("      range: [2_500, 5_000]\n", "      range: [2_500]\n"),),
        at="range: [2_500]",
        field="catalogue.interceptor_drone.unit_cost_usd.range",
        value="[2500]",
        says=("too few entries", "(allowed: [low, high])"),
    ),
    Case(
        "tab used for indentation",
        (("  military: {name: Military", "\tmilitary: {name: Military"),),
        at="\tmilitary",
        field="",
        says=("not valid YAML", "indent with spaces, not tabs"),
    ),
    Case(
        "invalid YAML syntax: an unclosed bracket",
        (("      range: [2_500, 5_000]\n", "      range: [2_500, 5_000\n"),),
        at="range: [2_500, 5_000\n",
        field="",
        says=("not valid YAML", "on line", "a '[' opened on this line is not closed"),
    ),
    Case(
        "invalid YAML syntax: an unclosed quote",
        (('version: "1.0"\n', 'version: "1.0\n'),),
        at='version: "1.0\n',
        field="",
        says=("not valid YAML", "a quote opened on this line is not closed"),
    ),
    Case(
        "invalid YAML syntax: a key without its colon",
        (("turns: 4\n", "turns 4\n"),),
        at="turns 4",
        field="",
        says=("not valid YAML", "the key on this line needs ': ' after it"),
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_a_careless_edit_is_reported_with_its_line_and_field(case, write):
    text = tutorial_text()
    for old, new in case.edits:
        text = edit(text, old, new)
    path = write("edited.yaml", text)

    problems = problems_of(path)

    assert [p.field for p in problems] == [case.field], [str(p) for p in problems]
    problem = problems[0]
    line = line_of(text, case.at)
    assert (problem.file, problem.line) == (str(path), line), str(problem)
    for fragment in case.says:
        assert fragment in problem.message, str(problem)
    prefix = f"{path}:{line}: {case.field}" if case.field else f"{path}:{line}: "
    assert str(problem).startswith(prefix)
    if case.value is not None:
        assert f"{case.field} = {case.value}: " in str(problem)


def test_the_cases_cover_at_least_25_distinct_edits():
    assert len({case.id for case in CASES}) == len(CASES) >= 25


def test_a_python_tag_is_refused_before_anything_runs(write, tmp_path):
    witness = tmp_path / "the-command-ran"
    text = edit(
        tutorial_text(), "turns: 4\n", f'turns: !!python/object/apply:os.system ["touch {witness}"]\n'
    )
    problems = problems_of(write("attack.yaml", text))
    assert "refused" in problems[0].message
    assert not witness.exists()


def test_every_problem_is_reported_at_once_sorted_by_line(write):
    text = tutorial_text()
    for old, new in [
        ("  - turn: 3\n", "  - turn: 9\n"),  # near the end, written first
        ("    stock_units: 60\n", "    stock_units: -5\n"),
        ("turn_length_days: 30\n", "turn_lenght_days: 30\n"),
        ("    - item: sam_missile\n", "    - item: sam_misile\n"),
        ("        value: 0.9\n", "        value: 1.5\n"),
    ]:
        text = edit(text, old, new)
    path = write("many.yaml", text)

    problems = problems_of(path)

    expected = [
        (line_of(text, "turn_lenght_days"), "turn_lenght_days"),
        (line_of(text, "value: 1.5"), "catalogue.sam_missile.pk.attack_drone.value"),
        (line_of(text, "stock_units: -5"), "catalogue.sam_missile.stock_units"),
        (line_of(text, "- item: sam_misile"), "doctrine.attack_drone[0].item"),
        (line_of(text, "- turn: 9"), "events[0].turn"),
    ]
    assert [(p.line, p.field) for p in problems] == expected
    message = str(ScenarioError(problems))
    assert message.startswith("5 problems in the scenario:\n")
    assert message.count(f"{path}:") == 5


def test_problems_in_different_sections_are_not_hidden_by_a_broken_section(write):
    """A schema error in one place does not stop the cross-reference checks elsewhere."""
    text = edit(tutorial_text(), "turns: 4\n", "turns: four\n")
    text = edit(text, "    - item: sam_missile\n", "    - item: patriot\n")
    fields = [p.field for p in problems_of(write("two.yaml", text))]
    assert fields == ["turns", "doctrine.attack_drone[0].item"]


@pytest.mark.parametrize(
    "text, line, says",
    [
        ("", 1, "the file is empty"),
        ("# only a comment\n\n", 1, "the file is empty"),
        ("- title\n- turns\n", 1, "not a scenario: the file holds a list"),
        ("just some words\n", 1, "not a scenario: the file holds the single value 'just some words'"),
        (
            "# docker compose\nservices:\n  web: {image: x}\n",
            2,
            "not a scenario: none of its keys is a scenario field",
        ),
        ("title: x\n---\nturns: 4\n", 2, "a scenario file holds one document"),
        ("title: Note: read this\n", 1, "put text with ': ' in it in quotes"),
        ("title: x\nturns: *four\n", 2, "found undefined alias"),
    ],
    ids=[
        "empty",
        "only comments",
        "a list",
        "a single value",
        "another kind of YAML file",
        "two documents",
        "colon in text",
        "undefined alias",
    ],
)
def test_a_file_that_is_not_a_scenario_is_one_clear_problem(write, text, line, says):
    path = write("odd.yaml", text)
    problems = problems_of(path)
    assert len(problems) == 1
    assert (problems[0].line, problems[0].path) == (line, ())
    assert says in problems[0].message
    assert str(problems[0]).startswith(f"{path}:{line}: ")


def test_a_missing_file_a_folder_and_a_binary_file_are_one_line_each(tmp_path):
    binary = tmp_path / "picture.yaml"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\xff\xfe\x00")
    for path, says in [
        (tmp_path / "nowhere.yaml", "file not found"),
        (tmp_path, "this is a folder, not a scenario file"),
        (binary, "not a text file (allowed: YAML text in UTF-8)"),
    ]:
        (problem,) = problems_of(path)
        assert str(problem) == f"{path}: {says}"


def test_an_unknown_scenario_name_suggests_the_shipped_one():
    (problem,) = problems_of("tutorail")
    assert str(problem).startswith("tutorail: no scenario of that name (allowed: ")
    assert "tutorial" in problem.message
    assert problem.message.endswith("did you mean 'tutorial'?")


def test_a_key_written_twice_names_the_line_of_the_first(write):
    text = edit(tutorial_text(), "turns: 4\n", "turns: 4\nturns: 5\n")
    (problem,) = problems_of(write("twice.yaml", text))
    assert problem.line == line_of(text, "turns: 5")
    assert problem.message == f"written twice (first on line {line_of(text, 'turns: 4')}); keep one"
