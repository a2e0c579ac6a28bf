"""Hostile scenario files: each is refused quickly with its file, line and field, and reads
nothing outside the scenario's folder.

Scenario files travel between instructors and students, so every case here is one a hostile
(or unlucky) file could hold: alias bombs, deep nesting, control characters, giant numbers,
files that are not files, ``extends`` pointing out of the folder, figures that would overflow
money arithmetic or size memory. Each case runs under its own timeout, so a regression that
hangs or explodes fails the case instead of the whole run. Times are not asserted here (see
``python -m wargame.scenario.hostile_bench`` for the figures).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import wargame
from wargame.scenario import Problem, ScenarioError, load_scenario, shipped_scenarios
from wargame.scenario.errors import MAX_LISTED
from wargame.scenario.loading import MAX_FILE_BYTES, SCENARIO_DIR
from wargame.scenario.schema import MAX_DAYS
from wargame.scenario.yaml_limits import MAX_DEPTH, MAX_VALUES

pytestmark = pytest.mark.timeout(10)

TUTORIAL = (SCENARIO_DIR / "tutorial.yaml").read_text(encoding="utf-8")


# --- helpers ----------------------------------------------------------------------------------


def edit(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, f"the edit must match exactly once: {old!r}"
    return text.replace(old, new)


def line_of(text: str, fragment: str) -> int:
    assert text.count(fragment) == 1, f"the fragment must occur exactly once: {fragment!r}"
    return text[: text.index(fragment)].count("\n") + 1


def refused(path: Path | str) -> list[Problem]:
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    return caught.value.problems


def only(path: Path | str) -> Problem:
    problems = refused(path)
    assert len(problems) == 1, [str(p) for p in problems]
    return problems[0]


@pytest.fixture
def write(tmp_path):
    def write_file(name: str, text: str | bytes) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        return path

    return write_file


def with_extra(text: str, block: str) -> str:
    """The tutorial with an extra top-level block before its learning objectives."""
    return edit(text, "learning_objectives:", block + "learning_objectives:")


# --- aliases and nesting ------------------------------------------------------------------------

LAUGHS = "".join(
    f"  {name}: &{name} [{', '.join([f'*{previous}'] * 9)}]\n"
    for previous, name in zip("abcdefgh", "bcdefghi")
)
BOMB_236 = "  a: &a [x, x, x, x, x, x, x, x, x]\n" + LAUGHS[: LAUGHS.index("  f:")]
BOMB_1KB = "  a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + LAUGHS + "".join(
    f"  {name}: &{name} [{', '.join([f'*{previous}'] * 9)}]\n" for previous, name in zip("ijklm", "jklmn")
)


@pytest.mark.parametrize("bomb", [BOMB_236, BOMB_1KB], ids=["236-byte bomb", "1 KB bomb"])
def test_an_alias_bomb_is_refused_while_parsing_with_its_line(write, bomb):
    text = with_extra(TUTORIAL, "x_bomb:\n" + bomb)
    problem = only(write("bomb.yaml", text))
    assert problem.message.startswith(f"the file holds more than {MAX_VALUES:,} values once its aliases")
    assert f"(allowed: at most {MAX_VALUES:,}" in problem.message
    assert problem.file.endswith("bomb.yaml")
    assert problem.field.startswith("x_bomb.")
    bomb_lines = range(line_of(text, "x_bomb:"), line_of(text, "learning_objectives:"))
    assert problem.line in bomb_lines


def test_an_alias_bomb_used_as_a_field_value_is_refused_where_it_is_used(write):
    smaller = BOMB_236[: BOMB_236.index("  e:")]  # 9 ** 4 values: under the limit once, not thrice
    text = with_extra(TUTORIAL, "x_bomb:\n" + smaller)
    text = edit(text, "learning_objectives:\n", "learning_objectives: [*d, *d, *d, *d]\nx_old:\n")
    problem = only(write("bomb.yaml", text))
    assert "once its aliases (*name) are written out" in problem.message
    assert (problem.line, problem.field) == (line_of(text, "learning_objectives: [*d"), "learning_objectives[1]")


def test_a_few_aliases_to_small_values_are_still_allowed(write):
    text = edit(TUTORIAL, "learning_objectives:\n", "x_anchor: &goal See the arithmetic.\nlearning_objectives:\n  - *goal\n")
    text = edit(text, "x_anchor: &goal See the arithmetic.\n", "")
    text = edit(text, "  - *goal\n", "  - &goal See the arithmetic.\n  - *goal\n")
    assert load_scenario(write("aliases.yaml", text)).learning_objectives[:2] == ("See the arithmetic.",) * 2


@pytest.mark.parametrize(
    "value", ["&a [*a]", "&a {loop: *a}", "&a [1, [2, [3, *a]]]"], ids=["list", "mapping", "nested"]
)
def test_an_alias_inside_its_own_anchor_is_refused_not_a_recursion_error(write, value):
    text = edit(TUTORIAL, "learning_objectives:", f"x_loop: {value}\nlearning_objectives:")
    problem = only(write("loop.yaml", text))
    assert "points at the list or mapping that holds it, so the value would contain itself" in problem.message
    assert problem.line == line_of(text, "x_loop:")
    assert problem.field.startswith("x_loop")


@pytest.mark.parametrize(
    "deep", ["[" * 900 + "]" * 900, "{a: " * 900 + "1" + "}" * 900, "\n" + "".join(f"{'  ' * i}- \n" for i in range(60)) + "  " * 60 + "- 1"],
    ids=["900 lists", "900 mappings", "60 block lists"],
)
def test_deep_nesting_is_refused_with_its_line_not_a_recursion_error(write, deep):
    text = TUTORIAL + "x_deep: " + deep + "\n"
    problem = only(write("deep.yaml", text))
    assert problem.message == f"lists and mappings nested too deep (allowed: at most {MAX_DEPTH} levels)"
    assert problem.field.startswith("x_deep")
    assert problem.line >= line_of(text, "x_deep:")


def test_nesting_made_deep_by_a_chain_of_aliases_is_refused(write):
    chain = "x_chain:\n  a0: &a0 [[[[[[[[1]]]]]]]]\n" + "".join(
        f"  a{i}: &a{i} [[[[[[[[*a{i - 1}]]]]]]]]\n" for i in range(1, 10)
    )
    text = with_extra(TUTORIAL, chain)
    problem = only(write("chain.yaml", text))
    assert "written out, lists and mappings nest too deep" in problem.message
    assert problem.field.startswith("x_chain.a")
    assert problem.line in range(line_of(text, "x_chain:"), line_of(text, "learning_objectives:"))


# --- characters and numbers ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "character, name",
    [("\x00", "NUL; code 0"), ("\x1b", "ESC, the start of a terminal escape code; code 27"), ("\x07", "code 7")],
    ids=["NUL", "ESC", "bell"],
)
def test_a_raw_control_character_is_refused_with_its_line(write, character, name):
    text = edit(TUTORIAL, "turns: 4\n", f"turns: 4\ndescription: a{character}b\n".replace("description", "x_text"))
    problem = only(write("raw.yaml", text))
    assert problem.line == line_of(text, "x_text:")
    assert problem.message == (
        f"the file holds a control character ({name}); "
        "a scenario is plain text (allowed: printable characters, tabs and line breaks)"
    )


def test_a_noncharacter_yaml_refuses_is_reported_with_its_line(write):
    text = edit(TUTORIAL, "turns: 4\n", "turns: 4\nx_text: a\ufffeb\n")
    problem = only(write("raw.yaml", text))
    assert problem.line == line_of(text, "x_text:")
    assert problem.message.startswith("the file holds a character YAML does not allow (U+FFFE); a scenario is plain text")


TITLE = 'title: "Tutorial: a hundred drones a month"'


@pytest.mark.parametrize(
    "old, new, field",
    [
        (TITLE, r'title: "\e[31mRed\e[0m"', "title"),
        (TITLE, r'title: "\x9b31mRed"', "title"),
        ("learning_objectives:\n", 'learning_objectives:\n  - "\\e]0;owned\\a"\n', "learning_objectives[0]"),
        ("    name: High-end interceptor missile\n", '    name: "\\e[2JMissile"\n', "catalogue.sam_missile.name"),
        ("author:", 'x_ignored: 1\nauthor: "A\\rB"\nx_author:', "author"),
    ],
    ids=["title ESC", "title C1 CSI", "objective OSC", "item name", "author CR"],
)
def test_an_escaped_control_character_in_text_is_refused_with_its_field(write, old, new, field):
    text = edit(TUTORIAL, old, new)
    problems = [p for p in refused(write("escape.yaml", text)) if p.field == field]
    assert len(problems) == 1
    problem = problems[0]
    assert problem.line == line_of(text, new.strip().splitlines()[-1 if field != "author" else 1].strip())
    assert re.fullmatch(
        r"the text holds a control character \(.*code \d+\) \(allowed: printable text, tabs and line breaks\)",
        problem.message,
    ), problem.message
    assert "\x1b" not in str(problem) and "\x9b" not in str(problem)  # the value is shown escaped


@pytest.mark.parametrize(
    "old, new",
    [
        ("turns: 4\n", 'turns: 4\n"\\e[2Jx": 1\n'),
        ("catalogue:\n", 'catalogue:\n  "\\e[2J": {}\n'),
        ("turns: 4\n", 'turns: 4\nlessons:\n  cost_exchange:\n    headline: "{\\e[2J}"\n'),
        ("doctrine:\n  attack_drone:\n", 'doctrine:\n  "\\e]0;x\\a":\n'),
    ],
    ids=["unknown key", "item id", "template", "doctrine key"],
)
def test_no_escape_code_written_in_the_file_reaches_the_printed_problems(write, old, new):
    path = write("keys.yaml", edit(TUTORIAL, old, new))
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    printed = str(caught.value)
    assert "\x1b" not in printed and "\x07" not in printed
    assert "\\x1b" in printed  # shown, escaped
    cli = subprocess.run([sys.executable, "-m", "wargame", "validate", str(path)], capture_output=True, text=True)
    assert cli.returncode == 1 and "\x1b" not in cli.stdout + cli.stderr


def test_text_with_line_breaks_and_tabs_is_still_allowed(write):
    text = edit(TUTORIAL, TITLE, 'title: "Tutorial:\\ta hundred drones\\na month"')
    assert load_scenario(write("tabs.yaml", text)).title == "Tutorial:\ta hundred drones\na month"


@pytest.mark.parametrize(
    "old, new, field",
    [
        ("turns: 4\n", "turns: " + "9" * 5000 + "\n", "turns"),
        ("turns: 4\n", "turns: -" + "1" * 5000 + "\n", "turns"),
        ("narrative:\n", "narrative:\n  " + "7" * 5000 + ": A long time from now.\n", "narrative"),
    ],
    ids=["5,000-digit turns", "negative 5,000 digits", "5,000-digit key"],
)
def test_a_number_with_thousands_of_digits_is_refused_with_its_field(write, old, new, field):
    text = edit(TUTORIAL, old, new)
    problem = only(write("digits.yaml", text))
    assert problem.message == "a whole number of 5,000 digits (allowed: at most 30 digits)"
    assert (problem.line, problem.field) == (line_of(text, new.strip().splitlines()[-1][:20]), field)


@pytest.mark.parametrize(
    "old, new, field, says",
    [
        ("    stock_units: 60\n", "    stock_units: 1.5e3\n", "catalogue.sam_missile.stock_units", "write 1500 or 1.5e+3"),
        ("turns: 4\n", "turns: 1e1\n", "turns", "(allowed: a whole number; write 10 or 1.0e+1)"),
        ("      value: 4_000_000\n", "      value: 4e6\n", "catalogue.sam_missile.unit_cost_usd.value", "write 4000000 or 4.0e+6"),
        ("      value: 4_000_000\n", "      value: 1E-3\n", "catalogue.sam_missile.unit_cost_usd.value", "write 0.001 or 1.0e-3"),
    ],
    ids=["1.5e3 stock", "1e1 turns", "4e6 sourced value", "1E-3"],
)
def test_a_number_yaml_reads_as_text_says_how_to_write_it(write, old, new, field, says):
    text = edit(TUTORIAL, old, new)
    problem = only(write("exponent.yaml", text))
    assert (problem.line, problem.field) == (line_of(text, new.strip()), field)
    assert "as text, not a number" in problem.message and says in problem.message


def test_a_number_written_with_a_dot_and_a_signed_exponent_is_a_number(write):
    text = edit(TUTORIAL, "    stock_units: 60\n", "    stock_units: 1.5e+3\n")
    assert load_scenario(write("plain.yaml", text)).catalogue["sam_missile"].stock_units == 1500


# --- bounds that keep arithmetic finite and memory small ------------------------------------------

BOUNDS = [
    ("    capacity_lead_time_days: 720\n", "    capacity_lead_time_days: 3000000000\n", "catalogue.sam_missile.capacity_lead_time_days", f">= 0 and <= {MAX_DAYS}"),
    ("      delay_days: 60\n", "      delay_days: 7350\n", "catalogue.sam_missile.imports.delay_days", f">= 0 and <= {MAX_DAYS}"),
    ("      value: 4_000_000\n", "      value: 1.0e+308\n", "catalogue.sam_missile.unit_cost_usd.value", "> 0 and <= 10,000,000,000"),
    ("    stock_units: 60\n", "    stock_units: 1.0e+300\n", "catalogue.sam_missile.stock_units", ">= 0 and <= 1,000,000,000"),
    ("    capacity_units_per_turn: 2\n", "    capacity_units_per_turn: 1.0e+12\n", "catalogue.sam_missile.capacity_units_per_turn", ">= 0 and <= 1,000,000,000"),
    ("  initial_usd: 2_000_000\n", "  initial_usd: 1.0e+300\n", "budget.initial_usd", ">= 0 and <= 10,000,000,000,000"),
    ("  per_turn_usd: 600_000\n", "  per_turn_usd: 1.0e+14\n", "budget.per_turn_usd", ">= 0 and <= 10,000,000,000,000"),
    ("      launches_per_turn: 100\n", "      launches_per_turn: 1.0e+20\n", "adversary.threats.attack_drone.launches_per_turn", ">= 0 and <= 1,000,000,000"),
]


@pytest.mark.parametrize("old, new, field, allowed", BOUNDS, ids=[b[2].split(".")[-1] + " " + b[1].split()[-1] for b in BOUNDS])
def test_a_figure_past_its_bound_names_the_bound(write, old, new, field, allowed):
    text = edit(TUTORIAL, old, new)
    problem = only(write("bound.yaml", text))
    assert (problem.line, problem.field) == (line_of(text, new.strip()), field)
    assert problem.message.endswith(f"(allowed: {allowed})"), problem.message


@pytest.mark.parametrize("name", shipped_scenarios())
def test_every_shipped_scenario_stays_inside_the_bounds_including_leads_past_the_end(name):
    scenario = load_scenario(name)  # validation applies every bound
    game_days = scenario.turns * scenario.turn_length_days
    leads = [item.capacity_lead_time_days for item in scenario.catalogue.values()]
    if name in ("tutorial", "gulf_depletion"):
        assert max(leads) > game_days  # a line ordered on turn 1 arrives after the game ends


def _game_with_lead(variant, days: int) -> wargame.Game:
    scenario = variant({"catalogue": {"sam_missile": {"capacity_lead_time_days": days}}})
    return wargame.Game(scenario, seed=5)


def test_a_lead_of_twenty_years_costs_no_more_memory_and_plays_like_one_just_past_the_end(variant):
    past_the_end = (4 + 1) * 30  # the tutorial has 4 turns of 30 days
    games = [_game_with_lead(variant, days) for days in (past_the_end, 720, MAX_DAYS - MAX_DAYS % 30)]
    sizes = {game.state.incoming_capacity.shape for game in games}
    assert sizes == {games[0].state.incoming_capacity.shape}
    assert max(game.tables.capacity_pipe.size for game in games) <= len(games[0].tables.items) * (4 + 1)
    for game in games:
        while not game.is_over:
            orders = game.orders()
            orders.production = {}
            orders.capacity = {"sam_missile": 1} if game.turn == 1 else {}
            game.play_turn(orders)
    first = games[0].history
    for game in games[1:]:
        assert game.history.equals(first)
        assert np.array_equal(game.state.capacity, games[0].state.capacity)


# --- files that are not scenario files ----------------------------------------------------------


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "huge.yaml"
    with open(path, "wb") as file:
        file.truncate(50 * 1024 * 1024)  # 50 MB, sparse: nothing is written
    problem = only(path)
    assert (problem.file, problem.line) == (str(path), 0)
    assert problem.message == (
        "the file is too large: 52,428,800 bytes (allowed: at most 1,048,576 bytes, 1 MB; a scenario is about 20 KB)"
    )


def test_a_file_one_byte_over_the_limit_is_refused_and_one_at_the_limit_is_read(write):
    over = write("over.yaml", "#" * (MAX_FILE_BYTES + 1))
    assert only(over).message.startswith(f"the file is too large: {MAX_FILE_BYTES + 1:,} bytes (allowed: at most")
    at_limit = write("at.yaml", TUTORIAL + "#" * (MAX_FILE_BYTES - len(TUTORIAL.encode())))
    assert load_scenario(at_limit).turns == 4


def test_800_thousand_bad_events_are_refused_by_the_size_limit(write):
    path = write("events.yaml", TUTORIAL.replace("events:", "x_events:") + "events:\n" + "- 1\n" * 800_000)
    assert only(path).message.startswith("the file is too large: 3,") and "(allowed: at most 1,048,576 bytes" in only(path).message


def test_a_file_full_of_values_is_refused_at_the_value_limit_with_its_line(write):
    text = TUTORIAL.replace("events:", "x_events:") + "events:\n" + "- 1\n" * 50_000
    problem = only(write("values.yaml", text))
    assert problem.message.startswith(f"the file holds more than {MAX_VALUES:,} values (allowed:")
    assert problem.field.startswith("events[")
    assert problem.line > line_of(text, "\nevents:") + 1


@pytest.mark.parametrize("padding", [0, 900_000], ids=["small file", "900 KB file"])
def test_a_syntax_error_is_reported_on_the_line_that_opened_it_in_a_small_or_large_file(write, padding):
    padding_block = "x_padding:\n" + ("  - " + "x" * 96 + "\n") * (padding // 101) if padding else ""
    text = TUTORIAL + padding_block + "x_end: [1, 2\n"
    problem = only(write("syntax.yaml", text))
    assert problem.line == line_of(text, "x_end: [1, 2")
    assert problem.message.startswith("not valid YAML:")
    assert "a '[' opened on this line is not closed" in problem.message


def test_many_bad_events_list_the_first_problems_and_count_the_rest(write):
    count = 15_000
    text = TUTORIAL.replace("events:", "x_events:") + "events:\n" + "- 1\n" * count
    with pytest.raises(ScenarioError) as caught:
        load_scenario(write("many.yaml", text))
    error = caught.value
    assert error.count == count + 1  # every event, and the misspelt x_events
    assert len(error.problems) == MAX_LISTED + 1
    assert error.problems[-1].message == f"and {count + 1 - MAX_LISTED:,} more problems not listed: fix these first, then validate again"
    assert str(error).startswith(f"{count + 1:,} problems in the scenario:")
    assert len(str(error).splitlines()) == MAX_LISTED + 2


@pytest.mark.parametrize(
    "make, says",
    [
        (lambda d: (os.mkfifo(d / "pipe.yaml"), d / "pipe.yaml")[1], "not a regular file"),
        (lambda d: Path("/dev/zero"), "not a regular file"),
        (lambda d: d, "this is a folder, not a scenario file"),
        (lambda d: (d / "latin1.yaml").write_bytes(b"title: caf\xe9\n") and d / "latin1.yaml", "not a text file"),
    ],
    ids=["FIFO", "/dev/zero", "folder", "not UTF-8"],
)
def test_what_is_not_a_regular_text_file_is_refused_without_hanging(tmp_path, make, says):
    path = make(tmp_path)
    problem = only(path)
    assert (problem.file, problem.line) == (str(path), 0)
    assert says in problem.message


# --- extends: only shipped names and files beside the scenario ------------------------------------

SECRET = "root:x:0:0:root:/root:/bin/bash\n"


@pytest.fixture
def outside(tmp_path):
    """A secret file outside the scenario's folder, and that folder."""
    secret = tmp_path / "secret.yaml"
    secret.write_text(SECRET, encoding="utf-8")
    (tmp_path / "class").mkdir()
    return tmp_path / "class", secret


