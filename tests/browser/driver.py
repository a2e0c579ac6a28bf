"""Playing the dashboard in a browser page as a student would, and checking it against the engine.

``Turn`` is one turn's orders as a student gives them (amounts typed into boxes, a level
picked, layers chosen); ``Dashboard`` finds the dashboard in a JupyterLab or Voilà page by its
"End turn" button and works its controls by their labels; ``Expected`` plays the same orders
in a ``wargame.Game`` of the same scenario, seed and mode, so each figure the page shows can
be compared with the engine's history. ``Console`` collects what the browser reports as errors.
"""

from __future__ import annotations

import ast
import inspect
import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import Locator, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

import wargame
from wargame import Layer, charts
from wargame.batch import forecast
from wargame.format import money, ratio
from wargame.ui import play
from wargame.ui.plots import FAN_COLUMNS, FAN_METRICS, fan_data

from .servers import REPO

ARTIFACTS = REPO / "test-artifacts" / "browser"

# Bounded waits, in milliseconds.
KERNEL_TIMEOUT = 60_000  # a kernel started and idle
RENDER_TIMEOUT = 120_000  # a notebook run top to bottom and its dashboard drawn
TURN_TIMEOUT = 30_000  # one turn played and the page updated
ACTION_TIMEOUT = 15_000  # one widget change round-tripped through the kernel


# --- what the notebook plays ----------------------------------------------------------------


@dataclass(frozen=True)
class NotebookGame:
    scenario: str
    seed: int
    mode: str
    forecast_runs: int
    code_lines: tuple[str, ...]  # lines of code that a page showing no code must not show


def notebook_game(path: Path) -> NotebookGame:
    """The game the notebook's last ``play(...)`` call opens, read from its source (literal
    arguments; omitted ones take ``play``'s defaults)."""
    notebook = json.loads(path.read_text(encoding="utf-8"))
    defaults = {name: p.default for name, p in inspect.signature(play).parameters.items()}
    calls = []
    code_lines, markdown = [], ""
    for cell in notebook["cells"]:
        source = "".join(cell["source"])
        if cell["cell_type"] == "markdown":
            markdown += source
        if cell["cell_type"] != "code":
            continue
        code_lines += [line.strip() for line in source.splitlines()]
        python = "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines())
        for node in ast.walk(ast.parse(python)):
            if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", None)) == "play":
                calls.append(node)
    assert calls, f"{path.name} has no play(...) call: the dashboard these tests play is missing"
    call = calls[-1]
    names = list(defaults)
    arguments = {names[k]: ast.literal_eval(a) for k, a in enumerate(call.args)}
    arguments.update({k.arg: ast.literal_eval(k.value) for k in call.keywords})
    values = {**defaults, **arguments}
    # lines that only code shows: not a bare string literal (a widget may show its text), not
    # also in the notebook's text
    code_only = [
        line
        for line in code_lines
        if len(line) >= 12 and line not in markdown and not re.match(r"""^[+\s]*[rbfu]{0,2}["']""", line, re.I)
    ]
    return NotebookGame(
        values["scenario_or_game"], int(values["seed"]), values["mode"], int(values["forecast_runs"]), tuple(code_only)
    )


# --- one turn's orders ----------------------------------------------------------------------


@dataclass
class Turn:
    """A student's changes to the orders on screen (which start as last turn's orders)."""

    production: dict[str, int] = field(default_factory=dict)  # item -> units to build
    autonomy: str | None = None  # level id
    doctrine: dict[str, list[tuple[str, int]]] = field(default_factory=dict)  # threat -> [(item, shots)]
    strikes: dict[str, dict[str, int]] = field(default_factory=dict)  # strike item -> {target set: sorties}

    def orders(self, game: wargame.Game) -> wargame.Orders:
        """The same changes made to the game's carried-forward orders, as the engine sees them."""
        orders = game.orders()
        for item, amount in self.production.items():
            if amount:
                orders.production[item] = float(amount)
            else:
                orders.production.pop(item, None)
        if self.autonomy:
            orders.autonomy = self.autonomy
        for threat, layers in self.doctrine.items():
            orders.doctrine[threat] = [Layer(item, shots) for item, shots in layers]
        for item, plan in self.strikes.items():
            orders.strikes[item] = {target: float(n) for target, n in plan.items() if n}
        return orders


