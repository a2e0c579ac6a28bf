"""Refresh the stored outputs of notebook cells marked ``# NBVAL_CHECK_OUTPUT``.

Notebooks are committed without outputs, except the few cells marked ``# NBVAL_CHECK_OUTPUT``:
they print key seeded figures, and nbval compares what they print now with what is stored,
so a change to the rules that changes those figures is noticed. After a deliberate change,
run ``.venv/bin/python tests/refresh_checked_outputs.py`` from the repository root and review
the diff of the notebooks before committing.
"""

from pathlib import Path

import nbformat
from nbclient import NotebookClient

MARK = "# NBVAL_CHECK_OUTPUT"
ROOT = Path(__file__).resolve().parents[1]


def refresh(path: Path) -> int:
    """Execute one notebook; keep the printed output of marked cells only. Returns how many."""
    notebook = nbformat.read(path, as_version=4)
    marked = [i for i, cell in enumerate(notebook.cells) if cell.cell_type == "code" and cell.source.startswith(MARK)]
    if not marked:
        return 0
    executed = nbformat.from_dict(notebook)
    NotebookClient(executed, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
    for i, cell in enumerate(notebook.cells):
        if cell.cell_type != "code":
            continue
        if i in marked:
            cell.outputs = [output for output in executed.cells[i].outputs if output.output_type == "stream"]
            cell.execution_count = 1
        else:
            cell.outputs, cell.execution_count = [], None
    nbformat.write(notebook, path)
    return len(marked)


if __name__ == "__main__":
    for notebook in sorted((ROOT / "notebooks").rglob("*.ipynb")):
        if ".ipynb_checkpoints" not in notebook.parts:
            count = refresh(notebook)
            if count:
                print(f"{notebook.relative_to(ROOT)}: refreshed {count} checked cell(s)")
