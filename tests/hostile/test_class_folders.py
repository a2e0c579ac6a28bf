"""Hostile class folders: whatever one file in the folder is (a pipe, a device, a link out of
the folder, 6 MB, a number of 5,000 digits, JSON nested 100,000 deep, a save of another
scenario), ``load_session`` lists it with its reason and loads the rest of the class,
``compare`` ranks the rest, and no file in the folder is changed.
"""

from __future__ import annotations

import json
import os

import pytest

import wargame
from wargame import Game, classroom, savefile

from .conftest import folder_state

pytestmark = pytest.mark.timeout(20)

GOOD_TEAMS = ["team_01", "team_02", "team_03"]


def good_data(folder) -> dict:
    return json.loads((folder / "team_01.json").read_text(encoding="utf-8"))


def write_json(path, data) -> None:
    path.write_text(json.dumps(data), encoding="utf-8")


def other_scenario_save(path) -> None:
    other = next(name for name in wargame.scenario.shipped_scenarios() if name != "tutorial")
    Game(other, seed=1).save(path)


def tweak(folder, path, **changes) -> None:
    data = good_data(folder)
    for key, value in changes.items():
        if key.startswith("order_"):
            data["orders"][0][key.removeprefix("order_")] = value
        elif key.startswith("scenario_"):
            data["scenario"][key.removeprefix("scenario_")] = value
        else:
            data[key] = value
    write_json(path, data)


BAD_FILES = {
    "fifo": (lambda folder, path: os.mkfifo(path), ["not a regular file"]),
    "dev-zero-link": (lambda folder, path: os.symlink("/dev/zero", path), ["leaves the folder"]),
    "passwd-link": (lambda folder, path: os.symlink("/etc/passwd", path), ["leaves the folder"]),
    "link-to-a-save-outside": (
        lambda folder, path: os.symlink(classroom.example_session_folder() / "team_04.json", path),
        ["leaves the folder"],
    ),
    "a-folder": (lambda folder, path: path.mkdir(), ["this is a folder"]),
    "huge-file": (lambda folder, path: path.write_bytes(b" " * (savefile.SAVE_LIMIT_BYTES + 1)), ["the file is 5,242,881 bytes; the limit is 5,242,880 bytes"]),
    "huge-int": (lambda folder, path: path.write_text('{"format": "drone-wargame-save", "seed": ' + "7" * 5000 + "}"), ["number too long"]),
    "deep-nesting": (lambda folder, path: path.write_text("[" * 100_000 + "]" * 100_000), ["nested too deeply"]),
    "truncated": (lambda folder, path: path.write_text((folder / "team_01.json").read_text()[:300]), ["not valid JSON"]),
    "empty": (lambda folder, path: path.write_text(""), ["not valid JSON"]),
    "not-utf8": (lambda folder, path: path.write_bytes(b"\xff\xfe\x00\x9c"), ["UTF-8"]),
    "wrong-format": (lambda folder, path: write_json(path, {"format": "spreadsheet"}), ["not a save file"]),
    "a-list": (lambda folder, path: write_json(path, [1, 2, 3]), ["not a save file"]),
    "layers-a-number": (lambda folder, path: tweak(folder, path, order_doctrine={"attack_drone": 5}), ["turn 1", "list of layers"]),
    "amount-1e308": (lambda folder, path: tweak(folder, path, order_imports={"sam_missile": 1e308}), ["turn 1", "at most 1,000,000,000"]),
    "seed-2**70": (lambda folder, path: tweak(folder, path, seed=2**70), ["seed", "whole number"]),
    "no-scenario-name": (lambda folder, path: tweak(folder, path, scenario_name=None), ["names no scenario"]),
    "scenario-path-absolute": (
        lambda folder, path: tweak(folder, path, version=2, scenario_name="course", scenario_path="/etc/passwd"),
        ["absolute path"],
    ),
    "changed-scenario": (lambda folder, path: tweak(folder, path, scenario_content_hash="0123456789abcdef"), ["has changed"]),
}


@pytest.mark.parametrize("kind", BAD_FILES, ids=str)
def test_one_bad_file_is_listed_and_the_class_still_loads(class_folder, kind):
    make, words = BAD_FILES[kind]
    path = class_folder / "bad.json"
    make(class_folder, path)
    before = folder_state(class_folder)
    session = classroom.load_session(class_folder)
    assert session.teams == GOOD_TEAMS
    (problem,) = session.problems
    assert problem.startswith("bad.json: ") and str(class_folder) not in problem, problem
    for word in words:
        assert word.lower() in problem.lower(), f"{word!r} not in: {problem}"
    assert "root:" not in problem and "Traceback" not in problem
    table = classroom.compare(session)
    assert sorted(table.index) == GOOD_TEAMS
    assert folder_state(class_folder) == before


def test_a_save_of_another_scenario_says_so_when_the_class_scenario_is_given(class_folder):
    other_scenario_save(class_folder / "bad.json")
    session = classroom.load_session(class_folder, scenario="tutorial")
    assert session.teams == GOOD_TEAMS
    (problem,) = session.problems
    assert "this game was played on the scenario" in problem and "not on 'tutorial'" in problem
    assert "has changed" not in problem


def test_every_kind_of_bad_file_at_once(class_folder):
    for kind, (make, _) in BAD_FILES.items():
        make(class_folder, class_folder / f"bad_{kind}.json")
    before = folder_state(class_folder)
    session = classroom.load_session(class_folder)
    assert session.teams == GOOD_TEAMS
    assert sorted(p.split(":")[0] for p in session.problems) == sorted(f"bad_{kind}.json" for kind in BAD_FILES)
    assert len(classroom.compare(session)) == 3
    assert folder_state(class_folder) == before
    assert "could not be loaded" in repr(session) and "could not be loaded" in session._repr_html_()


def test_an_unexpected_error_in_one_file_never_stops_the_debrief(class_folder, monkeypatch):
    """Should a bug in the kit raise something else for one file, it is still listed by name."""
    real = savefile.read_save

    def fails_for_team_02(path):
        if path.name == "team_02.json":
            raise RecursionError("maximum recursion depth exceeded")
        return real(path)

    monkeypatch.setattr(savefile, "read_save", fails_for_team_02)
    session = classroom.load_session(class_folder)
    assert session.teams == ["team_01", "team_03"]
    assert session.problems == [
        "team_02.json: could not be loaded: an unexpected error in the kit (RecursionError); please report it with this file."
    ]


def test_the_compare_command_lists_bad_files_and_ranks_the_rest(class_folder, capsys):
    os.mkfifo(class_folder / "bad_pipe.json")
    os.symlink("/dev/zero", class_folder / "bad_zero.json")
    (class_folder / "bad_digits.json").write_text('{"seed": ' + "1" * 5000 + "}")
    assert classroom.main(["compare", str(class_folder)]) == 1
    out, err = capsys.readouterr()
    assert [line.split(":")[0] for line in err.splitlines()] == ["not loaded"] * 3
    assert "bad_pipe.json" in err and "bad_zero.json" in err and "bad_digits.json" in err
    assert all(team in out for team in GOOD_TEAMS)
