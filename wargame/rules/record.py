"""What a turn records: named metrics per game, and events with the inputs that produced them.

Rules write here; they never read it back. The game turns the metrics into its history table
and the lessons explain figures from the events.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class Event:
    """One adjudicated figure: the step and rule that made it, its value and its inputs."""

    step: str
    name: str
    value: np.ndarray
    inputs: dict

    def for_game(self, game: int = 0) -> "Event":
        def pick(v):
            return v[game] if isinstance(v, np.ndarray) and v.ndim >= 1 else v

        return Event(self.step, self.name, pick(self.value), {k: pick(v) for k, v in self.inputs.items()})


@dataclass
class Record:
    """Metrics ([B] arrays, names ending in their unit) and events of one turn."""

    keep_events: bool = True
    metrics: dict[str, np.ndarray] = field(default_factory=dict)
    events: list[Event] = field(default_factory=list)

    def metric(self, name: str, values) -> None:
        self.metrics[name] = np.asarray(values, float)

    def metric_by(self, prefix: str, ids, values: np.ndarray) -> None:
        """One metric per id from a [B, N] array: ``delivered_units`` -> ``delivered_<id>_units``."""
        head, unit = prefix.rsplit("_", 1)
        for k, name in enumerate(ids):
            self.metrics[f"{head}_{name}_{unit}"] = np.asarray(values[:, k], float)

    def add_to(self, prefix: str, ids, values: np.ndarray) -> None:
        head, unit = prefix.rsplit("_", 1)
        for k, name in enumerate(ids):
            key = f"{head}_{name}_{unit}"
            self.metrics[key] = self.metrics.get(key, 0.0) + np.asarray(values[:, k], float)

    def event(self, step: str, name: str, value, **inputs) -> None:
        if self.keep_events:
            self.events.append(Event(step, name, np.asarray(value), inputs))
