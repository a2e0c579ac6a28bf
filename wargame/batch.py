"""Many games at once: ``simulate`` plays a batch to the end with a policy.

Run k of a batch uses seed ``seed + k`` and its own generator, so it plays exactly like
``Game(scenario, seed=seed + k)`` given the same orders. ``runs`` is a whole number from 1 to
``MAX_RUNS`` and every seed ``seed + k`` lies in ``seeds.SEED_MAX``'s range; anything else is a
``ValueError`` saying what to pass.
"""

from __future__ import annotations

import numbers
import os
from dataclasses import dataclass
from typing import Callable

import numpy as np
import pandas as pd

from .game import Game
from .lessons.metrics import outcome_table, par_met
from .observe import player_views
from .orders import OrderArrays, OrdersError, order_problems, orders_to_arrays, problems_for_game
from .policies import BUILT_IN, held
from .progress import progress
from .rules.draws import make_draws
from .scenario import Scenario, load_scenario
from .seeds import checked_seed
from .state import State, initial_state
from .tables import Tables, tables_for
from .turn import resolve_turn

# The most runs in one call, and the most rows (runs x turns) of per-turn history it keeps: a
# row takes about 800 bytes, so 1,200,000 rows are about 1 GB. For more, call again with
# another seed (the runs of a batch use seed, seed + 1, ...).
MAX_RUNS = 100_000
MAX_HISTORY_ROWS = 1_200_000

SUMMARY_METRICS = (
    "damage_usd",
    "leaked_real_units",
    "civilian_harm_people",
    "interceptor_spend_usd",
    "raid_cost_usd",
    "spend_total_usd",
    "strike_value_destroyed_usd",
    "incidents_count",
    "defender_cost_usd",
)


@dataclass
class SimulationResult:
    """Per-run, per-turn history and a summary of the outcomes over runs."""

    history: pd.DataFrame  # one row per (run, turn)
    totals: pd.DataFrame  # one row per run: each summary metric summed over turns
    summary: pd.DataFrame  # statistics of the totals over runs
    final_state: State
    policy: str

    def _repr_html_(self) -> str:
        return f"<p>Policy <b>{self.policy}</b>, {len(self.totals)} runs</p>" + self.summary.to_html(float_format=lambda v: f"{v:,.1f}")


def resolve_policy(policy) -> tuple[str, Callable]:
    """A policy by built-in name, or a function; returns its name and the function."""
    if isinstance(policy, str):
        if policy not in BUILT_IN:
            raise ValueError(f"no built-in policy {policy!r} (allowed: {', '.join(BUILT_IN)})")
        return policy, BUILT_IN[policy]
    if callable(policy):
        return getattr(policy, "__name__", "custom"), policy
    raise TypeError("a policy is a built-in name or a function from what the player sees to Orders")


def checked_runs(runs) -> int:
    """``runs`` as a plain int from 1 to ``MAX_RUNS``, or ``ValueError`` saying what to pass."""
    allowed = f"a whole number of games from 1 to {MAX_RUNS:,}"
    if isinstance(runs, bool) or not isinstance(runs, numbers.Integral):
        hint = " (without quotes)" if isinstance(runs, str) else ""
        shown = repr(runs) if len(repr(runs)) <= 40 else f"a {type(runs).__name__}"
        raise ValueError(f"runs must be {allowed}{hint}, not {shown}.")
    if not 1 <= runs <= MAX_RUNS:
        shown = f"{int(runs):,}" if int(runs).bit_length() <= 128 else "a number that large"
        more = "; for more, call simulate again with another seed" if runs > MAX_RUNS else ""
        raise ValueError(f"runs must be {allowed}, not {shown}{more}.")
    return int(runs)


def decide(policy: Callable, state: State, tables: Tables) -> OrderArrays:
    """The policy's orders for every game of the batch."""
    if getattr(policy, "batched", False):
        return policy(state, tables)
    per_game = [orders_to_arrays(policy(view), tables) for view in player_views(state, tables)]
    return OrderArrays.stack(per_game)


