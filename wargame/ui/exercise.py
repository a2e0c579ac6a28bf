"""Predict, then check: a small exercise widget for the lesson notebooks.

``predict(question, answer, ...)`` shows a question, a box for the learner's prediction, a
*Check* button that compares the prediction with the engine's figure and says how far off it
is, and a *Show worked answer* button that reveals the worked arithmetic only when asked.

The answer is always passed in by the notebook, from the engine (a turn report's metrics, the
history, ``Game.costs``): this module computes nothing about the game. The worked answer is
not put into the page until the learner asks for it, so it cannot be read ahead in the page
source either.
"""

from __future__ import annotations

import html
import math
import re
from typing import Callable

import ipywidgets as widgets

from ..orders import money
from .text import LABEL_STYLE

__all__ = ["Exercise", "predict", "parse_number"]

MONEY_UNITS = ("USD", "$")
DEFAULT_RELATIVE_TOLERANCE = 0.05
_SCALES = {"k": 1e3, "thousand": 1e3, "m": 1e6, "million": 1e6, "bn": 1e9, "b": 1e9, "billion": 1e9}
_NUMBER = re.compile(r"^([-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[-+]?\d+)?)\s*([a-z]*)$")

# Okabe-Ito colours, as in the dashboard; every verdict is also said in words
_GOOD, _OFF = "#009E73", "#D55E00"


def parse_number(text: str, unit: str = "") -> float | None:
    """A number as a learner types it, or None when it is not one.

    Accepts thousands separators and underscores (``1,200``, ``1_200``), a leading ``$``,
    a trailing ``%``, scale words (``3.5M``, ``12k``, ``1.2bn``, ``2 million``) and the
    exercise's unit typed after the number (``12 turns``).
    """
    cleaned = str(text).strip().lower()
    if unit and unit.strip() and cleaned.endswith(unit.strip().lower()) and unit not in MONEY_UNITS:
        cleaned = cleaned[: -len(unit.strip())].strip()
    cleaned = cleaned.replace(",", "").replace("_", "").replace("$", "").replace("usd", "").rstrip("%").strip()
    match = _NUMBER.match(cleaned)
    if not match:
        return None
    number, scale = match.groups()
    if scale and scale not in _SCALES:
        return None
    value = float(number) * (_SCALES[scale] if scale else 1.0)
    return value if math.isfinite(value) else None


def _plain(value: float) -> str:
    """A number for reading: whole numbers with separators, others to a sensible precision."""
    value = float(value)
    if abs(value - round(value)) < 1e-9:
        return f"{round(value):,}"
    if abs(value) >= 100:
        text = f"{value:,.1f}"
    elif abs(value) >= 1:
        text = f"{value:,.2f}"
    else:
        return f"{value:.3g}"
    return text.rstrip("0").rstrip(".")


def _with_unit(value: float, unit: str) -> str:
    """``1 turn``, ``2 turns``: a unit ending in s loses it for exactly one."""
    shown = unit[:-1] if unit.endswith("s") and abs(float(value)) == 1 else unit
    return f"{_plain(value)} {shown}"


def _formatter(unit: str) -> Callable[[float], str]:
    if unit in MONEY_UNITS:
        return money
    if unit == "%":
        return lambda v: f"{_plain(v)}%"
    if unit:
        return lambda v: _with_unit(v, unit)
    return _plain


def _gap_formatter(unit: str, fmt: Callable[[float], str]) -> Callable[[float], str]:
    """How a difference reads: percentages differ by percentage points."""
    if unit == "%":
        return lambda v: _with_unit(v, "percentage points")
    return fmt


