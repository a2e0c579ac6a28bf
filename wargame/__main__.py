"""The command line: ``python -m wargame COMMAND`` (or ``wargame COMMAND`` once installed).

Commands:

``validate [FILE ...]``
    Check scenario files (paths or shipped names; all shipped scenarios when none is given).
    Prints ``OK: FILE (title, N turns)`` for a valid file and one line per problem otherwise,
    ``FILE:LINE: field.path = value: what is wrong (allowed: ...)``. Exits 1 when any file has a
    problem, 0 when all are valid. With ``--play``, also plays each valid scenario with random
    legal orders (``--games`` games in each mode) and checks the engine's invariants every turn.
``schema [--output PATH]``
    Write the JSON Schema of scenario files, to standard output or to PATH.
``simulate SCENARIO [--policy NAME] [--runs N]``
    Play many games with a built-in policy and print outcome statistics.
``balance SCENARIO ... [--runs N] [--search-runs N] [--seed S]``
    The balance check for scenario authors (``wargame.balance``): each built-in policy's par
    rate and full account, a seeded search over a small family of strategies, and warnings.
    Exits 1 when there is a warning.

Each command is a subparser added by one ``_add_...`` function with a ``run`` function that
returns the exit code, so that new commands slot in beside these.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from .scenario import ScenarioError, load_scenario, shipped_scenarios
from .scenario.json_schema import scenario_json_schema_text
from .terminal import printable_output

DEBUG_VARIABLE = "WARGAME_DEBUG"  # set it to see a traceback instead of a one-line error


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command and return its exit code (argparse's 2 for a usage error)."""
    with printable_output():  # a scenario's text never reaches the terminal as control codes
        try:
            args = build_parser().parse_args(argv)
        except SystemExit as stop:  # --help, or a usage error already printed by argparse
            return stop.code if isinstance(stop.code, int) else 2
        try:
            return args.run(args)
        except KeyboardInterrupt:
            return 130
        except BrokenPipeError:  # output piped into `head` and the like
            return 0