class Expected:
    """The engine's game for the same scenario, seed, mode and orders."""

    def __init__(self, setup: NotebookGame):
        self.game = wargame.Game(setup.scenario, seed=setup.seed, mode=setup.mode)
        self.scenario = self.game.scenario

    def prepare(self, turn: Turn) -> wargame.Orders:
        orders = turn.orders(self.game)
        problems = self.game.check(orders)
        assert not problems, f"the test's own orders for turn {self.game.view().turn} are not playable: {problems}"
        return orders

    def cost_line(self, orders: wargame.Orders) -> str:
        """The cost meter's words for these orders (what the dashboard shows before End turn)."""
        total = sum(self.game.costs(orders).values())
        return f"Orders cost {money(total)} of {money(self.game.view().money_usd)} available"

    def play(self, orders: wargame.Orders):
        return self.game.play_turn(orders)

    @property
    def history(self):
        return self.game.history

    def figures(self, turn: int) -> dict[str, str]:
        """Cost-exchange figures of a turn, as the lessons write them, from the engine's history."""
        h = self.history.loc[:turn]
        row = h.loc[turn]
        spend, raid = h["interceptor_spend_usd"].sum(), h["raid_cost_usd"].sum()
        return {
            "interceptor spend": money(row["interceptor_spend_usd"]),
            "raid cost": money(row["raid_cost_usd"]),
            "ratio": ratio(row["cost_exchange_ratio"]),
            "cumulative ratio": ratio(spend / raid if raid else 0.0),
        }


# --- the dashboard in a page ----------------------------------------------------------------


# A button's accessible name starts with its Font Awesome icon's glyph where that font loaded.
END_TURN = re.compile(r"^\W*End turn$")
FORECAST = re.compile(r"^\W*Forecast$")


