"""Hostile save files: each is refused with a ``SaveFileError`` naming the file and what is
wrong (the field, the turn), in well under a second, without touching the file or its folder,
and without quoting any file but the save itself.
"""

from __future__ import annotations

import copy
import json
import os
import shutil

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import wargame
from wargame import Game, SaveFileError, savefile
from wargame.classroom import example_session_folder

from .conftest import folder_state

pytestmark = pytest.mark.timeout(10)

PASSWORD_LINE = "root:x:0:0:root:/root:/bin/bash"


@pytest.fixture(scope="module")
def tutorial():
    return wargame.load_scenario("tutorial")


@pytest.fixture
def saved(tutorial, tmp_path):
    """A tutorial game of two turns saved in its own folder: (path, its JSON data)."""
    game = Game(tutorial, seed=9)
    for _ in range(2):
        game.play_turn(game.orders())
    folder = tmp_path / "saves"
    folder.mkdir()
    path = game.save(folder / "team.json")
    return path, json.loads(path.read_text(encoding="utf-8"))


def refused(path, *words, **options) -> str:
    """Load ``path``: a ``SaveFileError`` naming the file and every word, with the folder untouched."""
    before = folder_state(path.parent)
    with pytest.raises(SaveFileError) as caught:
        Game.load(path, **options)
    message = str(caught.value)
    assert message.startswith(f"{path}: "), message
    for word in words:
        assert word.lower() in message.lower(), f"{word!r} not in: {message}"
    assert "Traceback" not in message and PASSWORD_LINE not in message and "root:" not in message
    assert folder_state(path.parent) == before, "loading must not change the save's folder"
    return message


def write(path, data) -> None:
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")


def changed(data: dict, **top) -> dict:
    return {**data, **top}


def with_orders(data: dict, turn: int, **fields) -> dict:
    orders = [dict(entry) for entry in data["orders"]]
    orders[turn - 1].update(fields)
    return {**data, "orders": orders}


def with_scenario(data: dict, **fields) -> dict:
    return {**data, "scenario": {**data["scenario"], **fields}}


# --- damaged JSON -------------------------------------------------------------------------------

