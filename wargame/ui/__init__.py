"""The dashboard a student plays with in a notebook: ``play("tutorial")``.

``play`` loads BokehJS inline into the page (there is no CDN in class), so a notebook needs no
other set-up line than ``from wargame.ui import play``. Only BokehJS's core is sent (1.3 MB, the
charts use nothing else; all of BokehJS made an 8 MB page), once to each page connected to the
kernel, not with every ``play()`` (see ``load_bokehjs``).
"""

from __future__ import annotations

from ..game import Game
from .dashboard import Dashboard

__all__ = ["Dashboard", "play", "load_bokehjs"]

# The part of BokehJS the charts need: its core. Bokeh sends every part to a notebook (widgets,
# tables, WebGL, MathJax: 4 MB, twice over in the page) because it cannot know what will be shown.
BOKEHJS = ["bokeh"]

# The front-end connections (pages) this kernel has sent BokehJS to, by their session id.
_BOKEHJS_SENT_TO: set[str] = set()


def frontend_session() -> str:
    """The id of the front-end connection that asked for the code now running ("" outside a
    kernel). JupyterLab gives each page's connection to a kernel its own id: a page reloaded
    while the kernel runs on connects anew, with a new id, and has lost BokehJS with its page."""
    try:
        from IPython import get_ipython

        kernel = getattr(get_ipython(), "kernel", None)
        parent = kernel.get_parent("shell") if kernel is not None else None
    except Exception:  # no IPython, or a kernel without parent messages: treat as one page
        return ""
    return str(((parent or {}).get("header") or {}).get("session", ""))


def load_bokehjs(force: bool = False) -> bool:
    """Load BokehJS into the notebook page, inline, unless this page already has it from this
    kernel; ``force`` sends it again. Returns whether it was sent.

    Once per kernel and page: a second dashboard or chart in the same notebook reuses it, a
    new kernel (restart, a Voilà page) sends it again, and so does a page that reconnects to a
    running kernel after a reload (its connection has a new session id).
    """
    import bokeh.io
    import bokeh.resources

    session = frontend_session()
    if session in _BOKEHJS_SENT_TO and not force:
        return False
    bokeh.io.output_notebook(bokeh.resources.Resources(mode="inline", components=BOKEHJS), hide_banner=True)
    _BOKEHJS_SENT_TO.add(session)
    return True


def play(scenario_or_game="tutorial", seed: int = 0, mode: str = "stochastic", forecast_runs: int = 500) -> Dashboard:
    """A dashboard for a new game of a scenario (a name, a path or a Scenario), or for a Game.

    ``seed`` and ``mode`` ("stochastic" or "expected") apply to a new game only.
    """
    game = scenario_or_game if isinstance(scenario_or_game, Game) else Game(scenario_or_game, seed=seed, mode=mode)
    load_bokehjs()
    return Dashboard(game, forecast_runs=forecast_runs)
