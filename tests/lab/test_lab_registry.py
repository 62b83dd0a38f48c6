"""The lab's pages come from one registry: the server routes exactly its pages, /api/pages lists
them in order, every /ws/pages message type has one page's handler, no HTML holds a nav."""

import re
import typing
from pathlib import Path

import pytest

from helpers.lab import lab_client
from profond.lab.pages import registry
from profond.lab.pages.schema import Message

STATIC = Path(registry.__file__).resolve().parents[1] / "static"
NOT_PAGES = {"/health", "/favicon.ico", "/api/pages", "/api/errors", "/ws", "/ws/pages",
             "/static"}


def _page_routes(app) -> list[str]:
    return [r.path for r in app.routes if r.path not in NOT_PAGES]


def test_the_server_routes_exactly_the_registry_pages():
    with lab_client() as client:
        assert _page_routes(client.app) == [p.route for p in registry.PAGES]
        for page in registry.PAGES:
            response = client.get(page.route)
            assert response.status_code == 200 and "<html" in response.text
        assert client.get("/nowhere").status_code == 404


def test_api_pages_lists_the_registry_in_order_with_both_titles():
    with lab_client() as client:
        pages = client.get("/api/pages").json()
    assert [p["route"] for p in pages] == ["/", "/perceptron", "/backprop", "/cnn", "/fewshot"]
    assert pages[2]["title"] == {"en": "Backprop", "fr": "Rétropropagation"}


def test_adding_a_page_is_one_registry_entry(monkeypatch):
    extra = registry.Page("demo", "/demo", "Demo", "Démo", file="perceptron.html")
    monkeypatch.setattr(registry, "PAGES", (*registry.PAGES, extra))
    with lab_client() as client:
        assert client.get("/demo").status_code == 200
        assert client.get("/api/pages").json()[-1] == {
            "name": "demo", "route": "/demo", "title": {"en": "Demo", "fr": "Démo"}}
        assert _page_routes(client.app)[-1] == "/demo"


def test_every_message_type_has_exactly_one_handler():
    types = {arg for model in typing.get_args(typing.get_args(Message)[0])
             for arg in typing.get_args(model.model_fields["type"].annotation)}
    assert set(registry.handlers()) == types


def test_a_type_claimed_by_two_pages_is_refused():
    twice = registry.Page("again", "/again", "Again", "Encore",
                          handlers={"backprop": lambda s, m: {}})
    with pytest.raises(ValueError, match="'backprop' is claimed again by 'again'"):
        registry.handlers((*registry.PAGES, twice))


@pytest.mark.parametrize("page", registry.PAGES, ids=lambda p: p.name)
def test_no_page_copies_the_navigation(page):
    html = (STATIC / page.html).read_text()
    assert "<nav" not in html
    others = [p.route for p in registry.PAGES if p.route != "/"]
    assert not any(re.search(f'href="{route}"', html) for route in others)


def test_the_favicon_is_a_png_every_browser_gets():
    with lab_client() as client:
        response = client.get("/favicon.ico")
    assert response.status_code == 200 and response.headers["content-type"] == "image/png"
    assert response.content.startswith(b"\x89PNG\r\n\x1a\n")
