"""Scenario files: the schema, loading with line numbers and ``extends``, and error messages."""

from .errors import Problem, ScenarioError
from .json_schema import scenario_json_schema
from .loading import load_scenario, shipped_scenarios
from .schema import AUTONOMY_LEVELS, LESSON_KINDS, ROLES, Scenario

__all__ = [
    "AUTONOMY_LEVELS",
    "LESSON_KINDS",
    "Problem",
    "ROLES",
    "Scenario",
    "ScenarioError",
    "load_scenario",
    "scenario_json_schema",
    "shipped_scenarios",
]