@pytest.mark.parametrize(
    "reference, says",
    [
        ("/etc/passwd", "an absolute path is not allowed here"),
        ("{secret}", "an absolute path is not allowed here"),
        ("../secret.yaml", "'..' is not allowed here"),
        ("sub/../../secret.yaml", "'..' is not allowed here"),
        ("~/secret.yaml", "an absolute path is not allowed here"),
        ("/dev/zero", "an absolute path is not allowed here"),
    ],
    ids=["/etc/passwd", "absolute secret", "..", "sub/../..", "home", "/dev/zero"],
)
def test_extends_cannot_leave_the_scenarios_folder_nor_quote_what_is_there(outside, reference, says):
    folder, secret = outside
    path = folder / "variant.yaml"
    path.write_text(f"# a variant\nextends: {reference.format(secret=secret)}\ntitle: x\n", encoding="utf-8")
    problem = only(path)
    assert (problem.file, problem.line, problem.field) == (str(path), 2, "extends")
    assert problem.message.startswith(says)
    assert problem.message.endswith("(allowed: a shipped name such as tutorial, or a .yaml file in this file's folder)")
    assert "root:" not in str(problem)
    assert secret.read_text(encoding="utf-8") == SECRET


@pytest.mark.parametrize("name", ["link.yaml", "link"], ids=["by path", "by name"])
def test_extends_does_not_follow_a_link_out_of_the_folder(outside, name):
    folder, secret = outside
    (folder / "link.yaml").symlink_to(secret)
    path = folder / "variant.yaml"
    path.write_text(f"extends: {name}\n", encoding="utf-8")
    problem = only(path)
    assert (problem.line, problem.field) == (1, "extends")
    assert "leaves the folder of the file that names it" in problem.message
    assert "root:" not in str(problem)


