"""The sweep: every word a student reads, from every shipped scenario played with every built-in
policy, checked for debug-like text ("inf", "1 incidents", "22.0 downed", raw ids...).

What is read: each turn's lessons (headline, detail, context, their HTML), the turn report
(text and HTML), the explanation of the main figures, the scenario's summary, the after-action
report (its text, tags stripped) and the dashboard's labels. Games are short where a scenario
is long: a few turns in both modes show every lesson kind (checked below).

The checker is a list of small pure functions, each ``(text, ids) -> list of findings``; it is
itself tested on planted mistakes.
"""

from __future__ import annotations

import html
import re

import pytest

import wargame
from wargame.batch import decide
from wargame.lessons.explain import EXPLAINERS
from wargame.orders import orders_from_arrays
from wargame.scenario import LESSON_KINDS, load_scenario, shipped_scenarios

# --- the checker ---------------------------------------------------------------------------

NOUNS = (
    "turn", "unit", "incident", "sortie", "hit", "operator", "day", "minute", "second", "hour", "shot",
    "layer", "threat", "drone", "missile", "decoy", "problem", "lesson", "game", "future", "type",
    "countermeasure", "year", "item", "target", "person", "people",
)
_SINGULAR = "|".join(n for n in NOUNS if n != "people")
_NUMBER = r"(?<![\w.,])\d+(?:,\d{3})*(?:\.\d+)?"


def _finds(pattern: str, flags: int = 0):
    compiled = re.compile(pattern, flags)
    return lambda text: [m.group(0) for m in compiled.finditer(text)]


_inf_or_nan = _finds(r"(?<![\w-])-?(?:inf|infinity|nan)(?![\w-])", re.IGNORECASE)
_never_at_this_rate = _finds(r"never at this rate|in never\b", re.IGNORECASE)
_one_with_a_plural = _finds(rf"(?<![\w.,])1 (?:(?:{_SINGULAR})s|people|sorties|casualties)\b")
_many_with_a_singular = _finds(rf"{_NUMBER} (?:{_SINGULAR}|person)(?![\w-])")
_float_for_a_whole = _finds(r"(?<![\w.])\d[\d,]*\.0+(?![\d.])")
_trailing_zero = _finds(r"(?<![\w.])\d[\d,]*\.\d*[1-9]0+(?![\d.])")
_e_notation = _finds(r"\d(?:\.\d+)?e[-+]?\d+\b")
_python_none = _finds(r"\bNone\b")


def _many_singular_not_one(text: str) -> list[str]:
    """``2 turn``, ``0.5 incident``: a number other than exactly 1 before a singular noun."""
    return [found for found in _many_with_a_singular(text) if found.split(" ")[0] != "1"]


def _raw_ids(text: str, ids) -> list[str]:
    """The scenario's ids with an underscore (``sam_missile``) where a name belongs."""
    return [i for i in ids if re.search(rf"(?<![\w-]){re.escape(i)}(?![\w-])", text)]


CHECKS = [
    ("inf or nan", lambda text, ids: _inf_or_nan(text)),
    ("never at this rate", lambda text, ids: _never_at_this_rate(text)),
    ("1 with a plural noun", lambda text, ids: _one_with_a_plural(text)),
    ("a plural number with a singular noun", lambda text, ids: _many_singular_not_one(text)),
    ("a float for a whole number", lambda text, ids: _float_for_a_whole(text)),
    ("a trailing zero", lambda text, ids: _trailing_zero(text)),
    ("e-notation", lambda text, ids: _e_notation(text)),
    ("Python's None", lambda text, ids: _python_none(text)),
    ("a raw id", _raw_ids),
]


def wording_problems(text: str, ids=(), quoted=()) -> list[str]:
    """Every finding of every check in one text, as ``what: found``.

    ``quoted`` are the scenario author's own words (sources, descriptions, narrative): the kit
    shows them as written, so they are left out of the check.
    """
    for words in sorted(quoted, key=len, reverse=True):
        text = text.replace(words, " ")
    text = re.sub(r"\bversion \S+", "version", text)  # a scenario's version string is the author's
    return [f"{name}: {found!r}" for name, check in CHECKS for found in check(text, ids)]


# --- the checker is tested ------------------------------------------------------------------


@pytest.mark.parametrize(
    "planted, kind",
    [
        ("There were 1 incidents this turn.", "1 with a plural noun"),
        ("The stock lasts 1 turns.", "1 with a plural noun"),
        ("runway interceptor drone turns: inf turns", "inf or nan"),
        ("ratio nan : 1", "inf or nan"),
        ("it runs out in never at this rate", "never at this rate"),
        ("You said 2 turn and it was 3.", "a plural number with a singular noun"),
        ("22.0 downed, 804.0 got through", "a float for a whole number"),
        ("one costs $35.0k", "a float for a whole number"),
        ("478.50 people", "a trailing zero"),
        ("5e-05 per sortie", "e-notation"),
        ("review window None", "Python's None"),
        ("Fired the sam_missile layer", "a raw id"),
    ],
)
def test_the_sweep_catches_each_planted_mistake(planted, kind):
    found = wording_problems(f"Turn 3: {planted} More text.", ids=("sam_missile",))
    assert any(f.startswith(kind + ":") for f in found), found


def test_the_sweep_passes_text_written_by_wargame_format():
    text = (
        "1 incident, 2 incidents, 0.4 incidents, 1 turn, 2.5 turns, not running down, empty now, $35,000, "
        "$41.7M, 69 : 1, 0.2%, 479 people, 1 minute, 20 seconds, turn 1 of 4, layer 2 fires, High-end missile, "
        "version 1.0"
    )
    assert wording_problems(text, ids=("sam_missile",)) == []


