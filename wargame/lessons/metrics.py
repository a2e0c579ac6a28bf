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
    """Turns until a stock runs out at the current burn, net of what arrives; inf if it never does.

    Players never read the inf: ``wargame.format.turns`` says "empty now" or "not running down".
    """
    net = burn_per_turn - arriving_per_turn
    if stock <= 0:
        return 0.0
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


def cumulative_full_exchange(history: pd.DataFrame) -> pd.Series:
    """The full account to each turn: interceptors fired plus damage, over the raids' cost."""
    cost = history["defender_cost_usd"].cumsum()
    faced = history["raid_cost_usd"].cumsum()
    return (cost / faced.where(faced > 0)).fillna(0.0)


# Per-turn columns summed over a game (or each run of a batch) to judge it: the one place the
# outcome figures are made from sums, for one game (``outcome``) and for batches alike.
OUTCOME_SUMS = (
    "defender_cost_usd",
    "interceptor_spend_usd",
    "raid_cost_usd",
    "damage_usd",
    "value_protected_usd",
    "civilian_harm_people",
    "incidents_count",
    "strike_cost_usd",
    "strike_value_destroyed_usd",
    "spend_total_usd",
    "incident_charges_usd",
)


def _divide(numerator, denominator, empty: float = 0.0):
    numerator, denominator = np.asarray(numerator, float), np.asarray(denominator, float)
    return np.divide(numerator, denominator, out=np.full(np.broadcast(numerator, denominator).shape, empty), where=denominator > 0)


def outcome_table(history: pd.DataFrame, by: str | None = "run") -> pd.DataFrame:
    """Outcome figures of each game in a history (one row per ``by`` value, or one for all).

    Columns: the full account (``defender_cost_usd`` and ``full_exchange_ratio``), the raw
    ``cost_exchange_ratio``, ``infrastructure_preserved_pct``, ``civilian_harm_people``,
    ``incidents_count``, ``strike_exchange_ratio``, ``damage_usd``, ``money_end_usd`` and
    ``unspent_pct`` (money left at the end, as a share of all the money received).
    """
    present = [name for name in OUTCOME_SUMS if name in history]
    if by is None:
        sums = history[present].sum().to_frame().T
        last = history[["money_end_usd"]].iloc[[-1]].reset_index(drop=True)
    else:
        grouped = history.groupby(by, sort=True)
        sums, last = grouped[present].sum(), grouped[["money_end_usd"]].last()
    sums = sums.reindex(columns=list(OUTCOME_SUMS), fill_value=0.0)
    table = pd.DataFrame(index=sums.index)
    table["full_exchange_ratio"] = _divide(sums["defender_cost_usd"], sums["raid_cost_usd"])
    table["cost_exchange_ratio"] = _divide(sums["interceptor_spend_usd"], sums["raid_cost_usd"])
    threatened = sums["value_protected_usd"] + sums["damage_usd"]
    table["infrastructure_preserved_pct"] = 100.0 * _divide(sums["value_protected_usd"], threatened, empty=1.0)
    table["civilian_harm_people"] = sums["civilian_harm_people"]
    table["incidents_count"] = sums["incidents_count"]
    table["strike_exchange_ratio"] = _divide(sums["strike_value_destroyed_usd"], sums["strike_cost_usd"])
    table["defender_cost_usd"] = sums["defender_cost_usd"]
    table["raid_cost_usd"] = sums["raid_cost_usd"]
    table["interceptor_spend_usd"] = sums["interceptor_spend_usd"]
    table["damage_usd"] = sums["damage_usd"]
    table["money_end_usd"] = last["money_end_usd"].to_numpy()
    received = table["money_end_usd"] + sums["spend_total_usd"] + sums["incident_charges_usd"]
    table["unspent_pct"] = 100.0 * _divide(table["money_end_usd"], received)
    return table


# Which figures each par value judges, and which side of par is good.
PAR_FIGURES = {
    "full_exchange_ratio_max": ("full_exchange_ratio", "lower"),
    "infrastructure_preserved_pct": ("infrastructure_preserved_pct", "higher"),
    "civilian_harm_max": ("civilian_harm_people", "lower"),
    "incidents_max": ("incidents_count", "lower"),
    "cost_exchange_ratio_max": ("cost_exchange_ratio", "lower"),
}


def par_met(table: pd.DataFrame, scenario: Scenario) -> pd.DataFrame:
    """For each row of an ``outcome_table``: whether each par the scenario sets was met.

    Adds ``pars_met``, ``pars_set`` and ``all_pars_met`` (True only when every par was met).
    """
    met = pd.DataFrame(index=table.index)
    for field, (figure, better) in PAR_FIGURES.items():
        value = getattr(scenario.par, field, None)
        if value is None:
            continue
        met[f"met_{field}"] = table[figure] <= value if better == "lower" else table[figure] >= value
    judged = [c for c in met.columns if c.startswith("met_")]
    met["pars_met"] = met[judged].sum(axis=1) if judged else 0
    met["pars_set"] = len(judged)
    met["all_pars_met"] = (met["pars_met"] == met["pars_set"]) & (met["pars_set"] > 0)
    return met


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
    """The game's outcome figures, each against the scenario's par value where it sets one.

    The full account comes first: it is what a game is judged and ranked on.
    """
    par = scenario.par
    row = outcome_table(history, by=None).iloc[0]
    return [
        Figure(
            "full_exchange_ratio",
            "Full account: what the raids cost you (interceptors fired plus damage) per dollar they cost the adversary",
            float(row["full_exchange_ratio"]),
            "ratio",
            par.full_exchange_ratio_max,
            "lower",
        ),
        Figure(
            "infrastructure_preserved_pct",
            "Infrastructure preserved",
            float(row["infrastructure_preserved_pct"]),
            "%",
            par.infrastructure_preserved_pct,
            "higher",
        ),
        Figure("civilian_harm_people", "Civilians harmed", float(row["civilian_harm_people"]), "people", par.civilian_harm_max, "lower"),
        Figure(
            "cost_exchange_ratio",
            "Raw cost exchange: interceptors fired per dollar of raid (not firing flatters it)",
            float(row["cost_exchange_ratio"]),
            "ratio",
            par.cost_exchange_ratio_max,
            "lower",
        ),
        Figure(
            "strike_exchange_ratio",
            "Strike exchange: value destroyed per dollar of your strikes",
            float(row["strike_exchange_ratio"]),
            "ratio",
        ),
        Figure("defender_cost_usd", "What the raids cost you: interceptors fired plus damage", float(row["defender_cost_usd"]), "USD", better="lower"),
        Figure("damage_usd", "Damage suffered", float(row["damage_usd"]), "USD", better="lower"),
        Figure("incidents_count", "Misidentification incidents", float(row["incidents_count"]), "incidents", par.incidents_max, "lower"),
        Figure("money_end_usd", "Money left", float(row["money_end_usd"]), "USD"),
    ]
