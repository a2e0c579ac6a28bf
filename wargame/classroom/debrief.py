"""Class sessions: collect the teams' save files, compare the games, rank them, and debrief.

In class each team plays a game and saves it with ``game.save("team_03.json")``. The
instructor puts the files in one folder and opens ``notebooks/instructors/11_class_debrief``:

- ``load_session(folder)`` replays every save file in the folder and returns a ``Session``, a
  list of ``(team, Game)`` pairs; a file that cannot be loaded is reported by name with the
  reason (``session.problems``) and the others still load.
- ``compare(session)`` gives one row per team: the outcome figures of
  ``wargame.lessons.metrics.outcome`` (never recomputed here), the money spent by category, the
  decisions that mattered, and a rank.
- ``rank_policies(results, scenario)`` ranks policies from batched runs (``wargame.simulate``)
  by the same rule, for the policy lab.
- ``make_example_session(folder)`` plays a made-up class with the built-in policies, so the
  kit ships an example session (``assets/class_session_example``). From the command line::

      python -m wargame.classroom make-example assets/class_session_example
      python -m wargame.classroom compare assets/class_session_example

How teams are ranked (``RANK_BY``): by the full account -- what the raids cost the team
(interceptors fired plus damage suffered) per dollar they cost the adversary, lower is better
-- then by infrastructure preserved (higher is better), then by civilians harmed (fewer is
better). Pars met are shown beside the rank as context, never as its first key: a team that
never fires can meet a par on money and still lose the country. Equal figures share a rank;
``ranking_note`` says the rule in words, and each table carries it in ``.attrs["ranked_by"]``.
"""

from __future__ import annotations

import argparse
import html
import os
import sys
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from .. import format as fmt
from ..batch import SimulationResult, decide
from ..files import FileRefused, contained_path
from ..game import Game, SaveFileError
from ..lessons.metrics import interceptor_items, outcome, outcome_table, par_met, ratio, spending_by_category
from ..orders import orders_from_arrays
from ..policies import BUILT_IN
from ..scenario import Scenario, load_scenario
from ..scenario.loading import ASSETS
from ..terminal import printable_output

EXAMPLE_FOLDER_NAME = "class_session_example"

# The columns of ``compare``, by group, for showing a few at a time.
OUTCOME_COLUMNS = [
    "full_exchange_ratio",
    "infrastructure_preserved_pct",
    "civilian_harm_people",
    "cost_exchange_ratio",
    "strike_exchange_ratio",
    "defender_cost_usd",
    "damage_usd",
    "incidents_count",
    "money_end_usd",
]
SPEND_COLUMNS = [
    "spend_production_usd",
    "spend_capacity_usd",
    "spend_imports_usd",
    "spend_development_usd",
    "spend_training_usd",
    "spend_incidents_usd",
]
DECISION_COLUMNS = [
    "cheapest_interceptor",
    "cheapest_share_of_interceptor_spend_pct",
    "cheapest_share_of_kills_pct",
    "layered_turns",
    "strike_sorties_units",
    "autonomy_levels",
    "development_cycles",
]

RANK_BY = ("full_exchange_ratio", "infrastructure_preserved_pct", "civilian_harm_people")
# Which way is better, where ``Figure.better`` of ``metrics.outcome`` does not say it for ranking:
# pars met is a count (more is better).
BETTER = {"pars_met": "higher", "all_pars_met_pct": "higher"}

# How each ranking key reads in the sentence that says what a table is ranked by.
RANK_WORDS = {
    "full_exchange_ratio": "the full account (what the raids cost you, interceptors fired plus damage, per dollar they cost the adversary; lower is better)",
    "infrastructure_preserved_pct": "infrastructure preserved (higher is better)",
    "civilian_harm_people": "civilians harmed (fewer is better)",
    "cost_exchange_ratio": "the raw cost exchange (interceptors fired per dollar of raid; lower is better, and not firing flatters it)",
    "damage_usd": "damage suffered (lower is better)",
    "pars_met": "pars met (more is better)",
}


def ranking_note(rank_by: Sequence[str] = RANK_BY) -> str:
    """The ranking rule in words, for the top of a ranked table."""
    words = [RANK_WORDS.get(key, key.replace("_", " ")) for key in rank_by]
    rule = words[0] + "".join(f", then {w}" for w in words[1:])
    return f"Ranked by {rule}. Pars met are shown as context."