# --- what students read ---------------------------------------------------------------------


def visible_text(page: str) -> str:
    """The words of an HTML page or fragment: no scripts, no styles, no tags, entities decoded."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.DOTALL | re.IGNORECASE)
    page = re.sub(r"<[^>]+>", " ", page)
    return re.sub(r"\s+", " ", html.unescape(page))


def scenario_ids(scenario) -> tuple[str, ...]:
    """Ids a student should never read: those with an underscore, of every named thing."""
    named = [
        scenario.catalogue, scenario.adversary.threats, scenario.targets, scenario.adversary.target_sets,
        scenario.autonomy.levels, scenario.development_cycles,
    ]
    return tuple(sorted({key for group in named for key in group if "_" in key}))


SCENARIOS = sorted(shipped_scenarios())
POLICIES = sorted(wargame.BUILT_IN_POLICIES)
MODES = ("expected", "stochastic")
TURNS = 5  # enough for every lesson kind in both modes (checked below); a long scenario is cut short
MAIN_FIGURES = sorted({*EXPLAINERS, "cost_exchange_ratio"})


def turn_texts(report) -> list[tuple[str, str]]:
    """(where, text) for one turn: its report, its lessons, its explained figures."""
    texts = [("turn report", repr(report)), ("turn report HTML", visible_text(report._repr_html_()))]
    for lesson in report.lessons:
        where = f"turn {report.turn} {lesson.kind} lesson"
        texts += [(where, lesson.headline), (where, lesson.detail), (where, lesson.context or "")]
        texts += [(where + " text", str(lesson)), (where + " HTML", visible_text(lesson._repr_html_()))]
    texts += [(f"turn {report.turn} explain {m}", report.explain(m)) for m in MAIN_FIGURES]
    return texts


def play(name: str, policy: str, mode: str):
    game = wargame.Game(name, seed=3, mode=mode)
    for _ in range(min(TURNS, game.scenario.turns)):
        game.play_turn(orders_from_arrays(decide(wargame.BUILT_IN_POLICIES[policy], game.state, game.tables), game.tables))
    return game


@pytest.fixture(scope="module")
def games():
    return {(name, policy, mode): play(name, policy, mode) for name in SCENARIOS for policy in POLICIES for mode in MODES}


def authors_words(scenario) -> tuple[str, ...]:
    """Every piece of text the scenario's author wrote, as written (ids and short names aside)."""
    found = []

    def walk(node):
        if isinstance(node, dict):
            for value in node.values():
                walk(value)
        elif isinstance(node, (list, tuple)):
            for value in node:
                walk(value)
        elif isinstance(node, str) and " " in node.strip():
            found.append(node.strip())

    walk(scenario.model_dump())
    return tuple(found)


def findings(texts, scenario) -> list[str]:
    ids, quoted = scenario_ids(scenario), authors_words(scenario)
    return [
        f"{where}: {problem}\n    in: {text[:300]}" for where, text in texts for problem in wording_problems(text, ids, quoted)
    ]


@pytest.mark.parametrize("name", SCENARIOS)
@pytest.mark.parametrize("policy", POLICIES)
@pytest.mark.parametrize("mode", MODES)
def test_every_turn_reads_as_written_for_a_student(games, name, policy, mode):
    game = games[name, policy, mode]
    texts = [item for report in game.reports for item in turn_texts(report)]
    assert findings(texts, game.scenario) == []


def test_the_games_show_every_lesson_kind(games):
    shown = {lesson.kind for game in games.values() for report in game.reports for lesson in report.lessons}
    assert shown == set(LESSON_KINDS)


@pytest.mark.parametrize("name", SCENARIOS)
@pytest.mark.parametrize("policy", POLICIES)
def test_the_after_action_report_reads_as_written_for_a_student(games, name, policy):
    game = games[name, policy, "expected"]
    report = game.after_action_report()
    texts = [("report text", str(report)), ("report page", visible_text(report.html))]
    assert findings(texts, game.scenario) == []


@pytest.mark.parametrize("name", SCENARIOS)
def test_the_scenario_summary_reads_as_written_for_a_student(name):
    scenario = load_scenario(name)
    assert findings([("scenario summary", visible_text(scenario._repr_html_()))], scenario) == []


def widget_texts(widget) -> list[tuple[str, str]]:
    """Every label, value and tooltip a dashboard shows, walking its widget tree."""
    import ipywidgets as widgets

    found, stack = [], [widget]
    while stack:
        w = stack.pop()
        kind = type(w).__name__
        for attribute in ("description", "tooltip", "placeholder"):
            text = getattr(w, attribute, None)
            if isinstance(text, str) and text:
                found.append((f"{kind}.{attribute}", text))
        if isinstance(w, (widgets.HTML, widgets.Label)):
            found.append((f"{kind}.value", visible_text(w.value)))
        if isinstance(w, widgets.Tab):
            found += [("Tab title", t) for t in w.titles if t]
        options = getattr(w, "options", None)
        if options:
            found += [(f"{kind} option", o[0] if isinstance(o, tuple) else str(o)) for o in options]
        stack += list(getattr(w, "children", ()))
    return found


@pytest.mark.parametrize("name", SCENARIOS)
def test_the_dashboard_reads_as_written_for_a_student(name):
    from wargame.ui import play as dashboard_for

    dashboard = dashboard_for(name, seed=3, mode="expected", forecast_runs=20)
    texts = widget_texts(dashboard)
    for _ in range(2):
        dashboard._end_turn()
        texts += widget_texts(dashboard)
    assert dashboard.game.reports, dashboard.status.text
    assert findings(texts, dashboard.game.scenario) == []
