"""Accessible, measured: axe-core finds no critical or serious violation in the kit's own
elements of the Voilà app (05_campaign) and of the saved after-action report, and a whole turn
of the app is played with the keyboard alone.

axe-core runs inside the page through ``axe-playwright-python``. The Voilà scan is scoped to the
notebook's rendered cells (the dashboard, the exercise, the text): Voilà's own spinner and page
frame are not the kit's to fix. Screenshots of what a 1366×768 laptop shows go to
test-artifacts/browser/.
"""

from __future__ import annotations

from playwright.sync_api import Page, expect

from .driver import (
    LAPTOP,
    ARTIFACTS,
    TURN_TIMEOUT,
    Dashboard,
    Expected,
    Turn,
    assert_no_cell_errors,
    notebook_game,
)
from .test_after_action_report import played_game
from .test_voila import NOTEBOOK, open_app

SERIOUS = ("critical", "serious")
MAX_SCAN_HEIGHT = 12_000  # px: the tallest page an axe scan sees whole
MAX_TABS = 120  # Tab presses to reach a control: more than the page has stops

# The Voilà test's first turn, given here with the keyboard only
KEYBOARD_TURN = Turn(production={"ew": 100}, autonomy="terminal_autonomy", strikes={"strike_drone": {"launch_sites": 10}})


# --- axe ------------------------------------------------------------------------------------


def serious_violations(page: Page, include: list[str]) -> list[str]:
    """axe-core's critical and serious violations within the elements matched by ``include``,
    one line per element: rule, impact, what is wrong, where."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, context={"include": [[selector] for selector in include]}, options={"resultTypes": ["violations"]})
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} at {node['target']}: {node['html'][:160]}"
        + "".join(f"\n    {check['message']}" for check in node.get("any", []) + node.get("all", []) + node.get("none", []))
        for violation in results.response["violations"]
        if violation["impact"] in SERIOUS
        for node in violation["nodes"]
    ]


def assert_accessible(page: Page, include: list[str], where: str) -> None:
    """No critical or serious violation. The scan runs with the page as tall as its content, so
    that axe can judge the colours of what a laptop screen would only show after scrolling."""
    viewport = page.viewport_size
    height = page.evaluate("() => document.documentElement.scrollHeight")
    page.set_viewport_size({"width": viewport["width"], "height": min(max(height, viewport["height"]), MAX_SCAN_HEIGHT)})
    try:
        found = serious_violations(page, include)
    finally:
        page.set_viewport_size(viewport)
    assert not found, f"axe-core: critical or serious violations in {where}:\n" + "\n".join(found)


def laptop_screenshot(page: Page, name: str) -> None:
    """What a 1366×768 screen shows, as it is."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"{name}-1366x768.png")


# --- the keyboard ---------------------------------------------------------------------------

# The focused element as a student's screen reader names it: its label, or its own text.
FOCUSED = """() => {
  const e = document.activeElement;
  if (!e) return {name: '', role: '', selected: null, checked: null};
  const label = e.labels && e.labels.length ? e.labels[0].textContent : (e.getAttribute('aria-label') || '');
  return {
    name: (label || e.textContent || '').trim(),
    role: e.getAttribute('role') || e.tagName.toLowerCase(),
    selected: e.getAttribute('aria-selected'),
    checked: e.checked === undefined ? null : e.checked,
  };
}"""


def focused(page: Page) -> dict:
    return page.evaluate(FOCUSED)


