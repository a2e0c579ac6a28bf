"""The dashboard: controls, panels and plots wired to one ``Game``.

The dashboard only reads state and calls the engine: ``Game.check`` decides whether orders
can be played (its messages are shown as they are), ``Game.costs`` prices them,
``Game.play_turn``/``undo``/``save``/``load`` change the game, and ``wargame.batch.forecast``
plays futures.
"""

from __future__ import annotations

from pathlib import Path

import ipywidgets as widgets

from ..batch import forecast
from ..format import count, duration, money, number, ratio
from ..game import Game, GameOver, SaveFileError
from ..orders import OrdersError, fire_limit_notes, orders_to_arrays
from .controls import OrderControls
from .panels import DASHBOARD_CSS, CostMeter, FilesPanel, Header, LessonsPanel, ProblemsPanel, Status
from .plots import ForecastPanel, PlotPanel

FORECAST_RUNS = 500


def _button_layout() -> widgets.Layout:
    """A button as wide as its words: ipywidgets' fixed width cut "Undo last turn" to
    "Undo last…" beside Lab's file browser. One layout per button (a shared one ties them)."""
    return widgets.Layout(width="auto", min_width="6.5em")


def _section(title: str) -> widgets.HTML:
    return widgets.HTML(f"<h4 style='margin:10px 0 2px 0'>{title}</h4>")