def test_extends_may_point_below_its_folder_and_at_shipped_names(write, tmp_path):
    write("base/origin.yaml", TUTORIAL)
    assert load_scenario(write("below.yaml", "extends: base/origin.yaml\ntitle: Below\n")).title == "Below"
    assert load_scenario(write("shipped.yaml", "extends: tutorial\ntitle: Shipped\n")).title == "Shipped"


def test_extends_must_name_a_yaml_file(write):
    write("notes.txt", SECRET)
    problem = only(write("variant.yaml", "extends: notes.txt\n"))
    assert problem.message.startswith("not a scenario file: its name must end in .yaml")
    assert "root:" not in str(problem)


def test_extends_of_a_fifo_beside_the_scenario_is_refused_without_hanging(tmp_path):
    os.mkfifo(tmp_path / "base.yaml")
    path = tmp_path / "variant.yaml"
    path.write_text("extends: base\n", encoding="utf-8")
    problem = only(path)
    assert (problem.file, problem.line) == (str(tmp_path / "base.yaml"), 0)
    assert "not a regular file" in problem.message


def test_extends_with_a_nul_in_its_name_is_refused(write):
    problem = only(write("variant.yaml", 'extends: "base\\0.yaml"\n'))
    assert (problem.line, problem.field) == (1, "extends")
    assert problem.message.startswith("a file name cannot contain a NUL character")


