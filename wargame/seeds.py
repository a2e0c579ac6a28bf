"""Seeds: which numbers may seed a game, checked in one place for games, batches and saves.

A seed is a whole number from 0 to ``SEED_MAX`` (2**63 - 1). numpy's ``SeedSequence`` takes
any non-negative integer, but a batch numbers its runs ``seed + k`` in 64-bit integers, and a
save file's seed comes from anyone: the range keeps both exact and refuses ``True``, ``"5"``,
``5.5`` and ``2**70`` with a message instead of a numpy error or a silently truncated seed.
"""

from __future__ import annotations

import numbers

SEED_MAX = 2**63 - 1


def seed_problem(seed, runs: int = 1) -> str | None:
    """Why ``seed`` cannot seed ``runs`` games numbered ``seed`` to ``seed + runs - 1``, or None."""
    allowed = f"a whole number from 0 to {SEED_MAX - runs + 1:,}"
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        try:
            shown = repr(seed)
        except Exception:  # an object whose repr fails is named by its type
            shown = ""
        shown = shown if 0 < len(shown) <= 40 else f"a {type(seed).__name__}"
        return f"the seed must be {allowed}, not {shown}"
    seed = int(seed)
    if not 0 <= seed <= SEED_MAX - runs + 1:
        shown = f"{seed:,}" if seed.bit_length() <= 128 else f"a number of {seed.bit_length():,} bits"
        extra = f" (the last of {runs:,} runs is seed + {runs - 1:,})" if runs > 1 else ""
        return f"the seed must be {allowed}{extra}, not {shown}"
    return None


def checked_seed(seed, runs: int = 1) -> int:
    """``seed`` as a plain int, or ``ValueError`` saying which seeds are allowed."""
    problem = seed_problem(seed, runs)
    if problem:
        raise ValueError(problem[0].upper() + problem[1:] + ".")
    return int(seed)
