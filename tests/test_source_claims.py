"""Every claim of the source article can be found where it teaches, attributed to the article.

The kit was commissioned from one commentary; docs/sources.md lists its 23 claims and where each
appears. This test holds the same table and reads the places themselves: a scenario's fields
(the YAML data, not its comments), a lesson's real-world context, or a notebook's markdown. A
claim counts only where its key figures or names sit in the same field, context or cell as the
kit's one name for the article, so a table in docs/ alone cannot pass it. Where other sources
disagree, the other figure must sit beside the article's (claims 4, 5, 16, 17).
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
import yaml

from wargame.lessons import context as contexts
from wargame.lessons.context import SOURCE_ARTICLE

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "assets" / "scenarios"
NOTEBOOKS = ROOT / "notebooks"

# claim number -> [(kind, where, [key figures or names that must sit beside the attribution])]
CLAIMS = {
    1: [
        ("notebook", "02_capacity_gap", ["2.2 million drones", "4.5 million drones", "more than 1.5 million FPV"]),
        ("context", "DRONE_BENCHMARK", ["2.2 million drones in 2024", "4.5 million in 2025"]),
    ],
    2: [
        ("notebook", "03_autonomy", ["1,400 km", "Sichen", "April 2026", "combat-tested"]),
        ("scenario", "eastern_front", ["1,400 km", "Sichen", "combat-tested"]),
    ],
    3: [
        ("notebook", "01_cost_exchange", ["Iran war", "Patriot interceptors", "THAAD", "naval munitions"]),
        ("context", "HIGH_END_DEPLETION", ["Iran war", "naval munitions"]),
    ],
    4: [
        ("notebook", "01_cost_exchange", ["a few thousand dollars", "hundreds of thousands", "$35,000", "$3.9–4.0 million"]),
        ("context", "COST_EXCHANGE", ["a few thousand dollars", "hundreds of thousands", "$20,000–70,000", "PAC-3"]),
    ],
    5: [
        ("notebook", "02_capacity_gap", ["Bahrain", "87%", "not confirmed elsewhere"]),
        ("scenario", "gulf_depletion", ["Bahrain", "87%", "not confirmed elsewhere"]),
        ("context", "HIGH_END_DEPLETION", ["Bahrain", "87%", "not confirmed elsewhere"]),
    ],
    6: [
        ("scenario", "gulf_depletion", ["THAAD components from South Korea"]),
        ("notebook", "02_capacity_gap", ["THAAD components from South Korea"]),
    ],
    7: [
        ("notebook", "02_capacity_gap", ["asymmetric advantage", "replace them faster"]),
        ("notebook", "05_campaign", ["asymmetric advantage"]),
    ],
    8: [
        ("notebook", "04_adaptation_and_industry", ["December 2025", "Quantum Frontline Industries", "Frontline Robotics", "Quantum Systems", "Linza", "Zoom"]),
        ("scenario", "baltic_shield", ["Quantum Frontline Industries", "Linza", "Zoom"]),
    ],
    9: [
        ("notebook", "04_adaptation_and_industry", ["April 2026", "thousands of AI-equipped autonomous strike drones a year", "German lines"]),
    ],
    10: [
        ("notebook", "04_adaptation_and_industry", ["February 2026", "France, Germany, Italy, Poland and the UK", "Low-Cost Effectors and Autonomous Platforms"]),
        ("scenario", "baltic_shield", ["France, Germany, Italy, Poland and the UK", "Low-Cost Effectors and Autonomous Platforms"]),
    ],
    11: [
        ("notebook", "04_adaptation_and_industry", ["€800 million joint venture", "Danish and Lithuanian"]),
        ("scenario", "baltic_shield", ["€800 million joint venture", "Danish and Lithuanian"]),
    ],
    12: [("notebook", "04_adaptation_and_industry", ["10 defence export centres", "strategic supplier"])],
    13: [
        ("notebook", "04_adaptation_and_industry", ["not a substitute for deep strike", "1,400 km", "hardened, deep targets"]),
        ("scenario", "eastern_front", ["not deep strike", "hardened, deep targets"]),
    ],
    14: [
        ("scenario", "baltic_shield", ["~3M drones a year", "Lithuania", "fewer than 3 million people"]),
        ("notebook", "02_capacity_gap", ["3 million drones a year just to defend Lithuania"]),
        ("context", "DRONE_BENCHMARK", ["~3M drones a year", "Lithuania"]),
    ],
    15: [
        ("notebook", "02_capacity_gap", ["severely insufficient"]),
        ("context", "DRONE_BENCHMARK", ["severely insufficient"]),
        ("scenario", "baltic_shield", ["severely insufficient"]),
    ],
    16: [
        ("notebook", "03_autonomy", ["Uranos KI (initial deployment 2026)", "ASGARD (due by 2027)", "under a minute", "neither is operational today", "Other press gives 2027"]),
        ("scenario", "baltic_shield", ["Uranos KI targeting web, initial deployment 2026", "under a minute"]),
        ("scenario", "baltic_shield", ["ASGARD, due by 2027", "under a minute"]),
        ("context", "KILL_CHAIN", ["Uranos KI", "initial deployment 2026", "ASGARD", "due by 2027", "Other press dates both for 2027"]),
    ],
    17: [
        ("notebook", "03_autonomy", ["Helsing", "roughly half a mile", "around 75%", "5 hits in 14", "400–500 m"]),
        ("context", "TERMINAL_AUTONOMY", ["Helsing", "roughly half a mile", "around 75%", "5 hits in 14", "400–500 m"]),
        ("scenario", "eastern_front", ["Helsing", "roughly half a mile", "400–500 m"]),
    ],
    18: [("notebook", "03_autonomy", ["seconds rather than minutes"])],
    19: [
        ("notebook", "03_autonomy", ["January 2026", "no binding legal architecture", "what if"]),
        ("scenario", "baltic_shield", ["January 2026", "no binding legal architecture", "what if"]),
        ("context", "ACCOUNTABILITY", ["January 2026", "no binding legal architecture"]),
    ],
    20: [
        ("notebook", "03_autonomy", ["faster than the rules", "under sixty seconds"]),
        ("context", "ACCOUNTABILITY", ["faster than the rules", "under sixty seconds"]),
    ],
    21: [("notebook", "04_adaptation_and_industry", ["teaching Europe how to defend itself", "LEAP, QFI and the export centres"])],
    22: [
        ("notebook", "04_adaptation_and_industry", ["Scandinavia and the Baltics", "American stockpiles"]),
        ("notebook", "05_campaign", ["Scandinavia and the Baltics", "American stockpiles"]),
    ],
    23: [
        ("notebook", "04_adaptation_and_industry", ["years, sometimes decades", "Monday", "Thursday"]),
        ("context", "CADENCE", ["years, sometimes decades", "Monday", "Thursday"]),
    ],
}


def plain(text: str) -> str:
    """Text as a reader sees it: markdown emphasis dropped, line breaks and runs of spaces as one."""
    return re.sub(r"\s+", " ", text.replace("**", "").replace("*", "")).strip()


def strings_in(data) -> list[str]:
    """Every string value in loaded YAML data (fields, not comments)."""
    if isinstance(data, str):
        return [data]
    if isinstance(data, dict):
        return [s for value in data.values() for s in strings_in(value)]
    if isinstance(data, list):
        return [s for value in data for s in strings_in(value)]
    return []


def passages(kind: str, where: str) -> list[str]:
    """The separate passages of one place: a scenario's fields, a context, a notebook's markdown cells."""
    if kind == "scenario":
        data = yaml.safe_load((SCENARIOS / f"{where}.yaml").read_text(encoding="utf-8"))
        return [plain(s) for s in strings_in(data)]
    if kind == "context":
        entry = getattr(contexts, where)
        return [plain(f"{entry.text} [{entry.source}]")]
    if kind == "notebook":
        notebook = nbformat.read(NOTEBOOKS / f"{where}.ipynb", as_version=4)
        return [plain(cell.source) for cell in notebook.cells if cell.cell_type == "markdown"]
    raise ValueError(kind)


def test_the_table_holds_all_23_claims():
    assert sorted(CLAIMS) == list(range(1, 24))


@pytest.mark.parametrize(
    "number, kind, where, keys",
    [(number, *place) for number, places in CLAIMS.items() for place in places],
    ids=[f"claim{number}-{place[1]}" for number, places in CLAIMS.items() for place in places],
)
def test_claim_is_attributed_where_it_teaches(number, kind, where, keys):
    found = [
        text
        for text in passages(kind, where)
        if SOURCE_ARTICLE.lower() in text.lower() and all(key.lower() in text.lower() for key in keys)
    ]
    assert found, (
        f"claim {number}: no single {kind} passage in {where} holds {keys} together with "
        f"'{SOURCE_ARTICLE}'"
    )


def all_passages() -> list[tuple[str, str]]:
    places = [("scenario", p.stem) for p in sorted(SCENARIOS.glob("*.yaml"))]
    places += [("notebook", p.stem) for p in sorted(NOTEBOOKS.glob("*.ipynb"))]
    places += [("context", name) for name, value in vars(contexts).items() if isinstance(value, contexts.Context)]
    return [(f"{kind} {where}", text) for kind, where in places for text in passages(kind, where)]


def test_the_article_has_one_name_everywhere():
    for place, text in all_passages():
        for match in re.finditer(r"source article", text, flags=re.IGNORECASE):
            assert text[match.start() :].lower().startswith("source article (2026 commentary)"), (place, text[:200])


def test_no_binding_european_framework_is_presented_as_fact():
    for place, text in all_passages():
        lower = text.lower()
        if "framework" in lower and ("european" in lower or " eu " in f" {lower} "):
            assert "no binding" in lower or "what if" in lower or "none exists" in lower, (place, text[:200])
        assert "parliament adopts" not in lower, place
