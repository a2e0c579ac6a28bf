"""Shared fixtures: small hand-written scenario variants built with ``extends``."""

from __future__ import annotations

import itertools

import pytest
import yaml

import wargame

_counter = itertools.count()


# The round budget the hand arithmetic of the rule tests uses. The shipped tutorial's money is
# small on purpose (it binds a sound defence); a test of a rule should not be a test of that.
ROUND_BUDGET = {"initial_usd": 50_000_000, "per_turn_usd": 20_000_000}


@pytest.fixture
def variant(tmp_path):
    """Make a scenario that extends a shipped one with some fields overridden. A variant of the
    tutorial starts from ``ROUND_BUDGET`` ($50M, then $20M a turn) unless it sets its own."""

    def make(overrides: dict, base: str = "tutorial") -> wargame.Scenario:
        if base == "tutorial":
            overrides = {**overrides, "budget": {**ROUND_BUDGET, **overrides.get("budget", {})}}
        path = tmp_path / f"variant_{next(_counter)}.yaml"
        path.write_text(yaml.safe_dump({"extends": base, **overrides}, sort_keys=False), encoding="utf-8")
        return wargame.load_scenario(path)

    return make


@pytest.fixture
def tutorial(variant):
    """The tutorial with ``ROUND_BUDGET``: the scenario the rule tests' hand arithmetic is written for."""
    return variant({})


STRIKE_DRONE = {
    "name": "FPV strike drone",
    "role": "strike_drone",
    "unit_cost_usd": 500,
    "stock_units": 1000,
    "capacity_units_per_turn": 500,
    "capacity_cost_usd_per_unit": 1000,
    "capacity_lead_time_days": 30,
}

TARGET_SETS = {
    "production": {
        "name": "Drone factories",
        "value_usd_per_hit": 1_000_000,
        "capacity_loss_per_hit": 0.001,
        "recovery_per_turn": 0.5,
    },
    "launch_sites": {
        "name": "Launch sites",
        "value_usd_per_hit": 200_000,
        "capacity_loss_per_hit": 0.002,
        "recovery_per_turn": 0.5,
        "dwell_minutes": 30,
    },
}


@pytest.fixture
def strike_scenario(variant):
    """The tutorial with an FPV strike drone and two adversary target sets."""
    return variant(
        {
            "catalogue": {"fpv": STRIKE_DRONE},
            "adversary": {"target_sets": TARGET_SETS},
        }
    )
