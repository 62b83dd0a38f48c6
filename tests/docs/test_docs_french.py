"""The French site: every student page has a French twin, and no French link falls into a void.

A page `x.md` has its French twin `x.fr.md` (mkdocs-static-i18n, suffix structure); a French
page links to `y.md` and the plugin serves `y.fr.md` when it exists. Translating a heading changes
its anchor, so a link `y.md#some-heading` in the French site (from a French page, an English-only
page or a generated one) must name a heading of the page the French site shows: the French twin
when there is one, else the English page. Anchors are read from the
rendered HTML (Python-Markdown's `toc` slugs, as mkdocs makes them), not guessed.
"""

import importlib.util
import posixpath
import re
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

import markdown
import pytest

from helpers import ROOT

DOCS = ROOT / "docs"
# Pages for the project's developers, in English only; the glossary is one bilingual page.
ENGLISH_ONLY = {"architecture.md", "benchmarks.md", "lab-protocol.md", "reliability.md",
                "glossaire.md"}
EXTENSIONS = ["attr_list", "def_list", "md_in_html", "footnotes", "tables", "toc",
              "pymdownx.superfences", "pymdownx.arithmatex"]
HREF = re.compile(r'<a [^>]*href="([^"]*)"')
ID = re.compile(r'\sid="([^"]+)"')


@cache
def generated() -> dict[str, str]:
    """The pages docs/gen_pages.py adds at build time (reference, notebooks), by site path."""
    spec = importlib.util.spec_from_file_location("gen_pages", DOCS / "gen_pages.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.pages()


@cache
def render(text: str) -> str:
    return markdown.markdown(text, extensions=EXTENSIONS)


def french_source(name: str) -> str | None:
    """The text the French site shows for the site path `name`, or None if there is no page."""
    twin = DOCS / name.removesuffix(".md")
    for path in (twin.with_name(twin.name + ".fr.md"), DOCS / name):
        if path.is_file():
            return path.read_text(encoding="utf-8")
    return generated().get(name)


def link_problems(page: str, text: str) -> list[str]:
    """Every relative link of the French page `page` (a site path) that names no page or anchor."""
    problems = []
    for href in HREF.findall(render(text)):
        url = urlsplit(unquote(href))
        if url.scheme or url.netloc or href.startswith("/"):
            continue
        target = posixpath.normpath(posixpath.join(posixpath.dirname(page), url.path)) \
            if url.path else page
        if not target.endswith(".md"):
            continue  # a picture or a file beside the page: test_docs_pages checks pictures
        source = text if target == page else french_source(target)
        if source is None:
            problems.append(f"{page}: {href} names no page")
        elif url.fragment and url.fragment not in ID.findall(render(source)):
            problems.append(f"{page}: {href} names no heading of {target} in French")
    return problems


# The French site's pages: the twins, and the English pages it shows as they are.
FRENCH = sorted(p.relative_to(DOCS).as_posix().removesuffix(".fr.md") + ".md"
                for p in DOCS.rglob("*.fr.md")) + sorted(ENGLISH_ONLY)


@pytest.mark.parametrize("page", FRENCH)
def test_every_link_of_a_french_site_page_names_a_page_and_a_heading(page):
    assert link_problems(page, french_source(page)) == []


def test_every_link_of_a_generated_page_names_a_page_and_a_heading_in_french():
    assert [problem for page, text in generated().items()
            for problem in link_problems(page, text)] == []


def test_every_student_page_has_a_french_twin():
    english = {p.relative_to(DOCS).as_posix() for p in DOCS.rglob("*.md")
               if not p.name.endswith(".fr.md")}
    missing = sorted(name for name in english - ENGLISH_ONLY
                     if not (DOCS / name).with_name(Path(name).stem + ".fr.md").is_file())
    assert missing == []
    assert ENGLISH_ONLY <= english, "an English-only page was renamed: update ENGLISH_ONLY"


def test_a_dead_french_link_or_an_english_anchor_is_reported():
    page = """# Essai

## Une section

[ok](#une-section), [ok](sequences.md#le-transformer-et-ses-cartes-dattention),
[ok](reference/experiments.md#overfitting), [ok](benchmarks.md),
![image](playground-spiral-1280.png)

[mort](no-such-page.md), [anglais](sequences.md#the-transformer-and-its-attention-maps),
[ici](#no-such-section), [expérience](reference/experiments.md#no-such-experiment)
"""
    found = link_problems("essai.md", page)
    assert len(found) == 4, found
    for expected in ("no-such-page.md names no page", "#the-transformer-and-its-attention-maps",
                     "#no-such-section", "#no-such-experiment"):
        assert [problem for problem in found if expected in problem], (expected, found)
