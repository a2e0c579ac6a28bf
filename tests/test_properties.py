"""Invariants of whole games played with random legal orders, in every scenario and both modes.

In the spirit of Gymnasium's ``check_env`` and OpenSpiel's ``random_sim_test``: one reusable
``check_scenario`` plays a scenario to the end with orders chosen by a function, and after
every turn asserts what must hold whatever the player does:

- nothing goes negative (stock, money, capacity, pipelines, operators);
- units are conserved per item: initial stock + delivered = stock on hand + expended + launched;
- money is conserved: initial money + incomes + grants = money now + spent + incident charges;
- every threat that came was either downed or leaked;
- in stochastic mode every count is a whole number.

``legal_orders`` is a hypothesis strategy that draws random orders inside the limits
``wargame.orders.order_problems`` checks, then cuts the purchases until the money suffices; the
orders it returns must be accepted (``game.check`` empty), or the strategy and the engine
disagree about what is legal.

The module also checks that stochastic play averages to expected-value play, and the draw
functions of ``wargame.rules.draws`` against the binomial and Poisson distributions.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

import wargame
from wargame import Game, Layer, Orders
from wargame.rules.draws import EXACT_BELOW_VARIANCE, binomial_from_uniforms, poisson_from_uniforms
from wargame.scenario import shipped_scenarios

SHIPPED = shipped_scenarios()
MODES = ("stochastic", "expected")
TOLERANCE = 1e-6  # units and dollars; the engine's own order checks allow 1e-9 units and 1e-6 USD

# A scenario written for these tests only (not shipped): it extends the tutorial so that every
# rule has something to do: a strike drone, strike target sets (one time-sensitive), decoys, a second threat
# class sharing the missile stock, fire capacity, joint production, countermeasures, training
# with no lead time, zero-delay imports, a budget schedule and every kind of scripted event.
ALL_RULES_VARIANT = """
extends: tutorial
title: "Test variant: every rule in play"
turns: 6
budget:
  schedule_usd: {4: 30_000_000}
catalogue:
  sam_missile:
    pk: {attack_drone: 0.9, cruise_missile: 0.7}
  interceptor_drone:
    fire_capacity_per_turn: 150
    joint_production:
      partner: an experienced partner
      capacity_cost_factor: 1.5
      lead_time_days: 30
      unit_cost_factor: 0.8
  strike_drone:
    name: Long-range strike drone
    role: strike_drone
    unit_cost_usd: 50_000
    max_shots_per_target: 1
    stock_units: 40
    capacity_units_per_turn: 20
    capacity_cost_usd_per_unit: 100_000
    capacity_lead_time_days: 0
    imports: {available_units_per_turn: 10, price_premium: 0.5, delay_days: 0}
adversary:
  threats:
    attack_drone:
      decoy_share: 0.3
      decoy_unit_cost_usd: 10_000
      growth_per_turn: 0.1
      schedule: {3: 1.5}
    cruise_missile:
      name: Cruise missile
      unit_cost_usd: 1_500_000
      launches_per_turn: 5
      target_shares: {energy: 0.5, industry: 0.5}
      damage_factor: 4
  countermeasures: {first_turn: 2, interval_turns: 2, pk_penalty: 0.5}
  target_sets:
    launch_sites:
      name: Launch sites
      value_usd_per_hit: 2_000_000
      capacity_loss_per_hit: 0.02
      recovery_per_turn: 0.2
      dwell_minutes: 30
    depots:
      name: Depots
      value_usd_per_hit: 1_000_000
      capacity_loss_per_hit: 0.01
      recovery_per_turn: 0.1
training:
  lead_time_days: 0
events:
  - {turn: 2, type: funding, grant_usd: 10_000_000, per_turn_usd: 25_000_000, text: A grant.}
  - {turn: 3, type: legal_regime, prohibited_levels: [full_autonomy, supervised_autonomy], incident_cost_usd: 8_000_000, text: Stricter rules.}
  - {turn: 3, type: import_market, item: sam_missile, available_units_per_turn: 2, text: The market dries up.}
  - {turn: 4, type: jamming, intensity: 0.7, text: Jamming grows.}
  - {turn: 5, type: delivery, item: strike_drone, units: 10, text: Drones from an ally.}
