"""The dashboard a student plays with in a notebook: ``play("tutorial")``.

``play`` loads BokehJS inline into the page (there is no CDN in class), so a notebook needs no
other set-up line than ``from wargame.ui import play``.
"""

from __future__ import annotations

from ..game import Game
from .dashboard import Dashboard

__all__ = ["Dashboard", "play", "load_bokehjs"]


def load_bokehjs() -> None:
    """Load BokehJS into the notebook page, inline. Safe to call again (each call loads it anew,
    so a page reloaded with a running kernel still gets it)."""
    import bokeh.io
    import bokeh.resources

    bokeh.io.output_notebook(bokeh.resources.INLINE, hide_banner=True)


def play(scenario_or_game="tutorial", seed: int = 0, mode: str = "stochastic", forecast_runs: int = 500) -> Dashboard:
    """A dashboard for a new game of a scenario (a name, a path or a Scenario), or for a Game.

    ``seed`` and ``mode`` ("stochastic" or "expected") apply to a new game only.
    """
    game = scenario_or_game if isinstance(scenario_or_game, Game) else Game(scenario_or_game, seed=seed, mode=mode)
    load_bokehjs()
    return Dashboard(game, forecast_runs=forecast_runs)
