"""Random careless edits: the loader either loads or reports problems, and nothing else escapes.

Each example edits a copy of the tutorial a few times (a line deleted, repeated, re-indented,
a value replaced by a wrong one, a stray character typed) and checks that ``load_scenario``
returns a scenario or raises ``ScenarioError`` whose problems point at real lines of the file.
"""

from __future__ import annotations

import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from wargame.scenario import Scenario, ScenarioError, load_scenario  # noqa: E402

from .helpers import tutorial_text  # noqa: E402

TUTORIAL_LINES = tutorial_text().splitlines()

WRONG_VALUES = [
    "-1", "0", "1.5", "abc", "null", "[]", "{}", "[1, 2, 3]", "yes", ".nan", "-.inf", "'x'",
    "!!python/object/apply:os.getcwd []", "&anchor 3", "*nowhere", "{a: 1", "- 1", "2024-01-01",
]  # fmt: skip
STRAY = [":", "[", "{", '"', "'", "\t", "#", "- ", "  ", "&", "*", "!", "|", ">"]


def _apply(lines: list[str], edit: tuple) -> list[str]:
    """One careless edit of one line (``index`` is taken modulo the number of lines)."""
    kind, index, choice = edit
    if not lines:
        return lines
    index %= len(lines)
    line = lines[index]
    if kind == "delete":
        return lines[:index] + lines[index + 1 :]
    if kind == "repeat":
        return lines[: index + 1] + [line] + lines[index + 1 :]
    if kind == "indent":
        return lines[:index] + ["  " + line] + lines[index + 1 :]
    if kind == "dedent":
        return lines[:index] + [line[2:]] + lines[index + 1 :]
    if kind == "value" and ": " in line:
        key = line.split(": ", 1)[0]
        return lines[:index] + [f"{key}: {WRONG_VALUES[choice % len(WRONG_VALUES)]}"] + lines[index + 1 :]
    if kind == "stray":
        cut = choice % (len(line) + 1)
        return lines[:index] + [line[:cut] + STRAY[choice % len(STRAY)] + line[cut:]] + lines[index + 1 :]
    return lines


EDITS = st.lists(
    st.tuples(
        st.sampled_from(["delete", "repeat", "indent", "dedent", "value", "stray"]),
        st.integers(min_value=0, max_value=10_000),
        st.integers(min_value=0, max_value=10_000),
    ),
    min_size=1,
    max_size=4,
)


@settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(edits=EDITS)
def test_a_randomly_edited_scenario_loads_or_reports_located_problems(tmp_path, edits):
    lines = TUTORIAL_LINES
    for edit in edits:
        lines = _apply(lines, edit)
    path = tmp_path / "random.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    try:
        scenario = load_scenario(path)
    except ScenarioError as error:
        assert error.problems
        for problem in error.problems:
            assert problem.file == str(path)
            assert 1 <= problem.line <= len(lines) + 1, str(problem)
            assert problem.message and str(problem).startswith(f"{path}:{problem.line}: ")
    else:
        assert isinstance(scenario, Scenario)
