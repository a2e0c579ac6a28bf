"""Words as the dashboard shows them: escaped text, sourced figures, small tables.

Numbers are written by ``wargame.format``. Formatting only: every figure shown here was computed by the engine or read from the scenario.
"""

from __future__ import annotations

import html
import math

from ..format import money

__all__ = ["escape", "sourced", "sourced_note", "whole", "table", "LABEL_STYLE"]

# every label shown in full, never cut to the default description width
LABEL_STYLE = {"description_width": "initial"}


def escape(text) -> str:
    return html.escape(str(text))


def whole(value: float) -> int:
    """The largest whole number of units within ``value`` (capacity 297.03 allows 297)."""
    return int(math.floor(float(value) + 1e-9))


def sourced(figure, fmt=money) -> str:
    """A sourced figure as text: its value, the range where sources disagree, and a contested flag."""
    text = fmt(float(figure.value))
    spread = getattr(figure, "range", None)
    if spread is not None:
        text += f" (sources: {fmt(spread[0])}–{fmt(spread[1])})"
    if getattr(figure, "contested", False):
        text += " [contested]"
    return text


def sourced_note(figure) -> str:
    """Where a sourced figure comes from, for a tooltip ('' if the scenario gives no source)."""
    parts = []
    if getattr(figure, "source", None):
        parts.append(f"Source: {figure.source}")
    if getattr(figure, "contested", False):
        parts.append("Sources contradict each other.")
    if getattr(figure, "note", None):
        parts.append(figure.note)
    return " ".join(parts)


def table(header: list[str], rows: list[list[str]], caption: str | None = None) -> str:
    """A plain HTML table (cells already escaped by the caller where they hold text)."""
    head = "".join(f"<th scope='col' style='text-align:left;padding-right:12px'>{h}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td style='padding-right:12px'>{c}</td>" for c in row) + "</tr>" for row in rows)
    cap = f"<caption style='text-align:left'>{caption}</caption>" if caption else ""
    return f"<table class='wargame-table' style='font-size:90%;line-height:1.35'>{cap}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
