"""Time and peak memory of the worst scenario files of each kind: ``python -m wargame.scenario.hostile_bench``.

Each case runs in a fresh Python process, so its peak memory (the process's maximum resident
size, imports included) is its own; a ``baseline`` case loads the tutorial for comparison.
The figures are printed, not checked: the hostile-input tests (``tests/hostile``) check that
each case is refused, with its line, under a timeout. The cases:

- alias bombs of 236 bytes and 1 KB, an alias inside its own anchor, nesting 900 deep;
- the largest files allowed: 1 MB of text that loads, 1 MB of values (refused at the value
  limit), 15,000 bad events (50 problems listed), 1 MB with a syntax error at its end (read
  again by PyYAML's own parser for its messages), and a 50 MB file (refused unread);
- a 20-year lead time (``MAX_DAYS``) on every line of a 24-turn scenario: one game played to
  the end, and ``simulate`` of 200 runs, beside the same with the shipped leads.

Running it is a tool for developers, above the rules: it imports the game lazily.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .errors import ScenarioError
from .loading import MAX_FILE_BYTES, SCENARIO_DIR, load_scenario
from .schema import MAX_DAYS

TUTORIAL = SCENARIO_DIR / "tutorial.yaml"


def _tutorial_with(extra: str) -> str:
    text = TUTORIAL.read_text(encoding="utf-8")
    return text.replace("learning_objectives:", extra + "learning_objectives:", 1)


def _laughs(levels: int, first: str = "x") -> str:
    names = "abcdefghijklmnopqrstuvwxyz"
    lines = [f"  a: &a [{', '.join([first] * 9)}]\n"]
    for previous, name in zip(names, names[1:levels]):
        lines.append(f"  {name}: &{name} [{', '.join([f'*{previous}'] * 9)}]\n")
    return "x_bomb:\n" + "".join(lines)


def _long_description(size: int) -> str:
    text = TUTORIAL.read_text(encoding="utf-8")
    start = text.index("\ndescription:") + 1
    end = text.index("\n", start)
    return text[:start] + "description: " + "word " * (size // 5) + text[end:]


def _events_file(line: str, size: int) -> str:
    text = TUTORIAL.read_text(encoding="utf-8").replace("events:", "x_events:", 1) + "events:\n"
    return text + line * ((size - len(text.encode())) // len(line.encode()))


FILES = {
    "baseline": lambda: TUTORIAL.read_text(encoding="utf-8"),
    "alias bomb, 236 bytes": lambda: _tutorial_with(_laughs(5)),
    "alias bomb, 1 KB": lambda: _tutorial_with(_laughs(14, "lol")),
    "alias inside its anchor": lambda: _tutorial_with("x_loop: &a [1, [2, *a]]\n"),
    "nesting 900 deep": lambda: _tutorial_with("x_deep: " + "[" * 900 + "]" * 900 + "\n"),
    "1 MB that loads": lambda: (lambda text: text + "#" * (MAX_FILE_BYTES - len(text.encode()) - 1) + "\n")(
        TUTORIAL.read_text(encoding="utf-8")
    ),
    "1 MB of values": lambda: _events_file("- 1\n", MAX_FILE_BYTES),
    "15,000 bad events": lambda: _events_file("- 1\n", 0)[: -len("events:\n")] + "events:\n" + "- 1\n" * 15_000,
    "1 MB, a syntax error at its end": lambda: _events_file("- " + "x" * 60 + "\n", MAX_FILE_BYTES - 20) + "x_end: [1\n",
    "1 MB of text in one field": lambda: _long_description(MAX_FILE_BYTES - 30_000),
    "50 MB file": None,  # made sparse, see _write
}


def _write(case: str, folder: Path) -> Path:
    path = folder / "case.yaml"
    if case == "50 MB file":
        with open(path, "wb") as file:
            file.truncate(50 * 1024 * 1024)
    else:
        path.write_text(FILES[case](), encoding="utf-8")
    return path


def _long_lead_scenario(folder: Path, days: int | None):
    """``baltic_shield`` (24 turns) with every lead time set to ``days`` (None: as shipped)."""
    import yaml

    base = load_scenario("baltic_shield")
    if days is None:
        return base
    days -= days % base.turn_length_days
    catalogue = {}
    for item_id, item in base.catalogue.items():
        entry = {"capacity_lead_time_days": days}
        if item.imports:
            entry["imports"] = {"delay_days": days}
        if item.joint_production:
            entry["joint_production"] = {"lead_time_days": days}
        catalogue[item_id] = entry
    path = folder / "long_lead.yaml"
    data = {"extends": "baltic_shield", "catalogue": catalogue, "training": {"lead_time_days": days}}
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return load_scenario(path)


def _run_case(case: str) -> str:
    """Run one case in this process; a line with what happened."""
    with tempfile.TemporaryDirectory() as folder:
        if case.startswith("lead"):
            from ..batch import simulate
            from ..game import Game

            days = None if case.endswith("shipped") else MAX_DAYS
            scenario = _long_lead_scenario(Path(folder), days)
            start = time.perf_counter()
            if "simulate" in case:
                simulate(scenario, runs=200, seed=1)
                return f"{time.perf_counter() - start:.2f} s; simulate(runs=200) played"
            game = Game(scenario, seed=1)
            pipes = sum(a.nbytes for a in (game.state.incoming_stock, game.state.incoming_capacity,
                                           game.state.incoming_joint, game.state.incoming_operators))
            while not game.is_over:
                game.play_turn(game.orders())
            return f"{time.perf_counter() - start:.2f} s; one game of {scenario.turns} turns, pipelines {pipes:,} bytes"
        path = _write(case, Path(folder))
        start = time.perf_counter()
        try:
            load_scenario(path)
            outcome = "loaded"
        except ScenarioError as error:
            first = error.problems[0]
            where = f"line {first.line}" if first.line else "the file"
            outcome = f"refused ({error.count:,} problem{'s' if error.count != 1 else ''}; {where}: {first.message[:70]})"
        return f"{time.perf_counter() - start:.3f} s; {outcome}"


LEAD_CASES = [
    "lead: one game, shipped",
    "lead: one game, 20 years",
    "lead: simulate 200, shipped",
    "lead: simulate 200, 20 years",
]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--case", help="run one case in this process (used by the main run)")
    args = parser.parse_args(argv)
    if args.case:
        line = _run_case(args.case)
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"{line}; peak memory {peak_mb:,.0f} MB")
        return 0
    print("Hostile scenario files: time of the check and peak memory of a fresh process")
    for case in [*FILES, *LEAD_CASES]:
        done = subprocess.run(
            [sys.executable, "-m", "wargame.scenario.hostile_bench", "--case", case],
            capture_output=True,
            text=True,
            timeout=600,
        )
        result = done.stdout.strip() or f"failed: {done.stderr.strip().splitlines()[-1:]}"
        print(f"  {case:<32} {result}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
