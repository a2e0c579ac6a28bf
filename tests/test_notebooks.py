"""The notebooks as files: committed without outputs, opening with objectives and a time."""

import re
from pathlib import Path

import nbformat
import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").rglob("*.ipynb"))
STUDENT = ["00_start_here", "01_cost_exchange", "02_capacity_gap", "03_autonomy", "04_adaptation_and_industry", "05_campaign", "06_europe_builds"]
INSTRUCTOR = ["10_editing_scenarios", "11_class_debrief", "12_policy_lab"]


def test_every_notebook_of_the_curriculum_is_there():
    names = {path.stem for path in NOTEBOOKS if ".ipynb_checkpoints" not in path.parts}
    assert set(STUDENT) <= names and set(INSTRUCTOR) <= names
    assert {path.stem for path in NOTEBOOKS if path.parent.name == "instructors"} >= set(INSTRUCTOR)


CHECKED = "# NBVAL_CHECK_OUTPUT"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_committed_without_outputs(path):
    """No outputs, except the printed key figures of cells that nbval checks (see
    tests/refresh_checked_outputs.py): those are small text, never widgets or pictures."""
    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        if cell.source.startswith(CHECKED):
            assert cell.outputs, f"{path.name}: a checked cell has no stored output to compare with"
            assert all(output.output_type == "stream" for output in cell.outputs)
            continue
        assert cell.outputs == [], f"{path.name}: a code cell has outputs; clear them before committing"
        assert cell.execution_count is None, f"{path.name}: a code cell has an execution count"


def test_key_seeded_figures_are_checked_by_nbval():
    checked = [
        path.stem
        for path in NOTEBOOKS
        for cell in nbformat.read(path, as_version=4).cells
        if cell.cell_type == "code" and cell.source.startswith(CHECKED)
    ]
    assert {"00_start_here", "01_cost_exchange", "03_autonomy", "06_europe_builds"} <= set(checked)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_opens_with_its_objectives_and_a_time(path):
    first = nbformat.read(path, as_version=4).cells[0]
    assert first.cell_type == "markdown" and first.source.startswith("# ")
    assert "Time:" in first.source
    assert "you will be able to" in first.source or "Purpose." in first.source


@pytest.mark.parametrize("path", [p for p in NOTEBOOKS if p.stem in STUDENT], ids=lambda p: p.stem)
def test_student_notebooks_end_with_a_takeaway(path):
    last_markdown = [cell for cell in nbformat.read(path, as_version=4).cells if cell.cell_type == "markdown"][-1]
    assert "Takeaway" in last_markdown.source


README = Path(__file__).resolve().parents[1] / "README.md"


def _named_notebooks(text: str) -> set[str]:
    return set(re.findall(r"`(\d\d_[a-z_]+)`", text))


def test_prerequisites_agree_between_the_readme_and_each_notebook():
    """The README's "before it" for each student notebook names what the notebook's own "Before this" names."""
    listed = dict(re.findall(r"^- `(\d\d_[a-z_]+)` \([^;)]*; before it: ([^)]*)\)", README.read_text(encoding="utf-8"), re.M))
    assert set(listed) == set(STUDENT)
    for path in NOTEBOOKS:
        if path.stem not in STUDENT:
            continue
        first = nbformat.read(path, as_version=4).cells[0].source
        own = re.search(r"\*\*Before this:\*\*([^\n]*)", first)
        assert _named_notebooks(own.group(1) if own else "") == _named_notebooks(listed[path.stem]), path.stem