def example_session_folder() -> Path:
    """The folder of the example class session shipped with the kit."""
    return ASSETS / EXAMPLE_FOLDER_NAME


# --- loading a session --------------------------------------------------------------------------


class Session(list):
    """The games of a class session: a list of ``(team, Game)``, plus the files that failed.

    ``problems`` holds one line per save file that could not be loaded, as
    ``FILE NAME: reason`` (the ``SaveFileError`` message).
    """

    def __init__(self, games: Iterable[tuple[str, Game]] = (), problems: Iterable[str] = (), folder: Path | None = None):
        super().__init__(games)
        self.problems = list(problems)
        self.folder = folder

    @property
    def teams(self) -> list[str]:
        return [team for team, _ in self]

    def game(self, team: str) -> Game:
        """The game of one team, by name."""
        for name, game in self:
            if name == team:
                return game
        raise KeyError(f"no team {team!r} in this session (teams: {', '.join(self.teams)})")

    def overview(self) -> pd.DataFrame:
        """One row per team: scenario, seed, mode and turns played."""
        rows = [
            {
                "team": team,
                "scenario": game.scenario.name,
                "seed": game.seed,
                "mode": game.mode,
                "turns_played": len(game.reports),
                "finished": game.is_over,
            }
            for team, game in self
        ]
        return pd.DataFrame(rows, columns=["team", "scenario", "seed", "mode", "turns_played", "finished"]).set_index("team")

    def _heading(self) -> str:
        where = f" from {self.folder}" if self.folder is not None else ""
        failed = f"; {len(self.problems)} could not be loaded" if self.problems else ""
        return f"{fmt.count(len(self), 'saved game')}{where}{failed}"

    def __repr__(self) -> str:
        lines = [self._heading()]
        lines += [f"  {team}: {game!r}" for team, game in self]
        lines += [f"  not loaded: {problem}" for problem in self.problems]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        problems = "".join(f"<li>{html.escape(p)}</li>" for p in self.problems)
        return (
            f"<p><b>{html.escape(self._heading())}</b></p>"
            + (f"<p>Files that could not be loaded:</p><ul>{problems}</ul>" if problems else "")
            + self.overview().to_html()
        )


def load_session(folder: str | os.PathLike, scenario: Scenario | str | os.PathLike | None = None) -> Session:
    """Replay every save file (``*.json``) in a folder, in file-name order.

    The team's name is the file name without ``.json``. A file that cannot be loaded (damaged,
    not a save file, saved on a scenario that has changed, too large, a pipe or a device, a link
    out of the folder) is reported in ``problems`` by file name with the reason, and the other
    files still load: no single file can stop the debrief. Pass ``scenario`` (a path or a loaded
    scenario) when the class played a scenario file that is not shipped with the kit.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"{folder}: no such folder of save files.")
    if scenario is not None and not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    games, problems = [], []
    for path in sorted(folder.glob("*.json")):
        try:
            games.append((path.stem, _load_team(path, folder, scenario)))
        except SaveFileError as error:
            problems.append(f"{path.name}: {str(error).removeprefix(f'{path}: ')}")
        except Exception as error:  # one file never stops the debrief; the reason is still shown
            problems.append(f"{path.name}: could not be loaded: an unexpected error in the kit ({type(error).__name__}); please report it with this file.")
    return Session(games, problems, folder)


def _load_team(path: Path, folder: Path, scenario: Scenario | None) -> Game:
    """One team's game; a link out of the class folder is refused, not followed."""
    try:
        contained_path(path.name, folder)
    except FileRefused as refused:
        raise SaveFileError(f"{path}: {refused}.") from None
    return Game.load(path, scenario=scenario)


# --- comparing games ----------------------------------------------------------------------------


def _team_games(games) -> list[tuple[str, Game]]:
    if isinstance(games, Mapping):
        return list(games.items())
    pairs = list(games)
    if pairs and isinstance(pairs[0], Game):
        return [(f"game_{k + 1:02d}", game) for k, game in enumerate(pairs)]
    return pairs


def _cheapest_interceptor(scenario: Scenario) -> str | None:
    items = interceptor_items(scenario)
    return min(items, key=lambda item: scenario.catalogue[item].unit_cost_usd.value) if items else None