class Dashboard:
    """The dashboard of a JupyterLab or Voilà page: the output holding the "End turn" button."""

    def __init__(self, page: Page, scenario: wargame.Scenario):
        self.page = page
        self.scenario = scenario
        self.root = page.locator(".jp-OutputArea-output").filter(has=page.get_by_role("button", name=END_TURN))
        html = self.root.locator(".widget-html-content")
        self.header = html.filter(has_text=re.compile(r"Money available:|The game is over"))
        self.meter = html.filter(has_text="Orders cost")
        self.problems = html.filter(has_text=re.compile(r"These orders can be played|Change these before ending the turn"))
        self.lessons = html.filter(has_text=re.compile(r"^\s*(What turn \d+ taught|Lessons appear here after each turn)"))
        self.end_turn = self.root.get_by_role("button", name=END_TURN)

    def wait_until_shown(self, timeout: float = RENDER_TIMEOUT) -> None:
        expect(self.end_turn).to_be_visible(timeout=timeout)
        expect(self.root).to_have_count(1)
        expect(self.header).to_contain_text(f"of {self.scenario.turns}", timeout=ACTION_TIMEOUT)

    def tab(self, title: str) -> None:
        tab = self.root.get_by_role("tab", name=title, exact=True)
        tab.click()
        expect(tab).to_have_attribute("aria-selected", "true")

    def type_into(self, label: str, value: int, scope: Locator | None = None) -> None:
        box = (scope or self.root).get_by_label(label, exact=True)
        expect(box).to_be_enabled(timeout=ACTION_TIMEOUT)
        box.fill(str(value))
        box.press("Enter")
        expect(box).to_have_value(str(value))

    def give(self, turn: Turn) -> None:
        """Work the controls as a student would: tab by tab, by the labels on screen."""
        catalogue = self.scenario.catalogue
        if turn.production:
            self.tab("Build and buy")
            for item, amount in turn.production.items():
                self.type_into(f"Build {catalogue[item].name}", amount)
        if turn.doctrine:
            self.tab("Doctrine")
            for threat, layers in turn.doctrine.items():
                self._layers(threat, layers)
        if turn.strikes:
            self.tab("Strike plan")
            sets = self.scenario.adversary.target_sets
            for item, plan in turn.strikes.items():
                for target, sorties in plan.items():
                    self.type_into(f"{catalogue[item].name} at {sets[target].name}", sorties)
        if turn.autonomy:
            self.tab("Autonomy")
            radio = self.root.get_by_role("radio", name=self.scenario.autonomy.levels[turn.autonomy].name, exact=True)
            radio.check()
            expect(radio).to_be_checked()

    def _layers(self, threat: str, layers: list[tuple[str, int]]) -> None:
        threat_name = self.scenario.adversary.threats[threat].name
        slots = sum(1 for spec in self.scenario.catalogue.values() if threat in spec.pk)
        for k in range(1, slots + 1):
            select = self.root.get_by_label(f"Against {threat_name}, layer {k}", exact=True)
            options = select.locator("option").evaluate_all("options => options.map(o => o.value)")
            if k <= len(layers):
                item, shots = layers[k - 1]
                name = self.scenario.catalogue[item].name
                choice = next((o for o in options if o.startswith(f"{name} (")), None)
                assert choice is not None, f"layer {k} against {threat_name} offers no {name}: {options}"
            else:
                choice = next(o for o in options if o.startswith("(no layer"))
            select.select_option(value=choice)
            expect(select).to_have_value(choice)
            if k <= len(layers):
                # the shots box sits beside its layer's choice; the kernel enables it for a chosen type
                row = select.locator("xpath=ancestor::div[contains(concat(' ', @class, ' '), ' widget-hbox ')][1]")
                self.type_into(f"Shots per target (layer {k})", shots, scope=row)

    def end(self, turn_number: int) -> None:
        """Press End turn and wait for the page to show the next turn."""
        expect(self.problems).to_contain_text("These orders can be played", timeout=ACTION_TIMEOUT)
        expect(self.end_turn).to_be_enabled(timeout=ACTION_TIMEOUT)
        self.end_turn.click()
        expect(self.root.get_by_text(f"Turn {turn_number} played:")).to_be_visible(timeout=TURN_TIMEOUT)
        if turn_number < self.scenario.turns:
            expect(self.header).to_contain_text(f"Turn {turn_number + 1} of {self.scenario.turns}", timeout=TURN_TIMEOUT)
        expect(self.lessons).to_contain_text(f"What turn {turn_number} taught", timeout=TURN_TIMEOUT)

    def play_turn(self, turn_number: int, turn: Turn, expected: Expected) -> None:
        """One turn in the page and in the engine, then every check of that turn."""
        expect(self.header).to_contain_text(f"Turn {turn_number} of {self.scenario.turns}")
        orders = expected.prepare(turn)
        self.give(turn)
        # the cost meter shows the kernel has every typed amount, priced as the engine prices it
        expect(self.meter).to_contain_text(expected.cost_line(orders), timeout=ACTION_TIMEOUT)
        self.end(turn_number)
        report = expected.play(orders)
        self.check_lessons(turn_number, report, expected)
        self.check_plots(turn_number, expected)
        self.assert_no_error_message()

    def forecast(self, expected: Expected, runs: int) -> None:
        """Press Forecast; the fan charts show the engine's forecast of the orders on screen."""
        button = self.root.get_by_role("button", name=FORECAST)
        expect(button).to_be_enabled(timeout=ACTION_TIMEOUT)
        button.click()
        expect(self.root.get_by_text(f"Forecast ready: {runs} futures")).to_be_visible(timeout=TURN_TIMEOUT)
        engine = forecast(expected.game, expected.game.orders(), runs=runs)
        for metric, *_ in FAN_METRICS:
            data = fan_data(engine, metric)
            shown = wait_for_plot_data(self.page, "forecast_median", data["turn"], figure=f"forecast_{metric}_figure")
            for column in FAN_COLUMNS[1:]:
                assert_close(shown[column], data[column], f"forecast of {metric}, {column}")

    def assert_no_error_message(self) -> None:
        """No error said by the dashboard's status or file lines (spans with role alert; the
        problems panel's list of orders to change is a div, and part of the game)."""
        expect(self.root.locator("span[role=alert]")).to_have_count(0)

    def check_lessons(self, turn_number: int, report, expected: Expected) -> None:
        lesson = self.lessons.locator(".wargame-lesson.wargame-cost_exchange")
        expect(lesson).to_have_count(1)
        text = " ".join(lesson.text_content().split())
        for name, figure in expected.figures(turn_number).items():
            assert figure in text, f"turn {turn_number}: the {name} {figure} (engine history) is not in the lesson: {text!r}"
        for engine_lesson in report.lessons:
            shown = self.lessons.locator(f".wargame-lesson.wargame-{engine_lesson.kind}")
            expect(shown).to_contain_text(" ".join(engine_lesson.headline.split()))

    def check_plots(self, turn_number: int, expected: Expected) -> None:
        """The cost-exchange chart's data source in the page's bokeh documents has this turn."""
        turns = list(range(1, turn_number + 1))
        data = wait_for_plot_data(self.page, cost_exchange_renderer(), turns)
        history = expected.history
        for column in ("interceptor_spend_usd", "raid_cost_usd", "cost_exchange_ratio"):
            assert_close(data[column], list(history[column]), f"cost exchange chart, {column}")
        spend, raid = history["interceptor_spend_usd"].cumsum(), history["raid_cost_usd"].cumsum()
        assert_close(data["cumulative_cost_exchange_ratio"], list(spend / raid), "cost exchange chart, cumulative ratio")
        item = next(iter(self.scenario.catalogue))
        stock = wait_for_plot_data(self.page, renderer_name("stock", item), [0] + turns)
        assert_close(stock[f"stock_{item}_units"][1:], list(history[f"stock_{item}_units"]), f"stock chart, {item}")

    def assert_charts_drawn(self) -> None:
        """Each of the dashboard's charts has a canvas drawn at a real size, and a plot area
        (inside the axes) of at least ``MIN_PLOT_WIDTH`` x ``MIN_PLOT_HEIGHT`` pixels."""
        self.root.evaluate("e => e.setAttribute('data-test-dashboard', '')")
        wait_for_drawn_canvases(self.page, "[data-test-dashboard]", len(charts_in_dashboard()))
        areas = plot_areas(self.page)
        cramped = {}
        for chart in charts_in_dashboard():
            name = f"{chart}_figure"
            assert name in areas, f"no {name} in the page's bokeh documents: {sorted(areas)}"
            width, height = areas[name]
            if width < MIN_PLOT_WIDTH or height < MIN_PLOT_HEIGHT:
                cramped[name] = (width, height)
        assert not cramped, (
            f"charts with too little room to read (plot area width, height in px; at least "
            f"{MIN_PLOT_WIDTH} x {MIN_PLOT_HEIGHT} wanted): {cramped}"
        )

    def assert_result_in_view(self, turn_number: int) -> None:
        """After End turn, without scrolling: the turn's result line and the headline of every
        lesson lie inside the viewport (issue 12, point 1), each lesson folded to its headline."""
        viewport = self.page.viewport_size
        boxes = {"result": self.root.locator("span[role=status]").filter(has_text=f"Turn {turn_number} played:")}
        summaries = self.lessons.locator("details.wargame-lesson > summary")
        expect(boxes["result"]).to_contain_text("Full account")
        assert summaries.count() > 0, "no lesson headline after End turn"
        for k in range(summaries.count()):
            boxes[f"lesson {k + 1}: {summaries.nth(k).inner_text()[:60]}"] = summaries.nth(k)
        outside = {}
        for what, locator in boxes.items():
            box = locator.bounding_box()
            assert box is not None, f"{what}: not shown"
            if box["y"] < 0 or box["y"] + box["height"] > viewport["height"] or box["x"] + box["width"] > viewport["width"] + 1:
                outside[what] = {k: round(v) for k, v in box.items()}
        assert not outside, f"after End turn, outside the {viewport['width']}x{viewport['height']} viewport: {outside}"

    def assert_orders_fit(self) -> dict[str, float]:
        """Each tab of the orders panel fits in a laptop's window (issue 12, point 2): its
        height, tab bar included, by tab title, in pixels."""
        tabs = self.root.locator(".jupyter-widget-tab").first
        titles = [t.strip() for t in tabs.get_by_role("tab").all_inner_texts()]
        heights = {}
        for title in titles:
            self.tab(title)
            box = tabs.bounding_box()
            assert box is not None, f"the orders panel is not shown ({title})"
            heights[title] = round(box["height"])
            tabs.screenshot(path=ARTIFACTS / f"orders-tab-{re.sub(r'[^a-z]+', '-', title.lower())}.png")
            assert box["width"] <= LAPTOP["width"], f"{title}: the orders panel is {box['width']:.0f} px wide"
        print(f"orders panel height by tab (px): {heights}")
        too_tall = {title: h for title, h in heights.items() if h > LAPTOP["height"]}
        assert not too_tall, f"orders tabs taller than a {LAPTOP['height']} px laptop window: {too_tall}"
        self.tab(titles[0])
        return heights

    def screenshot(self, name: str) -> Path:
        return screenshot(self.page, name, self.root)


