"""The student app of a live class session: a join box, then the dashboard on the team's game.

``notebooks/class_app.ipynb`` calls ``student_app()``; ``python -m wargame.classroom serve``
serves that notebook alone with Voilà and tells the kernels where the session is through the
environment variable ``WARGAME_CLASS_FOLDER``. Without it (nbval, or trying the app in
JupyterLab) the app opens a demo session in a temporary folder and says so.

What a student can do here is only what the widgets offer: type a team name, take over their
own team's game, play turns. The app runs no code a student types, shows no file box (the
dashboard's save and load are left out: the store keeps the game) and no undo (a turn played
is kept), and shows only the team's own game.
"""

from __future__ import annotations

import html
import os
import tempfile
import uuid
from pathlib import Path

import ipywidgets as widgets

from ..scenario import load_scenario
from ..ui.dashboard import Dashboard
from .session import HEARTBEAT_S, LEASE_S, TeamCodeNeeded, TeamGame, TeamHeld, TeamNameError, shown_code
from .store import Store, StoreError

FOLDER_VARIABLE = "WARGAME_CLASS_FOLDER"
# Under a hub every tick is a request to the class service: a slower tick (news within 15 s,
# the lease still outlasting several ticks) keeps a 1,000-student class within one service core.
HUB_HEARTBEAT_S = 15.0
CLASS_FORECAST_RUNS = 200  # many kernels share the server's cores in class
DEMO_SCENARIO = "tutorial"


def _message(text: str, error: bool = False) -> str:
    colour = "#b00020" if error else "#1b5e20"
    return f"<p style='color:{colour};margin:4px 0'>{html.escape(text)}</p>"


def news_html(team_game: TeamGame) -> str:
    """The White Cell's news waiting for the team's next turn, escaped, or nothing."""
    news = team_game.news()
    if not news:
        return ""
    items = "".join(f"<li>{html.escape(item.text)}</li>" for item in news)
    turn = news[0].turn
    return (
        "<div class='wargame-news' style='border-left:4px solid #e65100;padding:4px 10px;margin:6px 0'>"
        f"<b>News from the White Cell</b> (it happens in turn {turn}, the turn you play next):<ul>{items}</ul></div>"
    )


class ClassDashboard(Dashboard):
    """The dashboard on a stored team game: no save, load or undo; the team's line (name, turn,
    code) on top and news above the orders."""

    def __init__(self, team_game: TeamGame, **kwargs):
        self.news = widgets.HTML()
        self.team_line = widgets.HTML()
        super().__init__(team_game, forecast_runs=CLASS_FORECAST_RUNS, **kwargs)
        self.add_class("wargame-class-dashboard")

    def _build_for_scenario(self) -> None:
        super()._build_for_scenario()
        self.undo_button.layout.display = "none"
        kept = [
            child
            for child in self.children
            if child is not self.files.widget and not (isinstance(child, widgets.HTML) and "Save and load" in child.value)
        ]
        self.children = [self.team_line, kept[0], self.news, *kept[1:]]

    def _show_game(self, orders) -> None:
        super()._show_game(orders)
        self.undo_button.disabled = True
        self.team_line.value = team_banner(self.game)
        self.show_news()

    def show_news(self) -> None:
        self.news.value = news_html(self.game)

    def _end_turn(self, _button=None) -> None:
        try:
            super()._end_turn(_button)
        except StoreError as error:
            self.status.say(str(error), error=True)
            if self.game.lost:
                self.stop("Another page has taken over this team's game: continue there.")

    def _undo(self, _button=None) -> None:
        self.status.say("In a class session a turn played is kept: it cannot be taken back.", error=True)

    def stop(self, why: str) -> None:
        """This page no longer plays: every control off, and why."""
        self.controls.set_disabled(True)
        self.end_turn_button.disabled = self.forecast_button.disabled = True
        self.status.say(why, error=True)


