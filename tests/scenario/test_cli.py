"""``python -m wargame validate`` and ``schema``: messages, exit codes, and never a traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from wargame.__main__ import check_file, main
from wargame.scenario import load_scenario, shipped_scenarios
from wargame.scenario.json_schema import scenario_json_schema

from .helpers import edit, line_of, tutorial_text

ROOT = Path(__file__).resolve().parents[2]


def wargame_cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    """Run ``python -m wargame ARGS`` as a user would, and check no traceback escaped."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("WARGAME_DEBUG", None)
    done = subprocess.run(
        [sys.executable, "-m", "wargame", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=120,
    )
    assert "Traceback" not in done.stdout + done.stderr
    return done


def test_validate_prints_ok_for_each_valid_file_and_exits_0():
    done = wargame_cli("validate", "tutorial", str(ROOT / "assets" / "scenarios" / "tutorial.yaml"))
    scenario = load_scenario("tutorial")
    ok = f"({scenario.title}, {scenario.turns} turns)"
    assert done.returncode == 0
    assert done.stdout.splitlines() == [
        f"OK: tutorial {ok}",
        f"OK: {ROOT / 'assets' / 'scenarios' / 'tutorial.yaml'} {ok}",
    ]


def test_validate_with_no_file_checks_every_shipped_scenario():
    done = wargame_cli("validate")
    assert done.returncode == 0, done.stdout
    assert [line.split(" ")[1] for line in done.stdout.splitlines()] == shipped_scenarios()


def test_a_broken_copy_of_a_shipped_scenario_prints_its_line_and_field_and_exits_1(tmp_path):
    text = edit(tutorial_text(), "        value: 0.68\n", "        value: 1.68\n")
    text = edit(text, "turn_length_days: 30\n", "turn_lenght_days: 30\n")
    broken = tmp_path / "broken.yaml"
    broken.write_text(text, encoding="utf-8")

    done = wargame_cli("validate", str(broken))

    assert done.returncode == 1
    assert done.stdout.splitlines() == [
        f"{broken}:{line_of(text, 'turn_lenght_days')}: turn_lenght_days: unknown field (allowed: "
        + done.stdout.split("unknown field (allowed: ")[1].splitlines()[0],
        f"{broken}:{line_of(text, 'value: 1.68')}: catalogue.interceptor_drone.pk.attack_drone.value = 1.68: "
        "out of range (allowed: >= 0 and <= 1)",
    ]
    assert done.stdout.splitlines()[0].endswith("did you mean 'turn_length_days'?")
    assert done.stderr.strip() == "problems in 1 of 1 scenario file"


def test_one_bad_file_among_good_ones_makes_the_exit_code_1(tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text(edit(tutorial_text(), "turns: 4\n", "turns: -4\n"), encoding="utf-8")
    done = wargame_cli("validate", "tutorial", str(broken))
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    assert lines[0].startswith("OK: tutorial (")
    assert lines[1].startswith(f"{broken}:") and ": turns = -4: out of range" in lines[1]


@pytest.mark.parametrize(
    "make, expected",
    [
        (lambda d: d / "nowhere.yaml", "{path}: file not found"),
        (lambda d: d, "{path}: this is a folder, not a scenario file"),
        (
            lambda d: _write_bytes(d / "image.png", b"\x89PNG\r\n\x1a\n\xff\xd8\xff"),
            "{path}: not a text file (allowed: YAML text in UTF-8)",
        ),
        (
            lambda d: _write_bytes(d / "notes.txt", b"Some notes: not a scenario\n"),
            "{path}:1: not a scenario: none of its keys is a scenario field such as title:, turns: or "
            "catalogue: (found: ['Some notes'])",
        ),
        (
            lambda d: _write_bytes(d / "script.py", b"import os\nprint(os.getcwd())\n"),
            "{path}:1: not a scenario: the file holds the single value",
        ),
        (lambda d: _write_bytes(d / "empty.yaml", b""), "{path}:1: the file is empty"),
        (
            lambda d: _write_bytes(d / "evil.yaml", b"title: !!python/object/apply:os.system ['true']\n"),
            "{path}:1: title: refused: the tag !!python/object/apply:os.system",
        ),
    ],
    ids=["missing file", "a folder", "binary file", "text file", "python file", "empty file", "python tag"],
)
def test_a_file_that_cannot_be_a_scenario_is_one_clear_line(tmp_path, make, expected):
    path = make(tmp_path)
    done = wargame_cli("validate", str(path))
    assert done.returncode == 1
    (line,) = done.stdout.splitlines()
    assert line.startswith(expected.format(path=path))


def _write_bytes(path: Path, content: bytes) -> Path:
    path.write_bytes(content)
    return path


def test_an_unknown_scenario_name_suggests_a_shipped_one():
    done = wargame_cli("validate", "tutorail")
    assert done.returncode == 1
    assert done.stdout.startswith("tutorail: no scenario of that name (allowed: ")
    assert done.stdout.rstrip().endswith("did you mean 'tutorial'?")


def test_schema_writes_the_json_schema_to_standard_output():
    done = wargame_cli("schema")
    assert done.returncode == 0
    assert json.loads(done.stdout) == scenario_json_schema()


def test_schema_output_writes_the_committed_file_byte_for_byte(tmp_path):
    target = tmp_path / "scenario.schema.json"
    done = wargame_cli("schema", "--output", str(target))
    assert done.returncode == 0
    assert target.read_text(encoding="utf-8") == (ROOT / "assets" / "scenario.schema.json").read_text(
        encoding="utf-8"
    )


def test_schema_to_a_folder_that_does_not_exist_is_one_line(tmp_path):
    target = tmp_path / "no" / "such" / "folder.json"
    done = wargame_cli("schema", "--output", str(target))
    assert done.returncode == 1
    assert done.stderr.strip() == f"{target}: cannot write the schema: No such file or directory"


def test_usage_errors_exit_2_without_a_traceback():
    assert wargame_cli().returncode == 2
    done = wargame_cli("simulate-nothing")
    assert done.returncode == 2 and "invalid choice" in done.stderr


def test_main_returns_the_exit_code_instead_of_exiting(capsys):
    assert main(["validate", "tutorial"]) == 0
    assert capsys.readouterr().out.startswith("OK: tutorial (")
    assert main(["--help"]) == 0
    assert main(["validate", "no-such-scenario"]) == 1


def test_a_bug_while_checking_is_still_one_line(monkeypatch):
    def broken_loader(name):
        raise KeyError("oops")

    valid, lines = check_file("tutorial", load=broken_loader)
    assert not valid
    assert lines == ["tutorial: internal error while checking this file (KeyError: 'oops'); please report it"]
