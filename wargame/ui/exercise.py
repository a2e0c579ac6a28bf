"""Predict, then check: a small exercise widget for the lesson notebooks.

``predict(question, answer, ...)`` shows a question, a box for the learner's prediction, a
*Check* button and a *Show worked answer* button. The checker coaches rather than tells: a
wrong prediction gets a hint (too high or too low, and which step of the arithmetic to
recheck) without the game's figure; the figure and the worked arithmetic come when the
learner asks for them or after three wrong tries.

The answer is always passed in by the notebook, from the engine (a turn report's metrics, the
history, ``Game.costs``): this module computes nothing about the game. The worked answer is
not put into the page until the learner asks for it (or has used up the tries), so it cannot
be read ahead in the page source either.
"""

from __future__ import annotations

import html
import math
import re
from typing import Callable, Mapping

import ipywidgets as widgets

from ..format import agree, money, number
from ..palette import BLUE, BORDER_GREY
from .panels import TEXT_COLOURS
from .text import LABEL_STYLE

__all__ = ["Exercise", "predict", "parse_number", "DEFAULT_HINTS", "TRIES_BEFORE_WORKED_ANSWER"]

MONEY_UNITS = ("USD", "$")
DEFAULT_RELATIVE_TOLERANCE = 0.05
#: Wrong tries after which the worked answer (and the game's figure) is shown without asking.
TRIES_BEFORE_WORKED_ANSWER = 3
_SCALES = {"k": 1e3, "thousand": 1e3, "m": 1e6, "million": 1e6, "bn": 1e9, "b": 1e9, "billion": 1e9}
_NUMBER = re.compile(r"^([-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[-+]?\d+)?)\s*([a-z]*)$")
# "69:1", "69 : 1", "69 to 1": the kit writes a cost-exchange ratio as "68.6 : 1"
_RATIO = re.compile(r"^(?P<left>.+?)\s*(?::|\bto\b)\s*(?P<right>[^:]+)$")
# words a learner may type around a number of turns: "turn 7", "on turn 7", "7 turns"
_TIME_WORDS = ("turn", "turns", "month", "months")
_LEADING = r"^(?:(?:in|on|at|by)\s+)?(?:{words})\s*(?=[-+.\d])"

#: What to recheck after a prediction that is too high or too low, when the notebook gives no
#: hint of its own. Notebooks pass ``hints={"high": ..., "low": ...}`` naming their own steps.
DEFAULT_HINTS = {
    "high": (
        "Recheck the steps where figures are multiplied or added: a figure counted twice, or a share "
        "used where its complement belongs (the hits where the misses count), makes an answer too high."
    ),
    "low": (
        "Recheck the steps where figures are subtracted or divided: a figure left out, or a share "
        "applied twice, makes an answer too low."
    ),
}

# the dashboard's text colours (readable on white); every verdict is also said in words
_GOOD, _OFF = TEXT_COLOURS["good"], TEXT_COLOURS["warning"]


def _unit_words(unit: str) -> tuple[str, ...]:
    """The exercise's unit as a learner may type it: ``drones`` or ``drone``, ``turn`` or ``turns``."""
    unit = unit.strip().lower()
    if not unit or unit in ("usd", "$", "%"):
        return ()
    singular = unit[:-1] if unit.endswith("s") else unit
    return tuple(dict.fromkeys([unit, singular, singular + "s"]))


def _strip_words(cleaned: str, unit: str) -> str:
    """The text without the unit or the word "turn" typed before or after the number."""
    words = sorted(set(_unit_words(unit)) | set(_TIME_WORDS), key=len, reverse=True)
    alternatives = "|".join(re.escape(word) for word in words)
    cleaned = re.sub(_LEADING.format(words=alternatives), "", cleaned)
    return re.sub(rf"(?<=[\d.%])\s*(?:{alternatives})$", "", cleaned).strip()


def _single_number(cleaned: str) -> float | None:
    cleaned = cleaned.replace(",", "").replace("_", "").replace("$", "").replace("usd", "").rstrip("%").strip()
    match = _NUMBER.match(cleaned)
    if not match:
        return None
    number, scale = match.groups()
    if scale and scale not in _SCALES:
        return None
    value = float(number) * (_SCALES[scale] if scale else 1.0)
    return value if math.isfinite(value) else None


def parse_number(text: str, unit: str = "") -> float | None:
    """A number as a learner types it, or None when it is not one.

    Accepts thousands separators and underscores (``1,200``, ``1_200``), a leading ``$``,
    a trailing ``%``, scale words (``3.5M``, ``12k``, ``1.2bn``, ``2 million``), a ratio as the
    kit writes it (``69:1``, ``69 : 1``, ``69 to 1``; ``240:3.5`` is 68.57), and the exercise's
    unit or the word "turn" typed before or after the number (``turn 7``, ``12 turns``,
    ``46 drones``).
    """
    cleaned = _strip_words(str(text).strip().lower(), unit)
    ratio = _RATIO.match(cleaned)
    if ratio:
        left, right = (_single_number(_strip_words(part, unit)) for part in ratio.group("left", "right"))
        if left is None or not right:
            return None
        quotient = left / right
        return quotient if math.isfinite(quotient) else None
    return _single_number(cleaned)


def _plain(value: float) -> str:
    return number(value)


def _with_unit(value: float, unit: str) -> str:
    """``1 turn``, ``2 turns``: a unit ending in s loses it for exactly one."""
    return agree(number(value), unit.removesuffix("s"), unit)


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