# --- bokeh documents in the page ------------------------------------------------------------

# The data of every live data source drawn by a renderer of that name (in the figure of that
# name, if one is given), in all of the page's bokeh documents.
READ_SOURCES = """([name, figure]) => {
  const found = [];
  for (const doc of (window.Bokeh ? window.Bokeh.documents : [])) {
    const models = [...doc.all_models];
    const within = figure === null ? null
      : new Set(models.filter(m => m.name === figure && m.renderers).flatMap(f => [...f.renderers]));
    for (const model of models) {
      if (model.name !== name || !model.data_source || (within && !within.has(model))) continue;
      const data = model.data_source.data;
      const entries = data instanceof Map ? [...data.entries()] : Object.entries(data);
      const columns = {};
      for (const [key, values] of entries) columns[key] = Array.from(values, v => (typeof v === 'number' && !isFinite(v)) ? String(v) : v);
      found.push(columns);
    }
  }
  return found;
}"""


def renderer_name(chart: str, item: str | None = None) -> str:
    """The first glyph renderer of a chart, by its name in ``charts.RENDERER_NAMES``."""
    name = charts.RENDERER_NAMES[chart][0]
    return name.replace("<item>", item) if item else name


# A class laptop's window: the dashboard's result and charts are measured in it (issue 12).
LAPTOP = {"width": 1366, "height": 768}

