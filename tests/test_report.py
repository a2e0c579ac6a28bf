"""The after-action report: one offline HTML file, with the outcome against par, every turn,
the charts and their figures in words; it shows in a notebook and never crashes on a game
that has not started.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import bokeh
import pytest
from bokeh.resources import INLINE

import wargame
from wargame import Game, Layer
from wargame.batch import decide
from wargame.lessons.metrics import outcome
from wargame.orders import orders_from_arrays
from wargame.report import AfterActionReport, after_action_report

NETWORK = re.compile(r"^\s*(https?:)?//", re.IGNORECASE)
CSS_URL = re.compile(r"url\(\s*['\"]?\s*(https?:)?//", re.IGNORECASE)
JS_IMPORT = re.compile(r"""\bimport\s*(\(\s*|[^;'"]*?\bfrom\s*)?['"`]\s*(https?:)?//""", re.IGNORECASE)


class _Scan(HTMLParser):
    """Every way an HTML page can pull something from the network, outside bokeh's own code."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.scripts: list[str] = []
        self._in: str | None = None

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            value = value or ""
            if name in ("src", "href", "data", "poster", "action", "srcset", "background") and NETWORK.search(value):
                self.problems.append(f"<{tag} {name}={value!r}>")
            if name == "style" and CSS_URL.search(value):
                self.problems.append(f"<{tag} style=...url(...)>")
        if tag == "script" and any(name == "src" for name, _ in attrs):
            self.problems.append("a <script src=...>: scripts must be inline")
        if tag == "link" and any(name == "href" for name, _ in attrs):
            self.problems.append("a <link href=...>: styles must be inline")
        self._in = tag if tag in ("script", "style") else None

    def handle_endtag(self, tag):
        self._in = None

    def handle_data(self, data):
        if self._in == "style" and CSS_URL.search(data):
            self.problems.append("url(http...) in a <style>")
        if self._in == "script":
            self.scripts.append(data)
            if JS_IMPORT.search(data):
                self.problems.append("an import from the network in a <script>")
            if CSS_URL.search(data):
                self.problems.append("url(http...) in a <script>")


def network_references(page: str) -> list[str]:
    scan = _Scan()
    scan.feed(page)
    scan.close()
    return scan.problems


@pytest.mark.parametrize(
    "snippet",
    [
        '<script src="https://cdn.bokeh.org/bokeh.js"></script>',
        "<script src='//cdn.example.org/x.js'></script>",
        '<link rel="stylesheet" href="https://fonts.example.org/a.css">',
        "<img src='http://example.org/a.png'>",
        "<style>body { background: url('https://example.org/a.png') }</style>",
        "<div style='background:url(http://example.org/a.png)'></div>",
        '<script>import("https://example.org/mod.js")</script>',
        '<script>import x from "https://example.org/mod.js";</script>',
    ],
)
def test_the_network_scan_catches_what_it_should(snippet):
    assert network_references(snippet), snippet


def test_the_network_scan_passes_an_offline_page():
    assert network_references("<html><body><p>https://example.org as text</p><script>var a = 1;</script></body></html>") == []


# --- a played game --------------------------------------------------------------------------


def layered(game: Game) -> wargame.Orders:
    orders = game.orders()
    orders.doctrine = {"attack_drone": [Layer("interceptor_drone", 2), Layer("sam_missile", 1)]}
    orders.production = {"interceptor_drone": 100}
    return orders


@pytest.fixture(scope="module")
def game() -> Game:
    """The tutorial in expected mode: turn 1 missiles only, then a layered doctrine."""
    game = Game("tutorial", seed=1, mode="expected")
    game.play_turn()
    for _ in range(3):
        game.play_turn(layered(game))
    return game


@pytest.fixture(scope="module")
def report(game) -> AfterActionReport:
    return game.after_action_report()


@pytest.fixture(scope="module")
def aar_html(report) -> str:
    return report.html


@pytest.fixture(scope="module")
def saved(report, tmp_path_factory):
    folder = tmp_path_factory.mktemp("aar")
    return folder, report.save(folder / "aar.html")


def test_save_writes_one_standalone_html_file(saved, aar_html):
    folder, path = saved
    assert path == folder / "aar.html"
    assert [p.name for p in folder.iterdir()] == ["aar.html"]
    text = path.read_text(encoding="utf-8")
    assert text == aar_html
    assert text.lstrip().lower().startswith("<!doctype html>") and text.rstrip().endswith("</html>")


def test_the_page_loads_nothing_from_the_network(aar_html):
    assert network_references(aar_html) == []


def test_the_page_carries_bokehjs_inline(aar_html):
    scan = _Scan()
    scan.feed(aar_html)
    bokeh_core = INLINE.js_raw[0]
    assert bokeh_core[:2000] in aar_html and bokeh_core[-2000:] in aar_html
    assert any(bokeh.__version__ in script for script in scan.scripts)
    for chart in ("cost_exchange_figure", "production_figure", "spending_figure", "stock_sam_missile_figure"):
        assert f'"name":"{chart}"' in aar_html, chart


def test_the_page_names_the_scenario_seed_and_mode(aar_html, game):
    assert html.escape(game.scenario.title) in aar_html
    assert re.search(r"<dt>Seed</dt><dd>1</dd>", aar_html)
    assert "expected" in aar_html and "4 of 4" in aar_html


@pytest.fixture(scope="module")
def good_game() -> Game:
    """Three shots of interceptor drones first and 250 built a turn: both par values met."""
    game = Game("tutorial", seed=1, mode="expected")
    for _ in range(4):
        orders = game.orders()
        orders.doctrine = {"attack_drone": [Layer("interceptor_drone", 3), Layer("sam_missile", 1)]}
        orders.production = {"interceptor_drone": 250}
        game.play_turn(orders)
    return game


@pytest.mark.parametrize("which", ["game", "good_game"])
def test_the_outcome_table_compares_every_figure_with_par_in_words(which, request):
    played = request.getfixturevalue(which)
    page = played.after_action_report().html if which != "game" else request.getfixturevalue("aar_html")
    rows = dict(re.findall(r"<tr><th scope='row'>(.*?)</th>(.*?)</tr>", page))
    figures = outcome(played.history, played.scenario)
    assert any(f.par is not None for f in figures)
    for figure in figures:
        row = rows[html.escape(figure.label)]
        if figure.par is None:
            assert "No par set" in row and "\u2013" in row
        elif figure.met_par:
            assert "Met par" in row and "\u2714" in row and "Not met" not in row
        else:
            assert "Not met" in row and "\u2718" in row and "Met par" not in row


def test_the_two_games_cover_both_verdicts(game, good_game):
    """The table test above sees a par met and a par missed (else it would prove little)."""
    verdicts = {f.met_par for g in (game, good_game) for f in outcome(g.history, g.scenario)}
    assert {True, False, None} <= verdicts


def test_every_turn_has_its_decisions_consequences_and_lessons(aar_html, game):
    for report in game.reports:
        row = re.search(rf"<tr id='turn-{report.turn}'>(.*?)</tr>", aar_html, re.S)
        assert row, f"turn {report.turn} missing from the timeline"
        text = row.group(1)
        assert f"Turn {report.turn}" in text
        assert "Doctrine" in text
        for lesson in report.lessons:
            assert html.escape(lesson.headline) in text
    turn_two = re.search(r"<tr id='turn-2'>(.*?)</tr>", aar_html, re.S).group(1)
    assert "Interceptor drone \u00d72 shots, then High-end interceptor missile" in turn_two
    assert "changed" in turn_two
    three = re.search(r"<tr id='turn-3'>(.*?)</tr>", aar_html, re.S).group(1)
    assert html.escape("An ally sends eight missiles from its own stock.") in three


def test_every_chart_has_its_key_figure_in_words(aar_html, report):
    for name in ("cost_exchange", "stock", "capacity", "production", "incidents", "spending"):
        sentence = report._summaries()[name]
        assert f"<p class='summary'>{html.escape(sentence)}</p>" in aar_html, name
    assert "cumulative" in report._summaries()["cost_exchange"]


def test_sources_come_from_the_scenario(aar_html, game):
    threat = game.scenario.adversary.threats["attack_drone"]
    assert html.escape(threat.unit_cost_usd.source) in aar_html
    assert html.escape(game.scenario.catalogue["sam_missile"].unit_cost_usd.source) in aar_html


def test_a_benchmark_is_shown_with_its_source():
    game = Game("baltic_shield", seed=2)
    for _ in range(2):
        game.play_turn(orders_from_arrays(decide(wargame.BUILT_IN_POLICIES["balanced"], game.state, game.tables), game.tables))
    page = game.after_action_report().html
    benchmark = game.scenario.demand_benchmark
    assert html.escape(benchmark.label) in page
    assert html.escape(benchmark.units_per_year.source) in page
    assert network_references(page) == []
    assert "in progress" in page and "2 of 24" in page


def test_the_notebook_display_embeds_the_page_in_a_frame(report, aar_html):
    shown = report._repr_html_()
    frame = re.match(r'<iframe id="([\w-]+)" [^>]*sandbox="allow-scripts" [^>]*srcdoc="([^"]*)"></iframe><script>', shown, re.S)
    assert frame, shown[:300]
    assert html.unescape(frame.group(2)) == aar_html
    # the page around the frame resizes it on a message from this frame only
    listener = shown[frame.end() - len("<script>"):]
    assert f'getElementById("{frame.group(1)}")' in listener and "event.source !== frame.contentWindow" in listener
    assert "allow-same-origin" not in shown
    assert "wargameReportHeight" in aar_html
    again = report._repr_html_()
    assert re.sub(r"wargame-aar-\w+", "", again) == re.sub(r"wargame-aar-\w+", "", shown)  # shows again


def test_each_render_builds_fresh_figures(report):
    """A bokeh model belongs to one document: every render builds its own figures."""
    first, second = report._figures(), report._figures()
    assert first.keys() == second.keys()
    assert all(first[name] is not second[name] for name in first)
    assert report._render() and report.html  # rendering again after a render works


def test_the_report_is_a_snapshot(tmp_path):
    game = Game("tutorial", seed=1, mode="expected")
    game.play_turn()
    early = game.after_action_report()
    game.play_turn()
    assert early.turns_played == 1
    assert "<tr id='turn-2'>" not in early.html
    assert "1 of 4" in early.html


def test_a_game_with_no_turns_gets_a_clear_message(tmp_path):
    game = Game("tutorial", seed=1)
    report = game.after_action_report()
    for text in (report.html, report._repr_html_(), str(report)):
        assert "No turn has been played yet" in text
    path = report.save(tmp_path / "empty.html")
    assert "No turn has been played yet" in path.read_text(encoding="utf-8")
    assert network_references(report.html) == []


def test_the_text_version_lists_the_outcome(report, game):
    text = str(report)
    for figure in outcome(game.history, game.scenario):
        assert figure.label in text
    assert "not met" in text or "met par" in text


def _played(name: str, policy: str, seed: int = 1):
    from wargame.batch import decide
    from wargame.orders import orders_from_arrays

    game = wargame.Game(name, seed=seed)
    while not game.is_over:
        game.play_turn(orders_from_arrays(decide(wargame.BUILT_IN_POLICIES[policy], game.state, game.tables), game.tables))
    return game


def test_a_missiles_only_defence_that_ran_dry_reads_as_a_defeat():
    import html as html_module

    text = html_module.unescape(_played("gulf_depletion", "missiles_only").after_action_report().html)
    assert "This is a defeat: most of what the raids aimed at was destroyed" in text
    assert "Not met: full account; infrastructure preserved; civilians harmed." in text
    assert "on the full account (interceptors alone:" in text


def test_a_sound_defence_reads_as_one():
    import html as html_module

    text = html_module.unescape(_played("gulf_depletion", "reference").after_action_report().html)
    assert "defeat" not in text
    assert "You met par on all 4 figures this scenario sets a par for: a sound defence at a bearable cost." in text
