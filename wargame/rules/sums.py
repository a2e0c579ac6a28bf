"""Sums, products and tests over a short last axis (items, threats, targets) for a large batch.

numpy reduces a short last axis of a [games, items] array slowly (several times slower than
adding its columns), and a BLAS dot product may add in an order that depends on the batch
size. These add the columns one by one, in a fixed order: fast, and the same for a batch of
one as for a batch of thousands, bit for bit.
"""

from __future__ import annotations

import numpy as np


def _fold(x: np.ndarray, combine, empty: float) -> np.ndarray:
    x = np.asarray(x)
    if x.shape[-1] == 0:
        return np.full(x.shape[:-1], empty)
    if x.shape[-1] == 1:
        return x[..., 0].copy()
    out = combine(x[..., 0], x[..., 1])
    for k in range(2, x.shape[-1]):
        combine(out, x[..., k], out=out)
    return out


def total(x: np.ndarray) -> np.ndarray:
    """Sum over the last axis."""
    return _fold(x, np.add, 0.0)


def product(x: np.ndarray) -> np.ndarray:
    """Product over the last axis."""
    return _fold(x, np.multiply, 1.0)


def any_of(x: np.ndarray) -> np.ndarray:
    """True where any entry along the last axis is true."""
    return _fold(np.asarray(x, bool), np.logical_or, False)


def dot(x: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Weighted sum over the last axis."""
    return total(x * weights)