TEXT_DAMAGE = {
    "truncated": (lambda text: text[: len(text) // 2], ["damaged or truncated", "not valid JSON", "line"]),
    "empty": (lambda text: "", ["not valid JSON"]),
    "huge-int-seed": (lambda text: text.replace('"seed": 9', '"seed": ' + "9" * 5000), ["number too long"]),
    "huge-int-in-orders": (lambda text: text.replace('"train_operators": 0.0', '"train_operators": ' + "1" * 6000, 1), ["number too long"]),
    # JSON reads a number too large for a float as infinity: refused as an amount, with the turn
    "amount-1e400": (lambda text: text.replace('"imports": {}', '"imports": {"sam_missile": 1e400}', 1), ["turn 1", "Imports", "infinity"]),
    "deep-nesting": (lambda text: "[" * 100_000 + "]" * 100_000, ["nested too deeply"]),
    "deep-nesting-in-orders": (
        lambda text: text.replace('"production": {}', '"production": ' + "[" * 50_000 + "]" * 50_000, 1),
        ["nested too deeply"],
    ),
    "nan-amount": (lambda text: text.replace('"train_operators": 0.0', '"train_operators": NaN', 1), ["NaN", "not a number"]),
    "infinity-seed": (lambda text: text.replace('"seed": 9', '"seed": Infinity'), ["Infinity", "not a number"]),
}


@pytest.mark.parametrize("damage", TEXT_DAMAGE, ids=str)
def test_damaged_json_is_refused_in_words(saved, damage):
    path, _ = saved
    edit, words = TEXT_DAMAGE[damage]
    text = path.read_text(encoding="utf-8")
    damaged = edit(text)
    assert damaged != text or damage == "empty"
    write(path, damaged)
    refused(path, *words)


def test_binary_garbage_is_not_a_text_file(saved):
    path, _ = saved
    path.write_bytes(b"\xff\xfe\x00garbage\x9c")
    refused(path, "cannot read this save file", "UTF-8")


# --- what a save may contain, field by field ----------------------------------------------------

FIELD_DAMAGE = {
    "no-format": (lambda d: {k: v for k, v in d.items() if k != "format"}, ["not a save file"]),
    "a-list": (lambda d: [d], ["not a save file"]),
    "version-99": (lambda d: changed(d, version=99), ["version 99", "newer kit", "reads version 3"]),
    "version-as-text": (lambda d: changed(d, version="1"), ["version '1'", "reads version"]),
    "version-true": (lambda d: changed(d, version=True), ["version True"]),
    "version-float": (lambda d: changed(d, version=1.0), ["version 1.0"]),
    "no-orders": (lambda d: {k: v for k, v in d.items() if k != "orders"}, ["damaged", "no orders"]),
    "seed-2**70": (lambda d: changed(d, seed=2**70), ["seed", "whole number from 0 to 9,223,372,036,854,775,807"]),
    "seed-true": (lambda d: changed(d, seed=True), ["seed", "not True"]),
    "seed-negative": (lambda d: changed(d, seed=-1), ["seed", "not -1"]),
    "seed-fraction": (lambda d: changed(d, seed=1.5), ["seed", "not 1.5"]),
    "seed-text": (lambda d: changed(d, seed="9"), ["seed", "not '9'"]),
    "mode-unknown": (lambda d: changed(d, mode="average"), ["mode", "'average'", "stochastic, expected"]),
    "mode-a-list": (lambda d: changed(d, mode=["expected"]), ["mode", "['expected']"]),
    "scenario-text": (lambda d: changed(d, scenario="tutorial"), ["scenario is malformed"]),
    "scenario-name-number": (lambda d: with_scenario(d, name=5), ["scenario name", "malformed", "5"]),
    "scenario-no-fingerprint": (lambda d: with_scenario(d, content_hash=None), ["content_hash"]),
    "orders-text": (lambda d: changed(d, orders="every turn"), ["orders are malformed", "a list"]),
    "orders-61-turns": (lambda d: changed(d, orders=[{}] * 61), ["61 turns", "more than 60"]),
    "orders-of-a-turn-a-number": (lambda d: changed(d, orders=[7]), ["turn 1", "malformed", "not 7"]),
    "unknown-field": (lambda d: with_orders(d, 2, bombers=3), ["turn 2", "unknown field 'bombers'"]),
    "production-none": (lambda d: with_orders(d, 1, production=None), ["turn 1", "Production", "not None"]),
    "amount-true": (lambda d: with_orders(d, 1, production={"sam_missile": True}), ["turn 1", "True is not a number"]),
    "amount-text": (lambda d: with_orders(d, 1, production={"sam_missile": "two"}), ["turn 1", "'two' is not a number"]),
    "doctrine-text": (
        lambda d: with_orders(d, 1, doctrine={"attack_drone": "sam_missile"}),
        ["turn 1", "Doctrine against 'attack_drone'", "list of layers"],
    ),
    "layer-a-number": (lambda d: with_orders(d, 2, doctrine={"attack_drone": [5]}), ["turn 2", "layer 1", "Layer(item, shots)"]),
    "shots-text": (
        lambda d: with_orders(d, 1, doctrine={"attack_drone": [{"item": "sam_missile", "shots": "one"}]}),
        ["turn 1", "shots", "'one'"],
    ),
    "strikes-a-list": (lambda d: with_orders(d, 1, strikes={"fpv": [5]}), ["turn 1", "Strikes with 'fpv'", "not [5]"]),
    "operators-huge": (lambda d: with_orders(d, 2, train_operators=10**30), ["turn 2", "Operators to train", "at most 1,000,000,000"]),
    "autonomy-number": (lambda d: with_orders(d, 1, autonomy=3), ["turn 1", "Autonomy level", "not 3"]),
    "over-capacity": (
        lambda d: with_orders(d, 1, production={"sam_missile": 1000}),
        ["turn 1", "cannot be replayed", "capacity is"],
    ),
    "unknown-item": (lambda d: with_orders(d, 2, imports={"sam_missle": 1}), ["turn 2", "cannot be replayed", "sam_missile"]),
    "a-thousand-unknown-items": (
        lambda d: with_orders(d, 1, imports={f"item_{k}": 1 for k in range(1000)}),
        ["turn 1", "no item called 'item_0'", "and 995 more problems"],
    ),
    "more-turns-than-the-game": (lambda d: changed(d, orders=[{}] * 5), ["turn 5", "cannot be replayed", "over"]),
    "changed-scenario": (lambda d: with_scenario(d, content_hash="0123456789abcdef"), ["has changed", "0123456789abcdef"]),
}


@pytest.mark.parametrize("damage", FIELD_DAMAGE, ids=str)
def test_each_field_is_checked_with_a_message_naming_it(saved, damage):
    path, data = saved
    edit, words = FIELD_DAMAGE[damage]
    write(path, edit(data))
    refused(path, *words)


# --- the scenario a save names ------------------------------------------------------------------


def test_a_save_without_a_scenario_name_says_so(saved):
    path, data = saved
    write(path, with_scenario(data, name=None, path=None))
    message = refused(path, "names no scenario", "scenario=")
    assert "None" not in message and "folder" not in message


def test_a_shipped_name_never_reads_a_file_of_that_name_elsewhere(saved, tmp_path, monkeypatch):
    path, _ = saved
    shipped = wargame.load_scenario("tutorial").path
    (tmp_path / "tutorial").write_text("title: impostor\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert Game.load(path).scenario.path == shipped


def test_a_save_of_a_scenario_that_is_not_shipped_says_so(saved):
    path, data = saved
    write(path, with_scenario(data, name="my_course"))
    refused(path, "'my_course'", "not shipped", "scenario=")


def test_a_save_loaded_with_another_scenario_says_so(saved):
    path, _ = saved
    other = next(name for name in wargame.scenario.shipped_scenarios() if name != "tutorial")
    message = refused(path, "played on the scenario 'tutorial'", f"not on '{other}'", scenario=other)
    assert "has changed" not in message


@pytest.mark.parametrize(
    "reference, words",
    [
        pytest.param("/etc/passwd", ["absolute path is not allowed"], id="absolute"),
        pytest.param("../secret.yaml", ["'..' is not allowed"], id="dot-dot"),
        pytest.param("~/scenario.yaml", ["absolute path"], id="home"),
        pytest.param("missing.yaml", ["'missing.yaml'", "not in the save's folder"], id="missing"),
    ],
)
def test_a_scenario_path_outside_the_save_folder_is_refused(saved, reference, words):
    path, data = saved
    write(path, with_scenario(data, name="my_course", path=reference))
    refused(path, *words)


@pytest.mark.parametrize("target", ["/dev/zero", "/etc/passwd"])
def test_a_scenario_link_out_of_the_save_folder_is_not_followed(saved, target):
    path, data = saved
    os.symlink(target, path.parent / "course.yaml")
    write(path, with_scenario(data, name="course", path="course.yaml"))
    refused(path, "leaves the folder")


def test_a_scenario_fifo_beside_the_save_cannot_hang_it(saved):
    path, data = saved
    os.mkfifo(path.parent / "course.yaml")
    write(path, with_scenario(data, name="course", path="course.yaml"))
    refused(path, "'course.yaml'", "not a regular file")


def test_a_bad_scenario_file_is_named_but_never_quoted(saved):
    path, data = saved
    (path.parent / "course.yaml").write_text(PASSWORD_LINE + "\n", encoding="utf-8")
    write(path, with_scenario(data, name="course", path="course.yaml"))
    refused(path, "'course.yaml'", "not a valid scenario", "python -m wargame validate")


# --- the save file itself -----------------------------------------------------------------------


def test_a_save_that_is_a_fifo_cannot_hang_the_reader(tmp_path):
    path = tmp_path / "team.json"
    os.mkfifo(path)
    refused(path, "not a regular file")


def test_a_save_linked_to_dev_zero_is_refused_at_once(tmp_path):
    path = tmp_path / "team.json"
    os.symlink("/dev/zero", path)
    refused(path, "not a regular file")


def test_a_save_larger_than_the_limit_is_not_read(saved):
    path, data = saved
    data["padding"] = "x" * (2 * savefile.SAVE_LIMIT_BYTES)
    write(path, data)
    refused(path, "the file is 10.0 MB; the limit is 5.0 MB")


def test_a_folder_is_not_a_save(tmp_path):
    path = tmp_path / "team.json"
    path.mkdir()
    refused(path, "this is a folder")


def test_a_missing_save(tmp_path):
    refused(tmp_path / "nowhere.json", "no such save file")


# --- what still loads ---------------------------------------------------------------------------


@pytest.mark.parametrize("path", sorted(example_session_folder().glob("*.json")), ids=lambda p: p.name)
def test_every_shipped_save_loads_and_still_reads_as_version_1(path, tmp_path):
    # the example is regenerated whenever the tutorial changes (its saves name a shipped scenario,
    # path null, where versions 1 to 3 differ only in the number when no event was injected): each
    # must load as written and as a version-1 file
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["version"] in (1, 2, 3) and data["scenario"]["path"] is None
    game = Game.load(path)
    assert game.is_over and game.scenario.name == "tutorial"
    old = tmp_path / path.name
    old.write_text(json.dumps({**data, "version": 1}), encoding="utf-8")
    assert Game.load(old).history.equals(game.history)


def test_a_scenario_beside_the_save_is_found_when_the_folder_moves(tutorial, tmp_path):
    """Version 2 writes the scenario's path from the save's folder: the pair travels together."""
    folder = tmp_path / "course"
    (folder / "scenarios").mkdir(parents=True)
    scenario_file = folder / "scenarios" / "my_course.yaml"
    shutil.copy(tutorial.path, scenario_file)
    game = Game(scenario_file, seed=3)
    game.play_turn(game.orders())
    path = game.save(folder / "team.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    assert (data["version"], data["scenario"]["path"]) == (3, "scenarios/my_course.yaml")
    moved = shutil.move(folder, tmp_path / "elsewhere")
    loaded = Game.load(os.path.join(moved, "team.json"))
    assert loaded.history.equals(game.history) and loaded.scenario.content_hash == game.scenario.content_hash


def test_a_version_1_save_with_an_absolute_path_looks_beside_the_save(tutorial, tmp_path):
    scenario_file = tmp_path / "my_course.yaml"
    shutil.copy(tutorial.path, scenario_file)
    game = Game(scenario_file, seed=3)
    game.play_turn(game.orders())
    path = game.save(tmp_path / "team.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    write(path, {**data, "version": 1, "scenario": {**data["scenario"], "path": "/somewhere/else/my_course.yaml"}})
    assert Game.load(path).history.equals(game.history)
    scenario_file.unlink()
    refused(path, "'my_course.yaml'", "not in the save's folder")


# --- anything at all, anywhere in a save --------------------------------------------------------

JSON_VALUES = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(10**40), max_value=10**40),
        st.floats(allow_nan=True, allow_infinity=True),
        st.sampled_from(["tutorial", "sam_missile", "attack_drone", "expected", "../x.yaml", "/dev/zero", ""]),
        st.text(max_size=6),
    ),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=6), inner, max_size=3)),
    max_leaves=6,
)


def places(data, prefix=()) -> list[tuple]:
    """Every place in the save's data a value can be put, as a path of keys and indexes."""
    found = [prefix] if prefix else []
    if isinstance(data, dict):
        for key, value in data.items():
            found += places(value, (*prefix, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found += places(value, (*prefix, index))
    return found


def put(data, path: tuple, value):
    data = copy.deepcopy(data)
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return data


@pytest.mark.timeout(120)
@settings(max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(choice=st.data())
def test_anything_anywhere_in_a_save_is_loaded_or_refused_in_words(saved, choice):
    path, data = saved
    where = choice.draw(st.sampled_from(places(data)), label="place")
    write(path, put(data, where, choice.draw(JSON_VALUES, label="value")))
    before = folder_state(path.parent)
    try:
        game = Game.load(path)
    except SaveFileError as error:
        assert str(error).startswith(f"{path}: ") and "Traceback" not in str(error)
    else:
        assert len(game.reports) <= game.scenario.turns
    assert folder_state(path.parent) == before
