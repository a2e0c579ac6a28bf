"""Scenario problems as instructors read them: ``FILE:LINE: field.path = value: what is wrong``."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from .. import format as fmt

Path = tuple  # a field path: keys and list indices from the top of the file

_MAX_VALUE_CHARS = 60


class _Missing:
    """The value of a problem that has none to show (a missing field, a misspelt key)."""

    def __repr__(self) -> str:
        return "<missing>"


_MISSING = _Missing()
MISSING = _MISSING


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a scenario file, located by file, line and field path.

    ``line`` is 0 for a problem with the file as a whole (not found, unreadable); ``value`` is
    ``MISSING`` when there is no value to show.
    """

    file: str
    line: int
    path: Path
    value: Any
    message: str

    @property
    def field(self) -> str:
        return dotted(self.path)

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        if not self.path:
            return printable(f"{where}: {self.message}")
        if self.value is _MISSING:
            return printable(f"{where}: {self.field}: {self.message}")
        return printable(f"{where}: {self.field} = {show_value(self.value)}: {self.message}")


def printable(text: str) -> str:
    """``text`` with each unprintable character written as an escape (``\\x1b``), so that a
    hostile file's text quoted in a message cannot drive the terminal that shows it."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


MAX_LISTED = 50  # problems listed one by one; a file with more (a hostile one) gets a count


class ScenarioError(ValueError):
    """Every problem found in a scenario file, reported at once, sorted by file and line.

    At most ``MAX_LISTED`` are listed; past that, the last entry of ``problems`` says how many
    more there are (so that every program printing ``problems`` says so too), and ``count``
    holds the total.
    """

    def __init__(self, problems: Iterable[Problem]):
        found = sorted(problems, key=lambda p: (p.file, p.line, p.field))
        self.count = len(found)
        self.problems = found[:MAX_LISTED]
        if self.count > MAX_LISTED:
            more = self.count - MAX_LISTED
            note = f"and {fmt.count(more, 'more problem')} not listed: fix these first, then validate again"
            self.problems.append(Problem(found[MAX_LISTED].file, 0, (), MISSING, note))
        heading = f"{fmt.count(self.count, 'problem')} in the scenario:"
        super().__init__("\n".join([heading, *map(str, self.problems)]))

    def _render_traceback_(self) -> list[str]:
        """What IPython and Jupyter show instead of a traceback: the problems, one a line."""
        return str(self).splitlines()


def dotted(path: Path) -> str:
    """``('catalogue', 'patriot', 'pk', 0)`` -> ``catalogue.patriot.pk[0]``."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            key = str(part) if str(part).isprintable() else repr(str(part))  # no escape codes out
            text += f".{key}" if text else key
    return text


def show_value(value: Any, limit: int = _MAX_VALUE_CHARS) -> str:
    """A value as it would be written in YAML, shortened to about ``limit`` characters.

    Text is quoted (so that ``'4'`` and ``4`` differ), ``None`` is ``null``, and mappings and
    lists are written in flow style, cut at an entry with ``...`` when too long.
    """
    if isinstance(value, dict):
        return _show_flow(
            "{", "}", [f"{_show_key(k)}: {show_value(v, limit)}" for k, v in value.items()], limit
        )
    if isinstance(value, (list, tuple)):
        return _show_flow("[", "]", [show_value(v, limit) for v in value], limit)
    text = _show_scalar(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _show_scalar(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value != value:
        return ".nan"
    if isinstance(value, float) and value in (float("inf"), float("-inf")):
        return ".inf" if value > 0 else "-.inf"
    return repr(value) if isinstance(value, str) else str(value)


def _show_key(key: Any) -> str:
    return key if isinstance(key, str) and re.fullmatch(r"[A-Za-z_][\w-]*", key) else _show_scalar(key)


def _show_flow(opening: str, closing: str, entries: list[str], limit: int) -> str:
    """Entries in brackets, as many as fit in ``limit`` characters with room for ``, ...``."""
    text = opening + ", ".join(entries) + closing
    if len(text) <= limit:
        return text
    text, shown = opening, 0
    for entry in entries:
        piece = (", " if shown else "") + entry
        if len(text) + len(piece) + len(", ...") + len(closing) > limit:
            break
        text, shown = text + piece, shown + 1
    return text + (", ..." if shown else "...") + closing


def closest(word: Any, choices: Iterable[Any]) -> str | None:
    """The choice a misspelt key or id most likely meant, or ``None`` when nothing is close.

    A choice that differs only in upper and lower case always wins.
    """
    names = [str(c) for c in choices]
    text = str(word)
    same_but_case = [n for n in names if n.lower() == text.lower() and n != text]
    if same_but_case:
        return same_but_case[0]
    matches = difflib.get_close_matches(text, names, n=1, cutoff=0.6)
    if not matches:
        lowered = {n.lower(): n for n in names}
        matches = [
            lowered[c] for c in difflib.get_close_matches(text.lower(), list(lowered), n=1, cutoff=0.6)
        ]
    return matches[0] if matches else None


def did_you_mean(word: Any, choices: Iterable[Any]) -> str:
    """``; did you mean 'x'?`` for a misspelt key or id, or an empty string."""
    match = closest(word, choices)
    return f"; did you mean {match!r}?" if match else ""


def allowed_list(choices: Iterable[Any]) -> str:
    """Choices for an ``(allowed: ...)`` note: sorted and comma-separated."""
    names = sorted(str(c) for c in choices)
    return ", ".join(names) if names else "none defined"


def number(value: float) -> str:
    """A limit as people write it: ``0`` not ``0.0``, ``0.25`` as is, ``1,000,000`` not ``1e+06``."""
    if isinstance(value, float) and value.is_integer() and abs(value) >= 1e6:
        return f"{value:,.0f}"
    return f"{value:g}" if isinstance(value, float) else str(value)
