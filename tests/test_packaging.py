"""The ways of installing the kit agree with each other.

pyproject.toml is the source of truth for dependencies; environment.yml (conda, Binder) must
list the same packages with the same version bounds. The Makefile and .ci/run are the two
entry points the README promises: `make lab`, `make test`, and CI running `make test`.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tomllib  # Python >= 3.11; the kit's requires-python is >=3.10, tests run on 3.11+
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]

# Entries of environment.yml that are conda's business, not the package's dependencies.
CONDA_ONLY = {"python", "pip"}

_REQUIREMENT = re.compile(
    r"""^\s*
    (?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)   # distribution name
    \s*(?:\[[^\]]*\])?                     # extras, ignored: conda has none
    \s*(?P<spec>[^;]*?)                    # version bounds
    \s*(?:;.*)?$                           # environment marker, ignored
    """,
    re.VERBOSE,
)


def normalise_name(name: str) -> str:
    """PEP 503 style: case-insensitive, and '-', '_' and '.' are the same."""
    return re.sub(r"[-_.]+", "-", name).lower()


def normalise_spec(spec: str) -> str:
    """Version bounds without spaces, clauses sorted: '>=2.5, <3' == '<3,>=2.5'."""
    clauses = [c for c in re.sub(r"\s+", "", spec).split(",") if c]
    return ",".join(sorted(clauses))


def parse_requirement(text: str) -> tuple[str, str]:
    """'pydantic>=2.5,<3' (pip or conda spelling) -> ('pydantic', '<3,>=2.5')."""
    match = _REQUIREMENT.match(text)
    if match is None:
        raise ValueError(f"cannot read the requirement {text!r}")
    return normalise_name(match["name"]), normalise_spec(match["spec"])


def requirements(texts: list[str]) -> dict[str, str]:
    """Normalised name -> normalised bounds; a name listed twice is an error."""
    result: dict[str, str] = {}
    for text in texts:
        name, spec = parse_requirement(text)
        if name in result:
            raise ValueError(f"{name} is listed twice")
        result[name] = spec
    return result


def compare_dependencies(
    pyproject: dict[str, str], environment: dict[str, str]
) -> list[str]:
    """Every difference between the two lists, as sentences; empty when they agree."""
    problems = []
    missing_in_env = sorted(set(pyproject) - set(environment))
    missing_in_pyproject = sorted(set(environment) - set(pyproject))
    if missing_in_env:
        problems.append(
            "in pyproject.toml but missing from environment.yml: "
            + ", ".join(missing_in_env)
        )
    if missing_in_pyproject:
        problems.append(
            "in environment.yml but missing from pyproject.toml: "
            + ", ".join(missing_in_pyproject)
        )
    for name in sorted(set(pyproject) & set(environment)):
        if pyproject[name] != environment[name]:
            problems.append(
                f"{name}: pyproject.toml says {pyproject[name] or '(any)'!r}, "
                f"environment.yml says {environment[name] or '(any)'!r}"
            )
    return problems


def load_pyproject() -> dict:
    with open(ROOT / "pyproject.toml", "rb") as f:
        return tomllib.load(f)


def load_environment() -> dict:
    with open(ROOT / "environment.yml", encoding="utf-8") as f:
        return yaml.safe_load(f)


def pyproject_requirements() -> dict[str, str]:
    project = load_pyproject()["project"]
    texts = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():  # test, rl: environment.yml has them all
        texts += extra
    return requirements(texts)


def environment_entries() -> tuple[list[str], list]:
    """(conda specs as strings, the pip: section's entries)."""
    conda, pip = [], []
    for entry in load_environment()["dependencies"]:
        if isinstance(entry, dict):
            pip.extend(entry.get("pip", []))
        else:
            conda.append(str(entry))
    return conda, pip


# --- the comparison itself can fail -------------------------------------------------------


def test_compare_dependencies_reports_each_side_and_bounds():
    pyproject = requirements(["numpy>=1.26", "PyYAML>=6.0", "jupyter_bokeh>=4,<5", "voila"])
    environment = requirements(
        ["numpy>=1.25", "pyyaml >= 6.0", "jupyter-bokeh<5, >=4", "pytest>=8"]
    )
    problems = compare_dependencies(pyproject, environment)
    assert problems == [
        "in pyproject.toml but missing from environment.yml: voila",
        "in environment.yml but missing from pyproject.toml: pytest",
        "numpy: pyproject.toml says '>=1.26', environment.yml says '>=1.25'",
    ]


def test_compare_dependencies_accepts_equal_lists_in_other_spellings():
    pyproject = requirements(["PyYAML>=6.0", "jupyter_bokeh>=4,<5", "pytest-playwright>=0.5"])
    environment = requirements(["pyyaml>=6.0", "Jupyter-Bokeh <5,>=4", "pytest_playwright>=0.5"])
    assert compare_dependencies(pyproject, environment) == []


def test_parse_requirement():
    assert parse_requirement("pydantic>=2.5,<3") == ("pydantic", "<3,>=2.5")
    assert parse_requirement("PyYAML >= 6.0") == ("pyyaml", ">=6.0")
    assert parse_requirement("Foo.Bar[extra]>=1; python_version<'3.11'") == ("foo-bar", ">=1")
    assert parse_requirement("pip") == ("pip", "")
    with pytest.raises(ValueError):
        requirements(["numpy", "NumPy>=1"])


# --- the real files -----------------------------------------------------------------------


def test_environment_yml_lists_the_same_dependencies_as_pyproject():
    """Conda packages, and in the pip: section those conda-forge lacks (pip options such as
    "-e ." are not requirements)."""
    conda, pip = environment_entries()
    from_pip = [str(entry) for entry in pip if not str(entry).startswith("-")]
    environment = {
        name: spec
        for name, spec in requirements(conda + from_pip).items()
        if name not in CONDA_ONLY
    }
    problems = compare_dependencies(pyproject_requirements(), environment)
    assert not problems, "environment.yml and pyproject.toml disagree:\n" + "\n".join(problems)


def test_environment_yml_python_pip_and_the_kit_itself():
    env = load_environment()
    assert env["name"] == "drone-wargame"
    assert env["channels"] == ["conda-forge"]
    conda, pip = environment_entries()
    conda_reqs = requirements(conda)
    requires_python = normalise_spec(load_pyproject()["project"]["requires-python"])
    assert conda_reqs.get("python") == requires_python, (
        f"environment.yml python {conda_reqs.get('python')!r} "
        f"!= pyproject.toml requires-python {requires_python!r}"
    )
    assert "pip" in conda_reqs, "environment.yml must install pip for its pip: section"
    assert "-e ." in pip, "environment.yml's pip: section must install the kit (-e .)"


def makefile_targets() -> set[str]:
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    targets = set()
    for line in text.splitlines():
        match = re.match(r"^([A-Za-z0-9_.$()/ -]+?)\s*:(?!=)", line)
        if match:
            targets.update(match[1].split())
    return targets


def test_makefile_has_lab_and_test_targets():
    targets = makefile_targets()
    missing = {"lab", "test", "install", "clean"} - targets
    assert not missing, f"Makefile lacks the targets {sorted(missing)}"


def _dry_run(target: str) -> str:
    """The commands `make TARGET` would run, without running them."""
    env = {k: v for k, v in os.environ.items() if k not in {"MAKEFLAGS", "MFLAGS", "MAKELEVEL"}}
    # -B: show the install step too, as on a fresh clone, even if .venv is up to date.
    done = subprocess.run(
        ["make", "-n", "-B", target],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


@pytest.mark.skipif(shutil.which("make") is None, reason="GNU make is not installed")
def test_make_lab_and_test_run_the_right_commands():
    lab = _dry_run("lab")
    assert "pip install" in lab and "-e '.[test,rl,hub]'" in lab
    assert re.search(r"\.venv/bin/jupyter lab notebooks/00_start_here\.ipynb", lab), lab
    test = _dry_run("test")
    assert "pip install" in test
    assert re.search(r"\.venv/bin/python -m pytest tests\b", test), test
    assert "--nbval-lax" in test and "--nbval-current-env" in test


def test_ci_run_runs_make_test_with_ci_true():
    path = ROOT / ".ci" / "run"
    text = path.read_text(encoding="utf-8")
    lines = [line.strip() for line in text.splitlines() if not line.strip().startswith("#")]
    assert "set -euo pipefail" in lines
    assert "export CI=true" in lines
    assert "make test" in lines
    assert lines.index("export CI=true") < lines.index("make test")
    assert os.access(path, os.X_OK), ".ci/run should be executable"


@pytest.mark.skipif(shutil.which("make") is None, reason="GNU make is not installed")
def test_only_the_slow_suite_installs_the_hubs_proxy_and_only_inside_the_venv():
    assert "npm" not in _dry_run("test")
    slow = _dry_run("test-slow")
    assert "npm install --prefix .venv/node" in slow and " -g" not in slow
    assert slow.index("npm install") < slow.index("-m pytest -m slow")


def test_ci_run_installs_postgresql_when_its_server_binaries_are_missing():
    """The store's PostgreSQL tests fail under CI=true without initdb, so .ci/run installs
    Debian's package first, as it does chromium (tests/pgserver.py looks in the same folders)."""
    text = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    lines = [line.strip() for line in text.splitlines() if not line.strip().startswith("#")]
    check = next(line for line in lines if "initdb" in line and line.startswith("if "))
    assert '"/usr/lib/postgresql/*/bin/initdb"' in check and check.startswith("if ! compgen -G")
    assert lines.index(check) < lines.index("apt_install postgresql") < lines.index("make test")
    assert subprocess.run(["bash", "-n", str(ROOT / ".ci" / "run")]).returncode == 0
