"""Save files: writing a game, reading one back, and the one check of what a save may hold.

A save file is JSON: the scenario's identity (its name, the file it came from unless it is
shipped, a fingerprint of its content), the seed, the mode and every turn's orders. Loading
replays the orders, so a loaded game is the saved one, random stream included. ``Game`` keeps
the play; ``Game.save``, ``Game.load``, ``Game.to_json`` and ``Game.from_json`` call this module.

Save files travel between students and instructors, so each one is untrusted input:

- it is read with ``files.read_bounded_text``: a regular file only (never a FIFO or a device),
  at most ``SAVE_LIMIT_BYTES`` (5 MB; a whole game of the longest shipped scenario takes
  about 40 KB, so the limit leaves a hundredfold margin and still reads in a fraction of a
  second);
- any JSON it holds is read without a traceback: damaged, truncated, nested too deep, a number
  of thousands of digits, NaN;
- ``check_save`` is the one place that says what a save may contain: format, version, seed
  (``seeds.SEED_MAX``), mode, the scenario reference and each turn's orders (their shape, by
  ``orders.plain_orders``), each refusal naming the field and, for orders, the turn;
- the scenario is found by name among the shipped ones, or as a file beside the save (or below
  it): never by an absolute path, never through ``..`` or a link out of the save's folder
  (``files.contained_path``);
- messages quote only the save itself, never the content of another file.

Version 3 adds the events a White Cell injected (a live class session), each with its turn, so
that replaying gives the same game; a save without them (versions 1 and 2) has none.

Version 1 wrote the scenario's path as the game was given it (often absolute); version 2
writes it relative to the save's folder. Both are read: a version-1 path that is absolute or
leaves the folder is looked up by its file name beside the save (the fingerprint still has to
match, so it cannot pick up another scenario).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path, PurePosixPath, PureWindowsPath

from .files import MEGABYTE, FileRefused, contained_path, read_bounded_text
from .orders import Orders, OrdersError, plain_orders, quoted
from .scenario import Scenario, ScenarioError, load_scenario
from .scenario.loading import SCENARIO_DIR, shipped_scenarios
from .seeds import seed_problem

SAVE_FORMAT = "drone-wargame-save"
SAVE_VERSION = 3
READABLE_VERSIONS = (1, 2, 3)
SAVE_LIMIT_BYTES = 5 * MEGABYTE
MODES = ("stochastic", "expected")
# No scenario has more turns than the schema allows, so no save holds more turns of orders.
MOST_TURNS = next(rule.le for rule in Scenario.model_fields["turns"].metadata if hasattr(rule, "le"))
MOST_INJECTED_PER_TURN = 20  # a White Cell injects a few events a session, not hundreds a turn


class SaveFileError(ValueError):
    """A save file that cannot be loaded, with the reason in plain words."""


@dataclass(frozen=True)
class ScenarioReference:
    """How a save names its scenario: a shipped name, or a file beside the save."""

    name: str | None
    path: str | None
    content_hash: str
    title: str | None = None


@dataclass(frozen=True)
class SavedGame:
    """What a checked save file holds: enough to replay the game exactly."""

    version: int
    scenario: ScenarioReference
    seed: int
    mode: str
    orders: tuple[Orders, ...]
    injected: tuple[dict, ...] = ()  # injected events' data, each with its turn


# --- writing ------------------------------------------------------------------------------------


def is_shipped(scenario: Scenario) -> bool:
    """True for a scenario read from the kit's own ``assets/scenarios`` (found again by name)."""
    if scenario.path is None or scenario.name not in shipped_scenarios():
        return False
    return Path(scenario.path).resolve().parent == SCENARIO_DIR.resolve()


def scenario_reference_path(scenario: Scenario, folder: str | os.PathLike | None) -> str | None:
    """The scenario's file as a save in ``folder`` names it: None for a shipped scenario, else
    the path from the save's folder if the file lies in it, else the file's name alone (a save
    only ever reads a scenario beside it, so it is found once copied there)."""
    if is_shipped(scenario) or scenario.path is None:
        return None
    file = Path(scenario.path).resolve()
    if folder is not None:
        try:
            return file.relative_to(Path(folder).resolve()).as_posix()
        except ValueError:
            pass
    return file.name


