"""The rules never import the interface (docs/architecture.md): checked on the source, import by import."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "wargame"
RULE_SIDE = [
    *sorted((PACKAGE / "rules").glob("*.py")),
    *sorted((PACKAGE / "scenario").glob("*.py")),
    *sorted((PACKAGE / "lessons").glob("*.py")),
    PACKAGE / "turn.py",
    PACKAGE / "state.py",
    PACKAGE / "tables.py",
    PACKAGE / "orders.py",
    PACKAGE / "policies.py",
    PACKAGE / "observe.py",
    PACKAGE / "actions.py",
    PACKAGE / "selfcheck.py",
]
INTERFACE = ("ipywidgets", "bokeh", "jupyter_bokeh", "wargame.ui", "wargame.charts", "wargame.report")
RELATIVE_INTERFACE = ("ui", "charts", "report")


def imported_modules(path: Path) -> list[str]:
    names = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:  # relative: name it by its first part inside the package
                names.append("." + module)
            else:
                names.append(module)
    return names


@pytest.mark.parametrize("path", RULE_SIDE, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_rule_side_modules_import_no_interface(path):
    for name in imported_modules(path):
        assert not name.startswith(INTERFACE), f"{path.name} imports {name}"
        parts = name.lstrip(".").split(".")
        assert not (name.startswith(".") and parts[0] in RELATIVE_INTERFACE), f"{path.name} imports {name}"


def test_only_the_environment_module_imports_gymnasium():
    """Gymnasium is the optional [rl] extra: everything else must import without it."""
    importers = [
        str(path.relative_to(PACKAGE))
        for path in sorted(PACKAGE.rglob("*.py"))
        if any(name.split(".")[0] == "gymnasium" for name in imported_modules(path))
    ]
    assert importers == ["env.py"]


def test_the_checker_sees_an_interface_import(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("from ..charts import cost_exchange_figure\nimport bokeh.plotting\n", encoding="utf-8")
    assert imported_modules(bad) == [".charts", "bokeh.plotting"]


@pytest.mark.parametrize("name", ["format.py", "palette.py"])
def test_format_and_palette_import_nothing_of_the_kit(name):
    """They sit at the bottom of the house: every layer may import them, they import no layer."""
    for module in imported_modules(PACKAGE / name):
        assert not module.startswith((".", "wargame")), f"{name} imports {module}"


def test_no_module_of_the_kit_uses_the_global_random_module():
    """Every random draw comes from a generator passed explicitly (a game's, or the store's own
    for its retry pauses): nothing in the kit imports the stdlib ``random``, whose state is global."""
    importers = [
        str(path.relative_to(PACKAGE))
        for path in sorted(PACKAGE.rglob("*.py"))
        if any(name.split(".")[0] == "random" for name in imported_modules(path))
    ]
    assert importers == []
