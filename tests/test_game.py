"""``wargame.Game``: determinism, save files, refused orders, undo and the history table.

The bookkeeping around the rules (docs/architecture.md: game.py keeps the bookkeeping around the rules): same
seed and same orders give the same game bit for bit; a saved game loads to the identical state
and plays on identically; a damaged save file is refused with the reason in plain words;
refused orders change nothing and say what is wrong with the amounts involved; undo restores
the previous turn including the random stream.
"""

from __future__ import annotations

import json
import math
import re

import numpy as np
import pytest

import wargame
from wargame import Game, GameOver, Layer, Orders, OrdersError, SaveFileError
from wargame.batch import decide
from wargame.orders import orders_from_arrays
from wargame.scenario import shipped_scenarios

SHIPPED = shipped_scenarios()
MODES = ("stochastic", "expected")
UNIT_SUFFIXES = ("_usd", "_units", "_count", "_ratio", "_people", "_pct", "_per_turn", "_intensity", "_turns")


@pytest.fixture(scope="module")
def scenarios() -> dict:
    return {name: wargame.load_scenario(name) for name in SHIPPED}


def policy_orders(game: Game, policy: str = "balanced") -> Orders:
    """A built-in policy's orders for this game's turn, as a student's ``Orders``."""
    arrays = decide(wargame.BUILT_IN_POLICIES[policy], game.state, game.tables)
    return orders_from_arrays(arrays, game.tables)


def play(game: Game, turns: int | None = None, policy: str = "balanced") -> list[Orders]:
    """Play some turns (all that are left by default) with a policy; the orders played."""
    played = []
    while not game.is_over and (turns is None or len(played) < turns):
        orders = policy_orders(game, policy)
        game.play_turn(orders)
        played.append(orders)
    return played


def snapshot(game: Game) -> dict:
    """Everything a refused order or an undo must leave as it was."""
    return {
        "turn": game.turn,
        "history": game.history.copy(),
        "arrays": {name: value.copy() for name, value in game.state.arrays().items()},
        "orders": game.orders().to_dict(),
    }


def assert_same_state(a, b) -> None:
    """Two states (or two games' states) equal in every array, bit for bit."""
    a = a.state if isinstance(a, Game) else a
    b = b.state if isinstance(b, Game) else b
    assert a.turn == b.turn
    arrays_a, arrays_b = a.arrays(), b.arrays()
    assert arrays_a.keys() == arrays_b.keys()
    for name in arrays_a:
        assert np.array_equal(arrays_a[name], arrays_b[name]), f"state.{name} differs:\n{arrays_a[name]}\n{arrays_b[name]}"


def assert_unchanged(game: Game, before: dict) -> None:
    assert game.turn == before["turn"]
    assert game.history.equals(before["history"])
    for name, value in game.state.arrays().items():
        assert np.array_equal(value, before["arrays"][name]), f"state.{name} changed"
    assert game.orders().to_dict() == before["orders"]


# --- determinism --------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("name", SHIPPED)
def test_same_seed_and_orders_give_the_same_game(scenarios, name, mode):
    first = Game(scenarios[name], seed=11, mode=mode)
    orders = play(first)
    second = Game(scenarios[name], seed=11, mode=mode)
    for turn_orders in orders:
        second.play_turn(turn_orders)
    assert len(first.history) == scenarios[name].turns
    assert first.history.equals(second.history)
    assert_same_state(first, second)


def test_another_seed_gives_another_game(scenarios):
    # The tutorial's raid is Poisson(100) every turn, so two seeds that agreed on every
    # figure of every turn would mean the seed is ignored.
    games = [Game(scenarios["tutorial"], seed=seed) for seed in (1, 2)]
    for game in games:
        play(game, policy="hold")
    one, two = (game.history for game in games)
    assert not one.equals(two)
    assert (one["raid_size_units"] != two["raid_size_units"]).any()


def test_expected_mode_does_not_depend_on_the_seed(scenarios):
    games = [Game(scenarios["tutorial"], seed=seed, mode="expected") for seed in (1, 2)]
    for game in games:
        play(game, policy="layered_cheap")
    assert games[0].history.equals(games[1].history)