def save_data(game, folder: str | os.PathLike | None = None) -> dict:
    """The JSON data of a save of ``game`` to be written in ``folder``."""
    return {
        "format": SAVE_FORMAT,
        "version": SAVE_VERSION,
        "saved_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "scenario": {
            "name": game.scenario.name,
            "path": scenario_reference_path(game.scenario, folder),
            "content_hash": game.scenario.content_hash,
            "title": game.scenario.title,
        },
        "seed": game.seed,
        "mode": game.mode,
        "orders": [report.orders.to_dict() for report in game.reports],
        "injected": [event.model_dump(mode="json", exclude_none=True) for event in game.injected_events],
    }


def write_save(game, path: str | os.PathLike) -> Path:
    """Write the game's save file; the file is replaced whole or not at all."""
    path = Path(path)
    text = json.dumps(save_data(game, path.parent), indent=1, allow_nan=False)
    temporary = path.with_name(path.name + ".tmp")
    try:
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
    return path


# --- reading and checking -----------------------------------------------------------------------


def read_save(path: str | os.PathLike) -> SavedGame:
    """The checked contents of a save file, or ``SaveFileError`` naming the file and the reason."""
    path = Path(path)
    try:
        text = read_bounded_text(path, SAVE_LIMIT_BYTES)
    except FileRefused as refused:
        reason = "no such save file" if str(refused) == "file not found" else f"cannot read this save file: {refused}"
        raise SaveFileError(f"{path}: {reason}.") from None
    return parse_save(text, str(path))


def parse_save(text: str, source: str = "save file") -> SavedGame:
    """The checked contents of a save file's text; ``source`` names the file in messages."""
    return check_save(_json(text, source), source)


def _no_constant(name: str):
    raise ValueError(f"it holds {name}, which is not a number")


def _json(text: str, source: str):
    damaged = f"{source}: this save file is damaged or truncated"
    try:
        return json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as error:
        raise SaveFileError(f"{damaged}: it is not valid JSON (line {error.lineno}, column {error.colno}: {error.msg}).") from None
    except RecursionError:
        raise SaveFileError(f"{damaged}: its data is nested too deeply to be a save file.") from None
    except ValueError as error:  # Python's limit on integer digits, or NaN / Infinity
        reason = str(error) if "not a number" in str(error) else "it holds a number too long to read (thousands of digits)"
        raise SaveFileError(f"{damaged}: {reason}.") from None


def check_save(data, source: str = "save file") -> SavedGame:
    """Everything a save may contain, checked in one place: the data read from its JSON, or
    ``SaveFileError`` naming the field (and the turn, for orders) and what is wrong."""
    if not isinstance(data, dict) or data.get("format") != SAVE_FORMAT:
        raise SaveFileError(f"{source}: this is not a save file of the drone wargame kit.")
    version = data.get("version")
    whole = isinstance(version, int) and not isinstance(version, bool)
    if not whole or version not in READABLE_VERSIONS:
        newer = " (a newer kit wrote it: update the kit to load it)" if whole and version > SAVE_VERSION else ""
        raise SaveFileError(
            f"{source}: this save file uses version {quoted(version)} of the save format{newer}; "
            f"this kit reads version {SAVE_VERSION} and earlier."
        )
    missing = [key for key in ("scenario", "seed", "mode", "orders") if key not in data]
    if missing:
        raise SaveFileError(f"{source}: this save file is damaged: it has no {', '.join(missing)}.")
    damaged = f"{source}: this save file is damaged"
    problem = seed_problem(data["seed"])
    if problem:
        raise SaveFileError(f"{damaged}: {problem}.")
    if data["mode"] not in MODES:
        raise SaveFileError(f"{damaged}: its mode is {quoted(data['mode'])} (allowed: {', '.join(MODES)}).")
    return SavedGame(
        version=data["version"],
        scenario=_scenario_reference(data["scenario"], damaged),
        seed=int(data["seed"]),
        mode=data["mode"],
        orders=_saved_orders(data["orders"], damaged),
        injected=_saved_injected(data.get("injected", []), len(data["orders"]), damaged),
    )


