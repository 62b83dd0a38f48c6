"""In Chromium: every page's navigation bar is the registry's, and the page's own checks of a
setting (static/js/settings.js, from the server's schema) agree with pydantic's Config."""

import pytest
from playwright.sync_api import expect
from pydantic import ValidationError

from profond.lab.pages.registry import PAGES
from profond.lab.schema import Config

pytestmark = pytest.mark.e2e

# values as a link or a control gives them, good and bad
CANDIDATES = {
    "lr": [0.03, 0.2, 10, 11, -1], "reg_rate": [0, 0.001, 0.002], "activation": ["relu",
    "leaky-relu", "linear", 3], "optimizer": ["adam", "rmsprop"], "dropout": [0, 0.5, 0.4],
    "noise": [0, 50, 51, -5, 2.5], "n_classes": [1, 2, 6, 7], "batch_size": [0, 1, 30, 31],
    "seed": [0, 2**31 - 1, 2**31, -1], "max_epochs": [0, 1_000_000, 1_000_001, 1.5],
    "features": [["x1"], [], ["x1", "x1"], ["x1", "z"], ["x1", "x2", "x1^2", "x2^2", "x1*x2",
                                                        "sin(x1)", "sin(x2)"]],
    "hidden": [[], [8] * 6, [8] * 7, [9], [0], [2, 3]], "speed": ["1", "max", "2"],
    "dataset": ["circle", "reg-plane", "mnist"], "problem": ["regression", "ranking"],
}


def _pydantic_accepts(name, value) -> bool:
    try:
        Config(**{name: value})
    except ValidationError:
        return False
    return True


@pytest.mark.parametrize("page_entry", PAGES, ids=lambda p: p.name)
def test_every_page_shows_the_registry_navigation_in_order(page, lab_url, page_entry):
    page.goto(lab_url.rstrip("/") + page_entry.route)
    links = page.get_by_test_id("pages-nav").locator("a")
    expect(links).to_have_count(len(PAGES), timeout=20_000)
    assert links.evaluate_all("(as) => as.map((a) => a.pathname)") == [p.route for p in PAGES]
    assert links.all_inner_texts() == [p.en for p in PAGES]
    expect(links.nth(PAGES.index(page_entry))).to_have_attribute("aria-current", "page")


def test_the_pages_checks_agree_with_pydantic(page, lab_url):
    page.goto(lab_url)
    expect(page.get_by_test_id("learning-rate")).to_have_value("0.03", timeout=20_000)
    verdicts = page.evaluate("""async (candidates) => {
        const settings = await import("/static/js/settings.js");
        const schema = await (async () => {
          const ws = new WebSocket(`ws://${location.host}/ws`);
          return new Promise((resolve) => { ws.onmessage = (e) => {
            const m = JSON.parse(e.data);
            if (m.type === "hello") { ws.close(); resolve(m.schema); } }; });
        })();
        const fields = settings.fieldsOf(schema);
        return Object.entries(candidates).map(([name, values]) => values.map(
          (v) => settings.validate(fields, { [name]: v }).length === 0));
    }""", CANDIDATES)
    for (name, values), accepted in zip(CANDIDATES.items(), verdicts, strict=True):
        for value, ok in zip(values, accepted, strict=True):
            assert ok == _pydantic_accepts(name, value), (name, value, ok)
