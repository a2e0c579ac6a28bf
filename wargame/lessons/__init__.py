"""What each turn teaches: lesson records, the figures behind them, and explanations."""

from .compute import lessons_for_turn
from .explain import explain
from .records import Cited, Lesson

__all__ = ["Cited", "Lesson", "explain", "lessons_for_turn"]