def play_batch(
    tables: Tables,
    policy: Callable,
    seeds: np.ndarray,
    mode: str,
    on_turn: Callable | None = None,
    state: State | None = None,
    draws=None,
    first_orders: OrderArrays | None = None,
) -> State:
    """Play every game of a batch to the end; ``on_turn(turn, metrics)`` sees each turn."""
    state = initial_state(tables, len(seeds)) if state is None else state
    if draws is None:
        # fetch several turns of uniforms per call while the block stays small (about 64 MB)
        turns_ahead = max(1, min(tables.turns, (64 << 20) // (8 * len(seeds) * tables.draw_columns)))
        draws = make_draws(mode, seeds, tables.draw_columns, turns_ahead)
    while state.turn <= tables.turns:
        orders = first_orders if first_orders is not None else decide(policy, state, tables)
        first_orders = None
        problems = order_problems(state, orders, tables)
        if problems:
            game = int(np.nonzero(problems[0].games)[0][0])
            raise OrdersError([f"run {game}, turn {state.turn}: {sentence}" for sentence in problems_for_game(problems, game)])
        turn = state.turn
        state, record = resolve_turn(state, orders, tables, draws, keep_events=False)
        if on_turn is not None:
            on_turn(turn, record.metrics)
    return state


def simulate(
    scenario: Scenario | str | os.PathLike,
    policy="balanced",
    runs: int = 1000,
    seed: int = 0,
    mode: str = "stochastic",
) -> SimulationResult:
    """Play ``runs`` games to the end with a policy; per-run history and summary statistics.

    ``runs`` is a whole number from 1 to ``MAX_RUNS`` (and runs x turns at most
    ``MAX_HISTORY_ROWS``); run k uses seed ``seed + k``, so
    ``seed`` is a whole number from 0 to ``SEED_MAX - runs + 1`` (see ``wargame.seeds``).
    """
    runs = checked_runs(runs)
    seed = checked_seed(seed, runs)
    scenario = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    if runs * scenario.turns > MAX_HISTORY_ROWS:
        raise ValueError(
            f"runs: {runs:,} runs of {scenario.turns} turns would keep {runs * scenario.turns:,} rows of history; "
            f"at most {MAX_HISTORY_ROWS:,} (about 1 GB) in one call. Pass runs={MAX_HISTORY_ROWS // scenario.turns:,} "
            f"or fewer, and call again with another seed for more."
        )
    tables = tables_for(scenario)
    name, function = resolve_policy(policy)
    seeds = seed + np.arange(runs)
    turns: list[pd.DataFrame] = []

    def keep(turn: int, metrics: dict) -> None:
        frame = pd.DataFrame(metrics)
        frame.insert(0, "turn", turn)
        frame.insert(0, "seed", seeds)
        frame.insert(0, "run", np.arange(runs))
        turns.append(frame)
        bar.update(1)

    with progress(total=tables.turns, desc=f"simulate {runs:,} games", unit="turn") as bar:
        final = play_batch(tables, function, seeds, mode, on_turn=keep)
    history = pd.concat(turns, ignore_index=True).sort_values(["run", "turn"], kind="stable").reset_index(drop=True)
    totals = history.groupby("run")[list(SUMMARY_METRICS)].sum()
    # the full account since the start and the other outcome figures, as a game's report has them
    figures = outcome_table(history)
    for figure in ("cost_exchange_ratio", "full_exchange_ratio", "infrastructure_preserved_pct", "money_end_usd", "unspent_pct"):
        totals[figure] = figures[figure]
    passed = par_met(figures, scenario)
    totals["pars_met"], totals["all_pars_met"] = passed["pars_met"], passed["all_pars_met"].astype(float)
    summary = totals.describe(percentiles=[0.05, 0.5, 0.95]).T[["mean", "std", "5%", "50%", "95%"]]
    return SimulationResult(history=history, totals=totals, summary=summary, final_state=final, policy=name)


FORECAST_METRICS = (
    "damage_usd",
    "leaked_real_units",
    "interceptor_spend_usd",
    "raid_cost_usd",
    "civilian_harm_people",
    "money_end_usd",
)


@dataclass
class Forecast:
    """Many futures of one game from its current turn: per-turn quantiles of key outcomes."""

    runs: int
    first_turn: int
    quantiles: pd.DataFrame  # index (metric, turn); columns 5%, 25%, 50%, 75%, 95%
    totals: pd.DataFrame  # one row per run: each forecast metric summed over the future turns
    seconds: float

    def band(self, metric: str) -> pd.DataFrame:
        """Quantiles of one metric by turn (cumulative for flows, as a player reads them)."""
        return self.quantiles.loc[metric]


def forecast(game: Game, orders=None, runs: int = 500, seed: int | None = None) -> Forecast:
    """Play ``runs`` futures of the game with these orders held to the end (see ``policies.held``).

    The game itself is not changed. Futures are stochastic whatever the game's mode, with
    seeds derived from the game's seed and turn (or ``seed``), so a forecast is repeatable.
    """
    import time

    started = time.perf_counter()
    runs = checked_runs(runs)
    seed = None if seed is None else checked_seed(seed)
    if game.is_over:
        raise ValueError("The game is over: there is no future to forecast.")
    orders = game.orders() if orders is None else orders
    arrays = orders_to_arrays(orders, game.tables)
    problems = problems_for_game(order_problems(game.state, arrays, game.tables))
    if problems:
        raise OrdersError(problems)
    entropy = [game.seed, game.turn] if seed is None else [seed]
    seeds = np.random.SeedSequence(entropy).generate_state(runs, np.uint64) % (2**63)
    start = game.state.take(np.zeros(runs, int))
    frames: list[pd.DataFrame] = []

    def keep(turn: int, metrics: dict) -> None:
        frame = pd.DataFrame({name: metrics[name] for name in FORECAST_METRICS})
        frame.insert(0, "turn", turn)
        frame.insert(0, "run", np.arange(runs))
        frames.append(frame)

    play_batch(game.tables, held(arrays), seeds, "stochastic", on_turn=keep, state=start)
    history = pd.concat(frames, ignore_index=True)
    flows = [m for m in FORECAST_METRICS if m != "money_end_usd"]
    history[flows] = history.groupby("run")[flows].cumsum()
    long = history.melt(id_vars=["run", "turn"], var_name="metric")
    quantiles = long.groupby(["metric", "turn"])["value"].quantile([0.05, 0.25, 0.5, 0.75, 0.95]).unstack()
    quantiles.columns = ["5%", "25%", "50%", "75%", "95%"]
    totals = history.groupby("run")[list(FORECAST_METRICS)].last()
    return Forecast(runs=runs, first_turn=game.turn, quantiles=quantiles, totals=totals, seconds=time.perf_counter() - started)
