"""``wargame.classroom.app``: the student app's join box, team code and team line (widgets, no browser)."""

from __future__ import annotations

import re

import pytest

from wargame.classroom.app import ClassApp
from wargame.classroom.session import shown_code
from wargame.classroom.store import Store
from wargame.scenario import load_scenario


@pytest.fixture
def store(tmp_path) -> Store:
    return Store.create(tmp_path, "tutorial", seed=3)


def team_line(app: ClassApp) -> str:
    return re.sub(r"<[^>]+>", "", app.dashboard.team_line.value)


def test_a_new_team_reads_its_code_and_the_line_follows_its_turns(store):
    app = ClassApp(store)
    assert app.join("Blue")
    code = store.team("Blue").code
    assert team_line(app).startswith("Team Blue, turn 1 of 4.") and shown_code(code) in team_line(app)
    app.dashboard.end_turn_button.click()
    assert team_line(app).startswith("Team Blue, turn 2 of 4.")
    while not app.team_game.is_over:
        app.dashboard.end_turn_button.click()
    assert team_line(app).startswith("Team Blue, all 4 turns played.")


def test_another_page_needs_the_code_and_is_told_what_to_do(store):
    blue = ClassApp(store, lease_s=0.0)  # its page is gone at once
    assert blue.join("Blue")
    other = ClassApp(store)
    assert f"Class session: {load_scenario('tutorial').title}</h3>" in other.join_box.children[0].value  # not the file's name
    assert not other.join("Blue")
    assert "has joined this session already" in other.message.value and other.dashboard is None
    assert not other.join("Blue", "000000" if store.team("Blue").code != "000000" else "111111")
    assert "not the code of the team Blue" in other.message.value and other.dashboard is None
    other.name_box.value, other.code_box.value = "Blue", shown_code(store.team("Blue").code)
    other.join_button.click()
    assert other.dashboard is not None and store.team("Blue").holder == other.holder


def test_a_joined_teams_charts_are_current_when_shown_then_take_patches(store, monkeypatch):
    """jupyter_bokeh's views never report themselves, so the class app says when its charts
    are on the page: before that every change rebuilds the figure a new view draws (a team that
    resumes sees its own history), after it End turn sends patches and rebuilds nothing."""
    from wargame.classroom.session import TeamGame
    from wargame.ui.plots import ChartModel

    resumed = TeamGame.join(store, "Blue", lease_s=0.0)
    resumed.play_turn()
    resumed.play_turn()
    rebuilt = []
    original = ChartModel.rebuild
    monkeypatch.setattr(ChartModel, "rebuild", lambda self: (rebuilt.append(self), original(self))[1])
    app = ClassApp(store)
    assert app.join("Blue", resumed.code)
    charts = app.dashboard.plots.charts.values()
    assert {chart.model for chart in charts} <= set(rebuilt)  # built with the two turns, before any view
    assert all(chart.model.shown for chart in charts)
    assert all(chart.source.data["turn"] for chart in charts if "turn" in chart.source.data)
    rebuilt.clear()
    app.dashboard.end_turn_button.click()
    assert app.team_game.turn == 4 and rebuilt == []
    assert any(chart.model._stale for chart in charts)  # a page that connects later gets a fresh figure
