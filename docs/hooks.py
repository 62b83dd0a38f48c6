"""mkdocs hooks: add the generated pages, expand the folder entries of `nav`, tidy reference pages.

The pages of docs/gen_pages.py (reference, notebooks) and the notebooks themselves (to download)
join the site after the i18n plugin has chosen each language's files (it only knows files on
disk), with its language prefix (`fr/`), so each language's site has them.

Folder entries of `nav` (those ending in "/") are expanded from the pages that exist.
A folder lists its index (index.md or README.md) first, then the pages its index links to, in the
order of the links, then the others by name; `reference/api/` is grouped by subpackage. A fixed
page that does not exist (yet) is left out with an info line; tests/docs/test_docs_links.py
checks that every nav target exists, so a missing page still fails CI.
"""

import importlib.util
import logging
import posixpath
import re
from functools import cache
from pathlib import Path

from mkdocs.plugins import event_priority
from mkdocs.structure.files import File

log = logging.getLogger("mkdocs.hooks.nav")
INDEXES = ("index.md", "README.md")
LINK = re.compile(r"\]\(([^)#\s]+\.md)")
API = "reference/api/"


@cache
def _generator():
    path = Path(__file__).with_name("gen_pages.py")
    spec = importlib.util.spec_from_file_location("gen_pages", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@cache
def _generated_pages() -> dict[str, str]:
    return _generator().pages()


@event_priority(-110)  # after the i18n plugin (-100) has picked this language's files
def on_files(files, config):
    prefix = _language_prefix(config)
    for src_uri, content in _generated_pages().items():
        files.append(_prefixed(File.generated(config, src_uri, content=content), prefix))
    for path in _generator().notebooks():
        generated = File.generated(config, f"notebooks/{path.name}", abs_src_path=str(path))
        files.append(_prefixed(generated, prefix))
    pages = {_source(f): f for f in files.documentation_pages()}
    config["nav"] = _expand(config["nav"], pages)
    return files


def _language_prefix(config) -> str:
    i18n = config.plugins.get("i18n")
    if i18n is None or i18n.current_language == i18n.default_language:
        return ""
    return f"{i18n.current_language}/"


def _prefixed(file, prefix):
    file.dest_uri = prefix + file.dest_uri
    return file


def _source(file) -> str:
    """The page's path without its language suffix (`index.fr.md` is `index.md` in French)."""
    return getattr(file, "norm_src_uri", None) or file.src_uri


def _expand(items, pages):
    out = []
    for item in items:
        title, target = next(iter(item.items())) if isinstance(item, dict) else (None, item)
        if isinstance(target, list):
            out.append({title: _expand(target, pages)})
        elif target.endswith("/"):
            entries = _api(pages) if target == API else _folder(target, pages)
            if entries:
                out.append({title: entries} if title else entries)
            else:
                log.info("nav: folder %s has no pages yet; left out", target)
        elif target in pages or "://" in target:
            out.append(item)
        else:
            log.info("nav: %s does not exist yet; left out", target)
    return out


def _folder(folder, pages):
    inside = sorted(p for p in pages if p.startswith(folder) and "/" not in p[len(folder):])
    index = next((folder + name for name in INDEXES if folder + name in pages), None)
    linked = []
    if index:
        text = pages[index].content_string
        for link in LINK.findall(text):
            path = posixpath.normpath(posixpath.join(folder, link))
            if path in inside and path != index and path not in linked:
                linked.append(path)
    rest = [p for p in inside if p != index and p not in linked]
    return ([index] if index else []) + linked + rest


def _api(pages):
    index = API + "index.md"
    groups: dict[str, list] = {"": [index]} if index in pages else {}
    for path in sorted(p for p in pages if p.startswith(API) and p != index):
        module = path[len(API):].removesuffix(".md")
        group = ".".join(module.split(".")[:2])
        groups.setdefault(group, []).append({module: path})
    return [entries[0] if len(entries) == 1 or not group else {group: entries}
            for group, entries in groups.items()]


AUTOREF = re.compile(r'<autoref (?P<attrs>[^>]*)>(?P<title>.*?)</autoref>', flags=re.DOTALL)
IDENTIFIER = re.compile(r'identifier="([^"]*)"')


def on_page_content(html, page, config, files):
    """Docstrings are written for `help()`: `P[s][a]` there is indexing, not a cross-reference.

    On generated reference pages, a would-be reference whose target is not a dotted path is put
    back as the text it was; dotted ones (`[Conv2d][profond.scratch.nn.Conv2d]`) stay checked.
    """
    if not page.file.src_uri.startswith("reference/"):
        return html

    def restore(match):
        found = IDENTIFIER.search(match["attrs"])
        identifier = found.group(1) if found else ""
        if "." in identifier:
            return match.group(0)
        return f"[{match['title']}][{identifier}]"

    return AUTOREF.sub(restore, html)