def build_parser() -> argparse.ArgumentParser:
    """The parser with one subcommand per ``_add_...`` function."""
    parser = argparse.ArgumentParser(
        prog="python -m wargame",
        description="A teaching wargame about the economics of drone-era air defence.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for add in (_add_validate, _add_schema, _add_simulate, _add_balance):
        add(commands)
    return parser


# --- validate ---------------------------------------------------------------------------------


def _add_validate(commands: argparse._SubParsersAction) -> None:
    command = commands.add_parser(
        "validate",
        help="check scenario files and report every problem with its line",
        description="Check scenario files; print every problem as FILE:LINE: field = value: what is wrong.",
    )
    command.add_argument(
        "files",
        nargs="*",
        metavar="FILE",
        help="a scenario file or a shipped scenario's name (default: every shipped scenario)",
    )
    command.add_argument("--play", action="store_true", help="also play random legal games and check the invariants")
    command.add_argument("--games", type=int, default=32, metavar="N", help="games per mode with --play (default 32)")
    command.set_defaults(run=run_validate)


def run_validate(args: argparse.Namespace) -> int:
    """Check each file; print an OK line or its problems; 1 when any file has a problem."""
    names = args.files or shipped_scenarios()
    failed = 0
    for name in names:
        valid, lines = check_file(name)
        if valid and args.play:
            valid, played = check_play(name, max(1, args.games))
            lines += played
        failed += not valid
        print("\n".join(lines), flush=True)
    if failed:
        files = f"{len(names)} scenario file{'s' if len(names) != 1 else ''}"
        print(f"problems in {failed} of {files}", file=sys.stderr)
    return 1 if failed else 0


def check_file(name: str, load: Callable = load_scenario) -> tuple[bool, list[str]]:
    """Whether one scenario is valid, and the lines that say so or list its problems."""
    try:
        scenario = load(name)
    except ScenarioError as error:
        return False, [str(problem) for problem in error.problems]
    except Exception as error:  # a bug in the kit: still one line, never a traceback
        if os.environ.get(DEBUG_VARIABLE):
            raise
        bug = f"{type(error).__name__}: {error}"
        return False, [f"{name}: internal error while checking this file ({bug}); please report it"]
    from .scenario.scaling import unscaled_money

    notes = [f"{name}: warning: {sentence}" for sentence in unscaled_money(name)]
    return True, [f"OK: {name} ({scenario.title}, {scenario.turns} turns)", *notes]


def check_play(name: str, games: int) -> tuple[bool, list[str]]:
    """Random legal play in both modes: whether every invariant held, and the lines that say so."""
    from .selfcheck import play_random

    try:
        scenario = load_scenario(name)
        problems = [f"{name}: {mode} play: {p}" for mode in ("stochastic", "expected") for p in play_random(scenario, games, mode=mode)]
    except Exception as error:  # a bug in the kit: still one line, never a traceback
        if os.environ.get(DEBUG_VARIABLE):
            raise
        return False, [f"{name}: internal error while playing this scenario ({type(error).__name__}: {error}); please report it"]
    plural = "s" if games != 1 else ""
    return not problems, problems or [f"OK: {name}: {games} random game{plural} in each mode kept every invariant"]


# --- schema -----------------------------------------------------------------------------------


def _add_schema(commands: argparse._SubParsersAction) -> None:
    command = commands.add_parser(
        "schema",
        help="write the JSON Schema of scenario files",
        description="Write the JSON Schema of scenario files, for editors that check YAML as you type.",
    )
    command.add_argument(
        "--output", "-o", metavar="PATH", help="write to this file instead of standard output"
    )
    command.set_defaults(run=run_schema)


def run_schema(args: argparse.Namespace) -> int:
    """Write the schema to standard output or to ``--output``; 1 when the file cannot be written."""
    text = scenario_json_schema_text()
    if not args.output:
        sys.stdout.write(text)
        return 0
    try:
        Path(args.output).write_text(text, encoding="utf-8")
    except OSError as error:
        print(f"{args.output}: cannot write the schema: {error.strerror or error}", file=sys.stderr)
        return 1
    print(f"wrote {args.output}", file=sys.stderr)
    return 0


# --- simulate ---------------------------------------------------------------------------------


def _add_simulate(commands: argparse._SubParsersAction) -> None:
    from .policies import BUILT_IN

    command = commands.add_parser(
        "simulate",
        help="play many games of a scenario with a built-in policy and print the outcomes",
        description="Play many games of a scenario with a built-in policy; print outcome statistics over the runs.",
    )
    command.add_argument("scenario", help="a shipped scenario's name or a scenario file")
    command.add_argument("--policy", default="balanced", choices=sorted(BUILT_IN))
    command.add_argument("--runs", type=int, default=1000)
    command.add_argument("--seed", type=int, default=0)
    command.add_argument("--mode", default="stochastic", choices=("stochastic", "expected"))
    command.add_argument("--csv", metavar="PATH", help="also write every run's per-turn history as CSV")
    command.set_defaults(run=run_simulate)


def run_simulate(args: argparse.Namespace) -> int:
    """Print the summary of a batch of games; 1 for a scenario that does not load or bad runs/seed."""
    import pandas as pd

    from .batch import simulate

    if args.runs < 1:
        print("--runs must be 1 or more", file=sys.stderr)
        return 1
    try:
        result = simulate(args.scenario, args.policy, runs=args.runs, seed=args.seed, mode=args.mode)
    except ValueError as error:  # a scenario that does not load (ScenarioError), or runs or seed out of range
        print(error, file=sys.stderr)
        return 1
    with pd.option_context("display.width", 160, "display.max_columns", None, "display.float_format", "{:,.2f}".format):
        print(f"{args.scenario}: policy {args.policy}, {args.runs} runs, seed {args.seed}, {args.mode} mode")
        print(result.summary)
    if args.csv:
        result.history.to_csv(args.csv, index=False)
        print(f"wrote {args.csv}", file=sys.stderr)
    return 0


# --- balance ----------------------------------------------------------------------------------


def _add_balance(commands: argparse._SubParsersAction) -> None:
    command = commands.add_parser(
        "balance",
        help="check that a scenario's par rewards a sound defence (for scenario authors)",
        description=(
            "Play the built-in policies and a seeded search over a small family of strategies on each "
            "scenario; print each policy's par rate and full account, the best strategy found, money left "
            "unspent, and warnings. Exits 1 when there is a warning."
        ),
    )
    command.add_argument("scenarios", nargs="+", metavar="SCENARIO", help="shipped scenario names or scenario files")
    command.add_argument("--runs", type=int, default=100, help="games per built-in policy (default: 100)")
    command.add_argument("--search-runs", type=int, default=30, help="games per searched strategy (default: 30)")
    command.add_argument("--seed", type=int, default=0)
    command.set_defaults(run=run_balance)


def run_balance(args: argparse.Namespace) -> int:
    from .balance import balance

    if args.runs < 1 or args.search_runs < 1:
        print("--runs and --search-runs must be 1 or more", file=sys.stderr)
        return 1
    try:
        report = balance(args.scenarios, runs=args.runs, search_runs=args.search_runs, seed=args.seed)
    except ScenarioError as error:
        print(error, file=sys.stderr)
        return 1
    print(report.text())
    return 1 if report.warnings else 0


if __name__ == "__main__":
    sys.exit(main())