class ClassApp(widgets.VBox):
    """The join box; once a team has joined, its dashboard."""

    def __init__(
        self, store: Store, lease_s: float = LEASE_S, heartbeat_s: float = HEARTBEAT_S, notice: str = "", team: str | None = None, **kwargs
    ):
        super().__init__(**kwargs)
        self.store = store
        self.lease_s = lease_s
        self.heartbeat_s = heartbeat_s
        # this page (one kernel per page): the kernel's process id, then a random part
        self.holder = f"{os.getpid()}:{uuid.uuid4().hex}"
        self.team_game: TeamGame | None = None
        self.dashboard: ClassDashboard | None = None
        self.name_box = widgets.Text(placeholder="your team's name", description="Team:")
        # A team that exists already continues only with its code (``session``): a new team leaves it empty.
        self.code_box = widgets.Text(
            placeholder="to continue a game", description="Team code:", layout=widgets.Layout(width="250px"),
            style={"description_width": "initial"},
        )
        self.join_button = widgets.Button(description="Join", button_style="primary", icon="sign-in")
        self.take_over_button = widgets.Button(description="Take over", icon="exchange", layout=widgets.Layout(display="none"))
        self.message = widgets.HTML()
        self.join_button.on_click(lambda _b: self._join_as_typed())
        self.take_over_button.on_click(lambda _b: self._join_as_typed(take_over=True))
        self.name_box.on_submit(lambda _box: self._join_as_typed())
        self.code_box.on_submit(lambda _box: self._join_as_typed())
        info = store.session()
        how = (
            "Type your team's name and press Join: your team gets a code, shown above your game. Every turn "
            "you play is saved for the class; if this page closes, open the link again and join with the same "
            "name and that code to continue."
        )
        if team is not None:  # under a hub the team comes with the student's sign-in
            self.name_box.value = team
            self.name_box.disabled = True
            self.code_box.layout.display = "none"
            how = (
                f"You are signed in to the hub: your team is {team}. Press Join. Every turn you play is saved "
                "for the class; if this page closes, open it again and press Join to continue."
            )
        title = load_scenario(info.scenario).title  # the title students read, not the file's name
        intro = f"<h3 style='margin:4px 0'>Class session: {html.escape(title)}</h3><p>{html.escape(how)}</p>"
        notice_html = f"<p><i>{html.escape(notice)}</i></p>" if notice else ""
        self.join_box = widgets.VBox(
            [
                widgets.HTML(intro + notice_html),
                widgets.HBox([self.name_box, self.code_box, self.join_button, self.take_over_button], layout=widgets.Layout(flex_flow="row wrap")),
                self.message,
            ]
        )
        # The browser's timer renews the lease: when the page closes, the ticks stop (the kernel
        # may run on: Voilà cannot always shut it down, voila-dashboards/voila#1458). It is on the
        # page from the start because a Play widget starts only when ``playing`` changes while
        # its view is shown.
        self.ticker = widgets.Play(
            interval=int(self.heartbeat_s * 1000), min=0, max=10**9, repeat=True, playing=False,
            layout=widgets.Layout(display="none"),
        )
        self.children = [self.join_box, self.ticker]

    def _join_as_typed(self, take_over: bool = False) -> bool:
        return self.join(self.name_box.value, self.code_box.value, take_over=take_over)

    def join(self, name: str, code: str | None = None, take_over: bool = False) -> bool:
        """Join (or take over) the team, with its code if it exists; on success the dashboard
        replaces the join box."""
        try:
            team_game = TeamGame.join(self.store, name, code=code, holder=self.holder, take_over=take_over, lease_s=self.lease_s)
        except TeamHeld as held:
            self.message.value = _message(str(held), error=True)
            self.take_over_button.layout.display = None
            return False
        except (TeamNameError, TeamCodeNeeded, StoreError) as error:
            self.message.value = _message(str(error), error=True)
            return False
        self.team_game = team_game
        self.dashboard = ClassDashboard(team_game)
        self.ticker.observe(lambda _change: self.beat(), names="value")
        self.children = [self.dashboard, self.ticker]
        # The page shows the dashboard from here on (a reloaded page gets a new kernel, so a new
        # dashboard): each End turn then sends the charts' patches, not their whole figures.
        self.dashboard.charts_on_page()
        self.ticker.playing = True  # its view is on the page already: the timer starts now
        return True

    def beat(self) -> None:
        """One tick of the page: renew the lease and show news that has arrived."""
        try:
            held = self.team_game.heartbeat()
            news = self.team_game.take_news() if held else []
        except Exception as error:  # a locked moment or a closed store: say so, try at the next tick
            self.dashboard.status.say(f"The class session could not be reached just now ({type(error).__name__}); retrying.", error=True)
            return
        if not held:
            self.ticker.playing = False
            self.dashboard.stop("Another page has taken over this team's game: continue there.")
        elif news:
            self.dashboard.show_news()


def team_banner(team_game: TeamGame) -> str:
    """The line above a team's game: its name, the turn, and its code (to continue elsewhere)."""
    code = (
        f" Your team's code is <b class='wargame-team-code'>{shown_code(team_game.code)}</b>: keep it, "
        "you need it to continue this game if the page closes."
        if team_game.code
        else ""
    )
    return (
        f"<p class='wargame-team' style='margin:4px 0'>Team <b>{html.escape(team_game.team)}</b>, "
        f"{turn_reached(team_game)}.{code}</p>"
    )


def turn_reached(team_game: TeamGame) -> str:
    turns = team_game.scenario.turns
    if team_game.is_over:
        return f"all {turns} turns played"
    return f"turn {team_game.turn} of {turns}"


def demo_store() -> Store:
    """A fresh demo session in a temporary folder (for trying the app without a class)."""
    return Store.create(Path(tempfile.mkdtemp(prefix="wargame-demo-class-")), DEMO_SCENARIO, seed=1)


def hub_app(environ=None) -> widgets.Widget:
    """The app on the class service of the hub this kernel runs under, the team from the
    student's sign-in; if the service refuses or cannot be reached, a message saying why."""
    from .hub_client import RemoteStore

    try:
        store = RemoteStore.from_environment(environ)
        me = store.me()
        if me["team"] is None:
            raise StoreError(me["problem"])
        return ClassApp(store, team=me["team"], heartbeat_s=HUB_HEARTBEAT_S)
    except StoreError as error:
        return widgets.HTML(_message(f"The class session cannot open: {error}", error=True))


def student_app(folder: str | os.PathLike | None = None) -> widgets.Widget:
    """The app for the session in ``folder`` (default: ``$WARGAME_CLASS_FOLDER``), else the
    hub's class service when this kernel runs under a hub that has one, else a demo."""
    from ..ui import load_bokehjs
    from .hub_client import under_hub

    # The charts need BokehJS in the page, and a team's dashboard comes only after Join: send
    # it with the app (Voila keeps it in the page it pre-renders), or no chart is ever drawn.
    load_bokehjs()
    folder = folder or os.environ.get(FOLDER_VARIABLE)
    if not folder and under_hub():
        return hub_app()
    if folder:
        return ClassApp(Store.open(folder))
    return ClassApp(demo_store(), notice="This is a demo session: no class is running, and games played here are not kept.")
