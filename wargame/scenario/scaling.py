"""Money that stayed unscaled: a variant that scales the budget but keeps its parent's grants.

An instructor who halves the budget in an ``extends`` file usually means to halve every sum of
money the defender receives; a one-off grant in the inherited events list would stay as it was
and quietly undo the cut. ``unscaled_money`` names each such figure, for ``validate`` to print.
"""

from __future__ import annotations

import os

from .display import money
from .loading import load_scenario, read_yaml, resolve_scenario_path
from .schema import Scenario


def _factor(child: Scenario, parent: Scenario) -> float | None:
    """How much the variant scaled the budget (per-turn income, else the starting money)."""
    for field in ("per_turn_usd", "initial_usd"):
        before, after = getattr(parent.budget, field).value, getattr(child.budget, field).value
        if before > 0 and abs(after / before - 1) > 1e-9:
            return after / before
    return None


def unscaled_money(name_or_path: str | os.PathLike) -> list[str]:
    """Sentences naming the money figures an ``extends`` file left unscaled when it scaled the budget."""
    path = resolve_scenario_path(name_or_path)
    data, _ = read_yaml(path)
    if not isinstance(data, dict) or "extends" not in data or "budget" not in data:
        return []
    child, parent = load_scenario(path), load_scenario(resolve_scenario_path(data["extends"], beside=path.parent))
    factor = _factor(child, parent)
    if factor is None:
        return []
    found = []

    def unchanged(where: str, before: float, after: float) -> None:
        if before > 0 and after == before:
            found.append(
                f"{where} is still {money(before)} although the budget was scaled by {factor:.3g}: "
                f"write {money(before * factor)} to scale it too, or leave it on purpose."
            )

    for turn, amount in parent.budget.schedule_usd.items():
        if turn in child.budget.schedule_usd:
            unchanged(f"budget.schedule_usd[{turn}]", amount.value, child.budget.schedule_usd[turn].value)
    for k, (before, after) in enumerate(zip(parent.events, child.events)):
        if before.type == after.type == "funding" and before.turn == after.turn:
            unchanged(f"events[{k}].grant_usd", before.grant_usd.value, after.grant_usd.value)
            if before.per_turn_usd is not None and after.per_turn_usd is not None:
                unchanged(f"events[{k}].per_turn_usd", before.per_turn_usd.value, after.per_turn_usd.value)
    return found
