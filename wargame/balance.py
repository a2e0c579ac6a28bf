"""A balance check for scenario authors: does par reward what the scenario teaches?

``balance(scenarios)`` plays every built-in policy and a seeded search over a small family of
layered strategies (``wargame.policies.Strategy``) on each scenario, in batches, and reports:

- each policy's par rate (share of games meeting every par) and its full account;
- the best strategy the search found, and how far its full account beats the reference policy's;
- the money the reference policy left unspent;
- warnings, each a sentence an author can act on:
  a trivial policy (``hold``, ``missiles_only``) meeting par; a purchase that costs nothing or
  arrives in the turn it is ordered; starting stock and lines that make more than the fire
  limit can ever fire (engagements bought that can never be fired); a
  searched strategy beating the reference by more than ``BEAT_MARGIN`` (the yardstick is too
  weak, or the scenario has a trick);
- the reference policy ending with more than ``UNSPENT_MAX_PCT`` of its money unspent (money
  does not bind: a campaign under a budget that never runs short teaches nothing);
- given several scenarios, whether one setting of the family is best in all (one recipe wins
  everywhere).

From the command line: ``python -m wargame balance SCENARIO...``.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import pandas as pd

from .batch import simulate
from .lessons.metrics import outcome_table, par_met
from .policies import BUILT_IN, Strategy, strategy_policy
from .progress import progress
from .scenario import Scenario, load_scenario

TRIVIAL = ("hold", "missiles_only")
BEAT_MARGIN = 0.25  # a searched strategy whose full account is 25% lower than the reference's
UNSPENT_MAX_PCT = 15.0  # a sound defence that ends with more of its money than this is not bound by it
# Each dimension is a fixed recipe: the development cycle is always the fastest or always the
# cheapest, so that which one wins depends on whether the adversary adapts.
FAMILY = tuple(
    Strategy(cheap_shots=shots, missiles=missiles, cover_turns=cover, expand_lines=lines, cycle=cycle)
    for shots, missiles, cover, lines, cycle in itertools.product(
        ("worthwhile", 1), ("worth_it", "always"), (1, 3), (True, False), ("fastest", "cheapest")
    )
)


@dataclass
class ScenarioBalance:
    """What the balance check found for one scenario."""

    name: str
    policies: pd.DataFrame  # one row per policy: par rate, full account, infrastructure, unspent money
    search: pd.DataFrame  # one row per strategy of the family, best first
    warnings: list[str] = field(default_factory=list)

    @property
    def best(self) -> Strategy:
        return self.search.index[0]


@dataclass
class BalanceReport:
    scenarios: list[ScenarioBalance]
    one_recipe: str | None  # a sentence when one setting is best everywhere (given several scenarios)

    @property
    def warnings(self) -> list[str]:
        found = [f"{s.name}: {w}" for s in self.scenarios for w in s.warnings]
        return found + ([self.one_recipe] if self.one_recipe else [])

    def text(self) -> str:
        lines = []
        with pd.option_context("display.width", 160, "display.max_columns", None, "display.float_format", "{:,.1f}".format):
            for s in self.scenarios:
                lines.append(f"== {s.name}")
                lines.append(s.policies.to_string())
                best = s.search.iloc[0]
                lines.append(
                    f"Best of {len(s.search)} searched strategies: {s.best.describe()}: full account "
                    f"{best['full_exchange_ratio']:.1f} : 1, {best['all_pars_met_pct']:.0f}% of games meet par "
                    f"({int(round(best['beats_reference_pct'])):+d}% against the reference; warning beyond {100 * BEAT_MARGIN:.0f}%)."
                )
                lines.extend(f"WARNING: {w}" for w in s.warnings)
        if len(self.scenarios) > 1:
            lines.append(self.one_recipe and f"WARNING: {self.one_recipe}" or "No single setting of the family is best in every scenario.")
        if not self.warnings:
            lines.append("No warnings.")
        return "\n".join(lines)


def _figures(scenario: Scenario, policy, runs: int, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Each game's outcome figures and whether it met par."""
    figures = outcome_table(simulate(scenario, policy, runs=runs, seed=seed).history)
    return figures, par_met(figures, scenario)


def _summary(figures: pd.DataFrame, passed: pd.DataFrame) -> dict:
    return {
        "all_pars_met_pct": 100.0 * float(passed["all_pars_met"].mean()),
        "full_exchange_ratio": float(figures["full_exchange_ratio"].mean()),
        "infrastructure_preserved_pct": float(figures["infrastructure_preserved_pct"].mean()),
        "civilian_harm_people": float(figures["civilian_harm_people"].mean()),
        "unspent_pct": float(figures["unspent_pct"].mean()),
    }


