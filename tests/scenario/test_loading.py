"""Loading scenarios: every shipped one validates, and a loaded scenario is read-only."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

import wargame
from wargame.scenario import Scenario, load_scenario, shipped_scenarios
from wargame.scenario.json_schema import MODELINE
from wargame.scenario.loading import SCENARIO_DIR, is_scenario_name, resolve_scenario_path

from .helpers import TUTORIAL, problems_of, tutorial_text

SHIPPED = shipped_scenarios()


def test_the_tutorial_is_shipped():
    assert "tutorial" in SHIPPED


@pytest.mark.parametrize("name", SHIPPED, ids=SHIPPED)
def test_a_shipped_scenario_loads_and_validates(name):
    scenario = wargame.load_scenario(name)

    assert isinstance(scenario, Scenario)
    assert scenario.name == name
    assert scenario.path == str(SCENARIO_DIR / f"{name}.yaml")
    assert len(scenario.content_hash) == 16
    assert repr(scenario).startswith(f"<Scenario {name!r}: {scenario.title}, {scenario.turns} turns")


@pytest.mark.parametrize("name", SHIPPED, ids=SHIPPED)
def test_a_shipped_scenario_points_editors_to_the_json_schema(name):
    first_line = (SCENARIO_DIR / f"{name}.yaml").read_text(encoding="utf-8").splitlines()[0]
    assert first_line == MODELINE


@pytest.mark.parametrize("name", SHIPPED, ids=SHIPPED)
def test_a_shipped_scenario_gives_sources_for_its_threat_costs(name):
    """Every threat's cost is a figure from public sources: it carries its source."""
    scenario = load_scenario(name)
    unsourced = [tid for tid, threat in scenario.adversary.threats.items() if not threat.unit_cost_usd.source]
    assert unsourced == []


def test_loading_by_name_and_by_path_gives_the_same_scenario():
    by_name, by_path = load_scenario("tutorial"), load_scenario(TUTORIAL)
    assert by_name == by_path
    assert by_name.content_hash == by_path.content_hash


def test_the_content_hash_changes_with_the_content(write):
    edited = write("tutorial.yaml", tutorial_text().replace("    stock_units: 60\n", "    stock_units: 61\n"))
    assert load_scenario(edited).content_hash != load_scenario("tutorial").content_hash


def test_a_loaded_scenario_cannot_be_changed():
    scenario = load_scenario("tutorial")
    with pytest.raises(ValidationError):
        scenario.turns = 10
    with pytest.raises(ValidationError):
        scenario.catalogue["sam_missile"].stock_units = 0
    with pytest.raises(TypeError, match="read-only"):
        scenario.catalogue["new"] = scenario.catalogue["sam_missile"]
    with pytest.raises(TypeError, match="read-only"):
        scenario.catalogue.pop("sam_missile")
    with pytest.raises(AttributeError):
        scenario.learning_objectives.append("more")  # a tuple


def test_a_loaded_scenario_keeps_sourced_figures_with_their_sources():
    cost = load_scenario("tutorial").adversary.threats["attack_drone"].unit_cost_usd
    assert (cost.value, cost.range, cost.contested) == (35_000, (20_000, 70_000), True)
    assert "CSIS" in cost.source
    assert float(cost) == 35_000.0


def test_a_plain_number_is_read_as_a_figure_without_a_source():
    per_turn = load_scenario("tutorial").budget.per_turn_usd
    assert (per_turn.value, per_turn.source, per_turn.range, per_turn.contested) == (
        600_000,
        None,
        None,
        False,
    )


@pytest.mark.parametrize(
    "text, is_name",
    [
        ("tutorial", True),
        ("gulf_depletion", True),
        ("tutorial.yaml", False),
        ("dir/tutorial", False),
        ("./x", False),
        ("", False),
    ],
)
def test_what_counts_as_a_scenario_name(text, is_name):
    assert is_scenario_name(text) is is_name


def test_a_file_in_the_working_folder_wins_over_a_shipped_name(tmp_path, monkeypatch):
    (tmp_path / "tutorial").write_text("title: x\n")
    monkeypatch.chdir(tmp_path)
    assert resolve_scenario_path("tutorial").resolve() == (tmp_path / "tutorial").resolve()


def test_a_shipped_name_resolves_to_its_file():
    assert resolve_scenario_path("tutorial") == SCENARIO_DIR / "tutorial.yaml"


def test_a_scenario_error_shows_itself_in_a_notebook_without_a_traceback(write):
    path = write("bad.yaml", tutorial_text().replace("turns: 4\n", "turns: -1\n"))
    (problem,) = problems_of(path)
    with pytest.raises(wargame.ScenarioError) as caught:
        load_scenario(path)
    assert caught.value._render_traceback_() == ["1 problem in the scenario:", str(problem)]


def test_validate_names_grants_left_unscaled_when_a_variant_scales_the_budget(tmp_path, capsys):
    from wargame.__main__ import main

    path = tmp_path / "poor_gulf.yaml"
    path.write_text("extends: gulf_depletion\nbudget:\n  initial_usd: 100_000_000\n  per_turn_usd: 20_000_000\n", encoding="utf-8")
    assert main(["validate", str(path)]) == 0  # a warning, not an error
    out = capsys.readouterr().out
    assert f"{path}: warning: events[2].grant_usd is still $250M although the budget was scaled by 0.5: write $125M" in out
    scaled = tmp_path / "poorer_gulf.yaml"
    text = path.read_text(encoding="utf-8")
    events = wargame.load_scenario("gulf_depletion").model_dump(mode="json")["events"]
    events[2]["grant_usd"]["value"] = 125_000_000
    import yaml

    scaled.write_text(text + yaml.safe_dump({"events": events}), encoding="utf-8")
    assert main(["validate", str(scaled)]) == 0
    assert "warning" not in capsys.readouterr().out