# The plot area (inside a chart's axes) a student needs to read a chart, in pixels: every
# chart of the dashboard must have it in Lab and in Voilà at 1366 px wide (issue 12, point 3).
MIN_PLOT_WIDTH = 250
MIN_PLOT_HEIGHT = 150


def charts_in_dashboard() -> tuple[str, ...]:
    """The charts the dashboard draws (``wargame.ui.plots.PlotPanel``)."""
    return ("cost_exchange", "stock", "production", "layers")


def cost_exchange_renderer() -> str:
    return renderer_name("cost_exchange")


def plot_sources(page: Page, renderer: str, figure: str | None = None) -> list[dict]:
    """The data of every live data source drawn by a renderer of that name, in all documents
    (only in the figure of that name, if given)."""
    return page.evaluate(READ_SOURCES, [renderer, figure])


def wait_for_plot_data(
    page: Page, renderer: str, turns: list[int], figure: str | None = None, timeout: float = TURN_TIMEOUT
) -> dict:
    """Wait until exactly one live source is drawn by ``renderer`` and it holds these turns."""
    try:
        page.wait_for_function(
            f"""([name, figure, turns]) => {{
                const found = ({READ_SOURCES})([name, figure]);
                return found.length === 1 && JSON.stringify(found[0].turn) === JSON.stringify(turns);
            }}""",
            arg=[renderer, figure, turns],
            timeout=timeout,
            polling=100,
        )
    except PlaywrightTimeoutError:
        pass  # the assertions below say what the page holds instead
    found = plot_sources(page, renderer, figure)
    assert len(found) == 1, f"{len(found)} live data sources drawn by {renderer!r} (expected one): {found}"
    assert found[0]["turn"] == turns, f"{renderer}: turns {found[0]['turn']} in the page, expected {turns}"
    return found[0]


