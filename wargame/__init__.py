"""A teaching wargame about the economics of drone-era air defence.

The public API:

- ``load_scenario(name_or_path)``: a validated, read-only scenario.
- ``Game(scenario, seed=..., mode="stochastic" | "expected")``: one game, turn by turn.
- ``Orders`` and ``Layer``: a turn's decisions.
- ``simulate(scenario, policy, runs=..., seed=..., mode=...)``: many games at once.
"""

from .batch import SimulationResult, simulate
from .game import Game, GameOver, PlayerView, SaveFileError, TurnReport
from .orders import Layer, Orders, OrdersError
from .policies import BUILT_IN as BUILT_IN_POLICIES
from .scenario import Scenario, ScenarioError, load_scenario

__all__ = [
    "BUILT_IN_POLICIES",
    "Game",
    "GameOver",
    "Layer",
    "Orders",
    "OrdersError",
    "PlayerView",
    "SaveFileError",
    "Scenario",
    "ScenarioError",
    "SimulationResult",
    "TurnReport",
    "load_scenario",
    "simulate",
]
