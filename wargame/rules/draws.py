"""Chance: the one place where the stochastic and the expected-value modes differ.

Every rule asks a ``Draws`` object for its random quantities. ``ExpectedDraws`` answers with
the expectation (so 100 shots at pk 0.9 give exactly 90 kills, fractional counts allowed);
``RandomDraws`` draws them from one ``numpy.random.Generator`` per game.

Why per game, and why uniforms: a game of batch 1 with seed s must play exactly like run k of
a batch whose run k has seed s. So each game's generator gives the same fixed block of
uniform numbers every turn, whatever the batch, and the draws are computed from those
uniforms with vectorised formulas:

- Binomial and Poisson counts are drawn by inversion of their exact distribution when the
  variance is small (below ``EXACT_BELOW_VARIANCE``), and from the normal approximation with a
  continuity correction when it is larger (thousands of drones), where the two agree closely.
- Each count uses two uniforms (the second only for the normal approximation).
"""

from __future__ import annotations

import numpy as np

EXACT_BELOW_VARIANCE = 16.0
_MAX_INVERSION_STEPS = 400


class ExpectedDraws:
    """Every draw replaced by its expectation; quantities stay fractional."""

    expected = True

    def start_turn(self) -> None:
        pass

    def binomial(self, n, p):
        return np.asarray(n, float) * np.asarray(p, float)

    def poisson(self, mean):
        return np.asarray(mean, float).copy()

    def whole(self, x):
        return x

    def skip_binomials(self, shape: tuple, count: int) -> None:
        pass


class RandomDraws:
    """Draws from one generator per game, using a fixed block of uniforms per game per turn."""

    expected = False

    def __init__(self, generators: list[np.random.Generator], columns_per_turn: int, turns_ahead: int = 1):
        self.generators = generators
        self.columns_per_turn = columns_per_turn
        self.turns_ahead = max(1, int(turns_ahead))
        self._block = None
        self._turn_in_block = 0
        self._uniforms = None
        self._next = 0

    def start_turn(self) -> None:
        """Take this turn's uniforms from every game's generator.

        A batch may take several turns' uniforms in one call per game (``turns_ahead``): a
        generator gives the same numbers in one call of 2K as in two calls of K, so every
        game's stream is the same however it is fetched.
        """
        if self._block is None or self._turn_in_block >= self._block.shape[1]:
            if self._block is None:  # allocated once: touching fresh memory every time is slow
                self._block = np.empty((len(self.generators), self.turns_ahead, self.columns_per_turn))
            for rows, generator in zip(self._block, self.generators):
                generator.random(out=rows.reshape(-1))
            self._turn_in_block = 0
        self._uniforms, self._next = self._block[:, self._turn_in_block], 0
        self._turn_in_block += 1

    def _take(self, shape: tuple) -> np.ndarray:
        width = int(np.prod(shape[1:], dtype=int)) if len(shape) > 1 else 1
        end = self._next + 2 * width
        if self._uniforms is None or end > self.columns_per_turn:
            raise RuntimeError("a turn asked for more random numbers than the tables reserve")
        block = self._uniforms[:, self._next : end]
        self._next = end
        return block.reshape((shape[0], 2, *shape[1:]))

    def binomial(self, n, p):
        n, p = np.broadcast_arrays(np.asarray(n, float), np.asarray(p, float))
        u = self._take(n.shape)
        if not n.any():
            return np.zeros(n.shape)
        return binomial_from_uniforms(n, p, u[:, 0], u[:, 1])

    def skip_binomials(self, shape: tuple, count: int) -> None:
        """Pass over draws that no game of the batch needs, keeping every game's stream in step."""
        for _ in range(count):
            self._take(shape)

    def poisson(self, mean):
        mean = np.asarray(mean, float)
        u = self._take(mean.shape)
        return poisson_from_uniforms(mean, u[:, 0], u[:, 1])

    def whole(self, x):
        return np.floor(x + 1e-9)

    def state(self) -> list[dict]:
        """The generators' states between turns (for undo); only with ``turns_ahead`` 1."""
        assert self.turns_ahead == 1, "undo needs uniforms fetched one turn at a time"
        return [g.bit_generator.state for g in self.generators]

    def set_state(self, states: list[dict]) -> None:
        for generator, state in zip(self.generators, states):
            generator.bit_generator.state = state
        self._turn_in_block = self.turns_ahead  # fetch afresh at the next turn


def _normal(u1: np.ndarray, u2: np.ndarray) -> np.ndarray:
    """A standard normal from two uniforms (Box-Muller)."""
    return np.sqrt(-2.0 * np.log1p(-u1)) * np.cos(2.0 * np.pi * u2)