def _saved_injected(saved, turns: int, damaged: str) -> tuple[dict, ...]:
    """The injected events' data: a list of mappings, each dated on a turn the save played.

    What each event may hold is checked when it is replayed (``Game.inject``: the scenario's
    event schema and the scenario's items and threats).
    """
    if not isinstance(saved, list):
        raise SaveFileError(f"{damaged}: its injected events are malformed ({quoted(saved)}; expected a list).")
    if len(saved) > MOST_INJECTED_PER_TURN * max(turns, 1):
        raise SaveFileError(f"{damaged}: it holds {len(saved):,} injected events for {turns} turns; at most {MOST_INJECTED_PER_TURN} a turn are read.")
    for number, event in enumerate(saved, start=1):
        turn = event.get("turn") if isinstance(event, dict) else None
        if not isinstance(turn, int) or isinstance(turn, bool) or not 1 <= turn <= turns:
            raise SaveFileError(
                f"{damaged}: its injected event {number} is malformed ({quoted(event)}; expected a scenario event "
                f"with a turn from 1 to {turns}, a turn the save played)."
            )
    return tuple(saved)


def _scenario_reference(saved, damaged: str) -> ScenarioReference:
    if not isinstance(saved, dict):
        raise SaveFileError(f"{damaged}: its scenario is malformed ({quoted(saved)}; expected name, path and content_hash).")
    for key in ("name", "path", "title"):
        if saved.get(key) is not None and not isinstance(saved[key], str):
            raise SaveFileError(f"{damaged}: its scenario {key} is malformed ({quoted(saved[key])}; expected text).")
    if not isinstance(saved.get("content_hash"), str):
        raise SaveFileError(f"{damaged}: its scenario content_hash is missing or malformed ({quoted(saved.get('content_hash'))}).")
    return ScenarioReference(
        name=saved.get("name") or None,
        path=saved.get("path") or None,
        content_hash=saved["content_hash"],
        title=saved.get("title"),
    )


def _saved_orders(saved, damaged: str) -> tuple[Orders, ...]:
    if not isinstance(saved, list):
        raise SaveFileError(f"{damaged}: its orders are malformed ({quoted(saved)}; expected a list with one entry per turn).")
    if len(saved) > MOST_TURNS:
        raise SaveFileError(f"{damaged}: it holds {len(saved):,} turns of orders; no scenario has more than {MOST_TURNS}.")
    orders = []
    for turn, entry in enumerate(saved, start=1):
        try:
            orders.append(plain_orders(entry))
        except OrdersError as error:
            raise SaveFileError(f"{damaged}: turn {turn}'s orders are malformed: {' '.join(_first_problems(error).problems)}") from None
    return tuple(orders)


# --- the scenario a save names ------------------------------------------------------------------


def saved_scenario(saved: SavedGame, folder: str | os.PathLike, source: str, given: Scenario | str | os.PathLike | None = None) -> Scenario:
    """The scenario to replay a save on: ``given`` if passed, else the one the save names.

    Either way its fingerprint must be the saved one: otherwise replaying would not give the
    same game, and the message says whether the save is of another scenario or of an edited one.
    """
    reference = saved.scenario
    if given is not None:
        scenario = _given_scenario(given, source)
    else:
        scenario = _named_scenario(reference, saved.version, Path(folder), source)
    if reference.content_hash != scenario.content_hash:
        played_on = f"the scenario {quoted(reference.name)}" if reference.name else "a scenario this save does not name"
        if reference.name != scenario.name:
            raise SaveFileError(
                f"{source}: this game was played on {played_on}, not on {quoted(scenario.name)} given here: "
                f"they differ, so replaying would not give the same game. Pass the scenario the game was played on."
            )
        raise SaveFileError(
            f"{source}: the scenario {quoted(reference.name)} has changed since this game was saved "
            f"(saved {quoted(reference.content_hash)}, now {scenario.content_hash}); replaying would not give the same game."
        )
    return scenario


def _given_scenario(given, source: str) -> Scenario:
    if isinstance(given, Scenario):
        return given
    try:
        return load_scenario(given)
    except ScenarioError as error:
        raise SaveFileError(f"{source}: the scenario given to replay it cannot be loaded: {error}") from None


