"""The JSON Schema editors use: generated from the pydantic models, committed, and current."""

from __future__ import annotations

import json

import pytest
import yaml

from wargame.scenario import Scenario, scenario_json_schema, shipped_scenarios
from wargame.scenario.json_schema import DIALECT, TITLE, scenario_json_schema_text
from wargame.scenario.loading import ASSETS, SCENARIO_DIR

COMMITTED = ASSETS / "scenario.schema.json"
REGENERATE = "run `python -m wargame schema --output assets/scenario.schema.json` and commit it"


def test_the_committed_schema_is_current():
    assert COMMITTED.read_text(encoding="utf-8") == scenario_json_schema_text(), REGENERATE


def test_the_schema_names_its_dialect_and_title_and_comes_from_the_models():
    schema = scenario_json_schema()
    assert (schema["$schema"], schema["title"]) == (DIALECT, TITLE)
    assert set(schema["properties"]) == set(Scenario.model_fields)
    assert set(schema["required"]) == {
        name for name, field in Scenario.model_fields.items() if field.is_required()
    }
    assert schema["additionalProperties"] is False


def test_the_schema_describes_mappings_as_the_loader_checks_them():
    schema = scenario_json_schema()
    catalogue = schema["properties"]["catalogue"]
    assert (catalogue["minProperties"], catalogue["additionalProperties"]) == (1, False)
    assert "minLength" not in json.dumps(catalogue)
    assert schema["properties"]["narrative"]["propertyNames"]["pattern"] == "^[1-9][0-9]*$"
    assert (
        schema["$defs"]["Budget"]["properties"]["schedule_usd"]["propertyNames"]["pattern"] == "^[1-9][0-9]*$"
    )


def test_a_sourced_figure_is_a_bounded_number_or_a_mapping():
    pk = scenario_json_schema()["$defs"]["Item"]["properties"]["pk"]["patternProperties"]["^[a-z][a-z0-9_]*$"]
    number, mapping = pk["anyOf"]
    assert number == {"type": "number", "minimum": 0.0, "maximum": 1.0}
    assert mapping == {"$ref": "#/$defs/Sourced"}


def _as_json(data):
    """YAML data as JSON sees it: mapping keys are text (turn numbers too)."""
    if isinstance(data, dict):
        return {str(key): _as_json(value) for key, value in data.items()}
    if isinstance(data, list):
        return [_as_json(value) for value in data]
    return data


@pytest.mark.parametrize("name", shipped_scenarios(), ids=shipped_scenarios())
def test_a_shipped_scenario_passes_the_json_schema(name):
    jsonschema = pytest.importorskip("jsonschema")
    data = _as_json(yaml.safe_load((SCENARIO_DIR / f"{name}.yaml").read_text(encoding="utf-8")))
    errors = [
        f"{e.json_path}: {e.message}"
        for e in jsonschema.Draft202012Validator(scenario_json_schema()).iter_errors(data)
    ]
    assert errors == []


def test_the_json_schema_catches_what_an_editor_should_flag():
    jsonschema = pytest.importorskip("jsonschema")
    data = _as_json(yaml.safe_load((SCENARIO_DIR / "tutorial.yaml").read_text(encoding="utf-8")))
    data["catalogue"]["Bad_Id"] = data["catalogue"]["sam_missile"]
    data["catalogue"]["sam_missile"]["pk"]["attack_drone"] = 1.5
    data["turn_lenght_days"] = 30
    data["narrative"]["last"] = "text"
    validator = jsonschema.Draft202012Validator(scenario_json_schema())
    flagged = sorted(e.json_path for e in validator.iter_errors(data))
    assert flagged == ["$", "$.catalogue", "$.catalogue.sam_missile.pk.attack_drone", "$.narrative"]
