"""The kit's Voilà template: Voilà's lab page without the CDN stylesheets, shipped and selected.

The browser tests prove the page asks nothing of the network; these checks say why when a new
Voilà changes the links the template removes, or the template is not shipped or not used.
"""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import voila

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "share" / "jupyter" / "voila" / "templates" / "wargame"


def voila_lab_template() -> str:
    """Voilà's own lab/index.html.j2, from the installed package's share folder."""
    prefix = Path(voila.__file__).resolve().parents[4]  # <prefix>/lib/pythonX.Y/site-packages/voila
    return (prefix / "share" / "jupyter" / "voila" / "templates" / "lab" / "index.html.j2").read_text(encoding="utf-8")


def removed_links() -> list[str]:
    return re.findall(r"replace\('([^']+)', ''\)", (TEMPLATE / "index.html.j2").read_text(encoding="utf-8"))


def test_the_template_extends_voila_lab_and_removes_every_cdn_link_it_has():
    assert json.loads((TEMPLATE / "conf.json").read_text(encoding="utf-8")) == {"base_template": "lab"}
    lab = voila_lab_template()
    cdn_links = re.findall(r'<link [^>]*href="https?://[^"]+"[^>]*/>', lab)
    assert cdn_links, "Voilà's lab template links no CDN any more: the kit's template may be unneeded"
    assert sorted(removed_links()) == sorted(cdn_links), "the kit's template must remove exactly Voilà's CDN links"


def test_the_template_is_shipped_with_the_package():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    data_files = pyproject["tool"]["setuptools"]["data-files"]
    shipped = data_files["share/jupyter/voila/templates/wargame"]
    on_disk = sorted(str(path.relative_to(ROOT)) for path in TEMPLATE.iterdir())
    assert sorted(shipped) == on_disk


def test_the_campaign_app_selects_the_template():
    notebook = json.loads((ROOT / "notebooks" / "05_campaign.ipynb").read_text(encoding="utf-8"))
    assert notebook["metadata"]["voila"]["template"] == TEMPLATE.name