class Dashboard(widgets.VBox):
    """A game to play in a notebook. ``.game`` is the game; the parts are attributes."""

    def __init__(self, game: Game, forecast_runs: int = FORECAST_RUNS, **kwargs):
        super().__init__(**kwargs)
        self.add_class("wargame-dashboard")
        self.game = game
        self.forecast_runs = int(forecast_runs)
        self.after_action = None
        self.header = Header()
        self.meter = CostMeter()
        self.problems = ProblemsPanel()
        self.lessons = LessonsPanel()
        self.status = Status()
        self.fan = ForecastPanel()
        self.files = FilesPanel(f"{game.scenario.name}-save.json")
        self.report_output = widgets.Output()
        self.end_turn_button = widgets.Button(
            description="End turn",
            button_style="primary",
            icon="play",
            tooltip="Play this turn with the orders above (disabled while the orders have problems)",
            layout=_button_layout(),
        )
        self.forecast_button = widgets.Button(
            description="Forecast",
            icon="line-chart",
            tooltip=f"Play {self.forecast_runs} futures with these orders held to the end and show their range",
            layout=_button_layout(),
        )
        self.undo_button = widgets.Button(
            description="Undo last turn", icon="undo", tooltip="Take back the last turn played and edit its orders again", layout=_button_layout()
        )
        self.end_turn_button.on_click(self._end_turn)
        self.forecast_button.on_click(self._forecast)
        self.undo_button.on_click(self._undo)
        self.files.save.on_click(self._save)
        self.files.load.on_click(self._load)
        self.files.save_report.on_click(self._save_report)
        self._build_for_scenario()
        self._show_game(self.game.orders())

    # --- layout --------------------------------------------------------------------------------

    def _build_for_scenario(self) -> None:
        """The parts that depend on the scenario: the order controls and the plots."""
        self.scenario = self.game.scenario
        self.controls = OrderControls(self.scenario)
        self.controls.on_change(self._orders_changed)
        self.plots = PlotPanel(self.scenario)
        side = widgets.VBox(
            [
                # the buttons first, the turn's result right under the button that played it,
                # then what the next orders cost: after End turn the result is in view (issue 12)
                self.problems.widget,
                widgets.HBox([self.end_turn_button, self.forecast_button, self.undo_button], layout=widgets.Layout(flex_flow="row wrap")),
                self.status.widget,
                self.lessons.widget,
                _section("Cost of these orders"),
                self.meter.widget,
            ],
            layout=widgets.Layout(flex="1 1 320px", min_width="300px"),
        )
        orders = widgets.VBox(
            [_section("Your orders for this turn"), self.controls.widget], layout=widgets.Layout(flex="2 1 520px", min_width="0")
        )
        self.children = [
            self.header.widget,
            widgets.HBox([orders, side], layout=widgets.Layout(flex_flow="row wrap", width="100%")),
            _section("Charts"),
            self.plots.widget,
            _section("Forecast"),
            self.fan.widget,
            _section("Save and load"),
            self.files.widget,
            self.report_output,
            widgets.HTML(DASHBOARD_CSS, layout=widgets.Layout(display="none")),
        ]

    # --- showing the game ----------------------------------------------------------------------

    def charts_on_page(self) -> None:
        """The dashboard is now shown on a page that keeps it (the class app, once a team has
        joined): its charts take each turn's changes as patches instead of whole figures."""
        for chart in (*self.plots.charts.values(), *self.fan.charts.values()):
            chart.model.on_page = True

    def _show_game(self, orders) -> None:
        """Everything on screen from the game's state, with these orders in the controls."""
        game = self.game
        self.header.refresh(game)
        self.controls.set_disabled(False)
        self.controls.refresh(game)
        try:  # quietly: the orders are checked and priced once, at the end
            self.controls.write(orders, notify=False)
        except ValueError as error:  # orders the controls cannot show: say so, start from defaults
            self.status.say(f"These orders cannot be shown in the controls: {error}", error=True)
            self.controls.write(Game(game.scenario).orders(), notify=False)
        self.plots.refresh(game)
        self.lessons.show(game.reports[-1] if game.reports else None)
        self.undo_button.disabled = not game.reports
        self.report_output.outputs = ()
        self.after_action = None
        self.files.save_report.disabled = True
        if game.is_over:
            self.controls.set_disabled(True)
            self._show_after_action_report()
        self._orders_changed()

    def _orders_changed(self) -> None:
        """Price and check the orders on screen; only orders the engine accepts can be played."""
        game = self.game
        if game.is_over:
            self.problems.show([f"The game is over: all {game.scenario.turns} turns have been played."])
            self.meter.show({}, game.view().money_usd)
            self.end_turn_button.disabled = self.forecast_button.disabled = True
            return
        orders = self.controls.read()
        problems = game.check(orders)
        try:
            costs = game.costs(orders)
        except OrdersError:
            costs = None
        self.meter.show(costs, game.view().money_usd)
        self.problems.show(problems, notes=[] if costs is None else fire_limit_notes(game.state, orders_to_arrays(orders, game.tables), game.tables))
        self.end_turn_button.disabled = bool(problems)
        self.forecast_button.disabled = bool(problems)

    def _show_after_action_report(self) -> None:
        self.after_action = self.game.after_action_report()
        self.report_output.append_display_data(self.after_action)
        self.files.save_report.disabled = False

    # --- actions -------------------------------------------------------------------------------

    def _end_turn(self, _button=None) -> None:
        orders = self.controls.read()
        problems = self.game.check(orders)
        if problems:
            self.problems.show(problems)
            self.end_turn_button.disabled = True
            return
        try:
            report = self.game.play_turn(orders)
        except OrdersError as error:
            self.problems.show(error.problems)
            return
        except GameOver as error:
            self.status.say(str(error), error=True)
            return
        self.fan.clear()
        self._show_game(self.game.orders())
        m = report.metrics
        notes = " ".join(self.game.order_notes)
        self.status.say(
            f"Turn {report.turn} played: {number(m.get('downed_units', 0))} downed, {number(m.get('leaked_units', 0))} got through. "
            f"Full account: the raid cost you {money(m.get('defender_cost_usd', 0))} (interceptors plus damage), "
            f"{ratio(m.get('full_exchange_ratio', 0))} of its cost; interceptors alone {ratio(m.get('cost_exchange_ratio', 0))}. "
            "Its lessons are just below." + (f" {notes}" if notes else "")
        )

    def _undo(self, _button=None) -> None:
        if not self.game.reports:
            self.status.say("Nothing to undo: no turn has been played yet.", error=True)
            return
        undone = self.game.reports[-1]
        self.game.undo()
        self.fan.clear()
        self._show_game(undone.orders.copy())
        self.status.say(f"Turn {undone.turn} taken back: its orders are back in the controls.")

    def _forecast(self, _button=None) -> None:
        orders = self.controls.read()
        problems = self.game.check(orders)
        if problems:
            self.problems.show(problems)
            return
        label = self.forecast_button.description
        self.forecast_button.description = "Working…"
        self.forecast_button.disabled = True
        self.status.say(f"Working… playing {self.forecast_runs} futures of this game.")
        try:
            result = forecast(self.game, orders, runs=self.forecast_runs)
        except (OrdersError, ValueError) as error:
            self.status.say(f"No forecast: {error}", error=True)
            return
        finally:
            self.forecast_button.description = label
            self.forecast_button.disabled = bool(self.problems.problems) or self.game.is_over
        self.fan.show(result)
        self.status.say(f"Forecast ready: {count(result.runs, 'future')} in {duration(result.seconds)}.")

    def _path(self) -> Path | None:
        name = self.files.filename.value.strip()
        if not name:
            self.files.say("Type a file name first, for example my-game.json.", error=True)
            return None
        return Path(name).expanduser()

    def _save(self, _button=None) -> None:
        path = self._path()
        if path is None:
            return
        try:
            written = self.game.save(path)
        except OSError as error:
            self.files.say(f"Could not save to {path}: {error.strerror or error}.", error=True)
            return
        self.files.say(f"Saved {count(len(self.game.reports), 'turn')} of orders to {written}.")

    def _load(self, _button=None) -> None:
        path = self._path()
        if path is None:
            return
        try:
            game = Game.load(path)
        except SaveFileError as error:
            self.files.say(str(error), error=True)
            return
        except OSError as error:
            self.files.say(f"Could not read {path}: {error.strerror or error}.", error=True)
            return
        self.set_game(game)
        self.files.say(f"Loaded {path}: {game.scenario.title}, {count(len(game.reports), 'turn')} played, seed {game.seed}, {game.mode} mode.")

    def _save_report(self, _button=None) -> None:
        path = self._path()
        if path is None:
            return
        if self.after_action is None:
            self.files.say("The after-action report is ready at the end of the game.", error=True)
            return
        try:
            written = self.after_action.save(path.with_suffix(".html"))
        except OSError as error:
            self.files.say(f"Could not save the report to {path.with_suffix('.html')}: {error.strerror or error}.", error=True)
            return
        self.files.say(f"Saved the after-action report to {written}: it opens in any browser, offline.")

    def set_game(self, game: Game) -> None:
        """Play another game in this dashboard (rebuilding the controls if its scenario differs)."""
        same = game.scenario is self.scenario or (
            game.scenario.name == self.scenario.name and game.scenario.content_hash == self.scenario.content_hash
        )
        self.game = game
        if not same:
            self._build_for_scenario()
        self.fan.clear()
        self._show_game(game.orders())
