"""The kit's design is in its own docs/: every reference to a page there leads to a page that exists."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAGES = ("rules.md", "lessons.md", "sources.md", "architecture.md")


def test_the_design_pages_exist():
    for page in PAGES:
        assert (ROOT / "docs" / page).read_text(encoding="utf-8").startswith("# "), page


def test_every_docs_reference_in_code_tests_and_readme_exists():
    files = [ROOT / "README.md", *(ROOT / "wargame").rglob("*.py"), *(ROOT / "tests").rglob("*.py")]
    files += list((ROOT / "assets" / "scenarios").glob("*.yaml"))
    referenced = {
        (path.name, name)
        for path in files
        for name in re.findall(r"docs/([a-z_]+\.md)", path.read_text(encoding="utf-8"))
    }
    assert referenced, "nothing points at docs/"
    for source, name in referenced:
        assert (ROOT / "docs" / name).exists(), f"{source} points at docs/{name}, which does not exist"


def test_no_reference_to_the_design_brief_outside_the_repository():
    files = [ROOT / "README.md", *(ROOT / "wargame").rglob("*.py"), *(ROOT / "tests").rglob("*.py")]
    files += list((ROOT / "assets" / "scenarios").glob("*.yaml"))
    for path in files:
        if path == Path(__file__).resolve():
            continue
        text = path.read_text(encoding="utf-8")
        for outside in ("shared/design", "GAME.md", "PARAMETERS.md", "SOURCE_CLAIMS.md"):
            assert outside not in text, f"{path.relative_to(ROOT)} still cites {outside}; point it at docs/"


def test_the_sources_page_lists_all_23_claims_of_the_source_article():
    text = (ROOT / "docs" / "sources.md").read_text(encoding="utf-8")
    numbers = [int(n) for n in re.findall(r"^\| (\d+) \|", text, flags=re.M)]
    assert numbers == list(range(1, 24))