# --- what is refused before anything is built -----------------------------------------------------


def test_a_python_tag_is_refused_and_nothing_is_constructed(write, monkeypatch):
    built = []
    monkeypatch.setattr(os, "system", lambda *args: built.append(args))
    text = edit(TUTORIAL, "turns: 4\n", "turns: !!python/object/apply:os.system ['echo owned']\n")
    problem = only(write("tag.yaml", text))
    assert (problem.line, problem.field) == (line_of(text, "turns: !!python"), "turns")
    assert "would build a Python object" in problem.message
    assert built == []


def test_an_empty_list_of_choices_reads_none_defined_not_an_empty_list(write):
    text = edit(TUTORIAL, "    role: interceptor_missile\n", "    role: interceptor_missile\n    reach: [depots]\n")
    messages = [p.message for p in refused(write("reach.yaml", text))]
    assert "unknown target set (allowed: none defined)" in messages
    assert not any("()" in m or "Known: ." in m or "allowed: )" in m for m in messages)


def test_validate_on_the_command_line_reports_every_hostile_file_without_an_internal_error(write):
    files = {
        "bomb.yaml": with_extra(TUTORIAL, "x_bomb:\n" + BOMB_1KB),
        "loop.yaml": edit(TUTORIAL, "learning_objectives:", "x_loop: &a [*a]\nlearning_objectives:"),
        "deep.yaml": TUTORIAL + "x_deep: " + "[" * 900 + "]" * 900 + "\n",
        "nul.yaml": edit(TUTORIAL, "turns: 4\n", "turns: 4\x00\n"),
        "digits.yaml": edit(TUTORIAL, "turns: 4\n", "turns: " + "9" * 5000 + "\n"),
        "cost.yaml": edit(TUTORIAL, "      value: 4_000_000\n", "      value: 1.0e+308\n"),
        "passwd.yaml": "extends: /etc/passwd\n",
    }
    paths = [write(name, text) for name, text in files.items()]
    done = subprocess.run(
        [sys.executable, "-m", "wargame", "validate", *map(str, paths)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 1
    assert "internal error" not in done.stdout + done.stderr and "root:" not in done.stdout
    for path in paths:
        assert re.search(rf"^{re.escape(str(path))}:\d+: ", done.stdout, re.M), path.name
    assert f"problems in {len(paths)} of {len(paths)} scenario files" in done.stderr
