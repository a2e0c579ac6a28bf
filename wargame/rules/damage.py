"""Step 4, damage: real leakers hit the defender's target categories; decoys do no damage.

Each threat class spreads its real leakers over the categories by its target shares (a
multinomial split, drawn as a chain of binomials). A hit costs the category's value times
the threat's damage factor; industry hits cut domestic production capacity, so the air war
feeds the capacity gap.
"""

from __future__ import annotations

import numpy as np

from ..state import State
from ..tables import Tables
from .air_defence import Defence
from .record import Record
from .sums import dot, product, total


def split_by_shares(total, shares: np.ndarray, draws) -> np.ndarray:
    """[B, C] a multinomial split of ``total`` [B] by ``shares`` [C], as a chain of binomials."""
    parts = np.zeros((total.shape[0], shares.shape[0]))
    left, share_left = total.copy(), 1.0
    for c, share in enumerate(shares):
        if c == len(shares) - 1:
            parts[:, c] = left  # the last category takes what is left: no draw needed
            break
        p = min(1.0, share / share_left) if share_left > 1e-12 else 0.0
        parts[:, c] = draws.binomial(left, np.full_like(left, p))
        left = left - parts[:, c]
        share_left -= share
    return parts


def value_of_a_real_hit(tables: Tables) -> np.ndarray:
    """[T] expected damage of one real leaker of each threat class."""
    return tables.damage_factor * dot(tables.target_shares, tables.target_value)


def damage(state: State, defence: Defence, tables: Tables, draws, record: Record) -> State:
    """Leakers' hits by category, their cost, harm to people, and lost production capacity."""
    hits = np.zeros((state.batch, len(tables.targets)))
    weighted_hits = np.zeros_like(hits)
    for t in range(len(tables.threats)):
        threat_hits = split_by_shares(defence.leaked_real[:, t], tables.target_shares[t], draws)
        hits += threat_hits
        weighted_hits += threat_hits * tables.damage_factor[t]
    damage_usd = dot(weighted_hits, tables.target_value)
    harm = dot(weighted_hits, tables.target_harm)
    capacity_left = product((1.0 - tables.target_capacity_loss) ** weighted_hits)
    record.metric("damage_usd", damage_usd)
    record.metric("civilian_harm_people", harm)
    record.metric_by("hits_units", tables.targets, hits)
    record.metric("value_protected_usd", dot(defence.downed_real, value_of_a_real_hit(tables)))
    record.metric("capacity_lost_pct", 100.0 * (1.0 - capacity_left))
    record.event(
        "damage",
        "damage_usd",
        damage_usd,
        hits=hits,
        leaked_real=total(defence.leaked_real),
        capacity_left=capacity_left,
    )
    return state.replace(
        capacity=state.capacity * capacity_left[:, None],
        joint_capacity=state.joint_capacity * capacity_left[:, None],
    )
