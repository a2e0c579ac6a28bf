"""Step 3, air defence: for each threat class the doctrine's layers fire in order.

For one layer with an item of stock ``S``, ``shots`` per target and fire capacity ``F`` left:
``engaged = min(remaining, S // shots, F)``, ``P(kill) = 1 - (1 - pk) ** shots`` with pk cut by
any active countermeasure, ``kills ~ Binomial(engaged, P(kill))`` and ``S -= engaged * shots``.
The defender cannot tell decoys from real threats, so every layer engages and kills a random
share of what remains, decoys included, and the leakers are a random share of the raid: the
decoys among them are drawn once, at the end, ``~ Binomial(leaked, decoy share of the raid)``. Stock and fire capacity are shared by all threat classes, which are
engaged in the scenario's order.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..state import State
from ..tables import Tables
from .raid import Raid
from .record import Record
from .sums import dot, total


@dataclass(frozen=True)
class Defence:
    downed_real: np.ndarray  # [B, T]
    downed_decoys: np.ndarray  # [B, T]
    leaked_real: np.ndarray  # [B, T]
    leaked_decoys: np.ndarray  # [B, T]
    expended: np.ndarray  # [B, I] units fired
    kills: np.ndarray  # [B, I] threats (real or decoy) downed by each item


def kill_probability(pk, shots, countermeasure, penalty: float):
    """Chance that ``shots`` shots kill one target, with a countermeasure cutting pk."""
    effective_pk = pk * (1.0 - penalty * countermeasure)
    return 1.0 - (1.0 - effective_pk) ** shots


def air_defence(state: State, orders, raid: Raid, tables: Tables, draws, record: Record) -> tuple[State, Defence]:
    """Fire the layers of every threat class's doctrine; return the new stock and the outcome."""
    batch, games = state.batch, np.arange(state.batch)
    stock = state.stock.copy()
    committed_to_strikes = total(orders.strikes)  # [B, I]: drones on the strike plan are not fired here
    fire_left = np.broadcast_to(tables.fire_capacity, stock.shape).copy()
    expended = np.zeros_like(stock)
    kills_by_item = np.zeros_like(stock)
    shape = raid.launched.shape
    downed_real, downed_decoys = np.zeros(shape), np.zeros(shape)
    leaked_real, leaked_decoys = np.zeros(shape), np.zeros(shape)

    for t, threat in enumerate(tables.threats):
        remaining = raid.launched[:, t].copy()
        for slot in range(tables.layer_slots):
            item = orders.layer_item[:, t, slot]
            used = item >= 0
            if not used.any():
                draws.skip_binomials((batch,), 1)  # keep every game's stream in step
                continue
            index = np.where(used, item, 0)
            # when every game fires the same item here (the usual case), use a column, not a gather;
            # each game has one index either way, so the updates below cannot collide
            if used.all() and (index == index[0]).all():
                at = (slice(None), int(index[0]))
            else:
                at = (games, index)
            shots = orders.layer_shots[:, t, slot]
            can_fire = draws.whole((stock[at] - committed_to_strikes[at]) / shots)
            engaged = np.minimum(np.minimum(remaining, can_fire), fire_left[at])
            if not used.all():
                engaged = np.where(used, engaged, 0.0)
            p_kill = kill_probability(tables.pk[index, t], shots, state.countermeasure[at], tables.countermeasure_penalty)
            kills = draws.binomial(engaged, p_kill)
            fired = engaged * shots
            stock[at] -= fired
            fire_left[at] -= engaged
            expended[at] += fired
            kills_by_item[at] += kills
            if record.keep_events:
                record.event(
                    "air_defence",
                    f"layer_{threat}_{slot + 1}",
                    kills,
                    threat=threat,
                    layer=slot + 1,
                    item=index,
                    used=used,
                    shots=shots,
                    pk=tables.pk[index, t],
                    p_kill=p_kill,
                    countermeasure=state.countermeasure[at],
                    came=remaining,
                    engaged=engaged,
                    decoy_share=np.divide(raid.decoys[:, t], raid.launched[:, t], out=np.zeros(batch), where=raid.launched[:, t] > 0),
                    fired=fired,
                    stock_before=stock[at] + fired,
                )
            remaining = remaining - kills
        real, decoys = raid.launched[:, t] - raid.decoys[:, t], raid.decoys[:, t]
        if tables.decoy_share[t] > 0:
            share = np.divide(decoys, raid.launched[:, t], out=np.zeros(batch), where=raid.launched[:, t] > 0)
            leaked_decoys[:, t] = np.clip(
                draws.binomial(remaining, share), np.maximum(0.0, remaining - real), np.minimum(remaining, decoys)
            )
        leaked_real[:, t] = remaining - leaked_decoys[:, t]
        downed_decoys[:, t] = decoys - leaked_decoys[:, t]
        downed_real[:, t] = real - leaked_real[:, t]
        record.metric(f"leaked_{threat}_units", remaining)
        record.metric(f"downed_{threat}_units", raid.launched[:, t] - remaining)

    record.metric("downed_units", total(downed_real + downed_decoys))
    record.metric("downed_decoys_units", total(downed_decoys))
    record.metric("leaked_units", total(leaked_real + leaked_decoys))
    record.metric("leaked_real_units", total(leaked_real))
    record.metric("leaked_decoys_units", total(leaked_decoys))
    record.metric("interceptor_spend_usd", dot(expended, tables.unit_cost))
    record.metric_by("expended_units", tables.items, expended)
    record.metric_by("kills_units", tables.items, kills_by_item)
    defence = Defence(downed_real, downed_decoys, leaked_real, leaked_decoys, expended, kills_by_item)
    return state.replace(stock=stock), defence