class Exercise(widgets.VBox):
    """A question, a prediction box, a Check button with feedback, and a hidden worked answer."""

    def __init__(
        self,
        question: str,
        answer: float,
        unit: str = "",
        tolerance: float | None = None,
        worked: str = "",
        fmt: Callable[[float], str] | None = None,
        placeholder: str | None = None,
    ):
        answer = float(answer)
        if not math.isfinite(answer):
            raise ValueError(f"the answer must be a finite number, not {answer!r}")
        if tolerance is None:
            tolerance = DEFAULT_RELATIVE_TOLERANCE * abs(answer)
        tolerance = float(tolerance)
        if not tolerance >= 0:
            raise ValueError(f"tolerance must be 0 or more, not {tolerance!r}")
        self.question = question
        self.answer = answer
        self.unit = unit
        self.tolerance = tolerance
        self.worked = worked
        self.format = fmt or _formatter(unit)
        self.format_gap = _gap_formatter(unit, self.format) if fmt is None else fmt
        self.verdict: str | None = None  # "close", "high" or "low" after a check; None before

        if placeholder is None:
            placeholder = "e.g. 3.5M" if unit in MONEY_UNITS else "a number"
        self.prompt = widgets.HTML(f"<p style='margin:4px 0'><b>Predict:</b> {html.escape(question)}</p>")
        self.input = widgets.Text(
            value="",
            placeholder=placeholder,
            description="Your prediction",
            style=LABEL_STYLE,
            layout=widgets.Layout(width="auto"),
        )
        shown_unit = "dollars" if unit in MONEY_UNITS else unit
        self.unit_label = widgets.Label(shown_unit)
        self.check_button = widgets.Button(
            description="Check",
            button_style="primary",
            tooltip="Compare your prediction with the game's figure",
            icon="check",
        )
        self.feedback = widgets.HTML(value="")
        self.worked_button = widgets.Button(
            description="Show worked answer",
            tooltip="Show how the figure is worked out",
            disabled=not worked,
        )
        # the worked answer's text is put in only when asked for (see show_worked)
        self.worked_box = widgets.HTML(value="", layout=widgets.Layout(display="none"))

        self.check_button.on_click(lambda _: self.check())
        self.worked_button.on_click(lambda _: self.toggle_worked())
        row = widgets.HBox([self.input, self.unit_label, self.check_button], layout=widgets.Layout(align_items="center"))
        super().__init__(
            [self.prompt, row, self.feedback, self.worked_button, self.worked_box],
            layout=widgets.Layout(border="1px solid #bbb", padding="6px", margin="8px 0"),
        )
        self.add_class("wargame-exercise")

    # --- checking ------------------------------------------------------------------------------

    def check(self) -> str:
        """Compare the typed prediction with the answer; show and return the feedback text."""
        typed = self.input.value.strip()
        if not typed:
            self.verdict = None
            return self._say("Type your prediction in the box first, then press Check.", _OFF)
        guess = parse_number(typed, self.unit)
        if guess is None:
            self.verdict = None
            example = "3.5M or 240,000,000" if self.unit in MONEY_UNITS else "12 or 0.75"
            return self._say(f"“{typed}” is not a number the checker can read. Type digits, for example {example}.", _OFF)
        difference = guess - self.answer
        said = f"You said {self.format(guess)}; the game's figure is {self.format(self.answer)}"
        if abs(difference) <= self.tolerance + 1e-9 * max(1.0, abs(self.answer)):
            self.verdict = "close"
            if abs(difference) <= 1e-9 * max(1.0, abs(self.answer)):
                return self._say(f"Spot on. {said}.", _GOOD)
            return self._say(
                f"Close enough: within {self.format_gap(self.tolerance)} of the game's figure. {said}.", _GOOD
            )
        self.verdict = "high" if difference > 0 else "low"
        direction = "Too high" if difference > 0 else "Too low"
        relative = ""
        if self.answer != 0 and self.unit != "%":
            share = abs(difference) / abs(self.answer)
            if share < 10:
                relative = f" ({share:.0%} {'above' if difference > 0 else 'below'} it)"
            else:
                relative = f" (the gap is about {share:,.0f} times the figure itself)"
        hint = " Try again, or open the worked answer." if self.worked else " Try again."
        if self.unit in MONEY_UNITS and abs(guess) < 1e4 <= abs(self.answer):
            hint = f" If you meant millions, type {_plain(guess)}M." + hint
        return self._say(f"{direction} by {self.format_gap(abs(difference))}{relative}. {said}.{hint}", _OFF)

    def _say(self, text: str, colour: str) -> str:
        self.feedback.value = f"<p style='margin:4px 0;color:{colour}' role='status'>{html.escape(text)}</p>"
        return text

    # --- the worked answer ---------------------------------------------------------------------

    @property
    def worked_shown(self) -> bool:
        return self.worked_box.layout.display != "none"

    def show_worked(self) -> None:
        if not self.worked:
            return
        self.worked_box.value = (
            "<div style='white-space:pre-wrap;line-height:1.5;margin:4px 0;padding:4px 8px;border-left:3px solid #0072B2'>"
            f"{html.escape(self.worked)}</div>"
        )
        self.worked_box.layout.display = None
        self.worked_button.description = "Hide worked answer"

    def hide_worked(self) -> None:
        self.worked_box.layout.display = "none"
        self.worked_box.value = ""
        self.worked_button.description = "Show worked answer"

    def toggle_worked(self) -> None:
        if self.worked_shown:
            self.hide_worked()
        else:
            self.show_worked()


def predict(
    question: str,
    answer: float,
    unit: str = "",
    tolerance: float | None = None,
    worked: str = "",
    fmt: Callable[[float], str] | None = None,
    placeholder: str | None = None,
) -> Exercise:
    """An exercise: the learner predicts a figure, checks it against ``answer``, sees the working.

    - ``answer``: the engine's figure, computed in the notebook (never typed in by hand).
    - ``unit``: shown beside the box and in the feedback; ``"USD"`` formats money ($41.7M) and
      lets the learner type 41.7M; ``"%"`` adds a percent sign.
    - ``tolerance``: how far from ``answer`` (in the same unit) still counts as right;
      by default 5% of the answer.
    - ``worked``: the worked arithmetic, as plain text (line breaks kept); hidden until asked for.
    - ``fmt``: a function that writes a number for the feedback, instead of the unit's default.
    """
    return Exercise(question, answer, unit=unit, tolerance=tolerance, worked=worked, fmt=fmt, placeholder=placeholder)