"""
VARIANT = "all_rules_variant"
CASES = [*SHIPPED, VARIANT]


@pytest.fixture(scope="module")
def scenarios(tmp_path_factory) -> dict:
    """Every scenario of ``CASES``, loaded once (the test variant written to a temporary file)."""
    path = tmp_path_factory.mktemp("scenarios") / f"{VARIANT}.yaml"
    path.write_text(ALL_RULES_VARIANT, encoding="utf-8")
    loaded = {name: wargame.load_scenario(name) for name in SHIPPED}
    loaded[VARIANT] = wargame.load_scenario(path)
    return loaded


# --- random legal orders ------------------------------------------------------------------------


def _whole(x: float) -> int:
    """The whole units within a limit the engine compares with a 1e-9 tolerance."""
    return max(0, int(math.floor(float(x) + 1e-9)))


@st.composite
def legal_orders(draw, game: Game) -> Orders:
    """Random orders for this turn within every limit ``order_problems`` checks.

    Amounts are drawn within the physical limits (capacity, market, stock, operators, the
    strike drones' reach); then every purchase is scaled down until the orders are affordable.
    """
    tables, state = game.tables, game.state
    stock = state.stock[0]
    capacity = state.capacity[0] + state.joint_capacity[0]
    orders = Orders(doctrine={}, autonomy=tables.levels[0])
    for i, item in enumerate(tables.items):
        most = _whole(capacity[i])
        if most and draw(st.booleans()):
            orders.production[item] = draw(st.integers(0, most))
        if draw(st.booleans()):
            orders.capacity[item] = draw(st.integers(0, max(3, _whole(capacity[i] / 2))))
        if tables.has_joint[i] and draw(st.booleans()):
            orders.joint_capacity[item] = draw(st.integers(0, max(3, _whole(capacity[i] / 2))))
        if tables.has_imports[i] and draw(st.booleans()):
            orders.imports[item] = draw(st.integers(0, _whole(state.import_available[0, i])))

    for t, threat in enumerate(tables.threats):
        able = [item for i, item in enumerate(tables.items) if tables.can_engage[i, t]]
        chosen = draw(st.permutations(able))[: draw(st.integers(0, len(able)))]
        orders.doctrine[threat] = [
            Layer(item, draw(st.integers(1, int(tables.max_shots[tables.items.index(item)])))) for item in chosen
        ]

    allowed = [level for a, level in enumerate(tables.levels) if not state.prohibited[0, a]]
    orders.autonomy = draw(st.sampled_from(allowed))
    per_operator = tables.sorties_per_operator[tables.levels.index(orders.autonomy)]
    sorties_left = _whole(state.operators[0] * per_operator) if np.isfinite(per_operator) else math.inf
    for i, item in enumerate(tables.items):
        if not tables.is_strike[i] or not tables.target_sets:
            continue
        left = min(_whole(stock[i]), sorties_left)
        plan = {}
        reach = getattr(tables, "can_reach", np.ones((len(tables.items), len(tables.target_sets)), bool))[i]
        for target_set in (g for k, g in enumerate(tables.target_sets) if reach[k]):
            amount = draw(st.integers(0, int(min(left, 10_000_000))))
            if amount:
                plan[target_set] = amount
                left -= amount
                sorties_left -= amount
        if plan:
            orders.strikes[item] = plan

    orders.adaptation = draw(st.sampled_from(tables.cycles))
    orders.train_operators = draw(st.integers(0, 5))
    return affordable(game, orders)


def affordable(game: Game, orders: Orders) -> Orders:
    """The orders with every purchase cut, in proportion, until they cost no more than the money."""
    money = float(game.state.money[0])
    tables = game.tables
    for _ in range(60):
        total = sum(game.costs(orders).values())
        if total <= money:
            break
        development = float(tables.cycle_cost[tables.cycles.index(orders.adaptation)])
        if development > money:
            orders.adaptation = tables.cycles[int(np.argmin(tables.cycle_cost))]
            continue
        # cut to just within the money (the floors then leave a little over): spending right up
        # to the last dollar is where a sign error or an off-by-one in the bookkeeping shows
        factor = max(0.0, (money - development) / (total - development)) * (1 - 1e-9)
        for amounts in (orders.production, orders.capacity, orders.joint_capacity, orders.imports):
            for item in list(amounts):
                amounts[item] = math.floor(amounts[item] * factor)
        orders.train_operators = math.floor(orders.train_operators * factor)
    problems = game.check(orders)
    assert problems == [], f"the test's legal orders were refused: {problems}\n{orders}"
    return orders


# --- the reusable checker -----------------------------------------------------------------------

# Metrics that count drones, missiles, hits or incidents: whole numbers in stochastic mode.
def _count_columns(columns) -> list[str]:
    prefixes = (
        "raid_",
        "leaked_",
        "downed_",
        "kills_",
        "expended_",
        "hits_",
        "launched_",
        "strike_sorties",
        "strike_hits",
        "incidents_count",
    )
    return [c for c in columns if c.startswith(prefixes) and c.endswith(("_units", "_count"))]


def _initial_money(scenario) -> float:
    """The money of turn 1: the starting money plus turn 1's income (a schedule may set it)."""
    first_income = scenario.budget.schedule_usd.get(1, scenario.budget.per_turn_usd)
    return float(scenario.budget.initial_usd.value) + float(first_income.value)


def check_invariants(game: Game) -> None:
    """Everything that must hold after any turn of any game."""
    tables, state, scenario = game.tables, game.state, game.scenario
    history = game.history
    assert len(history) == game.turn - 1
    assert list(history.index) == list(range(1, game.turn))
    after = f"after turn {game.turn - 1}"

    # nothing negative, nothing undefined: money, stock, capacity, what is on its way, operators,
    # the market, the adversary's capacity, jamming, countermeasures... no state array may be < 0
    for name, values in state.arrays().items():
        if values.dtype == bool or values.size == 0:
            continue
        assert np.all(np.isfinite(values)), f"{after}: state.{name} is not a finite number: {values}"
        assert values.min() >= -TOLERANCE, f"{after}: negative state.{name}: {values}"

    if history.empty:  # before the first turn: the scenario's starting position
        assert float(state.money[0]) == _initial_money(scenario)
        assert list(state.stock[0]) == [float(scenario.catalogue[item].stock_units) for item in tables.items]
        return

    h = {column: history[column].to_numpy() for column in history.columns}  # numpy is much faster here
    for column, values in h.items():
        assert np.all(np.isfinite(values)), f"{after}: {column} is not a finite number: {values}"

    def close(a, b, what: str) -> None:
        assert np.allclose(a, b, rtol=1e-12, atol=TOLERANCE), f"{after}: {what}: {a} != {b}"

    # units conserved per item
    for i, item in enumerate(tables.items):
        initial = float(scenario.catalogue[item].stock_units)
        delivered = h[f"delivered_{item}_units"].sum()
        used = h[f"expended_{item}_units"].sum() + (h[f"launched_{item}_units"].sum() if f"launched_{item}_units" in h else 0.0)
        on_hand = float(state.stock[0, i])
        assert initial + delivered == pytest.approx(on_hand + used, abs=TOLERANCE), (
            f"{after}, {item}: {initial} at the start + {delivered} delivered != {on_hand} on hand + {used} used"
        )
        assert h[f"stock_{item}_units"][-1] == on_hand
        # what was paid for or given is delivered or still on its way
        ordered = sum(r.orders.production.get(item, 0) + r.orders.imports.get(item, 0) for r in game.reports)
        given = sum(e.units for e in scenario.events if e.type == "delivery" and e.item == item and e.turn < game.turn)
        on_order = h[f"on_order_{item}_units"][-1]
        assert ordered + given == pytest.approx(delivered + on_order, abs=TOLERANCE), (
            f"{after}, {item}: {ordered} ordered + {given} given != {delivered} delivered + {on_order} on order"
        )

    # operators: every one ordered is trained or still training
    trained = sum(r.orders.train_operators for r in game.reports)
    training = float(state.incoming_operators[0].sum())
    assert float(scenario.training.initial_operators) + trained == pytest.approx(float(state.operators[0]) + training, abs=TOLERANCE)
    assert h["operators_units"][-1] == float(state.operators[0])

    # money conserved
    came_in = _initial_money(scenario) + h["income_usd"].sum() + h["grants_usd"].sum()
    went_out = float(state.money[0]) + h["spend_total_usd"].sum() + h["incident_charges_usd"].sum()
    assert came_in == pytest.approx(went_out, rel=1e-9, abs=TOLERANCE), (
        f"{after}: money in {came_in:,.2f} != money now + spent + charged {went_out:,.2f}"
    )
    assert h["money_end_usd"][-1] == float(state.money[0])
    assert np.all(h["incident_charges_usd"] <= h["incident_cost_usd"] + TOLERANCE)
    # the money a turn starts with is the money the turn before ended with, and limits spending
    close(h["budget_available_usd"][1:], h["money_end_usd"][:-1], "money at the start of a turn vs the end of the one before")
    assert np.all(h["spend_total_usd"] <= h["budget_available_usd"] + TOLERANCE)
    close(sum(h[f"spend_{c}_usd"] for c in ("production", "capacity", "imports", "development", "training")),
          h["spend_total_usd"], "spending by category vs the total")

    # every threat that came was downed or leaked
    close(h["downed_units"] + h["leaked_units"], h["raid_size_units"], "downed + leaked vs the raid")
    close(h["leaked_real_units"] + h["leaked_decoys_units"], h["leaked_units"], "real + decoy leakers vs all leakers")
    close(sum(h[f"leaked_{t}_units"] for t in tables.threats), h["leaked_units"], "leakers by threat vs all leakers")
    close(sum(h[f"raid_{t}_units"] for t in tables.threats), h["raid_size_units"], "raid by threat vs the raid")
    close(sum(h[f"kills_{item}_units"] for item in tables.items), h["downed_units"], "kills by item vs downed")
    assert np.all(h["raid_decoys_units"] <= h["raid_size_units"] + TOLERANCE)
    assert np.all(h["downed_decoys_units"] <= h["downed_units"] + TOLERANCE)
    assert np.all(h["strike_hits_units"] <= h["strike_sorties_units"] + TOLERANCE)
    assert np.all(h["incidents_count"] <= h["strike_sorties_units"] + TOLERANCE)
    interceptors = [i for i, _ in enumerate(tables.items) if not tables.is_strike[i]]
    close(sum(h[f"expended_{tables.items[i]}_units"] * tables.unit_cost[i] for i in interceptors),
          h["interceptor_spend_usd"], "interceptors fired at cost vs interceptor spend")

    if game.mode == "stochastic":
        fractional = [c for c in _count_columns(h) if np.any(h[c] != np.round(h[c]))]
        assert not fractional, f"{after}: fractional counts in stochastic mode: {[(c, h[c]) for c in fractional]}"


def check_scenario(scenario, choose_orders, mode: str = "stochastic", seed: int = 0) -> Game:
    """Play ``scenario`` to its end with ``choose_orders(game) -> Orders``, checking every turn.

    Reusable with any way of choosing orders: random legal ones (``legal_orders``), a policy,
    or a student's function.
    """
    game = Game(scenario, seed=seed, mode=mode)
    check_invariants(game)
    while not game.is_over:
        turn = game.turn
        orders = choose_orders(game)
        report = game.play_turn(orders)
        assert report.turn == turn and game.turn == turn + 1
        # standing orders carry forward (lowered only with a note); one-off orders start at zero
        carried, played = game.orders().to_dict(), orders.to_dict()
        assert carried["capacity"] == carried["joint_capacity"] == carried["imports"] == {} and carried["train_operators"] == 0
        assert carried["doctrine"] == played["doctrine"]
        assert carried["adaptation"] == played["adaptation"] or any(
            note.startswith("Development cycle back to") for note in game.order_notes
        ), "the development cycle changed without a note"
        for item, amount in played["production"].items():
            kept = carried["production"].get(item, 0.0)
            assert kept <= amount and (kept == amount or any(note.startswith(game.scenario.catalogue[item].name) for note in game.order_notes))
        if not game.is_over:
            assert not game.check(game.orders()), "a turn blocked by an order the student did not give"
        check_invariants(game)
    assert game.turn == scenario.turns + 1 and len(game.history) == scenario.turns
    with pytest.raises(wargame.GameOver):
        game.play_turn(game.orders())
    return game


# --- whole games with random legal orders -------------------------------------------------------

GAMES = settings(
    max_examples=15,  # overridden per scenario by ``examples_for``
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink],  # no slow "explain" tracing
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def examples_for(scenario) -> int:
    """Games to play: about 240 turns' worth per scenario and mode, from 8 to 30 games."""
    return min(30, max(8, round(240 / scenario.turns)))


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("name", CASES)
def test_random_legal_orders_keep_the_invariants(scenarios, name, mode):
    scenario = scenarios[name]

    @settings(GAMES, max_examples=examples_for(scenario))
    @given(data=st.data(), seed=st.integers(0, 2**32 - 1))
    def random_games(data, seed):
        check_scenario(scenario, lambda game: data.draw(legal_orders(game), label=f"turn {game.turn}"), mode=mode, seed=seed)

    random_games()


@pytest.mark.parametrize("policy", sorted(wargame.BUILT_IN_POLICIES))
@pytest.mark.parametrize("name", CASES)
def test_built_in_policies_keep_the_invariants(scenarios, name, policy):
    """The same checker, with a built-in policy choosing the orders."""
    from wargame.batch import decide
    from wargame.orders import orders_from_arrays

    function = wargame.BUILT_IN_POLICIES[policy]

    def choose(game: Game) -> Orders:
        return orders_from_arrays(decide(function, game.state, game.tables), game.tables)

    check_scenario(scenarios[name], choose, mode="stochastic", seed=7)


DUAL_USE_VARIANT = """
extends: {variant}
title: "Test variant: a strike drone that can also intercept"
catalogue:
  strike_drone:
    pk: {{attack_drone: 0.3}}
"""


@pytest.mark.parametrize("mode", MODES)
def test_stock_shared_by_air_defence_and_strikes_never_goes_negative(scenarios, tmp_path, mode):
    """A strike drone that can also engage (the schema allows a pk on any item) draws on one stock.

    Orders that send the whole stock on strikes and also list the drone as a layer are accepted
    (``order_problems`` checks strikes against the stock at the start of the turn), so the engine
    must not let air defence and strikes together use more than the stock: after the turn the
    stock must not be negative, and what was used must not exceed what was there.
    """
    (tmp_path / f"{VARIANT}.yaml").write_text(ALL_RULES_VARIANT, encoding="utf-8")
    path = tmp_path / "dual_use.yaml"
    path.write_text(DUAL_USE_VARIANT.format(variant=VARIANT), encoding="utf-8")
    game = Game(wargame.load_scenario(path), seed=3, mode=mode)
    stock = float(game.state.stock[0, game.tables.items.index("strike_drone")])
    orders = game.orders()
    orders.doctrine["attack_drone"] = [Layer("strike_drone", 1)]
    orders.strikes = {"strike_drone": {"depots": stock}}
    if game.check(orders):  # if the engine refuses such orders outright, that is fine too
        return
    report = game.play_turn(orders)
    used = report.metrics["expended_strike_drone_units"] + report.metrics["launched_strike_drone_units"]
    assert used <= stock + TOLERANCE, f"{used} strike drones used from a stock of {stock}"
    check_invariants(game)


@pytest.mark.parametrize("name", CASES)
def test_operators_trained_metric_counts_every_new_operator(scenarios, name):
    """``operators_units`` rises each turn by exactly ``operators_trained_units``.

    The all-rules variant trains operators with no lead time (they join at once), which the
    shipped scenarios do not do (yet).
    """
    game = Game(scenarios[name], seed=2)
    while not game.is_over:
        orders = game.orders()
        orders.train_operators = 3
        game.play_turn(affordable(game, orders))
    h = game.history
    start = float(scenarios[name].training.initial_operators)
    joined = np.diff(np.concatenate([[start], h["operators_units"].to_numpy()]))
    assert np.array_equal(joined, h["operators_trained_units"].to_numpy()), (
        f"operators joined per turn {joined}, operators_trained_units {h['operators_trained_units'].to_numpy()}"
    )


# --- stochastic play averages to expected-value play --------------------------------------------

RUNS = 2000
COMPARED = ("raid_size_units", "downed_units", "leaked_units", "interceptor_spend_usd", "raid_cost_usd")


@pytest.mark.parametrize("policy", ["hold", "layered_cheap"])
def test_mean_of_stochastic_runs_approaches_expected_mode(policy):
    """The mean over 2,000 stochastic games is the expected-value game, turn by turn.

    Tolerances. The standard error of a mean of 2,000 runs is sd / sqrt(2000) (sd estimated
    from the runs); a gap above 4 standard errors happens by chance with probability 6e-5 per
    figure. The relative slack covers what is not chance:

    - turn 1 (0.5%): both modes start from the same state with the same orders, and in the
      tutorial the first turn is linear in the draws (the raid of ~100 never exceeds the
      interceptors' reach), so only the normal approximation's rounding of large raids is
      left, well under 0.5%.
    - later turns (2%): the stochastic games then differ from each other: whole stocks and
      capacities (floors), industry damage compounding as ``0.99 ** hits`` (Jensen), and
      policies that buy from the capacity left, so the expectation of the nonlinear game is not
      the expected-value game exactly. The gap stays within a few per cent here; a bug in a
      rule (a missing factor, a wrong share) moves these figures by far more.
    """
    name = "tutorial"
    stochastic = wargame.simulate(name, policy, runs=RUNS, seed=20_260_401, mode="stochastic").history
    expected = wargame.simulate(name, policy, runs=1, seed=0, mode="expected").history.set_index("turn")
    by_turn = stochastic.groupby("turn")
    mean, sd = by_turn[list(COMPARED)].mean(), by_turn[list(COMPARED)].std()
    assert list(mean.index) == list(expected.index) == list(range(1, wargame.load_scenario(name).turns + 1))
    for turn in mean.index:
        slack = 0.005 if turn == 1 else 0.02
        for metric in COMPARED:
            want, got = expected.loc[turn, metric], mean.loc[turn, metric]
            allowed = 4 * sd.loc[turn, metric] / math.sqrt(RUNS) + slack * abs(want) + 1e-9
            assert abs(got - want) <= allowed, (
                f"{policy}, turn {turn}, {metric}: mean of {RUNS} stochastic runs {got:,.3f}, "
                f"expected mode {want:,.3f} (allowed gap {allowed:,.3f})"
            )


# --- the draws: binomial and Poisson counts from uniforms ---------------------------------------

N_DRAWS = 200_000


def _uniforms(seed: int, size: int = N_DRAWS) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.random(size), rng.random(size)


def _assert_moments(sample: np.ndarray, mean: float, variance: float, what: str, rounding: float = 0.0) -> None:
    """Sample mean within 4 standard errors, sample variance within 5 of its standard errors.

    The standard error of a sample variance is about variance * sqrt(2 / N) (near-normal
    counts). ``rounding`` allows the extra 1/12 variance of rounding a normal to whole numbers.
    """
    n = sample.size
    assert abs(sample.mean() - mean) <= 4 * math.sqrt(variance / n) + 1e-12, f"{what}: mean {sample.mean()} vs {mean}"
    assert abs(sample.var() - variance) <= 5 * variance * math.sqrt(2 / n) + rounding, (
        f"{what}: variance {sample.var()} vs {variance}"
    )


def _binomial_pmf(n: int, p: float) -> np.ndarray:
    return np.array([math.comb(n, k) * p**k * (1 - p) ** (n - k) for k in range(n + 1)])


def _poisson_pmf(mean: float, most: int) -> np.ndarray:
    return np.array([math.exp(-mean + k * math.log(mean) - math.lgamma(k + 1)) for k in range(most + 1)])


def _assert_frequencies(sample: np.ndarray, pmf: np.ndarray, what: str) -> None:
    """Each value's frequency within 5 standard errors of its probability (exact inversion)."""
    n = sample.size
    frequencies = np.bincount(sample.astype(int), minlength=pmf.size)
    assert frequencies.size == pmf.size, f"{what}: values beyond the support: {np.nonzero(frequencies)[0]}"
    for k, (count, p) in enumerate(zip(frequencies, pmf)):
        assert abs(count / n - p) <= 5 * math.sqrt(p * (1 - p) / n) + 2 / n, f"{what}: P({k}) = {p:.5f}, seen {count / n:.5f}"


@pytest.mark.parametrize(
    "n, p",
    [(1, 0.5), (10, 0.9), (20, 0.3), (50, 0.2), (63, 0.5), (200, 0.97)],
    ids=lambda v: str(v),
)
def test_binomial_exact_inversion_regime(n, p):
    assert n * p * (1 - p) < EXACT_BELOW_VARIANCE, "this case is meant for the exact regime"
    u1, u2 = _uniforms(n * 1000 + int(p * 100))
    sample = binomial_from_uniforms(np.full(N_DRAWS, float(n)), np.full(N_DRAWS, p), u1, u2)
    assert np.all(sample == np.round(sample)) and sample.min() >= 0 and sample.max() <= n
    _assert_moments(sample, n * p, n * p * (1 - p), f"Binomial({n}, {p})")
    _assert_frequencies(sample, _binomial_pmf(n, p), f"Binomial({n}, {p})")


@pytest.mark.parametrize("n, p", [(64, 0.5), (100, 0.2), (1000, 0.3), (200, 0.85), (50_000, 0.68)], ids=lambda v: str(v))
def test_binomial_normal_approximation_regime(n, p):
    assert n * p * (1 - p) >= EXACT_BELOW_VARIANCE, "this case is meant for the normal approximation"
    u1, u2 = _uniforms(n + int(p * 1000))
    sample = binomial_from_uniforms(np.full(N_DRAWS, float(n)), np.full(N_DRAWS, p), u1, u2)
    assert np.all(sample == np.round(sample)) and sample.min() >= 0 and sample.max() <= n
    _assert_moments(sample, n * p, n * p * (1 - p), f"Binomial({n}, {p})", rounding=1 / 12)


@pytest.mark.parametrize("mean", [0.2, 3.5, 12.0, 15.9], ids=lambda v: f"mean={v}")
def test_poisson_exact_inversion_regime(mean):
    u1, u2 = _uniforms(int(mean * 10))
    sample = poisson_from_uniforms(np.full(N_DRAWS, mean), u1, u2)
    assert np.all(sample == np.round(sample)) and sample.min() >= 0
    _assert_moments(sample, mean, mean, f"Poisson({mean})")
    most = int(sample.max())
    pmf = _poisson_pmf(mean, most)
    _assert_frequencies(sample, pmf, f"Poisson({mean})")


@pytest.mark.parametrize("mean", [16.0, 100.0, 720.0, 250_000.0], ids=lambda v: f"mean={v}")
def test_poisson_normal_approximation_regime(mean):
    u1, u2 = _uniforms(int(mean) + 1)
    sample = poisson_from_uniforms(np.full(N_DRAWS, mean), u1, u2)
    assert np.all(sample == np.round(sample)) and sample.min() >= 0
    _assert_moments(sample, mean, mean, f"Poisson({mean})", rounding=1 / 12)


def test_draws_of_certain_outcomes():
    u1, u2 = _uniforms(5, 1000)
    n = np.arange(1000, dtype=float)  # variances on both sides of the regime boundary
    assert np.array_equal(binomial_from_uniforms(n, np.zeros(1000), u1, u2), np.zeros(1000))
    assert np.array_equal(binomial_from_uniforms(n, np.ones(1000), u1, u2), n)
    for p in (0.0, 0.3, 0.5, 0.9, 1.0):
        assert np.array_equal(binomial_from_uniforms(np.zeros(1000), np.full(1000, p), u1, u2), np.zeros(1000))
    assert np.array_equal(poisson_from_uniforms(np.zeros(1000), u1, u2), np.zeros(1000))


@settings(max_examples=300, deadline=None, database=None)
@given(
    n=st.integers(0, 100_000),
    p=st.floats(0.0, 1.0),
    u1=st.floats(0.0, 1.0, exclude_max=True),
    u2=st.floats(0.0, 1.0, exclude_max=True),
)
def test_binomial_counts_are_whole_and_within_0_and_n(n, p, u1, u2):
    k = binomial_from_uniforms(np.array([float(n)]), np.array([p]), np.array([u1]), np.array([u2]))
    assert k.shape == (1,) and k[0] == round(k[0]) and 0 <= k[0] <= n


@settings(max_examples=300, deadline=None, database=None)
@given(
    mean=st.floats(0.0, 1e6),
    u1=st.floats(0.0, 1.0, exclude_max=True),
    u2=st.floats(0.0, 1.0, exclude_max=True),
)
def test_poisson_counts_are_whole_and_not_negative(mean, u1, u2):
    k = poisson_from_uniforms(np.array([mean]), np.array([u1]), np.array([u2]))
    assert k.shape == (1,) and k[0] == round(k[0]) and k[0] >= 0
