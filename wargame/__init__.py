"""A teaching wargame about the economics of drone-era air defence.

The public API: ``load_scenario`` reads a scenario file.
"""

from .scenario import Scenario, ScenarioError, load_scenario

__all__ = ["Scenario", "ScenarioError", "load_scenario"]
