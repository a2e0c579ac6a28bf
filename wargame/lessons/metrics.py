"""Figures derived from a game's history: cumulative ratios, runways, the outcome against par.

These are the only places where history columns are combined into new figures; lessons, the
dashboard and the after-action report read them from here and never compute their own.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..scenario import Scenario


@dataclass(frozen=True)
class Figure:
    """An outcome figure: what it is, its value and unit, and the scenario's par if it has one."""

    name: str
    label: str
    value: float
    unit: str
    par: float | None = None
    better: str = "higher"  # "higher" or "lower": which side of par is good

    @property
    def met_par(self) -> bool | None:
        if self.par is None or not np.isfinite(self.value):
            return None
        return self.value >= self.par if self.better == "higher" else self.value <= self.par


def ratio(numerator: float, denominator: float) -> float:
    """numerator / denominator, or 0 when there is nothing to divide by."""
    return float(numerator) / float(denominator) if denominator else 0.0


def interceptor_items(scenario: Scenario) -> list[str]:
    return [item for item, spec in scenario.catalogue.items() if spec.pk]


def strike_items(scenario: Scenario) -> list[str]:
    return [item for item, spec in scenario.catalogue.items() if spec.role == "strike_drone"]


def used_per_turn(history: pd.DataFrame, item: str) -> pd.Series:
    """Units of an item used each turn: fired in air defence, or launched on strikes."""
    fired = history.get(f"expended_{item}_units", 0.0)
    launched = history.get(f"launched_{item}_units", 0.0)
    return fired + launched if isinstance(fired, pd.Series) or isinstance(launched, pd.Series) else pd.Series(
        0.0, index=history.index
    )


def runway_turns(stock: float, burn_per_turn: float, arriving_per_turn: float = 0.0) -> float:
    """Turns until a stock runs out at the current burn, net of what arrives; inf if it never does."""
    net = burn_per_turn - arriving_per_turn
    return float("inf") if net <= 0 else stock / net


def stockpile_table(history: pd.DataFrame, scenario: Scenario) -> pd.DataFrame:
    """Per interceptor type after the last turn: stock, % used since the start, runway in turns."""
    last = history.iloc[-1]
    rows = []
    for item in interceptor_items(scenario):
        start = float(scenario.catalogue[item].stock_units)
        delivered = float(history.get(f"delivered_{item}_units", pd.Series(0.0)).sum())
        used = float(used_per_turn(history, item).sum())
        burn = float(used_per_turn(history, item).iloc[-1])
        arriving = float(history.get(f"delivered_{item}_units", pd.Series(0.0)).iloc[-1])
        rows.append(
            {
                "item": item,
                "name": scenario.catalogue[item].name,
                "stock_units": float(last[f"stock_{item}_units"]),
                "used_units": used,
                "used_pct_of_start_and_delivered": 100.0 * ratio(used, start + delivered),
                "burn_units_per_turn": burn,
                "runway_turns": runway_turns(float(last[f"stock_{item}_units"]), burn, arriving),
            }
        )
    return pd.DataFrame(rows).set_index("item")


def cumulative_cost_exchange(history: pd.DataFrame) -> pd.Series:
    """Interceptor money spent over raid cost faced, cumulative to each turn."""
    spend = history["interceptor_spend_usd"].cumsum()
    faced = history["raid_cost_usd"].cumsum()
    return (spend / faced.where(faced > 0)).fillna(0.0)


def cumulative_strike_exchange(history: pd.DataFrame) -> pd.Series:
    """Value destroyed by own strikes over their cost, cumulative to each turn."""
    cost = history["strike_cost_usd"].cumsum()
    value = history["strike_value_destroyed_usd"].cumsum()
    return (value / cost.where(cost > 0)).fillna(0.0)


def infrastructure_preserved_pct(history: pd.DataFrame) -> float:
    """Share of the damage the raids could have done that was prevented (downed real threats)."""
    protected = float(history["value_protected_usd"].sum())
    damage = float(history["damage_usd"].sum())
    return 100.0 * ratio(protected, protected + damage) if protected + damage else 100.0


def spending_by_category(history: pd.DataFrame) -> dict[str, float]:
    categories = ("production", "capacity", "imports", "development", "training")
    spent = {c: float(history[f"spend_{c}_usd"].sum()) for c in categories}
    spent["incidents"] = float(history["incident_charges_usd"].sum())
    return spent


def outcome(history: pd.DataFrame, scenario: Scenario) -> list[Figure]:
    """The game's outcome figures, each against the scenario's par value where it sets one."""
    par = scenario.par
    return [
        Figure(
            "infrastructure_preserved_pct",
            "Infrastructure preserved",
            infrastructure_preserved_pct(history),
            "%",
            par.infrastructure_preserved_pct,
            "higher",
        ),
        Figure(
            "civilian_harm_people",
            "Civilians harmed",
            float(history["civilian_harm_people"].sum()),
            "people",
            par.civilian_harm_max,
            "lower",
        ),
        Figure(
            "cost_exchange_ratio",
            "Cost exchange: your interceptor spend per dollar of raid",
            float(cumulative_cost_exchange(history).iloc[-1]),
            "ratio",
            par.cost_exchange_ratio_max,
            "lower",
        ),
        Figure(
            "strike_exchange_ratio",
            "Strike exchange: value destroyed per dollar of your strikes",
            float(cumulative_strike_exchange(history).iloc[-1]),
            "ratio",
        ),
        Figure("damage_usd", "Damage suffered", float(history["damage_usd"].sum()), "USD", better="lower"),
        Figure("incidents_count", "Misidentification incidents", float(history["incidents_count"].sum()), "incidents", par.incidents_max, "lower"),
        Figure("money_end_usd", "Money left", float(history["money_end_usd"].iloc[-1]), "USD"),
    ]
