"""When an order takes effect, in turns, for the labels beside the controls."""

from __future__ import annotations

from ..tables import turns_for


def lead_turns(days: int, turn_length_days: int) -> int:
    """A lead time in whole turns, as the engine counts it (``wargame.tables.turns_for``)."""
    return turns_for(days, turn_length_days)


def usable_from(turn: int, lead: int, turns: int) -> str:
    """When something ordered on ``turn`` with a lead of ``lead`` turns can first be used.

    The economy delivers an order with a lead of L >= 1 turns at the close of turn
    ``turn + L - 1``, so it is usable from turn ``turn + L``; a lead of 0 delivers at once.
    """
    at = turn + lead
    if lead <= 0:
        return "usable at once, this turn"
    if at > turns:
        return f"arrives after the last turn (turn {turns}): too late for this game"
    return f"usable from turn {at}"