def plot_areas(page: Page) -> dict[str, tuple[float, float]]:
    """Each live figure's plot area (inside its axes), in pixels, by figure name."""
    return {
        name: (width, height)
        for name, width, height in page.evaluate(
            """() => (window.Bokeh ? window.Bokeh.documents : []).flatMap(doc => [...doc.all_models])
                .filter(m => typeof m.name === 'string' && m.name.endsWith('_figure') && 'inner_width' in m)
                .map(m => [m.name, m.inner_width, m.inner_height])"""
        )
    }


def assert_close(shown, expected, what: str) -> None:
    shown = [float(v) for v in shown]
    expected = [float(v) for v in expected]
    assert len(shown) == len(expected) and all(
        math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9) for a, b in zip(shown, expected)
    ), f"{what}: the page plots {shown}, the engine has {expected}"


# --- canvases ------------------------------------------------------------------------------

# Every canvas under an element, through bokeh's (nested, open) shadow roots: its size on the
# page and how many colours a sample of its pixels holds (a blank canvas has one).
CANVASES = """root => {
  const canvases = [];
  const visit = node => {
    for (const element of node.querySelectorAll('*')) {
      if (element.tagName === 'CANVAS') canvases.push(element);
      if (element.shadowRoot) visit(element.shadowRoot);
    }
  };
  visit(root);
  return canvases.map(canvas => {
    const box = canvas.getBoundingClientRect();
    const colours = new Set();
    if (canvas.width > 0 && canvas.height > 0) {
      const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
      for (let i = 0; i < pixels.length && colours.size < 50; i += 4 * 97) colours.add(pixels.slice(i, i + 4).join());
    }
    return {width: box.width, height: box.height, colours: colours.size};
  });
}"""


def wait_for_drawn_canvases(page: Page, selector: str, count: int, timeout: float = TURN_TIMEOUT) -> list[dict]:
    """Wait until the element at ``selector`` holds ``count`` or more canvases drawn at a real
    size (over 100 x 100 px) with more than a background colour; return what was found."""
    check = f"""([selector, count]) => {{
        const root = document.querySelector(selector);
        if (!root) return false;
        const drawn = ({CANVASES})(root).filter(c => c.width > 100 && c.height > 100 && c.colours > 2);
        return drawn.length >= count;
    }}"""
    try:
        page.wait_for_function(check, arg=[selector, count], timeout=timeout, polling=200)
    except PlaywrightTimeoutError:
        pass
    found = page.evaluate(f"selector => {{ const root = document.querySelector(selector); return root ? ({CANVASES})(root) : null; }}", selector)
    assert found is not None, f"nothing on the page matches {selector}"
    drawn = [c for c in found if c["width"] > 100 and c["height"] > 100 and c["colours"] > 2]
    assert len(drawn) >= count, f"{len(drawn)} drawn canvases under {selector} (expected {count} or more): {found}"
    return drawn


