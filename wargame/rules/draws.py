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

    def __init__(self, generators: list[np.random.Generator], columns_per_turn: int):
        self.generators = generators
        self.columns_per_turn = columns_per_turn
        self._uniforms = None
        self._next = 0

    def start_turn(self) -> None:
        """Take this turn's uniforms from every game's generator."""
        block = np.empty((len(self.generators), self.columns_per_turn))
        for row, generator in zip(block, self.generators):
            generator.random(out=row)
        self._uniforms, self._next = block, 0

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
        return [g.bit_generator.state for g in self.generators]

    def set_state(self, states: list[dict]) -> None:
        for generator, state in zip(self.generators, states):
            generator.bit_generator.state = state


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


def _invert_binomial(n, q, u) -> np.ndarray:
    """The smallest k with P(X <= k) >= u, for X ~ Binomial(n, q), q <= 1/2, small variance.

    A sequential search from k = 0; each game leaves the search as soon as it has its count,
    so the work is about the mean count per game.
    """
    k = np.zeros_like(n)
    pmf = np.exp(n * np.log1p(-np.minimum(q, 1.0 - 1e-16)))
    cdf = pmf.copy()
    odds = q / (1.0 - q)
    active = np.nonzero((u > cdf) & (n > 0))[0]
    for _ in range(_MAX_INVERSION_STEPS):
        if active.size == 0:
            break
        k_active = k[active] + 1.0
        k[active] = k_active
        pmf_active = pmf[active] * (n[active] - k_active + 1.0) / k_active * odds[active]
        pmf[active] = pmf_active
        cdf_active = cdf[active] + pmf_active
        cdf[active] = cdf_active
        active = active[(u[active] > cdf_active) & (k_active < n[active]) & (pmf_active > 1e-300)]
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


def make_draws(mode: str, seeds: list[int] | np.ndarray, columns_per_turn: int):
    """The draws for a batch: expectations, or one generator per game built from its seed."""
    if mode == "expected":
        return ExpectedDraws()
    if mode == "stochastic":
        return RandomDraws([np.random.default_rng(int(s)) for s in seeds], columns_per_turn)
    raise ValueError(f"mode must be 'stochastic' or 'expected', not {mode!r}")
