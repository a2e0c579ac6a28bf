"""JupyterLab, as a student uses it: open 00_start_here, run all cells, play three turns of the
tutorial with the dashboard's controls, and check each turn against the engine."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from wargame.ui.plots import FAN_METRICS

from .driver import (
    LAPTOP,
    KERNEL_TIMEOUT,
    RENDER_TIMEOUT,
    Dashboard,
    Expected,
    Turn,
    assert_no_cell_errors,
    cost_exchange_renderer,
    notebook_game,
    screenshot,
    charts_in_dashboard,
    wait_for_plot_data,
)
from .layout import assert_chart_titles_fit, assert_every_tab_fits

NOTEBOOK = "00_start_here.ipynb"

# Turn 1 keeps the starting doctrine (a missile at every drone); turn 2 puts interceptor
# drones in front, two shots each, as the notebook's text suggests.
TURNS = [
    Turn(production={"interceptor_drone": 120}, autonomy="terminal_autonomy"),
    Turn(
        production={"interceptor_drone": 80},
        autonomy="supervised_autonomy",
        doctrine={"attack_drone": [("interceptor_drone", 2), ("sam_missile", 1)]},
    ),
    Turn(production={"interceptor_drone": 60}, autonomy="remote_piloting"),
]


def run_all_cells(page, url: str) -> None:
    page.goto(f"{url}/lab/tree/{NOTEBOOK}?reset", timeout=KERNEL_TIMEOUT)
    expect(page.locator("#jp-main-statusbar")).to_contain_text(re.compile(r"\S \| Idle"), timeout=KERNEL_TIMEOUT)
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.locator('li.lm-Menu-item[data-command="runmenu:run-all"]').click()


def test_start_here_plays_three_turns_in_jupyterlab(jupyterlab_server, notebooks, page, console):
    setup = notebook_game(notebooks / NOTEBOOK)
    assert setup.scenario == "tutorial", f"{NOTEBOOK} now plays {setup.scenario!r}: these turns are the tutorial's"
    expected = Expected(setup)
    turns = expected.scenario.turns

    page.set_viewport_size(LAPTOP)  # measured as a student sees it (issue 12)
    run_all_cells(page, jupyterlab_server.url)
    dashboard = Dashboard(page, expected.scenario)
    dashboard.wait_until_shown()
    # every code cell has run: none is still queued or running ([*]) or never run ([ ])
    prompts = page.locator(".jp-CodeCell .jp-InputPrompt")
    expect(prompts.filter(has_text=re.compile(r"\[[\s*]*\]"))).to_have_count(0, timeout=RENDER_TIMEOUT)
    expect(page.locator("#jp-main-statusbar")).to_contain_text(re.compile(r"\S \| Idle"), timeout=RENDER_TIMEOUT)

    expect(dashboard.header).to_contain_text(f"Turn 1 of {turns}")
    expect(dashboard.lessons).to_contain_text("Lessons appear here after each turn")
    wait_for_plot_data(page, cost_exchange_renderer(), [])
    assert_no_cell_errors(page)
    console.assert_clean()
    dashboard.screenshot("jupyterlab-00_start_here-turn-1")

    for number, turn in enumerate(TURNS, start=1):
        dashboard.play_turn(number, turn, expected)
        dashboard.assert_result_in_view(number)
        if number == 1:
            screenshot(page, "jupyterlab-00_start_here-window-after-end-turn")  # the viewport, as a student sees it
        if number == 1:
            # the starting doctrine fires all 60 missiles at $4M: worked by hand in the notebook
            assert expected.history.loc[1, "interceptor_spend_usd"] == 60 * 4_000_000
            expect(dashboard.lessons.locator(".wargame-cost_exchange")).to_contain_text("$240M")
        assert_no_cell_errors(page)
        console.assert_clean()

    expect(dashboard.header).to_contain_text(f"Turn {len(TURNS) + 1} of {turns}")
    # the futures of the orders now on screen (last turn's, carried forward), as the engine plays them
    dashboard.forecast(expected, setup.forecast_runs)
    dashboard.screenshot(f"jupyterlab-00_start_here-after-turn-{len(TURNS)}")
    screenshot(page, "jupyterlab-00_start_here-window")
    dashboard.assert_charts_drawn()
    # at 1366x768, beside Lab's file browser: nothing sticks out or is cut off, whichever
    # orders tab is open (the autonomy table lost its last column), and every chart title and
    # caption is whole (the production chart's was cut at the plot's edge)
    assert_every_tab_fits(dashboard)
    assert_chart_titles_fit(page, charts_in_dashboard() + tuple(f"forecast_{metric}" for metric, *_ in FAN_METRICS))
    assert_no_cell_errors(page)
    console.assert_clean()
