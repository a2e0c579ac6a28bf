"""Scenario problems as instructors read them: ``FILE:LINE: field.path = value: what is wrong``."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any, Iterable

Path = tuple  # a field path: keys and list indices from the top of the file


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a scenario file, located by file, line and field path."""

    file: str
    line: int
    path: Path
    value: Any
    message: str

    @property
    def field(self) -> str:
        return dotted(self.path)

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}"
        if not self.path:
            return f"{where}: {self.message}"
        if self.value is _MISSING:
            return f"{where}: {self.field}: {self.message}"
        return f"{where}: {self.field} = {show_value(self.value)}: {self.message}"


class _Missing:
    def __repr__(self) -> str:
        return "<missing>"


_MISSING = _Missing()
MISSING = _MISSING


class ScenarioError(ValueError):
    """Every problem found in a scenario file, reported at once."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = sorted(problems, key=lambda p: (p.file, p.line, p.field))
        count = len(self.problems)
        heading = f"{count} problem{'s' if count != 1 else ''} in the scenario:"
        super().__init__("\n".join([heading, *map(str, self.problems)]))


def dotted(path: Path) -> str:
    """``('catalogue', 'patriot', 'pk', 0)`` -> ``catalogue.patriot.pk[0]``."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


def show_value(value: Any) -> str:
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 60 else text[:57] + "..."


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """A suggestion for a misspelt key or id, or an empty string when nothing is close."""
    matches = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1, cutoff=0.6)
    return f"; did you mean {matches[0]!r}?" if matches else ""


def allowed_list(choices: Iterable[str]) -> str:
    names = sorted(str(c) for c in choices)
    return ", ".join(names) if names else "none defined"