def _column_sum(history: pd.DataFrame, name: str) -> float:
    return float(history[name].sum()) if name in history else 0.0


def decisions(game: Game) -> dict:
    """The decisions that mattered in one game, read from its history and its orders."""
    scenario, history = game.scenario, game.history
    cheapest = _cheapest_interceptor(scenario)
    items = interceptor_items(scenario)
    kills = sum(_column_sum(history, f"kills_{item}_units") for item in items)
    cheap_spend = _column_sum(history, f"expended_{cheapest}_units") * scenario.catalogue[cheapest].unit_cost_usd.value if cheapest else 0.0
    orders = [report.orders for report in game.reports]
    struck = [o for o in orders if any(amount for plan in o.strikes.values() for amount in plan.values())]
    return {
        "cheapest_interceptor": cheapest,
        "cheapest_share_of_interceptor_spend_pct": 100.0 * ratio(cheap_spend, _column_sum(history, "interceptor_spend_usd")),
        "cheapest_share_of_kills_pct": 100.0 * ratio(_column_sum(history, f"kills_{cheapest}_units"), kills),
        "layered_turns": sum(any(len(layers) > 1 for layers in o.doctrine.values()) for o in orders),
        "strike_sorties_units": _column_sum(history, "strike_sorties_units"),
        "autonomy_levels": ", ".join(sorted({o.autonomy for o in struck})) or "no strikes",
        "development_cycles": ", ".join(sorted({o.adaptation or scenario.default_development_cycle for o in orders})),
    }


def _figure_row(figures) -> dict:
    """Outcome figures as a row: each value, and how many of the scenario's pars were met."""
    row = {figure.name: figure.value for figure in figures}
    judged = [figure.met_par for figure in figures if figure.met_par is not None]
    row["pars_met"] = sum(judged)
    row["pars_set"] = sum(figure.par is not None for figure in figures)
    return row


def _directions(figures) -> dict[str, str]:
    """Which way is better for each figure: the figure's own ``better``, then ``BETTER``."""
    return {**{figure.name: figure.better for figure in figures}, **BETTER}


def game_outcome(game: Game) -> dict:
    """One game's outcome figures (``metrics.outcome``), pars met and money spent by category."""
    if not game.reports:
        return {}
    row = _figure_row(outcome(game.history, game.scenario))
    row.update({f"spend_{category}_usd": value for category, value in spending_by_category(game.history).items()})
    return row


def rank(table: pd.DataFrame, rank_by: Sequence[str] = RANK_BY, better: Mapping[str, str] | None = None) -> pd.Series:
    """1 for the best row by ``rank_by``, ties sharing a rank.

    Rows are compared column by column: the first column decides, the next breaks its ties,
    and so on. ``better`` says per column whether "higher" or "lower" is better (default:
    ``BETTER``, else higher). Rows with missing figures come last.
    """
    better = {**BETTER, **(better or {})}
    ascending = [better.get(column, "higher") == "lower" for column in rank_by]
    ordered = table.sort_values(list(rank_by), ascending=ascending, na_position="last", kind="stable")
    keys = list(ordered[list(rank_by)].itertuples(index=False, name=None))
    ranks, current = [], 0
    for position, key in enumerate(keys):
        if position == 0 or key != keys[position - 1] or any(pd.isna(v) for v in key):
            current = position + 1
        ranks.append(current)
    return pd.Series(ranks, index=ordered.index, name="rank").reindex(table.index)


def compare(games, rank_by: Sequence[str] = RANK_BY) -> pd.DataFrame:
    """One row per team: rank, outcome figures against par, spending by category, decisions.

    ``games`` is a ``Session``, a list of ``(team, Game)`` pairs or a dict ``{team: Game}``.
    Rows are sorted by rank (see ``RANK_BY``); games of different scenarios are ranked within
    their own scenario. Outcome figures come from ``wargame.lessons.metrics.outcome``; a game
    with no turn played has none and ranks last.
    """
    rows, better = [], dict(BETTER)
    for team, game in _team_games(games):
        row = {"team": team, "scenario": game.scenario.name, "seed": game.seed, "turns_played": len(game.reports)}
        if game.reports:
            better.update(_directions(outcome(game.history, game.scenario)))
            row.update(game_outcome(game))
            row.update(decisions(game))
        rows.append(row)
    columns = ["team", "scenario", "seed", "turns_played", "pars_met", "pars_set"]
    columns += OUTCOME_COLUMNS + SPEND_COLUMNS + DECISION_COLUMNS
    columns += [name for row in rows for name in row if name not in columns]  # figures added to metrics later
    table = pd.DataFrame(rows, columns=list(dict.fromkeys(columns))).set_index("team")
    table.insert(0, "rank", 0)
    for _, group in table.groupby("scenario", sort=False):
        table.loc[group.index, "rank"] = rank(group, rank_by, better)
    table = table.sort_values(["scenario", "rank"], kind="stable")
    table.attrs["ranked_by"] = ranking_note(rank_by)
    return table