# --- errors ---------------------------------------------------------------------------------

# --- offline ------------------------------------------------------------------------------

# Every URL that would leave the machine: anything but the loopback servers the tests start,
# and the browser's own local schemes (a report opened from disk, inline data, blobs).
LEAVES_THE_MACHINE = re.compile(
    r"^(?!(?:https?|wss?)://(?:127\.0\.0\.1|localhost|\[::1\])(?::\d+)?(?:[/?#]|$))(?!(?:file|data|blob|about):)",
    re.IGNORECASE,
)


class OfflineGuard:
    """Blocks every request of a browser context that would leave the machine, and records it.

    A class has no internet in many schools: whatever the kit's pages ask of the network, a
    test must notice. Requests (pages, scripts, styles, fonts, fetches) are aborted, web
    sockets closed; ``assert_offline`` fails with the URLs that were tried.
    """

    def __init__(self):
        self.blocked: list[str] = []

    def attach(self, context) -> None:
        context.route(LEAVES_THE_MACHINE, self._abort)
        context.route_web_socket(LEAVES_THE_MACHINE, self._close)

    def _abort(self, route) -> None:
        self.blocked.append(route.request.url)
        route.abort("blockedbyclient")

    def _close(self, socket) -> None:
        self.blocked.append(socket.url)
        socket.close()

    def assert_offline(self) -> None:
        assert not self.blocked, "the page tried to reach beyond this machine (blocked):\n" + "\n".join(self.blocked)


class Console:
    """Uncaught page errors and console messages of type error (less any failed request a test
    allows with ``allow_failed_request``)."""

    def __init__(self, page: Page):
        self.errors: list[str] = []
        self.ignored: list[str] = []
        self.allowed: list[tuple[re.Pattern, re.Pattern]] = []
        page.on("pageerror", lambda error: self.errors.append(f"uncaught: {error}"))
        page.on("console", self._message)

    def allow_failed_request(self, text: str, url: str) -> None:
        """From now on, accept a console error whose whole text and URL match these patterns."""
        self.allowed.append((re.compile(text), re.compile(url)))

    def _message(self, message) -> None:
        if message.type != "error":
            return
        url = (message.location or {}).get("url", "")
        if any(text.fullmatch(message.text) and where.fullmatch(url) for text, where in self.allowed):
            self.ignored.append(f"{message.text} {url}")
            return
        self.errors.append(f"console error: {message.text} (at {url or 'the page'})")

    def assert_clean(self) -> None:
        assert not self.errors, "the browser reported errors:\n" + "\n".join(self.errors)


def cell_tracebacks(page: Page) -> list[str]:
    """Error outputs of notebook cells (a traceback on stderr, or an error output)."""
    outputs = page.locator(
        '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"], '
        '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.error"]'
    )
    texts = outputs.all_text_contents()
    return [t for t in texts if re.search(r"Traceback|\b\w*(Error|Exception)\b", t)]


def assert_no_cell_errors(page: Page) -> None:
    errors = cell_tracebacks(page)
    assert not errors, "a cell shows an error:\n" + "\n---\n".join(e[-2000:] for e in errors)


# --- screenshots ----------------------------------------------------------------------------

MAX_SCREENSHOT_HEIGHT = 8_000


def screenshot(page: Page, name: str, element: Locator | None = None) -> Path:
    """Save a screenshot in test-artifacts/browser/: the element whole (the viewport is made
    tall enough for it for the moment), or the page."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    if element is None:
        page.screenshot(path=path, full_page=True)
        return path
    viewport = page.viewport_size
    height = element.evaluate("e => Math.ceil(e.getBoundingClientRect().height)")
    tall = min(max(viewport["height"], height + 400), MAX_SCREENSHOT_HEIGHT)
    page.set_viewport_size({"width": viewport["width"], "height": tall})
    try:
        page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
        element.screenshot(path=path)
    finally:
        page.set_viewport_size(viewport)
    return path
