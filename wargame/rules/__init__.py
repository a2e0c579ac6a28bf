"""The rules of a turn, one pure function per step (see ``wargame.turn.resolve_turn``)."""