def _hints(hints: Mapping[str, str] | str | None) -> dict[str, str]:
    """The hint for a prediction too high and for one too low: the notebook's, else the defaults."""
    if hints is None:
        return dict(DEFAULT_HINTS)
    if isinstance(hints, str):
        return {"high": hints, "low": hints}
    unknown = sorted(set(hints) - set(DEFAULT_HINTS))
    if unknown:
        raise ValueError(f"hints takes the keys 'high' and 'low' (what to recheck for each), not {unknown}")
    return {**DEFAULT_HINTS, **{key: str(text) for key, text in hints.items()}}


def _how_far(difference: float, answer: float) -> str:
    """"A little too high", "Too low", "Far too high": how far off, in words that do not give
    the figure away."""
    direction = "high" if difference > 0 else "low"
    if answer == 0:
        return f"Too {direction}"
    share = abs(difference) / abs(answer)
    if share <= 0.25:
        return f"A little too {direction}"
    if (direction == "high" and share > 1) or (direction == "low" and share >= 0.5):
        bound = "more than twice" if direction == "high" else "less than half"
        return f"Far too {direction}: {bound} the game's figure"
    return f"Too {direction}"


class Exercise(widgets.VBox):
    """A question, a prediction box, a Check button that coaches, and a hidden worked answer.

    After a wrong prediction the feedback says whether it is too high or too low and which step
    to recheck, never the figure itself; the figure and the worked answer are shown when the
    learner presses *Show worked answer*, or after ``TRIES_BEFORE_WORKED_ANSWER`` wrong tries.
    """

    def __init__(
        self,
        question: str,
        answer: float,
        unit: str = "",
        tolerance: float | None = None,
        worked: str = "",
        fmt: Callable[[float], str] | None = None,
        placeholder: str | None = None,
        hints: Mapping[str, str] | str | None = None,
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
        self.hints = _hints(hints)
        self.format = fmt or _formatter(unit)
        self.format_gap = _gap_formatter(unit, self.format) if fmt is None else fmt
        self.verdict: str | None = None  # "close", "high" or "low" after a check; None before
        self.wrong_tries = 0
        self.answer_given = False  # the figure has been shown: worked answer opened, or tries used up

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
            layout=widgets.Layout(border=f"1px solid {BORDER_GREY}", padding="6px", margin="8px 0"),
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
            example = "3.5M or 240,000,000" if self.unit in MONEY_UNITS else "12, 69:1 or turn 7"
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
        self.wrong_tries += 1
        if self.answer_given or self.wrong_tries >= TRIES_BEFORE_WORKED_ANSWER:
            return self._say(self._figure_given(guess, difference, said), _OFF)
        return self._say(self._hint(guess, difference), _OFF)

    def _hint(self, guess: float, difference: float) -> str:
        """Too high or too low, and what to recheck: everything but the game's figure."""
        text = f"{_how_far(difference, self.answer)}. You said {self.format(guess)}. {self.hints[self.verdict]}"
        if self.unit in MONEY_UNITS and abs(guess) < 1e4 <= abs(self.answer):
            text += f" If you meant millions, type {_plain(guess)}M."
        left = TRIES_BEFORE_WORKED_ANSWER - self.wrong_tries
        tries = "one more try" if left == 1 else f"{left} more tries"
        if self.worked:
            return text + f" Try again: the worked answer opens after {tries}, or now with Show worked answer."
        return text + f" Try again: the game's figure is shown after {tries}."

    def _figure_given(self, guess: float, difference: float, said: str) -> str:
        """The figure, how far off the prediction was, and the worked answer opened."""
        direction = "Too high" if difference > 0 else "Too low"
        text = f"{direction} by {self.format_gap(abs(difference))}. {said}."
        first_time = not self.answer_given
        self.answer_given = True
        if self.worked and first_time and not self.worked_shown:
            self.show_worked()
            return text + f" After {TRIES_BEFORE_WORKED_ANSWER} tries, the worked answer is open below: follow it step by step."
        return text

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
        self.answer_given = True
        self.worked_box.value = (
            f"<div style='white-space:pre-wrap;line-height:1.5;margin:4px 0;padding:4px 8px;border-left:3px solid {BLUE}'>"
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
    hints: Mapping[str, str] | str | None = None,
) -> Exercise:
    """An exercise: the learner predicts a figure, checks it against ``answer``, sees the working.

    - ``answer``: the engine's figure, computed in the notebook (never typed in by hand).
    - ``unit``: shown beside the box and in the feedback; ``"USD"`` formats money ($41.7M) and
      lets the learner type 41.7M; ``"%"`` adds a percent sign.
    - ``tolerance``: how far from ``answer`` (in the same unit) still counts as right;
      by default 5% of the answer.
    - ``worked``: the worked arithmetic, as plain text (line breaks kept); hidden until asked for
      or until the learner has made three wrong tries.
    - ``hints``: which step to recheck, without the figure: ``{"high": ..., "low": ...}`` for a
      prediction too high and one too low (or one text for both); ``DEFAULT_HINTS`` otherwise.
    - ``fmt``: a function that writes a number for the feedback, instead of the unit's default.
    """
    return Exercise(
        question, answer, unit=unit, tolerance=tolerance, worked=worked, fmt=fmt, placeholder=placeholder, hints=hints
    )
