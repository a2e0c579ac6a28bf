"""The hostile-input benchmark: ``python -m wargame.hostile_bench``.

For the worst case of each kind of untrusted input the kit reads besides scenarios (save
files, a class folder, orders), prints the time to refuse (or load) it and the peak memory
Python allocated meanwhile (``tracemalloc``). Figures are printed, never asserted: the
hostile-input tests (``tests/hostile``) check the refusals themselves, each under a timeout.

The cases, all built in a temporary folder:

- the biggest save the kit reads: a whole game of the longest shipped scenario, padded to just
  under the 5 MB limit, read, checked and replayed;
- 5 MB of orders: a save whose turns hold the most entries an order may have (refused at replay);
- a save one byte over the limit (refused from its size alone);
- a save that is a link to ``/dev/zero``, and a save whose scenario is such a link;
- 5 MB of one integer's digits, and 5 MB of nested brackets;
- a class folder of twelve good saves and one bad file of each kind above;
- orders holding a number of 5,000 digits, and an order of a million entries.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Callable

from .batch import decide
from .classroom import example_session_folder, load_session
from .game import Game, SaveFileError
from .orders import MAX_ORDER_ENTRIES, Orders, orders_from_arrays
from .policies import BUILT_IN
from .savefile import SAVE_LIMIT_BYTES
from .scenario import load_scenario, shipped_scenarios


def measure(run: Callable[[], str]) -> tuple[float, float, str]:
    """Seconds (without tracing) and peak traced MB (a second run) of ``run``, and what it said."""
    started = time.perf_counter()
    outcome = run()
    seconds = time.perf_counter() - started
    tracemalloc.start()
    try:
        run()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return seconds, peak / 1024**2, outcome


def refusal(load: Callable[[], object]) -> Callable[[], str]:
    """A case that loads something: 'loaded', or the first words of the refusal."""

    def run() -> str:
        try:
            load()
        except (SaveFileError, ValueError) as error:
            reason = str(error).split(": ", 1)[-1]
            return "refused: " + (reason if len(reason) <= 70 else reason[:67] + "...")
        return "loaded"

    return run


def _longest_game_save(folder: Path) -> Path:
    """A whole game of the longest shipped scenario, padded to just under the size limit."""
    scenario = max((load_scenario(name) for name in shipped_scenarios()), key=lambda s: s.turns)
    game = Game(scenario, seed=1)
    while not game.is_over:
        game.play_turn(orders_from_arrays(decide(BUILT_IN["balanced"], game.state, game.tables), game.tables))
    path = game.save(folder / "longest.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    text = json.dumps({**data, "padding": ""}, indent=1)
    data["padding"] = "x" * (SAVE_LIMIT_BYTES - len(text.encode()) - 1)
    path.write_text(json.dumps(data, indent=1), encoding="utf-8")
    return path


def _orders_save(folder: Path) -> Path:
    """A tutorial save whose turns each hold the most entries an order may have, near 5 MB."""
    data = json.loads((example_session_folder() / "team_01.json").read_text(encoding="utf-8"))
    key_length = SAVE_LIMIT_BYTES // (len(data["orders"]) * MAX_ORDER_ENTRIES) - 16
    for turn, orders in enumerate(data["orders"]):
        orders["imports"] = {f"{turn}_{k:04d}".ljust(key_length, "x"): 1 for k in range(MAX_ORDER_ENTRIES)}
    path = folder / "orders.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def build_cases(folder: Path) -> dict[str, Callable[[], str]]:
    """Each case's name and the call that loads it."""
    longest = _longest_game_save(folder)
    orders = _orders_save(folder)
    over = folder / "over.json"
    over.write_bytes(b" " * (SAVE_LIMIT_BYTES + 1))
    zero = folder / "zero.json"
    os.symlink("/dev/zero", zero)
    zero_scenario = folder / "zero_scenario.json"
    data = json.loads(longest.read_text(encoding="utf-8"))
    data.pop("padding")
    os.symlink("/dev/zero", folder / "course.yaml")
    zero_scenario.write_text(json.dumps({**data, "scenario": {**data["scenario"], "name": "course", "path": "course.yaml"}}), encoding="utf-8")
    digits = folder / "digits.json"
    digits.write_text('{"format": "drone-wargame-save", "version": 2, "seed": ' + "9" * (SAVE_LIMIT_BYTES - 60) + "}")
    nested = folder / "nested.json"
    nested.write_text("[" * (SAVE_LIMIT_BYTES // 2) + "]" * (SAVE_LIMIT_BYTES // 2))
    bad = [orders, over, zero, digits, nested]

    session = folder / "class"
    session.mkdir()
    for good in sorted(example_session_folder().glob("*.json")):
        (session / good.name).write_bytes(good.read_bytes())
    for path in bad:
        target = session / f"bad_{path.name}"
        if path.is_symlink():
            os.symlink(os.readlink(path), target)
        else:
            target.write_bytes(path.read_bytes())
    os.mkfifo(session / "bad_pipe.json")

    game = Game("tutorial", seed=1)
    huge = Orders(production={"sam_missile": 10**5000}, imports={f"item_{k}": 1 for k in range(1_000_000)})
    million = Orders(imports={f"item_{k}": 1 for k in range(1_000_000)})
    return {
        "biggest save read (longest game, padded to 5 MB)": refusal(lambda: Game.load(longest)),
        "5 MB of orders (max entries, every turn)": refusal(lambda: Game.load(orders)),
        "save one byte over 5 MB": refusal(lambda: Game.load(over)),
        "save linked to /dev/zero": refusal(lambda: Game.load(zero)),
        "scenario reference linked to /dev/zero": refusal(lambda: Game.load(zero_scenario)),
        "5 MB integer (huge-int JSON)": refusal(lambda: Game.load(digits)),
        "5 MB of nested brackets": refusal(lambda: Game.load(nested)),
        "class folder: 12 good saves + 6 bad files": lambda: _session_outcome(load_session(session)),
        "orders: 5,000-digit amount + 1,000,000 entries": lambda: f"{len(game.check(huge))} problems",
        "orders: 1,000,000 entries": lambda: f"{len(game.check(million))} problem",
    }


def _session_outcome(session) -> str:
    return f"{len(session)} loaded, {len(session.problems)} listed"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m wargame.hostile_bench", description=__doc__.split("\n\n")[0])
    parser.parse_args(argv)
    print("Hostile-input benchmark: time to refuse or load, peak traced memory (one core, in-process)")
    with tempfile.TemporaryDirectory() as folder:
        cases = build_cases(Path(folder))
        for name, run in cases.items():
            seconds, peak_mb, outcome = measure(run)
            print(f"  {name:<50} {seconds * 1000:>9.1f} ms {peak_mb:>8.1f} MB  {outcome}")
    peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  peak resident memory of the whole run: {peak_rss:,.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
