"""Shared helpers for the hostile-input suite: untrusted files, orders and folders.

Every test here runs in-process under its own time limit: a test without a ``timeout`` mark
gets ``DEFAULT_TIMEOUT_S``, so a FIFO, a device or a bomb that made the kit hang fails the
test instead of hanging CI.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
from pathlib import Path

import pytest

from wargame.classroom import example_session_folder

DEFAULT_TIMEOUT_S = 20
HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config, items):
    for item in items:
        if HERE in Path(str(item.fspath)).resolve().parents and item.get_closest_marker("timeout") is None:
            item.add_marker(pytest.mark.timeout(DEFAULT_TIMEOUT_S))


def folder_state(folder: Path) -> dict:
    """What a folder holds, without opening anything that could block: each entry's kind and,
    for regular files, size and content hash (links are not followed)."""
    state = {}
    for entry in sorted(Path(folder).iterdir()):
        info = entry.lstat()
        if stat.S_ISREG(info.st_mode):
            state[entry.name] = ("file", info.st_size, hashlib.sha256(entry.read_bytes()).hexdigest())
        elif stat.S_ISLNK(info.st_mode):
            state[entry.name] = ("link", os.readlink(entry))
        else:
            state[entry.name] = (stat.S_IFMT(info.st_mode),)
    return state


@pytest.fixture
def class_folder(tmp_path) -> Path:
    """A class folder holding three good save files (teams 01-03 of the shipped example)."""
    folder = tmp_path / "class"
    folder.mkdir()
    for name in ("team_01.json", "team_02.json", "team_03.json"):
        shutil.copy(example_session_folder() / name, folder / name)
    return folder