# --- ranking policies from batched runs ---------------------------------------------------------


def run_outcomes(result: SimulationResult, scenario: Scenario | str) -> pd.DataFrame:
    """One row per run of a batch: the outcome figures of ``metrics.outcome`` and pars met.

    ``scenario`` is the one the batch was played on (a ``SimulationResult`` does not keep it).
    """
    scenario = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    figures = outcome_table(result.history)
    passed = par_met(figures, scenario)
    figures["pars_met"], figures["pars_set"] = passed["pars_met"], passed["pars_set"]
    figures.index.name = "run"
    return figures


def figure_directions(scenario: Scenario | str) -> dict[str, str]:
    """Which way is better ("higher" or "lower") for each outcome figure and for ``pars_met``.

    Read from the figures ``metrics.outcome`` gives for one turn of the scenario (each figure
    says which side of par is good), with the exceptions in ``BETTER``.
    """
    game = Game(scenario, mode="expected")
    game.play_turn()
    return _directions(outcome(game.history, game.scenario))


def rank_policies(
    runs: Mapping[str, SimulationResult | pd.DataFrame] | Iterable[SimulationResult],
    scenario: Scenario | str,
    rank_by: Sequence[str] = RANK_BY,
) -> pd.DataFrame:
    """One row per policy: the mean outcome figures over its runs, and a rank.

    ``runs`` maps a policy's name to its ``SimulationResult`` or to the per-run outcomes that
    ``run_outcomes`` gives for it (faster when you rank again after adding a policy); a list
    of results is named by their ``policy``. Policies are ranked by their mean figures with
    the same rule as ``compare`` ranks teams (``RANK_BY``: the full account first).
    ``all_pars_met_pct`` is the share of runs that met every par the scenario sets; it is
    context, not a ranking key.
    """
    scenario = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    if not isinstance(runs, Mapping):
        runs = {result.policy: result for result in runs}
    rows = []
    for name, figures in runs.items():
        if isinstance(figures, SimulationResult):
            figures = run_outcomes(figures, scenario)
        row = {"policy": name, "runs": len(figures), **figures.mean().to_dict()}
        judged = figures["pars_set"] > 0
        row["all_pars_met_pct"] = 100.0 * float((figures["pars_met"] == figures["pars_set"]).mean()) if judged.any() else np.nan
        rows.append(row)
    table = pd.DataFrame(rows).set_index("policy")
    first = [c for c in ("runs", *rank_by, "all_pars_met_pct", "pars_met", "pars_set") if c in table]
    table = table[first + [c for c in table.columns if c not in first]]
    table.insert(0, "rank", rank(table, rank_by, figure_directions(scenario)))
    table = table.sort_values("rank", kind="stable")
    table.attrs["ranked_by"] = ranking_note(rank_by)
    return table


# --- the example session ------------------------------------------------------------------------


def _example_plans(players: int, turns: int, seed: int) -> list[list[str]]:
    """Each team's policy for each turn: a built-in policy, and for about half the teams a
    switch to another one at a turn drawn at random (a team that changed its mind)."""
    names = list(BUILT_IN)
    rng = np.random.default_rng(seed)
    plans = []
    for team in range(players):
        first = names[team % len(names)]
        plan = [first] * turns
        if turns > 1 and rng.random() < 0.5:
            switch = int(rng.integers(1, turns))  # index of the first turn on the new policy
            plan[switch:] = [str(rng.choice([n for n in names if n != first]))] * (turns - switch)
        plans.append(plan)
    return plans