def binomial_from_uniforms(n, p, u1, u2) -> np.ndarray:
    """Binomial(n, p) counts from uniforms: exact inversion for small variance, normal otherwise."""
    n = np.round(n)
    p = np.clip(p, 0.0, 1.0)
    flip = p > 0.5
    q = np.where(flip, 1.0 - p, p)
    mean = n * q
    variance = mean * (1.0 - q)
    large = variance >= EXACT_BELOW_VARIANCE
    if large.all():
        result = np.clip(np.floor(mean + np.sqrt(variance) * _normal(u1, u2) + 0.5), 0.0, n)
    elif not large.any():
        result = _invert_binomial(n.ravel(), q.ravel(), u1.ravel()).reshape(n.shape)
    else:
        result = np.empty_like(n)
        result[large] = np.clip(
            np.floor(mean[large] + np.sqrt(variance[large]) * _normal(u1[large], u2[large]) + 0.5), 0.0, n[large]
        )
        small = ~large
        result[small] = _invert_binomial(n[small], q[small], u1[small])
    return np.where(flip, n - result, result)


_LOG_FACTORIAL_TABLE = np.concatenate([[0.0], np.cumsum(np.log(np.arange(1, 1025)))])


def log_factorial(x: np.ndarray) -> np.ndarray:
    """log(x!) for whole x >= 0: a table below 1025, Stirling's series above (error < 1e-13)."""
    x = np.asarray(x, float)
    small = x < len(_LOG_FACTORIAL_TABLE)
    table = _LOG_FACTORIAL_TABLE[np.where(small, x, 0).astype(int)]
    big = np.maximum(x, 1.0)
    stirling = big * np.log(big) - big + 0.5 * np.log(2 * np.pi * big) + 1 / (12 * big) - 1 / (360 * big**3)
    return np.where(small, table, stirling)


def _invert_binomial(n, q, u) -> np.ndarray:
    """An exact Binomial(n, q) count from one uniform, for q <= 1/2 and small variance.

    The outcomes are taken in the fixed order mode, mode + 1, mode - 1, mode + 2, mode - 2, ...
    and u is matched against their accumulated probabilities (inversion in that order), so the
    search takes about as many steps as the count's spread, not its size. Games leave the
    search as soon as they have their count.
    """
    count = np.zeros_like(n)
    q = np.minimum(q, 0.5)
    where = np.nonzero((n > 0) & (q > 0))[0]
    if where.size == 0:
        return count
    n, q, u = n[where], q[where], u[where]
    mode = np.minimum(np.floor((n + 1.0) * q), n)
    mass = np.exp(
        log_factorial(n) - log_factorial(mode) - log_factorial(n - mode) + mode * np.log(q) + (n - mode) * np.log1p(-q)
    )
    count[where] = mode
    odds = q / (1.0 - q)
    pmf_up, pmf_down = mass.copy(), mass.copy()
    searching = u > mass
    for step in range(1, _MAX_INVERSION_STEPS):
        if not searching.any():
            break
        where, n, q, u, mode, mass, odds, pmf_up, pmf_down = (
            a[searching] for a in (where, n, q, u, mode, mass, odds, pmf_up, pmf_down)
        )
        up, down = mode + step, mode - step
        pmf_up = np.where(up <= n, pmf_up * (n - up + 1.0) / up * odds, 0.0)
        pmf_down = np.where(down >= 0, pmf_down * (down + 1.0) / np.maximum(n - down, 1.0) / odds, 0.0)
        below_up = mass + pmf_up
        mass = below_up + pmf_down
        chose_up = u <= below_up
        chose_down = ~chose_up & (u <= mass)
        count[where[chose_up]] = up[chose_up]
        count[where[chose_down]] = down[chose_down]
        # every outcome counted but u not reached (rounding): the mode stands
        searching = ~chose_up & ~chose_down & ((up < n) | (down > 0))
    return count


def poisson_from_uniforms(mean, u1, u2) -> np.ndarray:
    """Poisson(mean) counts from uniforms: exact inversion for small means, normal otherwise."""
    large = mean >= EXACT_BELOW_VARIANCE
    if large.all():
        return np.maximum(0.0, np.floor(mean + np.sqrt(mean) * _normal(u1, u2) + 0.5))
    result = np.empty_like(mean)
    if large.any():
        m = mean[large]
        result[large] = np.maximum(0.0, np.floor(m + np.sqrt(m) * _normal(u1[large], u2[large]) + 0.5))
    small = ~large & (mean > 0)
    result[~large] = 0.0
    m, u = mean[small], u1[small]
    k = np.zeros_like(m)
    pmf = np.exp(-m)
    cdf = pmf.copy()
    active = np.nonzero(u > cdf)[0]
    for _ in range(_MAX_INVERSION_STEPS):
        if active.size == 0:
            break
        k_active = k[active] + 1.0
        k[active] = k_active
        pmf_active = pmf[active] * m[active] / k_active
        pmf[active] = pmf_active
        cdf_active = cdf[active] + pmf_active
        cdf[active] = cdf_active
        active = active[(u[active] > cdf_active) & (pmf_active > 1e-300)]
    result[small] = k
    return result


def make_draws(mode: str, seeds: list[int] | np.ndarray, columns_per_turn: int, turns_ahead: int = 1):
    """The draws for a batch: expectations, or one generator per game built from its seed."""
    if mode == "expected":
        return ExpectedDraws()
    if mode == "stochastic":
        return RandomDraws([np.random.default_rng(int(s)) for s in seeds], columns_per_turn, turns_ahead)
    raise ValueError(f"mode must be 'stochastic' or 'expected', not {mode!r}")