def free_or_instant_purchases(scenario: Scenario) -> list[str]:
    """Purchases that cost nothing or arrive in the turn they are ordered."""
    found = []
    for item, spec in scenario.catalogue.items():
        if float(spec.unit_cost_usd.value) <= 0:
            found.append(f"{spec.name} ({item}) costs nothing to build.")
        if float(spec.capacity_cost_usd_per_unit.value) <= 0:
            found.append(f"new lines for {spec.name} ({item}) cost nothing.")
        if spec.capacity_lead_time_days <= 0:
            found.append(f"new lines for {spec.name} ({item}) produce in the turn they are ordered.")
        if spec.imports is not None and spec.imports.delay_days <= 0:
            found.append(f"imports of {spec.name} ({item}) arrive in the turn they are ordered.")
        joint = spec.joint_production
        if joint is not None and joint.lead_time_days <= 0:
            found.append(f"joint lines for {spec.name} ({item}) produce in the turn they are ordered.")
    return found


def beyond_fire_limits(scenario: Scenario) -> list[str]:
    """Items whose starting stock plus what their starting lines make over the game is more than
    their fire limit can ever fire: a player who keeps the lines busy buys engagements that can
    never be fired."""
    found = []
    turns = scenario.turns
    for item, spec in scenario.catalogue.items():
        if not spec.pk or spec.fire_capacity_per_turn is None:
            continue
        most_fired = spec.fire_capacity_per_turn * spec.max_shots_per_target * turns
        held = spec.stock_units + spec.capacity_units_per_turn * turns
        if held > most_fired:
            found.append(
                f"{spec.name} ({item}): the starting stock and lines give {held:,.0f} over the game, but only "
                f"{spec.fire_capacity_per_turn:,.0f} engagements a turn can be fired ({most_fired:,.0f} shots in {turns} turns): "
                "players can buy engagements that can never be fired."
            )
    return found


def check_scenario(
    scenario: Scenario | str, runs: int = 100, search_runs: int = 30, seed: int = 0, yardstick: str = "reference"
) -> ScenarioBalance:
    """The balance check of one scenario (see the module's docstring).

    ``yardstick`` is the built-in policy searched strategies are measured against.
    """
    scenario = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    rows, searched = {}, {}
    with progress(total=len(BUILT_IN) + len(FAMILY), desc=f"balance {scenario.name}", unit="policy") as bar:
        for name, policy in BUILT_IN.items():
            rows[name] = _summary(*_figures(scenario, policy, runs, seed))
            bar.update()
        for strategy in FAMILY:
            searched[strategy] = _summary(*_figures(scenario, strategy_policy(strategy), search_runs, seed))
            bar.update()
    policies = pd.DataFrame(rows).T
    policies.index.name = "policy"
    reference = policies.loc[yardstick, "full_exchange_ratio"]
    search = pd.DataFrame(searched).T
    search["beats_reference_pct"] = 100.0 * (reference - search["full_exchange_ratio"]) / reference if reference > 0 else 0.0
    search = search.sort_values(["full_exchange_ratio", "infrastructure_preserved_pct"], ascending=[True, False], kind="stable")

    warnings = []
    for name in TRIVIAL:
        rate = policies.loc[name, "all_pars_met_pct"]
        if rate > 0:
            warnings.append(f"the trivial policy {name} meets par in {rate:.0f}% of games: par does not reward defending well.")
    warnings += [f"a purchase is free or instant: {sentence}" for sentence in free_or_instant_purchases(scenario)]
    warnings += beyond_fire_limits(scenario)
    unspent = policies.loc[yardstick, "unspent_pct"]
    if unspent > UNSPENT_MAX_PCT:
        warnings.append(
            f"the {yardstick} policy ends with {unspent:.0f}% of its money unspent (more than {UNSPENT_MAX_PCT:.0f}%): "
            "money does not bind; lower the budget or the grants until a sound defence runs short."
        )
    best = search.iloc[0]
    if best["beats_reference_pct"] > 100 * BEAT_MARGIN:
        warnings.append(
            f"a searched strategy ({search.index[0].describe()}) beats the {yardstick} policy's full account by "
            f"{best['beats_reference_pct']:.0f}% (more than {100 * BEAT_MARGIN:.0f}%): the yardstick is too weak, "
            "or the scenario has a trick."
        )
    return ScenarioBalance(scenario.name, policies, search, warnings)


def balance(scenarios, runs: int = 100, search_runs: int = 30, seed: int = 0) -> BalanceReport:
    """The balance check of each scenario and, given several, whether one recipe wins them all."""
    checked = [check_scenario(s, runs=runs, search_runs=search_runs, seed=seed) for s in scenarios]
    one_recipe = None
    if len(checked) > 1 and len({s.best for s in checked}) == 1:
        one_recipe = f"one setting of the strategy family is best in every scenario ({checked[0].best.describe()}): one recipe wins everywhere."
    return BalanceReport(checked, one_recipe)