def describe_plan(plan: Sequence[str]) -> str:
    """``layered_cheap`` or ``missiles_only for turns 1-2, then balanced``."""
    parts, start = [], 0
    for turn in range(1, len(plan) + 1):
        if turn == len(plan) or plan[turn] != plan[start]:
            parts.append((plan[start], start + 1, turn))
            start = turn
    if len(parts) == 1:
        return parts[0][0]
    text = [f"{name} for turn{'s' if last > first else ''} {first}{f'-{last}' if last > first else ''}" for name, first, last in parts]
    return ", then ".join(text)


def make_example_session(
    folder: str | os.PathLike,
    scenario: str | os.PathLike = "tutorial",
    players: int = 12,
    seed: int = 1,
    mode: str = "stochastic",
) -> list[tuple[Path, str]]:
    """Play a made-up class session and save each team's game as ``team_XX.json``.

    Team k (from 0) plays with seed ``seed + k``; its orders each turn are those of a built-in
    policy (see ``_example_plans``: the policies in turn, and for about half of the teams a
    switch to another policy part-way, drawn from a generator seeded with ``seed``). Nothing is
    written but the save files. Returns each file written with its plan in words.
    """
    if players < 1:
        raise ValueError(f"players must be 1 or more, not {players}")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    names = [f"team_{k + 1:02d}.json" for k in range(players)]
    others = sorted(p.name for p in folder.glob("*.json") if p.name not in names)
    if others:
        raise FileExistsError(
            f"{folder} holds other save files ({', '.join(others)}); they would be mixed into the "
            "session. Use an empty folder or remove them first."
        )
    scenario = load_scenario(scenario)
    written = []
    for k, (name, plan) in enumerate(zip(names, _example_plans(players, scenario.turns, seed))):
        game = Game(scenario, seed=seed + k, mode=mode)
        for policy in plan:
            game.play_turn(orders_from_arrays(decide(BUILT_IN[policy], game.state, game.tables), game.tables))
        written.append((game.save(folder / name), describe_plan(plan)))
    return written


# --- the command line ---------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m wargame.classroom", description="Class sessions: example save files and comparisons.")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    make = commands.add_parser(
        "make-example",
        help="play a made-up class session with the built-in policies and save each team's game",
        description="Play a made-up class session with the built-in policies; write team_XX.json save files into FOLDER.",
    )
    make.add_argument("folder", metavar="FOLDER")
    make.add_argument("--scenario", default="tutorial", help="a shipped scenario's name or a scenario file (default: tutorial)")
    make.add_argument("--players", type=int, default=12, help="number of teams (default: 12)")
    make.add_argument("--seed", type=int, default=1, help="team k plays with seed SEED + k (default: 1)")
    make.set_defaults(run=run_make_example)
    show = commands.add_parser(
        "compare",
        help="load every save file in a folder and print the teams' ranking",
        description="Load every save file in FOLDER and print one line per team: rank and outcome figures.",
    )
    show.add_argument("folder", metavar="FOLDER")
    show.add_argument("--scenario", help="the scenario file the class played, if it is not a shipped one")
    show.set_defaults(run=run_compare)
    return parser


def run_make_example(args: argparse.Namespace) -> int:
    written = make_example_session(args.folder, scenario=args.scenario, players=args.players, seed=args.seed)
    print(f"Wrote {len(written)} save files to {args.folder} ({args.scenario}, seeds {args.seed} to {args.seed + len(written) - 1}):")
    for path, plan in written:
        print(f"  {path.name}: {plan}")
    return 0


def run_compare(args: argparse.Namespace) -> int:
    session = load_session(args.folder, scenario=args.scenario)
    for problem in session.problems:
        print(f"not loaded: {problem}", file=sys.stderr)
    if session:
        columns = ["rank", "full_exchange_ratio", "infrastructure_preserved_pct", "civilian_harm_people", "cost_exchange_ratio", "pars_met", "pars_set"]
        table = compare(session)
        print(table.attrs["ranked_by"])
        with pd.option_context("display.width", 160, "display.max_columns", None, "display.float_format", "{:,.1f}".format):
            print(table[columns])
    return 1 if session.problems else 0


def main(argv: Sequence[str] | None = None) -> int:
    with printable_output():  # names and titles from save files never reach the terminal as control codes
        args = build_parser().parse_args(argv)
        try:
            return args.run(args)
        except (FileExistsError, FileNotFoundError, ValueError) as error:
            print(error, file=sys.stderr)
            return 1


if __name__ == "__main__":
    sys.exit(main())
