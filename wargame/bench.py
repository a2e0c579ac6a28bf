"""The performance benchmark: ``python -m wargame.bench``.

Prints, for a scenario over its full length (``eastern_front`` by default):

- game-turns per second for 10,000 games played in one batch;
- game-turns per second for the same games played one at a time (a sample of them, since
  playing all 10,000 singly takes minutes; the rate is per game-turn either way);
- the ratio of the two;
- the time of one interactive turn (``Game.play_turn``, validation and lessons included);
- the peak memory of a batch of 100,000 games, measured in a child process;
- env-steps per second of the vector environment (``wargame.env.WargameVectorEnv``, 1,000
  games, random legal actions), when the ``[rl]`` extra is installed.

``python -m wargame.bench --dashboard`` measures instead what one End turn costs a class
kernel: the student app's dashboard (``ClassDashboard`` on a demo session, the scenario
``serve`` plays by default) built in this process without a browser, End turn clicked through
the button, and for each turn the CPU time the click took in the kernel and the bytes of the
widget messages it sent to the page (bokeh's document changes included). In class some 30
kernels share the server's cores, so this CPU time is what a page waits for, times the
number of teams clicking in the same moment.

It pins itself to one core so that the figures are per core. Targets from the engine issue:
batch >= 200,000 game-turns/s, batch >= 30x one at a time, one turn < 5 ms, 100,000 games in
under 1 GiB; from the environment issue, the vector environment >= 10,000 env-steps/s.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .batch import play_batch, resolve_policy
from .game import Game
from .policies import BUILT_IN
from .scenario import load_scenario
from .tables import tables_for

TARGETS = {"batch": 200_000, "ratio": 30, "turn_ms": 5.0, "memory_gib": 1.0, "env_steps": 10_000}


def _pin_to_one_core() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})


def batch_rate(scenario, policy: str, games: int, seed: int = 0) -> tuple[float, float]:
    """Game-turns per second and seconds for one batch of ``games`` played to the end."""
    tables = tables_for(scenario)
    _, function = resolve_policy(policy)
    seeds = seed + np.arange(games)
    start = time.perf_counter()
    play_batch(tables, function, seeds, "stochastic")
    seconds = time.perf_counter() - start
    return games * tables.turns / seconds, seconds


def single_rate(scenario, policy: str, games: int, seed: int = 0) -> float:
    """Game-turns per second playing games one at a time (batches of one)."""
    tables = tables_for(scenario)
    _, function = resolve_policy(policy)
    start = time.perf_counter()
    for k in range(games):
        play_batch(tables, function, np.array([seed + k]), "stochastic")
    return games * tables.turns / (time.perf_counter() - start)


def interactive_turn_ms(scenario, policy: str, repeats: int = 3) -> float:
    """Median milliseconds of ``Game.play_turn`` over full games."""
    _, function = resolve_policy(policy)
    timings = []
    for seed in range(repeats):
        game = Game(scenario, seed=seed)
        from .batch import decide
        from .orders import orders_from_arrays

        while not game.is_over:
            orders = orders_from_arrays(decide(function, game.state, game.tables), game.tables)
            start = time.perf_counter()
            game.play_turn(orders)
            timings.append(time.perf_counter() - start)
    return 1000 * statistics.median(timings)


def vector_env_rate(scenario, num_envs: int = 1000, episodes: int = 2, seed: int = 0) -> float:
    """Env-steps per second of the vector environment with random legal actions (drawing them included)."""
    from .actions import random_actions
    from .env import WargameVectorEnv

    envs = WargameVectorEnv(num_envs, scenario)
    rng = np.random.default_rng(seed)
    envs.reset(seed=seed)
    steps = episodes * (envs.tables.turns + 1)  # +1: the autoreset step that starts the next games
    start = time.perf_counter()
    for _ in range(steps):
        envs.step(random_actions(rng, envs.tables, num_envs))
    return steps * num_envs / (time.perf_counter() - start)


def peak_memory_gib(scenario_name: str, policy: str, games: int) -> float:
    """Peak resident memory of a child process playing ``games`` games in one batch."""
    command = [sys.executable, "-m", "wargame.bench", "--child-memory", str(games), "--scenario", scenario_name, "--policy", policy]
    result = subprocess.run(command, capture_output=True, text=True, check=True)
    return float(result.stdout.strip().splitlines()[-1])


def _child_memory(scenario_name: str, policy: str, games: int) -> None:
    scenario = load_scenario(scenario_name)
    batch_rate(scenario, policy, games)
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(peak_kib / 1024**2)


@dataclass
class WidgetTraffic:
    """The widget messages sent while it is installed: their count and bytes (JSON and buffers)."""

    messages: int = 0
    bytes: int = 0

    def __enter__(self):
        from ipywidgets import Widget

        self._original = original = Widget._send

        def counting_send(widget, msg, buffers=None):
            self.messages += 1
            self.bytes += len(json.dumps(msg, default=str)) + sum(len(memoryview(b).cast("B")) for b in buffers or ())
            return original(widget, msg, buffers)

        Widget._send = counting_send
        return self

    def __exit__(self, *_exc):
        from ipywidgets import Widget

        Widget._send = self._original


@dataclass
class EndTurnCost:
    turn: int
    cpu_ms: float
    messages: int
    bytes: int


def dashboard_end_turns(turns: int = 5, scenario: str | None = None, shown: bool = True) -> list[EndTurnCost]:
    """Click End turn ``turns`` times in a class dashboard built here; each click's kernel-side
    CPU time (this process) and the widget messages it sent. ``shown``: the charts count one
    view each, as a page showing the dashboard reports them (without it, as before a page shows
    it: every change rebuilds the charts' render bundles, as every End turn did before)."""
    from .classroom.app import DEMO_SCENARIO, ClassApp
    from .classroom.store import Store

    folder = Path(tempfile.mkdtemp(prefix="wargame-bench-dashboard-"))
    store = Store.create(folder, scenario or DEMO_SCENARIO, seed=1)
    try:
        app = ClassApp(store)
        if not app.join("Bench team"):
            raise RuntimeError(f"The bench team could not join: {app.message.value}")
        dashboard = app.dashboard
        if shown:
            for chart in dashboard.plots.charts.values():
                chart.model._view_count = 1  # what the page reports once it shows the chart
        costs = []
        for _ in range(turns):
            if dashboard.game.is_over or dashboard.end_turn_button.disabled:
                break
            with WidgetTraffic() as traffic:
                start = time.process_time()
                dashboard.end_turn_button.click()
                cpu_s = time.process_time() - start
            costs.append(EndTurnCost(dashboard.game.turn - 1, 1000 * cpu_s, traffic.messages, traffic.bytes))
        return costs
    finally:
        store.dispose()
        shutil.rmtree(folder, ignore_errors=True)


def print_dashboard_bench(turns: int, scenario: str | None) -> None:
    for shown in (False, True):
        costs = dashboard_end_turns(turns, scenario, shown)
        what = "charts shown on a page (patches only)" if shown else "charts not yet shown (whole figures re-sent)"
        print(f"End turn in the class dashboard ({scenario or 'the class default scenario'}), {what}; kernel side, no browser:")
        _print_costs(costs)


def _print_costs(costs: list[EndTurnCost]) -> None:
    for cost in costs:
        print(f"  turn {cost.turn:>2}: {cost.cpu_ms:8.1f} ms CPU, {cost.messages:4d} widget messages, {cost.bytes / 1024:8.1f} KiB")
    if costs:
        print(
            f"  median: {statistics.median(c.cpu_ms for c in costs):.1f} ms CPU, "
            f"{statistics.median(c.bytes for c in costs) / 1024:.1f} KiB sent per End turn"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m wargame.bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--scenario", default="eastern_front")
    parser.add_argument("--policy", default="balanced", choices=sorted(BUILT_IN))
    parser.add_argument("--games", type=int, default=10_000)
    parser.add_argument("--single-games", type=int, default=100, help="games timed one at a time")
    parser.add_argument("--repeats", type=int, default=3, help="batch runs; the median is reported")
    parser.add_argument("--memory-games", type=int, default=100_000)
    parser.add_argument("--child-memory", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--dashboard", action="store_true", help="time End turn in the class dashboard instead")
    parser.add_argument("--turns", type=int, default=5, help="End turn clicks timed with --dashboard")
    args = parser.parse_args(argv)
    if args.dashboard:
        print_dashboard_bench(args.turns, None if args.scenario == parser.get_default("scenario") else args.scenario)
        return 0
    _pin_to_one_core()
    if args.child_memory:
        _child_memory(args.scenario, args.policy, args.child_memory)
        return 0

    scenario = load_scenario(args.scenario)
    print(f"Benchmark: scenario {scenario.name!r} ({scenario.turns} turns), policy {args.policy!r}, one core")
    runs = sorted(batch_rate(scenario, args.policy, args.games) for _ in range(args.repeats))
    batch_per_s, batch_s = runs[len(runs) // 2]
    spread = ", ".join(f"{rate:,.0f}" for rate, _ in runs)
    print(
        f"  batch of {args.games:,} games:        {batch_per_s:>12,.0f} game-turns/s  ({batch_s:.2f} s; "
        f"median of {args.repeats}: {spread})  target >= {TARGETS['batch']:,}"
    )
    single_per_s = single_rate(scenario, args.policy, args.single_games)
    print(f"  one game at a time ({args.single_games} timed): {single_per_s:>12,.0f} game-turns/s")
    ratio = batch_per_s / single_per_s
    print(f"  batch / one at a time:          {ratio:>12,.0f} x             target >= {TARGETS['ratio']}")
    turn_ms = interactive_turn_ms(scenario, args.policy)
    print(f"  one interactive turn:           {turn_ms:>12.2f} ms            target < {TARGETS['turn_ms']}")
    memory = peak_memory_gib(args.scenario, args.policy, args.memory_games)
    print(f"  peak memory, {args.memory_games:,} games:    {memory:>12.3f} GiB           target < {TARGETS['memory_gib']}")
    try:
        env_steps = vector_env_rate(scenario)
        print(f"  vector env, 1,000 games:        {env_steps:>12,.0f} env-steps/s   target >= {TARGETS['env_steps']:,}")
    except ImportError:
        env_steps = None
        print("  vector env: not measured (install the [rl] extra: pip install -e '.[rl]')")
    met = (
        batch_per_s >= TARGETS["batch"]
        and ratio >= TARGETS["ratio"]
        and turn_ms < TARGETS["turn_ms"]
        and memory < TARGETS["memory_gib"]
        and (env_steps is None or env_steps >= TARGETS["env_steps"])
    )
    print("  all targets met" if met else "  NOT all targets met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
