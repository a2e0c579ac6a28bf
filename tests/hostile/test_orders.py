"""Hostile orders: any type or size of amount, in any field, gives sentences saying what to
change (from ``check`` and, the same, from a refused ``play_turn``), never a Python error,
and a refused order changes nothing: not the game's save data, not its random stream.
numpy numbers are accepted and stored as plain numbers, so the game can always be saved.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import wargame
from wargame import Game, Layer, Orders, OrdersError
from wargame.orders import MAX_ORDER_AMOUNT

pytestmark = pytest.mark.timeout(10)


@pytest.fixture(scope="module")
def tutorial():
    return wargame.load_scenario("tutorial")


@pytest.fixture
def game(tutorial):
    """A stochastic tutorial game after one turn (so there is a random stream to disturb)."""
    game = Game(tutorial, seed=11)
    game.play_turn(game.orders())
    return game


def saved_data(game: Game) -> dict:
    data = game.to_json()
    del data["saved_at"]
    return data


def random_state(game: Game):
    return [g.bit_generator.state for g in game._draws.generators]


def refuse(game: Game, orders) -> list[str]:
    """``check`` and ``play_turn`` agree on the problems; the game and the orders are unchanged."""
    before, stream, given = saved_data(game), random_state(game), copy.deepcopy(orders)
    problems = game.check(orders)
    assert problems and all(isinstance(p, str) and p for p in problems)
    with pytest.raises(OrdersError) as caught:
        game.play_turn(orders)
    assert caught.value.problems == problems
    assert saved_data(game) == before and random_state(game) == stream and len(game.reports) == 1
    assert same(orders, given), "checking orders must not change them"
    for problem in problems:
        assert "Traceback" not in problem and "nan" not in problem.split() and "inf" not in problem.split()
    return problems


def same(a, b) -> bool:
    """Equal values, NaN equal to NaN (the copy of an order holding NaN is the same order)."""
    if dataclasses.is_dataclass(a) and type(a) is type(b):
        return same(dataclasses.asdict(a), dataclasses.asdict(b))
    if isinstance(a, dict) and isinstance(b, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)) and type(a) is type(b):
        return len(a) == len(b) and all(map(same, a, b))
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return type(a) is type(b) and a == b


def orders_with(game: Game, **fields) -> Orders:
    orders = game.orders()
    for name, value in fields.items():
        setattr(orders, name, value)
    return orders


CASES = {
    # amounts of any size and type
    "10**400": (dict(production={"sam_missile": 10**400}), ["Production of High-end interceptor missile", "about 401 digits", "at most 1,000,000,000"]),
    "10**5000": (dict(imports={"sam_missile": 10**5000}), ["Imports of High-end interceptor missile", "about 5,001 digits"]),
    "1e308": (dict(capacity={"sam_missile": 1e308}), ["Capacity expansion", "1e+308", "at most 1,000,000,000"]),
    "just-over-the-bound": (dict(production={"interceptor_drone": MAX_ORDER_AMOUNT + 1}), ["at most 1,000,000,000"]),
    "nan": (dict(production={"sam_missile": float("nan")}), ["NaN (not a number) is not an amount"]),
    "inf": (dict(imports={"sam_missile": math.inf}), ["infinity is more than any order may hold"]),
    "minus-inf": (dict(joint_capacity={"sam_missile": -math.inf}), ["minus infinity cannot be ordered", "order 0 or more"]),
    "minus-one": (dict(production={"interceptor_drone": -1}), ["cannot be negative (-1 ordered)", "Order 0 or more"]),
    "true": (dict(production={"sam_missile": True}), ["True is not a number"]),
    "numpy-true": (dict(production={"sam_missile": np.True_}), ["is not a number"]),
    "none-amount": (dict(imports={"sam_missile": None}), ["None is not a number", "write 0 for none"]),
    "number-as-text": (dict(production={"sam_missile": "10"}), ["without quotes: 10"]),
    "word": (dict(capacity={"sam_missile": "one"}), ["'one' is not a number"]),
    "huge-fraction": (dict(production={"sam_missile": Fraction(10**400, 3)}), ["more than any order may hold"]),
    "complex": (dict(production={"sam_missile": 1j}), ["1j is not a number"]),
    "fractional-units": (dict(production={"interceptor_drone": 1.5}), ["order whole units"]),
    # wrong shapes
    "production-none": (dict(production=None), ["Production: write a dict such as", "not None"]),
    "production-a-list": (dict(production=[("sam_missile", 1)]), ["Production: write a dict"]),
    "doctrine-a-string": (dict(doctrine={"attack_drone": "sam_missile"}), ["Doctrine against One-way attack drone", "list of layers", "not 'sam_missile'"]),
    "doctrine-whole-a-string": (dict(doctrine="sam_missile"), ["Doctrine: write a dict", "not 'sam_missile'"]),
    "layer-a-number": (dict(doctrine={"attack_drone": [5]}), ["layer 1", "Layer(item, shots)", "not 5"]),
    "layer-mapping-unknown-field": (dict(doctrine={"attack_drone": [{"item": "sam_missile", "shot": 2}]}), ["layer 1", "unknown field 'shot'"]),
    "shots-1e308": (dict(doctrine={"attack_drone": [Layer("sam_missile", 1e308)]}), ["layer 1, shots", "at most 1,000,000,000"]),
    "shots-zero": (dict(doctrine={"attack_drone": [Layer("sam_missile", 0)]}), ["0 shots per target", "allowed 1 to"]),
    "strikes-a-list": (dict(strikes={"fpv": [5]}), ["Strikes with 'fpv'", "write a dict such as", "not [5]"]),
    "strikes-none": (dict(strikes=None), ["Strikes: write a dict"]),
    "autonomy-a-number": (dict(autonomy=3), ["Autonomy level", "not 3"]),
    "adaptation-a-list": (dict(adaptation=["peacetime"]), ["Development cycle", "not ['peacetime']"]),
    "operators-none": (dict(train_operators=None), ["Operators to train", "None is not a number"]),
    "operators-10**400": (dict(train_operators=10**400), ["Operators to train", "at most 1,000,000,000"]),
    # unknown ids
    "unknown-item": (dict(production={"zeppelin": 1}), ["no item called 'zeppelin'", "Known: sam_missile, interceptor_drone"]),
    "unknown-threat": (dict(doctrine={"attack_drones": [Layer("sam_missile", 1)]}), ["threat class called 'attack_drones'", "Did you mean 'attack_drone'?"]),
    "unknown-target-set": (dict(strikes={"interceptor_drone": {"depots": 1}}), ["no target set called 'depots'", "This scenario has none."]),
    "unknown-level": (dict(autonomy="autopilot"), ["no autonomy level called 'autopilot'"]),
    "key-a-number": (dict(imports={7: 1}), ["no item called 7"]),
    "control-characters": (dict(production={"\x1b[2Jsam": 1}), ["no item called '\\x1b[2Jsam'"]),
}


@pytest.mark.parametrize("case", CASES, ids=str)
def test_bad_orders_are_refused_with_what_to_change(game, case):
    fields, words = CASES[case]
    problems = refuse(game, orders_with(game, **fields))
    text = "\n".join(problems)
    for word in words:
        assert word in text, f"{word!r} not in: {problems}"
    assert "11 layers" not in text


def test_orders_that_are_not_orders_are_refused(game):
    for orders in (5, "production: 10", [1, 2]):
        (problem,) = refuse(game, orders)
        assert problem.startswith("Orders: write Orders(...) or a mapping of its fields")


def test_a_mapping_with_an_unknown_field_is_refused(game):
    (problem,) = refuse(game, {"production": {"sam_missile": 1}, "bombers": 2})
    assert "unknown field 'bombers'" in problem and "train_operators" in problem


def test_every_problem_of_every_kind_is_listed_at_once(game):
    orders = orders_with(game, production={"sam_missile": None, "zeppelin": 1}, doctrine="x", train_operators=math.nan)
    problems = refuse(game, orders)
    assert len(problems) == 4, problems


def test_an_order_with_a_million_entries_is_refused_quickly(game):
    orders, before = orders_with(game, imports={f"item_{k}": 1 for k in range(1_000_000)}), saved_data(game)
    (problem,) = game.check(orders)
    assert problem.startswith("Imports: 1,000,000 entries; list each id once")
    with pytest.raises(OrdersError):
        game.play_turn(orders)
    assert saved_data(game) == before and len(orders.imports) == 1_000_000


NUMPY_ORDERS = dict(
    production={"interceptor_drone": np.int64(2)},
    imports={np.str_("interceptor_drone"): np.float32(1.0)},
    doctrine={"attack_drone": [Layer("interceptor_drone", np.int32(2)), Layer("sam_missile", np.uint8(1))]},
    train_operators=np.int16(1),
)


def test_numpy_numbers_are_played_and_stored_as_plain_numbers(game, tmp_path):
    control = Game(game.scenario, seed=11)
    control.play_turn(control.orders())
    plain = orders_with(control, production={"interceptor_drone": 2}, imports={"interceptor_drone": 1.0},
                        doctrine={"attack_drone": [Layer("interceptor_drone", 2), Layer("sam_missile", 1)]}, train_operators=1)
    orders = orders_with(game, **NUMPY_ORDERS)
    assert game.check(orders) == []
    report = game.play_turn(orders)
    assert report.metrics == control.play_turn(plain).metrics
    stored = report.orders.to_dict()
    kinds = {type(v) for v in [*stored["production"].values(), *stored["imports"].values(), stored["train_operators"]]}
    kinds |= {type(layer["shots"]) for layer in stored["doctrine"]["attack_drone"]} | {type(k) for k in stored["imports"]}
    assert kinds <= {int, float, str}, kinds
    json.dumps(stored)  # no numpy value left
    loaded = Game.load(game.save(tmp_path / "numpy.json"))
    assert loaded.history.equals(game.history)
    assert saved_data(loaded) == saved_data(game)


def test_a_mapping_of_fields_plays_like_orders(game):
    control = Game(game.scenario, seed=11)
    control.play_turn(control.orders())
    orders = orders_with(game, production={"interceptor_drone": 1})
    mapping = json.loads(json.dumps(orders.to_dict()))
    assert game.play_turn(mapping).metrics == control.play_turn(orders).metrics


# --- anything at all, in any field ----------------------------------------------------------------

IDS = ["sam_missile", "interceptor_drone", "attack_drone", "remote_piloting", "peacetime", "zeppelin", ""]
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**500), max_value=10**500),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(IDS),
    st.text(max_size=8),
    st.builds(np.int64, st.integers(min_value=-(2**63), max_value=2**63 - 1)),
    st.builds(np.float32, st.floats(width=32)),
    st.builds(Layer, st.sampled_from(IDS), st.integers(-3, 5)),
)
ANYTHING = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.sampled_from(IDS), inner, max_size=3)),
    max_leaves=8,
)
FIELDS = ["production", "capacity", "joint_capacity", "imports", "doctrine", "strikes", "autonomy", "adaptation", "train_operators"]


@pytest.mark.timeout(60)
@settings(max_examples=200, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(fields=st.dictionaries(st.sampled_from(FIELDS), ANYTHING, min_size=1, max_size=3))
def test_any_value_in_any_field_gives_sentences_or_plays(game, fields):
    """Whatever is put in the orders, ``check`` answers in sentences; a refused turn changes
    nothing, and a turn that plays leaves a game that saves."""
    orders = orders_with(game, **fields)
    before, stream = saved_data(game), random_state(game)
    problems = game.check(orders)
    assert all(isinstance(p, str) and p for p in problems)
    if problems:
        with pytest.raises(OrdersError):
            game.play_turn(orders)
        assert saved_data(game) == before and random_state(game) == stream
    else:
        game.play_turn(orders)
        assert json.loads(json.dumps(game.to_json(), allow_nan=False))["orders"][-1]
        game.undo()
