"""The state of a batch of games: a frozen dataclass of numpy arrays with a leading batch axis.

One interactive game is a batch of one; a forecast or a class tournament is a batch of
thousands. Nothing here changes in place: every rule returns a new state with ``replace``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from .tables import Tables


@dataclass(frozen=True, eq=False)
class State:
    turn: int  # the turn about to be played, 1-based; the game is over when turn > turns
    money: np.ndarray  # [B] money available to spend now, USD
    income: np.ndarray  # [B] per-turn income from now on, USD
    stock: np.ndarray  # [B, I] units on hand
    capacity: np.ndarray  # [B, I] domestic production, units per turn
    joint_capacity: np.ndarray  # [B, I] production on joint lines, units per turn
    incoming_stock: np.ndarray  # [B, S] units on their way, laid out by ``tables.stock_pipe``
    incoming_capacity: np.ndarray  # [B, S] laid out by ``tables.capacity_pipe``
    incoming_joint: np.ndarray  # [B, S] laid out by ``tables.joint_pipe``
    incoming_operators: np.ndarray  # [B, P] operators finishing training 1..P turns from now
    operators: np.ndarray  # [B] trained strike-drone operators
    import_available: np.ndarray  # [B, I] units the import market offers per turn
    launch_capacity: np.ndarray  # [B, T] adversary launches per turn before suppression
    suppression: np.ndarray  # [B, G] fraction of adversary capacity left by each target set (1 = intact)
    jamming: np.ndarray  # [B] jamming intensity 0..1
    countermeasure: np.ndarray  # [B, I] strength of an adversary countermeasure against an item, 0..1
    patch_progress: np.ndarray  # [B, I] share of the patch done, 0..1
    prohibited: np.ndarray  # [B, A] autonomy levels the legal regime forbids
    incident_cost: np.ndarray  # [B] cost of one misidentification incident, USD
    event_turn: np.ndarray  # [B, E] the turn each scripted event fires: its date, or later if it slipped
    kill_chain_factor: np.ndarray  # [B] what capabilities that have arrived multiply every kill chain by

    @property
    def batch(self) -> int:
        return self.money.shape[0]

    def replace(self, **changes) -> "State":
        return dataclasses.replace(self, **changes)

    def take(self, games) -> "State":
        """The state of some games of the batch (an index array or slice)."""
        return self.replace(
            **{
                field.name: getattr(self, field.name)[games]
                for field in dataclasses.fields(self)
                if field.name != "turn"
            }
        )

    def arrays(self) -> dict[str, np.ndarray]:
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self) if f.name != "turn"}


def initial_state(tables: Tables, batch: int) -> State:
    """Every game of the batch at the start of the scenario, before the first turn."""
    s = tables.scenario

    def per_game(values, dtype=float) -> np.ndarray:
        row = np.asarray(values, dtype=dtype)
        return np.broadcast_to(row, (batch, *row.shape)).copy()

    catalogue = [s.catalogue[i] for i in tables.items]
    n_items = len(tables.items)
    return State(
        turn=1,
        money=per_game(float(s.budget.initial_usd.value) + tables.income_schedule[1]),
        income=per_game(tables.income_schedule[1]),
        stock=per_game([item.stock_units for item in catalogue]),
        capacity=per_game([item.capacity_units_per_turn for item in catalogue]),
        joint_capacity=np.zeros((batch, n_items)),
        incoming_stock=tables.stock_pipe.empty(batch),
        incoming_capacity=tables.capacity_pipe.empty(batch),
        incoming_joint=tables.joint_pipe.empty(batch),
        incoming_operators=np.zeros((batch, tables.operator_slots + 1)),
        operators=per_game(s.training.initial_operators),
        import_available=per_game(
            [item.imports.available_units_per_turn if item.imports else 0.0 for item in catalogue]
        ),
        launch_capacity=per_game([float(s.adversary.threats[t].launches_per_turn.value) for t in tables.threats]),
        suppression=np.ones((batch, len(tables.target_sets))),
        jamming=per_game(s.adversary.jamming_intensity),
        countermeasure=np.zeros((batch, n_items)),
        patch_progress=np.zeros((batch, n_items)),
        prohibited=per_game([level in s.autonomy.legal_regime.prohibited_levels for level in tables.levels], bool),
        incident_cost=per_game(float(s.autonomy.legal_regime.incident_cost_usd.value)),
        event_turn=per_game(tables.event_turn, int).reshape(batch, len(tables.event_turn)),
        kill_chain_factor=np.ones(batch),
    )
