"""The docs' pages: rendered formulas, pictures that exist, French pages in step, notebooks whole.

Every concept page shows the slide's formula as a `$$` block (rendered by KaTeX); a French page
`name.fr.md` has the same formula blocks as `name.md`; every picture a page shows exists and stays
small; a notebook's page keeps every cell and every exercise of the notebook.
"""

import importlib.util
import json
import re

import pytest

from helpers import ROOT

DOCS = ROOT / "docs"
CONCEPTS = sorted(p for p in (DOCS / "concepts").glob("*.md")
                  if p.name != "index.md" and not p.name.endswith(".fr.md"))
FORMULA = re.compile(r"^\$\$\n(.+?)\n\$\$$", re.M | re.S)
IMAGE = re.compile(r"!\[[^\]]*\]\(([^)\s]+)\)")


def test_every_concept_page_has_a_formula_block():
    assert len(CONCEPTS) >= 30
    assert [p.name for p in CONCEPTS if not FORMULA.search(p.read_text(encoding="utf-8"))] == []


@pytest.mark.parametrize("french", sorted(DOCS.rglob("*.fr.md")), ids=lambda p: p.name)
def test_a_french_page_has_the_formulas_of_its_english_page(french):
    english = french.with_name(french.name.removesuffix(".fr.md") + ".md")
    assert english.is_file()
    assert (FORMULA.findall(french.read_text(encoding="utf-8"))
            == FORMULA.findall(english.read_text(encoding="utf-8")))


def test_every_picture_exists_and_is_small():
    shown = []
    for page in DOCS.rglob("*.md"):
        for target in IMAGE.findall(page.read_text(encoding="utf-8")):
            path = (page.parent / target).resolve()
            assert path.is_file(), f"{page.relative_to(ROOT)} shows {target}, which is missing"
            shown.append(path)
    assert shown
    for path in (DOCS / "assets").rglob("*.png"):
        assert path.stat().st_size < 100_000, f"{path.name} is {path.stat().st_size} bytes"


def gen_pages():
    spec = importlib.util.spec_from_file_location("gen_pages", DOCS / "gen_pages.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_notebook_page_keeps_every_cell_and_exercise():
    pages = gen_pages()
    for path in pages.notebooks():
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        page = pages.notebook_page(path)
        code = [c for c in cells if c["cell_type"] == "code" and "".join(c["source"]).strip()]
        assert page.count("```python\n") == len(code), path.name
        exercises = [line for c in cells if c["cell_type"] == "markdown"
                     for line in "".join(c["source"]).splitlines() if "Exercice" in line]
        assert exercises and all(line in page for line in exercises), path.name
    assert "notebooks/index.md" in pages.pages()
