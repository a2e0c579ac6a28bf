"""The after-action report: a game's outcome against par, its timeline and its charts, offline.

``after_action_report(game)`` (or ``game.after_action_report()``) returns an
``AfterActionReport``: it shows itself in a notebook cell, and ``save(path)`` writes one
standalone HTML file, BokehJS inline, that opens without a network.
"""

from .aar import AfterActionReport, after_action_report

__all__ = ["AfterActionReport", "after_action_report"]
