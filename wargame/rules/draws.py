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
_MAX_TABLES = 64  # above this many distinct probabilities in a batch, search instead of tabulating


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
        game's stream is the same however it is fetched. Each draw uses a pair of adjacent
        uniforms: the first for an exact inversion, or the pair (Box-Muller) for a normal.
        """
        if self._block is None or self._turn_in_block >= self._block.shape[1]:
            if self._block is None:  # allocated once: touching fresh memory every time is slow
                self._block = np.empty((len(self.generators), self.turns_ahead, self.columns_per_turn))
            for rows, generator in zip(self._block, self.generators):
                generator.random(out=rows.reshape(-1))
            self._turn_in_block = 0
        self._uniforms = self._block[:, self._turn_in_block, 0::2]
        self._second = self._block[:, self._turn_in_block, 1::2]
        self._next = 0
        self._turn_in_block += 1

    def _take(self, shape: tuple) -> tuple[np.ndarray, np.ndarray]:
        """This draw's uniforms, a pair of columns per element: first and second of each pair."""
        width = int(np.prod(shape[1:], dtype=int)) if len(shape) > 1 else 1
        end = self._next + width
        if self._uniforms is None or 2 * end > self.columns_per_turn:
            raise RuntimeError("a turn asked for more random numbers than the tables reserve")
        u = self._uniforms[:, self._next : end].reshape(shape)
        second = self._second[:, self._next : end].reshape(shape)
        self._next = end
        return u, second

    def binomial(self, n, p):
        n, p = np.broadcast_arrays(np.asarray(n, float), np.asarray(p, float))
        u1, u2 = self._take(n.shape)
        drawn = n != 0  # nothing to draw where nothing was tried: often half a strike plan
        if drawn.all():
            return binomial_from_uniforms(n, p, u1, u2)
        result = np.zeros(n.shape)
        if drawn.any():
            result[drawn] = binomial_from_uniforms(n[drawn], p[drawn], u1[drawn], u2[drawn])
        return result

    def skip_binomials(self, shape: tuple, count: int) -> None:
        """Pass over draws that no game of the batch needs, keeping every game's stream in step."""
        for _ in range(count):
            self._take(shape)

    def uniforms(self, shape: tuple) -> tuple[np.ndarray, np.ndarray]:
        """Two plain uniforms per element, for a choice a rule makes by hand (an event's slip)."""
        return self._take(shape)

    def poisson(self, mean):
        mean = np.asarray(mean, float)
        u1, u2 = self._take(mean.shape)
        return poisson_from_uniforms(mean, u1, u2)

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
    """A standard normal from two uniforms (Box-Muller).

    Computed in single precision, which numpy vectorises several times faster here; seven
    significant digits are far more than a count rounded to a whole number needs.
    """
    below_one = np.minimum(u1.astype(np.float32), np.float32(1.0 - 2.0**-24))  # u near 1 rounds to 1 in single precision
    radius = np.sqrt(np.float32(-2.0) * np.log1p(-below_one))
    return (radius * np.cos(np.float32(2.0 * np.pi) * u2.astype(np.float32))).astype(np.float64)


def binomial_from_uniforms(n, p, u1, u2) -> np.ndarray:
    """Binomial(n, p) counts from uniforms: exact inversion for small variance, normal otherwise."""
    n = np.round(n)
    p = np.clip(p, 0.0, 1.0)
    flip = p > 0.5
    q = np.where(flip, 1.0 - p, p)
    mean = n * q
    variance = mean * (1.0 - q)
    # a count that cannot vary (n = 0 or p = 0) comes out of the normal formula as 0 exactly
    large = (variance >= EXACT_BELOW_VARIANCE) | (mean == 0)
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


def _invert_binomial(n, q, u) -> np.ndarray:
    """An exact Binomial(n, q) count from one uniform, for q <= 1/2 and small variance.

    Games of a batch mostly share a few (n, q) pairs, so the distribution function is built
    once per distinct pair (over the counts that matter) and each game's uniform is looked
    up in its pair's table with one ``searchsorted``.
    """
    count = np.zeros_like(n)
    live = np.nonzero((n > 0) & (q > 0))[0]
    if live.size == 0:
        return count
    n, q, u = n[live], np.minimum(q[live], 0.5), u[live]
    if q.min() != q.max() and np.unique(q).size > _MAX_TABLES:
        count[live] = _search_binomial(n, q, u)
        return count
    if q.min() == q.max():  # the common case: one probability for the whole batch
        pair_n, group = np.unique(n, return_inverse=True)
        pair_q = np.full(pair_n.shape, q[0])
    else:
        pairs, group = np.unique(n + 1j * q, return_inverse=True)
        pair_n, pair_q = pairs.real, pairs.imag
    reach = np.ceil(pair_n * pair_q + 10.0 * np.sqrt(pair_n * pair_q * (1.0 - pair_q)) + 10.0)
    width = int(min(pair_n.max(), reach.max(), _MAX_INVERSION_STEPS)) + 1
    # pmf(k) = pmf(0) * prod_{j <= k} (n - j + 1) / j * q / (1 - q); pmf(0) = (1 - q) ** n is
    # no smaller than about e**-40 here, since the variance, and so n * q, is small
    k = np.arange(1, width)
    steps = np.clip((pair_n[:, None] - k + 1.0) / k, 0.0, None) * (pair_q / (1.0 - pair_q))[:, None]
    pmf = np.exp(pair_n * np.log1p(-pair_q))[:, None] * np.concatenate(
        [np.ones((len(pair_n), 1)), np.cumprod(steps, axis=1)], axis=1
    )
    cdf = np.cumsum(pmf, axis=1)
    # rows laid end to end, each lifted by 2 so that one sorted search serves every pair
    lifted = (cdf + 2.0 * np.arange(len(pair_n))[:, None]).ravel()
    position = np.searchsorted(lifted, u + 2.0 * group, side="left") - group * width
    count[live] = np.minimum(position, np.minimum(n, width - 1))
    return count


def _search_binomial(n, q, u) -> np.ndarray:
    """The same inversion as a search from 0, for batches whose games all have different q.

    Each game leaves the search as soon as it has its count, so the work is about the mean
    count, which is small here (the variance is).
    """
    k = np.zeros_like(n)
    pmf = np.exp(n * np.log1p(-q))
    cdf = pmf.copy()
    odds = q / (1.0 - q)
    active = np.nonzero(u > cdf)[0]
    for _ in range(_MAX_INVERSION_STEPS):
        if active.size == 0:
            break
        k_active = k[active] + 1.0
        k[active] = k_active
        pmf_active = pmf[active] * (n[active] - k_active + 1.0) / k_active * odds[active]
        pmf[active] = pmf_active
        cdf_active = cdf[active] + pmf_active
        cdf[active] = cdf_active
        active = active[(u[active] > cdf_active) & (k_active < n[active])]
    return k


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
