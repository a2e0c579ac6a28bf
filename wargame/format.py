"""Numbers as a student reads them: the one place the kit writes money, counts and the rest.

Every layer that puts a number into words (lessons, the dashboard, the report, the scenario's
summary, error messages) calls these functions, so that a figure reads the same everywhere:

- money: ``$3,500``, ``$35,000``, ``$41.7M``, ``$240M``, ``$2.5bn`` (whole dollars below a
  million, then millions and billions without a trailing ``.0``);
- counts: whole numbers without ``.0``, fractions (expected mode) to two places at most, large
  counts whole; ``count(1, "incident")`` agrees: ``1 incident``, ``2 incidents``;
- percentages with the precision a small figure needs: ``68%``, ``3.5%``, ``0.2%``;
- ratios: ``69 : 1``, ``68.6 : 1``, ``0.25 : 1``;
- turns (``1 turn``, ``2.5 turns``, ``empty now``, ``not running down``) and durations
  (``20 seconds``, ``1 minute``, ``under a second``).

A value that is not a finite number (``inf``, ``nan``, ``None``) never prints as such: it reads
as ``NO_FIGURE`` (a dash), or as the words a function gives for it (``turns(inf)`` is ``not
running down``). Pure functions of plain numbers; this module imports nothing of the kit.
"""

from __future__ import annotations

import math

NO_FIGURE = "–"  # what a missing or non-finite figure reads as

_IRREGULAR = {"person": "people"}


def _finite(value) -> float | None:
    """``value`` as a finite float, or ``None`` (for inf, nan, None and anything not a number)."""
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return number if math.isfinite(number) else None


def _trim(text: str) -> str:
    """``12.50`` -> ``12.5``, ``4.00`` -> ``4``: no trailing zeros after a decimal point."""
    return text.rstrip("0").rstrip(".") if "." in text else text


def _half_up(value: float, places: int) -> float:
    """Rounded half away from zero, as people round (478.5 -> 479), not to even."""
    factor = 10**places
    return math.copysign(math.floor(abs(value) * factor + 0.5 + 1e-9) / factor, value)


def _significant(value: float, digits: int = 2) -> str:
    """``0.0345`` -> ``0.035``: a small number to ``digits`` significant digits, never in e-notation."""
    rounded = float(f"{value:.{digits}g}")
    return _trim(f"{rounded:.{digits + 6}f}")


def _is_zero(text: str) -> bool:
    return text.lstrip("-").replace(",", "").replace(".", "").strip("0") == ""


def _unsigned(text: str) -> str:
    """``-0`` reads as ``0``."""
    return text.lstrip("-") if _is_zero(text) else text


# --- plain numbers and counts ----------------------------------------------------------------


def number(value, places: int = 2) -> str:
    """A plain figure: whole numbers whole (``22``, ``1,250``), fractions to ``places`` at most
    (``10.24``, ``0.4``), and anything from 100 up rounded to a whole number (``479``)."""
    v = _finite(value)
    if v is None:
        return NO_FIGURE
    if abs(v) >= 100:
        places = 0
    elif 0 < abs(v) < 0.5 * 10**-places:
        return _significant(v)  # a small expectation (0.004 incidents) never reads as 0
    return _unsigned(_trim(f"{_half_up(v, places):,.{places}f}"))


def amount(value) -> str:
    """An amount as a player ordered it, with every digit that matters: ``300``, ``2.5``, ``1,000``."""
    v = _finite(value)
    if v is None:
        return NO_FIGURE
    return _unsigned(_trim(f"{v:,.6f}"))


def plain(value) -> str:
    """A number as written in a scenario file (no thousands separators): ``0``, ``0.25``, ``1000000``."""
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, int):
        return str(value)
    v = _finite(value)
    if v is None:
        return NO_FIGURE
    if v.is_integer() and abs(v) < 1e16:
        return str(int(v))
    text = f"{v:.6g}"
    return _trim(f"{float(text):.12f}") if "e" in text and abs(v) < 1 else text


def plural(noun: str) -> str:
    """``turn`` -> ``turns``, ``person`` -> ``people``, ``sortie`` -> ``sorties``."""
    if noun in _IRREGULAR:
        return _IRREGULAR[noun]
    if noun.endswith(("s", "x", "ch", "sh")):
        return noun + "es"
    if noun.endswith("y") and noun[-2:-1] not in "aeiou":
        return noun[:-1] + "ies"
    return noun + "s"


def agree(shown: str, noun: str, many: str | None = None) -> str:
    """A number already written, with its noun in agreement: ``1 turn``, ``0.5 turns``."""
    singular = shown.lstrip("-") == "1"
    return f"{shown} {noun if singular else (many or plural(noun))}"


