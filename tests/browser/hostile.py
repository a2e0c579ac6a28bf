"""A scenario written by a hostile author: script in every free-text field.

``hostile_scenario(folder)`` writes a copy of the tutorial whose every piece of free text
(title, description, author, objectives, sources, notes, item, threat, target, level, cycle and
regime names and descriptions, event texts, the narrative, and a rewording of every lesson)
ends with ``PAYLOAD``: markup that would set ``window.__pwned`` if any page rendered it as
HTML, and a template-like ``{{ ... }}``. Everywhere it shows, it must show as literal text.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from wargame.scenario import LESSON_KINDS
from wargame.scenario.loading import SCENARIO_DIR

SENTINEL = "__pwned"
MARKUP = f'<img src=x onerror="window.{SENTINEL}=1"><script>window.{SENTINEL}=1</script>'
PAYLOAD = MARKUP + "{{ 7*7 }}"
FREE_TEXT_KEYS = {"title", "description", "author", "source", "note", "name", "text", "label", "partner"}


def _poisoned(node, key=None):
    """The scenario data with ``PAYLOAD`` after every free-text value."""
    if isinstance(node, dict):
        if key == "narrative":
            return {turn: f"{text} {PAYLOAD}" for turn, text in node.items()}
        return {k: _poisoned(v, k) for k, v in node.items()}
    if isinstance(node, list):
        if key == "learning_objectives":
            return [f"{text} {PAYLOAD}" for text in node]
        return [_poisoned(v) for v in node]
    if isinstance(node, str) and key in FREE_TEXT_KEYS:
        return f"{node} {PAYLOAD}"
    return node


def hostile_scenario(folder: Path) -> Path:
    """Write the hostile tutorial into ``folder``; returns its path."""
    data = _poisoned(yaml.safe_load((SCENARIO_DIR / "tutorial.yaml").read_text(encoding="utf-8")))
    # lesson texts are templates: the markup goes in as is, the figure as a template field
    data["lessons"] = {kind: {"headline": f"Turn {{turn}}: {MARKUP}", "detail": f"{MARKUP} turn {{turn}}"} for kind in LESSON_KINDS}
    path = Path(folder) / "hostile.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path
