"""A scenario shows itself in a notebook cell: a compact, escaped HTML summary."""

from __future__ import annotations

import re
import subprocess
import sys
from html import unescape

import pytest

from wargame.scenario import load_scenario, shipped_scenarios
from wargame.format import money, percent
from wargame.format import number as quantity
from wargame.scenario.display import days_and_turns, scenario_html

from .helpers import edit, tutorial_text

SHIPPED = shipped_scenarios()


@pytest.fixture(scope="module")
def tutorial_html() -> str:
    return load_scenario("tutorial")._repr_html_()


def visible_text(html: str) -> str:
    """The text a reader sees: tags dropped (cells and lines apart), entities decoded."""
    spaced = re.sub(r"<(br|/td|/th|/li|/p|/h\d)\b[^>]*>", " ", html)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", "", spaced)))


@pytest.mark.parametrize(
    "amount, shown",
    [
        (4_000_000, "$4M"),
        (3_900_000, "$3.9M"),
        (60_000_000, "$60M"),
        (3_500, "$3,500"),
        (2.5e9, "$2.5bn"),
        (0, "$0"),
        (12.5, "$12.50"),
    ],
)
def test_money_is_short_and_readable(amount, shown):
    assert money(amount) == shown


def test_other_numbers_are_short_and_readable():
    assert (percent(0.68), percent(0.9), percent(0.002)) == ("68%", "90%", "0.2%")
    assert (quantity(500), quantity(3_000_000), quantity(2.5)) == ("500", "3,000,000", "2.5")
    assert days_and_turns(720, 30) == "720 days (24 turns)"
    assert days_and_turns(30, 30) == "30 days (1 turn)"


def test_the_summary_opens_with_the_title_length_and_objectives(tutorial_html):
    scenario = load_scenario("tutorial")
    text = visible_text(tutorial_html)
    assert tutorial_html.startswith('<div class="wargame-scenario"')
    assert "<h3" in tutorial_html and "Tutorial: a hundred drones a month</h3>" in tutorial_html
    assert "4 turns of 30 days" in text
    assert "A small state faces a monthly raid" in text
    for objective in scenario.learning_objectives:
        assert f"<li>{objective}</li>" in tutorial_html


def test_the_summary_shows_the_budget(tutorial_html):
    assert "$2M at the start, then $600,000 every turn" in visible_text(tutorial_html)


def test_the_catalogue_table_has_a_row_per_item_with_cost_source_pk_stock_capacity_and_lead_time(
    tutorial_html,
):
    catalogue = tutorial_html.split("Catalogue</h4>")[1].split("</table>")[0]
    headers = re.findall(r"<th [^>]*>(.*?)</th>", catalogue)
    assert headers == [
        "Item",
        "Role",
        "Unit cost",
        "pk vs One-way attack drone (Shahed class)",
        "Stock",
        "Fire limit",
        "Capacity per turn",
        "Capacity lead time",
    ]
    rows = [visible_text(row) for row in re.findall(r"<tr>(.*?)</tr>", catalogue.split("<tbody>")[1])]
    assert len(rows) == 2
    # the id (what the YAML file uses) is there for an instructor on hover, not in a student's text
    assert 'title="id: sam_missile"' in catalogue and "sam_missile" not in " ".join(rows)
    missile, drone = rows
    for fragment in [
        "High-end interceptor missile",
        "interceptor missile",
        "$4M",
        "($3.9M–$5M)",
        "Patriot PAC-3 MSE",
        "90%",
        " 60 ",
        " 2 ",
        "720 days (24 turns)",
        "no fire limit",  # the tutorial sets none
    ]:
        assert fragment in missile
    for fragment in [
        "Interceptor drone",
        "$3,500",
        "($2,500–$5,000)",
        "68% contested",
        " 500 ",
        " 300 ",
        "60 days (2 turns)",
    ]:
        assert fragment in drone


def test_the_threats_show_cost_with_source_and_range_and_mark_contested_figures(tutorial_html):
    threats = visible_text(tutorial_html.split("Threats (The adversary)</h4>")[1].split("</table>")[0])
    assert "One-way attack drone (Shahed class)" in threats
    assert "$35,000 ($20,000–$70,000) contested" in threats
    assert "CSIS May 2025" in threats
    assert "Energy grid 40%" in threats


def test_only_contested_figures_are_marked(tutorial_html):
    # the tutorial shows two contested figures: the interceptor drone's pk and the drone's cost
    assert visible_text(tutorial_html).count("contested") == 2


def test_the_summary_shows_the_legal_regime_and_the_opening_doctrine(tutorial_html):
    text = visible_text(tutorial_html)
    assert "Meaningful human control: The coalition requires a human decision" in text
    assert "Prohibited: Full autonomy." in text
    assert "Default autonomy level: Remote piloting." in text
    assert "One-way attack drone (Shahed class): 1 × High-end interceptor missile" in text
    assert "Turn 3: An ally sends eight missiles" in text


def test_every_text_from_the_file_is_escaped(write):
    text = edit(tutorial_text(), "    name: Interceptor drone\n", '    name: "<b>Interceptor</b> & co"\n')
    text = edit(text, 'version: "1.0"\n', 'version: "1.0 <i>draft</i>"\n')
    text = edit(
        text,
        "  - See how a stock of missiles turns into a number of turns of runway.\n",
        "  - \"<script>alert('x')</script>\"\n",
    )
    html = scenario_html(load_scenario(write("escaped.yaml", text)))
    assert "<script>" not in html and "<b>Interceptor" not in html and "<i>draft" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    assert "&lt;b&gt;Interceptor&lt;/b&gt; &amp; co" in html


@pytest.mark.parametrize("name", SHIPPED, ids=SHIPPED)
def test_every_shipped_scenario_shows_itself(name):
    scenario = load_scenario(name)
    html = scenario._repr_html_()
    text = visible_text(html)
    assert scenario.title in text
    for item in scenario.catalogue.values():
        assert item.name in text
    for threat in scenario.adversary.threats.values():
        assert threat.name in text
    assert html.count("<table") == 2


def test_showing_a_scenario_imports_no_widget_or_plotting_library():
    code = (
        "import sys, wargame\n"
        "wargame.load_scenario('tutorial')._repr_html_()\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('ipywidgets', 'bokeh', 'IPython')))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_fire_limits_are_in_plain_sight_in_the_catalogue():
    import wargame
    from wargame.scenario.display import scenario_html

    html = scenario_html(wargame.load_scenario("gulf_depletion"))
    catalogue = html.split("Catalogue</h4>")[1].split("</table>")[0]
    assert "at most 300 engagements a month" in catalogue  # electronic warfare
    assert "at most 150 engagements a month" in catalogue  # guns
