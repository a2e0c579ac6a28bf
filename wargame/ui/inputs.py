"""Input boxes for whole numbers whose upper limit comes from the game, without silent clamping.

A box's ``max`` is the limit the engine reports (capacity, market, stock), so a student cannot
type past it. But an order written into the box (last turn's orders carried forward, a loaded
game) or a limit that falls (industry damage cuts capacity) is never cut down quietly: the box
keeps the value, the engine's check explains what to change, and once the student brings the
value within the limit the box's maximum returns to the limit.
"""

from __future__ import annotations

import ipywidgets as widgets

from .text import LABEL_STYLE

NO_LIMIT = 10**12


def whole_box(description: str, tooltip: str, limit: int = NO_LIMIT, minimum: int = 0, value: int = 0) -> widgets.BoundedIntText:
    """A labelled whole-number box from ``minimum`` to ``limit``."""
    box = widgets.BoundedIntText(
        value=max(value, minimum),
        min=minimum,
        max=max(limit, value, minimum),
        description=description,
        tooltip=tooltip,
        style=LABEL_STYLE,
        layout=widgets.Layout(width="auto"),
    )
    box.limit = limit  # plain attributes: the engine's limit and the floor, which max and min return to
    box.floor = minimum
    box.observe(_back_within_limit, names="value")
    return box


def _back_within_limit(change) -> None:
    box = change["owner"]
    if change["new"] <= box.limit and box.max != box.limit:
        box.max = box.limit
    if change["new"] >= box.floor and box.min != box.floor:
        box.min = box.floor


def set_limit(box: widgets.BoundedIntText, limit: int, disable_at_zero: bool = False) -> None:
    """A new limit for the box; a value already above it stays, for the engine to flag."""
    box.limit = int(limit)
    box.max = max(box.limit, box.value, box.min)
    if disable_at_zero:
        box.disabled = box.limit <= 0 and box.value <= 0


def put(box: widgets.BoundedIntText, value: float) -> None:
    """Write an order's amount into the box as it is (raising the box's maximum if need be)."""
    value = int(round(float(value)))
    if value > box.max:
        box.max = value
    if value < box.min:
        box.min = value
    box.value = value
    if box.disabled and value > 0:
        box.disabled = False