def _named_scenario(reference: ScenarioReference, version: int, folder: Path, source: str) -> Scenario:
    pass_one = "Pass scenario=NAME_OR_PATH to Game.load (or to load_session)."
    if reference.path is None:
        if reference.name is None:
            raise SaveFileError(f"{source}: this save names no scenario, so it cannot be replayed. {pass_one}")
        if reference.name not in shipped_scenarios():
            raise SaveFileError(
                f"{source}: the game was played on the scenario {quoted(reference.name)}, which is not shipped with this kit, "
                f"and the save names no file for it. {pass_one}"
            )
        return load_scenario(SCENARIO_DIR / f"{reference.name}.yaml")  # never a file of that name elsewhere
    path = _scenario_file(reference.path, version, folder, source)
    try:
        return load_scenario(path)
    except ScenarioError as error:
        count = len(error.problems)
        raise SaveFileError(
            f"{source}: the scenario file {quoted(reference.path)} this save names is not a valid scenario "
            f"({count} problem{'s' if count != 1 else ''}; see them with: python -m wargame validate {path})."
        ) from None


def _scenario_file(reference: str, version: int, folder: Path, source: str) -> Path:
    """The scenario file a save names, inside the save's folder, and a regular file."""
    if version == 1 and _leaves_folder(reference):
        reference = _file_name(reference)  # version 1 kept the path as given; look beside the save
    try:
        path = contained_path(reference, folder)
    except FileRefused as refused:
        raise SaveFileError(
            f"{source}: the scenario file this save names ({quoted(reference)}) is refused: {refused}. "
            f"Put the scenario file beside the save, or pass scenario=PATH to Game.load."
        ) from None
    if not path.exists():
        raise SaveFileError(
            f"{source}: the scenario file {quoted(reference)} this game was played on is not in the save's folder; "
            f"copy it there, or pass scenario=PATH to Game.load."
        )
    if not path.is_file():
        raise SaveFileError(f"{source}: the scenario file {quoted(reference)} this save names is not a regular file.")
    return path


def _leaves_folder(reference: str) -> bool:
    return any(kind(reference).is_absolute() or ".." in kind(reference).parts for kind in (PurePosixPath, PureWindowsPath)) or reference.startswith("~")


def _file_name(reference: str) -> str:
    return PureWindowsPath(reference).name if "\\" in reference else PurePosixPath(reference).name


# --- replaying ----------------------------------------------------------------------------------


def replay(saved: SavedGame, scenario: Scenario, source: str, game_class):
    """The saved game, replayed turn by turn on ``scenario`` (already checked against the save)."""
    if len(saved.orders) > scenario.turns:
        raise SaveFileError(
            f"{source}: this save holds {len(saved.orders)} turns of orders, but the scenario has {scenario.turns}: "
            f"turn {scenario.turns + 1}'s orders cannot be replayed (the game is over)."
        )
    game = game_class(scenario, seed=saved.seed, mode=saved.mode)
    for turn, orders in enumerate(saved.orders, start=1):
        for number, event in enumerate(saved.injected, start=1):
            if event["turn"] == turn:
                try:
                    game.inject(event)
                except ValueError as error:
                    raise SaveFileError(f"{source}: injected event {number} cannot be replayed: {error}") from None
        try:
            game.play_turn(orders)
        except OrdersError as error:
            raise SaveFileError(f"{source}: turn {turn}'s orders cannot be replayed: {_first_problems(error)}") from None
    return game


def _first_problems(error: OrdersError, shown: int = 5) -> OrdersError:
    """The orders' problems, the first few of a long list (a damaged save may hold a thousand)."""
    if len(error.problems) <= shown:
        return error
    return OrdersError(error.problems[:shown] + [f"... and {len(error.problems) - shown:,} more problems"])


def load_game(path: str | os.PathLike, scenario: Scenario | str | os.PathLike | None = None, game_class=None):
    """Replay a save file to the identical game; any problem is a ``SaveFileError``."""
    path = Path(path)
    saved = read_save(path)
    return replay(saved, saved_scenario(saved, path.parent, str(path), scenario), str(path), game_class or _game_class())


def game_from_text(text: str, scenario=None, source: str = "save file", folder: str | os.PathLike = ".", game_class=None):
    """Replay a save from its text; a scenario file it names is looked up in ``folder``."""
    saved = parse_save(text, source)
    return replay(saved, saved_scenario(saved, folder, source, scenario), source, game_class or _game_class())


def _game_class():
    from .game import Game  # game.py imports this module for its save methods

    return Game