def tab_to(page: Page, name: str | None = None, role: str | None = None) -> dict:
    """Press Tab until the focused element has this name (and role); return what has focus."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        now = focused(page)
        if (name is None or now["name"] == name) and (role is None or now["role"] == role):
            return now
    raise AssertionError(f"{MAX_TABS} presses of Tab never reached {role or 'an element'} {name!r}")


def type_amount(page: Page, label: str, amount: int) -> None:
    tab_to(page, label)
    page.keyboard.press("Control+A")
    page.keyboard.type(str(amount))
    page.keyboard.press("Enter")


def open_tab(page: Page, title: str) -> None:
    """Reach the tab bar with Tab, walk it with the arrow keys, open a tab with Enter."""
    now = tab_to(page, role="tab")
    for _ in range(12):
        if now["name"] == title:
            break
        page.keyboard.press("ArrowRight")
        now = focused(page)
    assert now["name"] == title, f"the arrow keys never reached the {title!r} tab"
    page.keyboard.press("Enter")
    expect(page.get_by_role("tab", name=title, exact=True)).to_have_attribute("aria-selected", "true")


def choose_radio(page: Page, option: str) -> None:
    """Tab into a radio group, then arrow down (round the group) to the option."""
    tab_to(page, role="input")
    for _ in range(12):
        now = focused(page)
        if now["name"] == option and now["checked"]:
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"the arrow keys never checked {option!r}")


def give_by_keyboard(page: Page, dashboard: Dashboard, turn: Turn) -> None:
    """The same orders the Voilà test gives with clicks, with the keyboard alone."""
    scenario = dashboard.scenario
    catalogue, sets = scenario.catalogue, scenario.adversary.target_sets
    for item, amount in turn.production.items():
        type_amount(page, f"Build {catalogue[item].name}", amount)
    for item, plan in turn.strikes.items():
        open_tab(page, "Strike plan")
        for target, sorties in plan.items():
            type_amount(page, f"{catalogue[item].name} at {sets[target].name}", sorties)
    if turn.autonomy:
        open_tab(page, "Autonomy")
        choose_radio(page, scenario.autonomy.levels[turn.autonomy].name)


# --- the tests -------------------------------------------------------------------------------


def test_campaign_app_is_accessible_and_a_turn_is_played_by_keyboard_alone(voila_server, notebooks, page, console):
    page.set_viewport_size(LAPTOP)
    setup = notebook_game(notebooks / NOTEBOOK)
    expected = Expected(setup)
    dashboard = open_app(page, voila_server.url, expected.scenario)
    kit = ["#rendered_cells"]
    assert_accessible(page, kit, "the campaign app as it opens")
    # the buttons' icons, offline: Font Awesome comes from Voilà's own bundle, not a CDN
    icon_fonts = page.evaluate("""async () => (await document.fonts.load('900 16px "Font Awesome 5 Free"', '\\uf04b')).length""")
    assert icon_fonts > 0, "no Font Awesome face loaded: the buttons' icons are missing"

    page.locator("body").focus()
    orders = expected.prepare(KEYBOARD_TURN)
    give_by_keyboard(page, dashboard, KEYBOARD_TURN)
    expect(dashboard.meter).to_contain_text(expected.cost_line(orders))
    expect(dashboard.problems).to_contain_text("These orders can be played")
    tab_to(page, "End turn", role="button")
    page.keyboard.press("Enter")
    expect(dashboard.root.get_by_text("Turn 1 played:")).to_be_visible(timeout=TURN_TIMEOUT)
    expect(dashboard.lessons).to_contain_text("What turn 1 taught", timeout=TURN_TIMEOUT)

    report = expected.play(orders)
    dashboard.check_lessons(1, report, expected)
    dashboard.check_plots(1, expected)
    dashboard.assert_no_error_message()
    assert_no_cell_errors(page)
    laptop_screenshot(page, "voila-05_campaign-keyboard-turn-1")
    assert_accessible(page, kit, "the campaign app after a turn")
    console.assert_clean()


def test_saved_after_action_report_is_accessible(chromium, page, console, tmp_path):
    page.set_viewport_size(LAPTOP)
    path = played_game().after_action_report().save(tmp_path / "aar.html")
    page.goto(path.as_uri())
    page.wait_for_function("() => window.Bokeh && Bokeh.documents.length > 0 && Bokeh.documents[0].roots().length > 0")
    assert_accessible(page, ["body"], "the saved after-action report")
    laptop_screenshot(page, "after-action-report")
    console.assert_clean()