def count(value, noun: str, many: str | None = None, places: int = 2) -> str:
    """A count with its noun: ``1 incident``, ``2 incidents``, ``0.4 incidents``, ``1,250 units``.

    ``noun`` is the singular; ``many`` the plural where ``plural`` would get it wrong.
    """
    shown = number(value, places)
    if shown == NO_FIGURE:
        return NO_FIGURE
    return agree(shown, noun, many)


def people(value) -> str:
    """``1 person``, ``479 people``."""
    return count(value, "person", "people")


# --- money -----------------------------------------------------------------------------------

_SCALES = ((1e9, "bn", 2), (1e6, "M", 1))


def money(amount, round_up: bool = False) -> str:
    """Money, one format everywhere: ``$3,500``, ``$35,000``, ``$41.7M``, ``$240M``, ``$1.25bn``.

    Half-up rounding, or up with ``round_up`` (an amount to cut must be cut in full). Amounts
    under $100 that are not whole show their cents (``$12.50``).
    """
    v = _finite(amount)
    if v is None:
        return NO_FIGURE
    sign, size = ("-" if v < 0 else ""), abs(v)

    def rounded(scaled: float, places: int) -> float:
        factor = 10**places
        return (math.ceil(scaled * factor - 1e-6) if round_up else math.floor(scaled * factor + 0.5)) / factor

    for scale, suffix, places in _SCALES:
        shown = rounded(size / scale, places)
        if shown >= 1.0:
            return _unsigned(f"{sign}${_trim(f'{shown:,.{places}f}')}{suffix}")
    if size < 100 and not rounded(size, 2).is_integer():
        return _unsigned(f"{sign}${rounded(size, 2):,.2f}")
    return _unsigned(f"{sign}${rounded(size, 0):,.0f}")


# --- shares and ratios -------------------------------------------------------------------------


def percent(fraction) -> str:
    """A share given as a fraction: ``0.68`` -> ``68%``, ``0.035`` -> ``3.5%``, ``0.002`` -> ``0.2%``.

    A small share keeps two significant digits, so that it never reads as ``0%``; a share that
    from 1% to 10% keeps one decimal.
    """
    v = _finite(fraction)
    if v is None:
        return NO_FIGURE
    points = 100.0 * v
    if points == 0:
        return "0%"
    if abs(points) < 1:
        return _significant(points) + "%"
    if abs(points) < 10:
        return _unsigned(_trim(f"{points:.1f}")) + "%"
    return f"{points:,.0f}%"


def percent_of(value) -> str:
    """A figure already in percent (``68.6``) written as ``percent`` writes a fraction."""
    v = _finite(value)
    return NO_FIGURE if v is None else percent(v / 100.0)


def signed_percent(fraction) -> str:
    """A change as a share: ``+5%``, ``-2.5%``, ``0%``."""
    v = _finite(fraction)
    if v is None:
        return NO_FIGURE
    text = percent(v)
    return text if v <= 0 or text == "0%" else "+" + text


def ratio(value) -> str:
    """A ratio to one: ``69 : 1``, ``68.6 : 1``, ``0.25 : 1`` (two significant digits below one)."""
    v = _finite(value)
    if v is None:
        return NO_FIGURE
    if v == 0:
        return "0 : 1"
    if abs(v) < 1:
        return f"{_significant(v)} : 1"
    return _trim(f"{v:,.1f}") + " : 1"


# --- time ----------------------------------------------------------------------------------


def turns(value) -> str:
    """How many turns something lasts: ``1 turn``, ``2.5 turns``, ``empty now`` at 0 or less,
    ``not running down`` when it never ends at this rate (infinite)."""
    try:
        v = float(value)
    except (TypeError, ValueError, OverflowError):
        return NO_FIGURE
    if math.isnan(v):
        return NO_FIGURE
    if v == math.inf:
        return "not running down"
    if v <= 0:
        return "empty now"
    return count(v, "turn", places=1)


def days(value) -> str:
    """``1 day``, ``60 days``."""
    return count(value, "day", places=1)


def duration(seconds) -> str:
    """A length of time in the largest unit that keeps it readable: ``20 seconds``, ``1 minute``,
    ``1.5 hours``, ``under a second``; ``no time`` for zero."""
    v = _finite(seconds)
    if v is None:
        return NO_FIGURE
    if v <= 0:
        return "no time"
    if v < 0.5:
        return "under a second"
    if v < 60:
        return count(round(v), "second")
    if v < 3600:
        return count(round(v / 60, 1), "minute", places=1)
    if v < 86400:
        return count(round(v / 3600, 1), "hour", places=1)
    return count(round(v / 86400, 1), "day", places=1)


def minutes(value) -> str:
    """A duration given in minutes (a kill chain of ``1`` is ``1 minute``, ``0.33`` is ``20 seconds``)."""
    v = _finite(value)
    return NO_FIGURE if v is None else duration(v * 60)