def test_an_unknown_mode_is_refused(scenarios):
    with pytest.raises(ValueError, match="stochastic.*expected"):
        Game(scenarios["tutorial"], mode="average")


# --- save files ---------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("name", SHIPPED)
def test_save_and_load_give_the_same_game(scenarios, tmp_path, name, mode):
    game = Game(scenarios[name], seed=5, mode=mode)
    play(game, turns=max(1, scenarios[name].turns // 2))
    path = game.save(tmp_path / "game.json")
    loaded = Game.load(path)
    assert (loaded.scenario.name, loaded.seed, loaded.mode) == (name, 5, mode)
    assert loaded.turn == game.turn
    assert loaded.history.equals(game.history)
    assert_same_state(loaded, game)
    assert loaded.orders().to_dict() == game.orders().to_dict()
    # both play on alike: the random stream was restored too
    orders = policy_orders(game)
    mine, theirs = game.play_turn(orders), loaded.play_turn(orders.copy())
    assert mine.metrics == theirs.metrics
    assert loaded.history.equals(game.history)
    assert_same_state(loaded, game)


def test_save_of_a_new_and_of_a_finished_game(scenarios, tmp_path):
    fresh = Game(scenarios["tutorial"], seed=3)
    loaded = Game.load(fresh.save(tmp_path / "new.json"))
    assert loaded.turn == 1 and loaded.history.empty
    assert_same_state(loaded, fresh)
    finished = Game(scenarios["tutorial"], seed=3)
    play(finished)
    loaded = Game.load(finished.save(tmp_path / "over.json"))
    assert loaded.is_over and loaded.history.equals(finished.history)


@pytest.fixture
def saved(scenarios, tmp_path):
    """A tutorial game of two turns saved to a file; returns (path, the file's JSON data)."""
    game = Game(scenarios["tutorial"], seed=9)
    play(game, turns=2)
    path = game.save(tmp_path / "saved.json")
    return path, json.loads(path.read_text(encoding="utf-8"))


def _rewrite(path, data) -> None:
    path.write_text(json.dumps(data), encoding="utf-8")


def _expect_save_error(path, *words, **load_options) -> str:
    with pytest.raises(SaveFileError) as caught:
        Game.load(path, **load_options)
    assert caught.type is SaveFileError
    message = str(caught.value)
    assert str(path) in message, f"the message should name the file: {message}"
    for word in words:
        assert word.lower() in message.lower(), f"{word!r} not in: {message}"
    assert "Traceback" not in message
    return message


def test_load_refuses_a_file_that_is_not_json(saved):
    path, _ = saved
    path.write_text("this is not a save file {", encoding="utf-8")
    _expect_save_error(path, "not valid JSON")


def test_load_refuses_a_truncated_file(saved):
    path, _ = saved
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: len(text) // 2], encoding="utf-8")
    _expect_save_error(path, "truncated")


def test_load_refuses_an_empty_file_and_binary_garbage(saved):
    path, _ = saved
    path.write_text("", encoding="utf-8")
    _expect_save_error(path, "not valid JSON")
    path.write_bytes(b"\xff\xfe\x00garbage\x9c")
    _expect_save_error(path, "cannot read")


def test_load_refuses_a_missing_file(tmp_path):
    _expect_save_error(tmp_path / "nowhere.json", "no such save file")


def test_load_refuses_another_version(saved):
    path, data = saved
    data["version"] = 99
    _rewrite(path, data)
    message = _expect_save_error(path, "version 99")
    assert re.search(r"reads version \d+", message)


@pytest.mark.parametrize("content", [{"format": "spreadsheet"}, {}, [1, 2, 3], "a string"], ids=repr)
def test_load_refuses_another_format(saved, content):
    path, data = saved
    if isinstance(content, dict):
        data = {**data, **content} if content else {k: v for k, v in data.items() if k != "format"}
    else:
        data = content
    _rewrite(path, data)
    _expect_save_error(path, "not a save file")


@pytest.mark.parametrize("key", ["orders", "seed", "mode", "scenario"])
def test_load_refuses_a_file_missing_a_part(saved, key):
    path, data = saved
    del data[key]
    _rewrite(path, data)
    _expect_save_error(path, "damaged", f"no {key}")


def test_load_refuses_a_changed_scenario(saved, tmp_path):
    path, data = saved
    data["scenario"]["content_hash"] = "0123456789abcdef"
    _rewrite(path, data)
    _expect_save_error(path, "has changed", "0123456789abcdef")
    # an instructor edits the scenario (a file of the same name) after the game was saved: the same words
    _rewrite(path, {**data, "scenario": {**data["scenario"], "content_hash": wargame.load_scenario("tutorial").content_hash}})
    (tmp_path / "edited").mkdir()
    edited = tmp_path / "edited" / "tutorial.yaml"
    shipped = wargame.load_scenario("tutorial").path
    edited.write_text(open(shipped, encoding="utf-8").read().replace("title: \"", "title: \"Edited: ", 1), encoding="utf-8")
    _expect_save_error(path, "has changed", scenario=edited)


def test_load_with_another_scenario_says_so(saved, tmp_path):
    path, _ = saved
    other = tmp_path / "tutorial_edited.yaml"
    other.write_text("extends: tutorial\nbudget: {initial_usd: 49_000_000, per_turn_usd: 20_000_000}\n", encoding="utf-8")
    another = next(name for name in SHIPPED if name != "tutorial")
    for given, shown in ((other, "'tutorial_edited'"), (another, repr(another))):
        message = _expect_save_error(path, "played on the scenario 'tutorial'", f"not on {shown}", scenario=given)
        assert "has changed" not in message


@pytest.mark.parametrize(
    "damage, words",
    [
        pytest.param({"orders": "every turn"}, ["malformed"], id="orders-not-a-list"),
        pytest.param({"seed": "nine"}, ["damaged", "seed", "whole number", "'nine'"], id="seed-not-a-number"),
        pytest.param({"scenario": "tutorial"}, ["malformed"], id="scenario-not-a-mapping"),
        pytest.param({"mode": "average"}, ["damaged", "average"], id="unknown-mode"),
        pytest.param({"orders": [{"bombers": 3}]}, ["turn 1", "malformed"], id="unknown-order-field"),
        pytest.param({"orders": [7]}, ["turn 1", "malformed"], id="orders-of-a-turn-not-a-mapping"),
        pytest.param({"orders": [{"doctrine": {"attack_drone": [5]}}]}, ["turn 1", "malformed"], id="layer-not-a-mapping"),
        pytest.param(
            {"orders": [{"production": {"sam_missile": 1000}}]},
            ["turn 1", "cannot be replayed", "capacity"],
            id="orders-over-capacity",
        ),
        pytest.param(
            {"orders": [{"imports": {"sam_missle": 1}}]}, ["turn 1", "cannot be replayed", "sam_missile"], id="unknown-item"
        ),
        pytest.param({"orders": [{}] * 5}, ["turn 5", "cannot be replayed", "over"], id="more-turns-than-the-game"),
        pytest.param({"orders": [{"production": {"sam_missile": "two"}}]}, ["turn 1", "not a number"], id="amount-a-word"),
        # the same kind of damage in fields the engine converts without a check (engine bug)
        pytest.param(
            {"orders": [{"doctrine": {"attack_drone": [{"item": "sam_missile", "shots": "one"}]}}]},
            ["turn 1", "one"],
            id="shots-a-word",
        ),
        pytest.param({"orders": [{"train_operators": "ten"}]}, ["turn 1", "ten"], id="operators-a-word"),
        # a scenario this kit does not ship (saved from a file elsewhere, or since renamed)
        pytest.param(
            {"scenario": {"name": "no_such_scenario", "content_hash": "0123456789abcdef"}},
            ["no_such_scenario"],
            id="scenario-not-found",
        ),
    ],
)
def test_load_refuses_damaged_contents_with_a_save_file_error(saved, damage, words):
    path, data = saved
    data.update(damage)
    _rewrite(path, data)
    _expect_save_error(path, *words)


# --- refused orders -----------------------------------------------------------------------------


def _refuse(game: Game, orders: Orders) -> list[str]:
    """Play refused orders: the game must not change; the problems must match ``check``."""
    before = snapshot(game)
    with pytest.raises(OrdersError) as caught:
        game.play_turn(orders)
    assert_unchanged(game, before)
    problems = caught.value.problems
    assert problems and all(isinstance(p, str) for p in problems)
    assert game.check(orders) == problems
    for problem in problems:
        assert problem in str(caught.value)
    return problems


MONEY = re.compile(r"\$(?P<number>[\d,]+(?:\.\d+)?)(?P<suffix>bn|M|k)?")
SCALES = {"bn": (1e9, 0.01), "M": (1e6, 0.1), "k": (1e3, 0.1), None: (1.0, 1.0)}


def _dollars(text: str) -> tuple[float, float]:
    """'$41.2M' -> (41,200,000, the step of the last digit shown: 100,000)."""
    match = MONEY.fullmatch(text)
    assert match, f"not an amount of money: {text!r}"
    scale, step = SCALES[match["suffix"]]
    return float(match["number"].replace(",", "")) * scale, step * scale


def test_over_budget_names_the_cost_the_money_and_the_cut_tutorial(scenarios):
    """Tutorial, turn 1: $2M to start + $0.6M income = $2.6M. Ten imported missiles at
    $4M + 25% premium = $50M, plus one more missile line at $60M: $110M. Cut $107.4M."""
    scenario = scenarios["tutorial"]
    missile = scenario.catalogue["sam_missile"]
    money = float(scenario.budget.initial_usd.value) + float(scenario.budget.per_turn_usd.value)
    cost = 10 * float(missile.unit_cost_usd.value) * (1 + missile.imports.price_premium) + float(
        missile.capacity_cost_usd_per_unit.value
    )
    game = Game(scenario, seed=1)
    orders = game.orders()
    orders.imports = {"sam_missile": 10}
    orders.capacity = {"sam_missile": 1}
    assert sum(game.costs(orders).values()) == cost
    problems = _refuse(game, orders)
    expected = f"These orders cost ${cost / 1e6:g}M; you have ${money / 1e6:g}M. Cut ${(cost - money) / 1e6:g}M."
    assert expected == "These orders cost $110M; you have $2.6M. Cut $107.4M."  # the figures in the docstring
    assert problems == [expected]


@pytest.mark.parametrize("name", SHIPPED)
def test_over_budget_message_has_the_right_amounts(scenarios, name):
    """In every scenario: the amounts shown round the true ones, and the cut is enough."""
    game = Game(scenarios[name], seed=1)
    tables = game.tables
    i = int(np.argmax(tables.capacity_cost))
    line = float(tables.capacity_cost[i])
    money = float(game.state.money[0])
    orders = game.orders()
    orders.capacity = {tables.items[i]: math.floor(money / line) + 1}
    orders.train_operators = 3
    cost = sum(game.costs(orders).values())
    development = float(tables.cycle_cost[tables.cycles.index(orders.adaptation or scenarios[name].default_development_cycle)])
    assert cost == pytest.approx(orders.capacity[tables.items[i]] * line + 3 * tables.training_cost + development)
    problems = _refuse(game, orders)
    budget = [p for p in problems if p.startswith("These orders cost")]
    assert len(budget) == 1, problems
    match = re.fullmatch(r"These orders cost (\S+); you have (\S+)\. Cut (\S+)\.", budget[0])
    assert match, budget[0]
    (shown_cost, cost_step), (shown_money, money_step), (cut, cut_step) = map(_dollars, match.groups())
    assert abs(shown_cost - cost) <= cost_step / 2 * (1 + 1e-9)
    assert abs(shown_money - money) <= money_step / 2 * (1 + 1e-9)
    assert cost - money <= cut * (1 + 1e-12) < cost - money + cut_step, "the cut shown must be enough, and no more than one step over"


@pytest.mark.parametrize("name", SHIPPED)
def test_production_over_capacity_is_refused_with_the_amounts(scenarios, name):
    game = Game(scenarios[name], seed=1)
    item = max(game.tables.items, key=lambda i: scenarios[name].catalogue[i].capacity_units_per_turn)
    entry = scenarios[name].catalogue[item]
    capacity = math.floor(entry.capacity_units_per_turn)
    orders = game.orders()
    orders.production = {item: capacity + 1}
    problems = _refuse(game, orders)
    expected = f"Production of {entry.name}: {capacity + 1:,} ordered, capacity is {capacity:,} this turn."
    assert expected in problems


def test_production_message_tutorial(scenarios):
    game = Game(scenarios["tutorial"])
    orders = game.orders()
    orders.production = {"sam_missile": 5}
    assert "Production of High-end interceptor missile: 5 ordered, capacity is 2 this turn." in _refuse(game, orders)


# scenarios whose legal regime forbids a level from the start (the tutorial forbids full autonomy)
PROHIBITING = [name for name in SHIPPED if wargame.load_scenario(name).autonomy.legal_regime.prohibited_levels]


@pytest.mark.parametrize("name", PROHIBITING)
def test_a_prohibited_autonomy_level_is_refused(scenarios, name):
    regime = scenarios[name].autonomy.legal_regime
    level = regime.prohibited_levels[0]
    game = Game(scenarios[name])
    orders = game.orders()
    orders.autonomy = level
    problems = _refuse(game, orders)
    expected = (
        f"{scenarios[name].autonomy.levels[level].name} is prohibited by this scenario's legal regime "
        f"({regime.name}). Choose another autonomy level."
    )
    assert expected in problems


def _newly_prohibited(scenario) -> list[tuple[int, str]]:
    """(turn, level) for each level a scripted legal-regime event forbids that was allowed before."""
    allowed_at_start = set(scenario.autonomy.levels) - set(scenario.autonomy.legal_regime.prohibited_levels)
    return [
        (event.turn, level)
        for event in scenario.events
        if event.type == "legal_regime" and event.turn < scenario.turns
        for level in event.prohibited_levels
        if level in allowed_at_start
    ]


LEGAL_CHANGES = [name for name in SHIPPED if _newly_prohibited(wargame.load_scenario(name))]
# the tutorial with a scripted change of legal regime, so the test runs whatever the shipped files say
STRICTER_TUTORIAL = """
extends: tutorial
events:
  - {turn: 2, type: legal_regime, prohibited_levels: [full_autonomy, supervised_autonomy], text: Stricter rules.}
"""


@pytest.mark.parametrize("name", [*LEGAL_CHANGES, "stricter_tutorial"])
def test_a_level_prohibited_by_a_scripted_event_is_refused_from_the_next_turn(scenarios, tmp_path, name):
    if name == "stricter_tutorial":
        path = tmp_path / f"{name}.yaml"
        path.write_text(STRICTER_TUTORIAL, encoding="utf-8")
        scenario = wargame.load_scenario(path)
    else:
        scenario = scenarios[name]
    turn, level = _newly_prohibited(scenario)[0]
    game = Game(scenario, seed=1)
    while game.turn <= turn:
        orders = policy_orders(game, "hold")
        orders.autonomy = level
        assert not any("prohibited" in p for p in game.check(orders)), f"turn {game.turn}: {level} refused too early"
        game.play_turn(policy_orders(game, "hold"))
    orders = policy_orders(game, "hold")
    orders.autonomy = level
    assert any(f"{scenario.autonomy.levels[level].name} is prohibited" in p for p in _refuse(game, orders))


def test_unknown_ids_are_refused_with_a_suggestion(scenarios):
    game = Game(scenarios["tutorial"])
    orders = game.orders()
    orders.production = {"sam_missle": 1}
    orders.doctrine = {"attack_drones": [Layer("sam_missile", 1)]}
    orders.autonomy = "full_autonomy_now"
    problems = _refuse(game, orders)
    assert "There is no item called 'sam_missle' in this scenario. Did you mean 'sam_missile'? (in production)" in problems
    assert any("threat class called 'attack_drones'" in p and "Did you mean 'attack_drone'?" in p for p in problems)
    assert any("autonomy level called 'full_autonomy_now'" in p and "full_autonomy" in p for p in problems)
    orders = game.orders()
    orders.imports = {"zeppelin": 1}
    (problem,) = _refuse(game, orders)
    assert "There is no item called 'zeppelin'" in problem and "Known: sam_missile, interceptor_drone." in problem


def test_every_problem_is_listed_at_once(scenarios):
    game = Game(scenarios["tutorial"])
    orders = game.orders()
    orders.production = {"sam_missile": 5, "interceptor_drone": -1}
    orders.doctrine = {"attack_drone": [Layer("interceptor_drone", 4), Layer("interceptor_drone", 1)]}
    orders.imports = {"sam_missile": 11}
    problems = _refuse(game, orders)
    assert "Production of High-end interceptor missile: 5 ordered, capacity is 2 this turn." in problems
    assert "Production of Interceptor drone cannot be negative (-1 ordered). Order 0 or more." in problems
    assert "Imports of High-end interceptor missile: 11 ordered, the market offers 10 this turn." in problems
    assert any("4 shots per target with Interceptor drone; allowed 1 to 3" in p for p in problems)
    assert any("Interceptor drone is listed twice" in p for p in problems)


def _strike_scenario(scenarios) -> str:
    """A shipped scenario with a strike drone and a target set for it."""
    for name, scenario in scenarios.items():
        if any(item.role == "strike_drone" for item in scenario.catalogue.values()) and scenario.adversary.target_sets:
            return name
    pytest.fail("no shipped scenario has strike drones and target sets")


@pytest.mark.parametrize("field", ["train_operators", "capacity", "shots", "strikes"])
def test_amounts_that_are_not_numbers_are_refused_in_words(scenarios, field):
    """A student who types a word where a number goes gets an ``OrdersError``, not a traceback."""
    name = _strike_scenario(scenarios) if field == "strikes" else "tutorial"
    game = Game(scenarios[name])
    tables = game.tables
    orders = game.orders()
    if field == "train_operators":
        orders.train_operators = "five"
    elif field == "capacity":
        orders.capacity = {tables.items[0]: "one"}
    elif field == "shots":
        threat = tables.threats[0]
        able = tables.items[int(np.argmax(tables.can_engage[:, 0]))]
        orders.doctrine[threat] = [Layer(able, "two")]
    else:
        strike_item = tables.items[int(np.argmax(tables.is_strike))]
        orders.strikes = {strike_item: {tables.target_sets[0]: "ten"}}
    problems = _refuse(game, orders)
    typed = {"train_operators": "five", "capacity": "one", "shots": "two", "strikes": "ten"}[field]
    assert any(repr(typed) in problem for problem in problems), f"the problems should quote {typed!r}: {problems}"


def test_refused_orders_do_not_touch_the_random_stream(scenarios):
    game, control = Game(scenarios["tutorial"], seed=4), Game(scenarios["tutorial"], seed=4)
    bad = game.orders()
    bad.production = {"sam_missile": 100}
    _refuse(game, bad)
    assert game.play_turn(game.orders()).metrics == control.play_turn(control.orders()).metrics


# --- undo, orders, the end of the game ----------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("name", SHIPPED)
def test_undo_restores_the_previous_turn_exactly(scenarios, name, mode):
    game = Game(scenarios[name], seed=21, mode=mode)
    play(game, turns=1)
    after_one = snapshot(game)
    state_after_one = game.state
    orders = policy_orders(game)
    report = game.play_turn(orders)
    game.undo()
    assert_unchanged(game, after_one)
    assert_same_state(game, state_after_one)
    again = game.play_turn(orders)
    assert again.metrics == report.metrics
    # undo everything and replay: the same game
    full = Game(game.scenario, seed=21, mode=mode)
    played = play(full)
    while game.turn > 1:
        game.undo()
    assert game.history.empty and game.orders().to_dict() == Game(game.scenario).orders().to_dict()
    for turn_orders in played:
        game.play_turn(turn_orders)
    assert game.history.equals(full.history)
    assert_same_state(game, full)


def test_undo_with_nothing_played_is_refused(scenarios):
    game = Game(scenarios["tutorial"])
    with pytest.raises(ValueError, match="[Nn]othing to undo"):
        game.undo()


def test_standing_production_above_damaged_lines_is_lowered_with_a_note(scenarios):
    scenario = scenarios["baltic_shield"]
    game = Game(scenario, seed=0)
    item = "interceptor_drone"
    full = float(game.state.capacity[0, game.tables.items.index(item)])
    orders = game.orders()
    orders.production[item] = full
    orders.capacity[item] = 10
    orders.imports[item] = 5
    game.play_turn(orders)
    # damage to industry this turn trims the line; pretend a heavy raid cut 3 units a turn
    trimmed = game.state.replace(capacity=game.state.capacity - np.eye(len(game.tables.items))[game.tables.items.index(item)] * 3)
    game._states[-1] = trimmed
    carried = game.orders()
    assert carried.production[item] == full - 3
    assert carried.capacity == {} and carried.imports == {} and carried.train_operators == 0
    assert game.order_notes == (f"Interceptor drone production lowered from {full:,.0f} to {full - 3:,.0f}: damage cut your lines.",)
    assert not game.check(carried)  # the turn is not blocked by an order the student did not give


@pytest.mark.parametrize("name", SHIPPED)
def test_orders_start_from_the_scenario_defaults_then_last_turns(scenarios, name):
    scenario = scenarios[name]
    game = Game(scenario)
    expected = Orders(
        doctrine={
            threat: [Layer(layer.item, layer.shots) for layer in scenario.doctrine.get(threat, ())]
            for threat in scenario.adversary.threats
        },
        autonomy=scenario.autonomy.default_level,
        adaptation=scenario.default_development_cycle,
    )
    assert game.orders().to_dict() == expected.to_dict()
    game.play_turn(game.orders())  # the defaults are legal orders for turn 1
    orders = policy_orders(game)
    played = orders.to_dict()
    game.play_turn(orders)
    # standing orders carry forward; one-off orders (lines, imports, training) start at zero
    played.update(capacity={}, joint_capacity={}, imports={}, train_operators=0)
    limit = game.state.capacity[0] + game.state.joint_capacity[0]
    played["production"] = {item: min(amount, float(np.floor(limit[game.tables.items.index(item)] + 1e-9))) for item, amount in played["production"].items()}
    assert game.orders().to_dict() == played
    assert not game.check(game.orders())
    # what the game hands out and what it was handed are copies
    handed = game.orders()
    handed.production["not_an_item"] = 1
    orders.train_operators = 12345
    assert game.orders().to_dict() == played


@pytest.mark.parametrize("name", SHIPPED)
def test_the_game_ends_after_the_last_turn(scenarios, name):
    scenario = scenarios[name]
    game = Game(scenario, seed=2)
    for turn in range(1, scenario.turns + 1):
        assert not game.is_over and game.turn == turn
        play(game, turns=1)
    assert game.is_over and game.turn == scenario.turns + 1
    before = snapshot(game)
    with pytest.raises(GameOver, match=f"{scenario.turns} turns"):
        game.play_turn(game.orders())
    assert_unchanged(game, before)
    game.undo()
    assert not game.is_over


@pytest.mark.parametrize("name", SHIPPED)
def test_history_has_a_row_per_turn_and_columns_named_with_units(scenarios, name):
    game = Game(scenarios[name], seed=8)
    assert game.history.empty
    play(game)
    history = game.history
    assert history.index.name == "turn"
    assert list(history.index) == list(range(1, scenarios[name].turns + 1))
    without_unit = [column for column in history.columns if not column.endswith(UNIT_SUFFIXES)]
    assert not without_unit, f"columns without a unit suffix: {without_unit}"
    assert history.notna().all().all()
    assert len(game.reports) == len(history)
    for report in game.reports:
        assert report.metrics == history.loc[report.turn].to_dict()


# --- a turn is all or nothing -------------------------------------------------------------------


def _fail(*args, **kwargs):
    raise RuntimeError("injected failure")


# each step a turn takes after the rules have run, and how to make it fail
AFTER_THE_RULES = {
    "report": lambda monkeypatch: monkeypatch.setattr(wargame.game, "TurnReport", _fail),
    "lessons": lambda monkeypatch: monkeypatch.setattr(wargame.lessons, "lessons_for_turn", _fail),
    "history": lambda monkeypatch: monkeypatch.setattr(wargame.game, "history_row", _fail),
    "random-state": lambda monkeypatch: monkeypatch.setattr(Game, "_random_state", _fail),
}


def _save_data(game: Game) -> dict:
    return {key: value for key, value in game.to_json().items() if key != "saved_at"}


def _generator_states(game: Game) -> list:
    return [generator.bit_generator.state for generator in game._draws.generators]


@pytest.mark.parametrize("step", AFTER_THE_RULES)
def test_a_failure_after_the_rules_leaves_the_game_as_it_was(scenarios, tmp_path, monkeypatch, step):
    game, control = Game(scenarios["tutorial"], seed=13), Game(scenarios["tutorial"], seed=13)
    for each in (game, control):
        each.play_turn(policy_orders(each))
    before, stream, history = _save_data(game), _generator_states(game), game.history.copy()
    state, reports = game.state, game.reports
    orders = policy_orders(game)
    with monkeypatch.context() as patch:
        AFTER_THE_RULES[step](patch)
        with pytest.raises(RuntimeError, match="injected failure"):
            game.play_turn(orders)
    assert _save_data(game) == before
    assert _generator_states(game) == stream
    assert game.history.equals(history) and game.state is state and game.reports == reports and game.turn == 2
    # it plays on exactly like a game that never failed, saves, and undoes
    assert game.play_turn(orders).metrics == control.play_turn(policy_orders(control)).metrics
    assert_same_state(game, control)
    assert Game.load(game.save(tmp_path / "after.json")).history.equals(control.history)
    game.undo()
    game.undo()
    assert game.turn == 1 and game.history.empty


def test_lessons_read_the_turns_new_state(scenarios, monkeypatch):
    """Lessons are computed before the turn is committed, from the state the turn produced."""
    seen = {}
    real = wargame.lessons.lessons_for_turn

    def spy(game, report):
        seen.update(turn=game.turn, state=game.state, reports=len(game.reports))
        return real(game, report)

    monkeypatch.setattr(wargame.lessons, "lessons_for_turn", spy)
    game = Game(scenarios["tutorial"], seed=1)
    game.play_turn(game.orders())
    assert seen == {"turn": 2, "state": game.state, "reports": 0}


@pytest.mark.parametrize("seed", [True, -1, 2**70, 1.5, "3", None])
def test_a_game_refuses_a_seed_out_of_range(scenarios, seed):
    with pytest.raises(ValueError, match="The seed must be a whole number from 0 to 9,223,372,036,854,775,807"):
        Game(scenarios["tutorial"], seed=seed)


def test_standing_production_the_money_no_longer_covers_is_lowered_with_a_note():
    game = Game("tutorial", seed=0, mode="expected")
    orders = game.orders()
    orders.production["interceptor_drone"] = 100  # $350.0k a turn: affordable now
    game.play_turn(orders)
    game._states[-1] = game.state.replace(money=np.full(1, 100_000.0))  # pretend the money ran short
    carried = game.orders()
    assert carried.production["interceptor_drone"] == 28  # $100,000 / $3,500 = 28.6
    assert game.order_notes == ("Interceptor drone production lowered from 100 to 28: that is what your money covers this turn.",)
    assert not game.check(carried)
