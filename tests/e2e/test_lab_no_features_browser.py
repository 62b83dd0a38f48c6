"""In Chromium: every input feature switched off by clicking, as TFP allows (issue #18). The net
sees only its biases, so it trains with no error and paints one colour over the whole plane; the
link keeps `features=` (none), which differs from no `features` at all (the default x1, x2)."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

ACTIVE = "[data-testid^=feature-].active"


def _ready(page, url):
    page.goto(url)
    expect(page.get_by_test_id("test-loss")).not_to_have_text("–", timeout=20_000)


def _epoch(page) -> int:
    return int(re.sub(r"\D", "", page.get_by_test_id("epoch").inner_text()))


def _heatmap_colours(page) -> int:
    """How many distinct RGBA values the output heatmap holds."""
    return page.evaluate("""() => { const c = document.querySelector('#heatmap');
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        const seen = new Set();
        for (let i = 0; i < d.length; i += 4) seen.add(`${d[i]},${d[i+1]},${d[i+2]},${d[i+3]}`);
        return seen.size; }""")


def test_switch_every_feature_off_then_play(page, lab_url):
    _ready(page, lab_url)
    assert _heatmap_colours(page) > 1  # with x1, x2 the default net's answer varies
    for testid in ("feature-x1", "feature-x2"):
        page.get_by_test_id(testid).click()
        expect(page.get_by_test_id(testid)).not_to_have_class(re.compile("active"))
    expect(page.locator(ACTIVE)).to_have_count(0)
    page.wait_for_function("() => /(^#|&)features=(&|$)/.test(location.hash)")
    # no link leaves the input column; the hidden neurons and their biases are still drawn
    expect(page.locator("[data-testid^=link-1-]")).to_have_count(0)
    expect(page.get_by_test_id("node-1-3")).to_be_visible()
    expect(page.locator("[data-testid^=link-2-]")).to_have_count(2 * 4)
    page.get_by_test_id("play").click()
    page.wait_for_function(
        "() => parseInt(document.querySelector('[data-testid=epoch]').textContent"
        ".replace(/\\D/g, '')) >= 5", timeout=20_000)
    page.get_by_test_id("play").click()
    expect(page.locator("body")).not_to_have_class(re.compile("playing"), timeout=20_000)
    assert _heatmap_colours(page) == 1
    assert re.fullmatch(r"[0-9.]+", page.get_by_test_id("train-loss").inner_text())
    page.get_by_test_id("feature-x1x2").click()  # and one can come back
    expect(page.get_by_test_id("feature-x1x2")).to_have_class(re.compile("active"))
    expect(page.locator("[data-testid^=link-1-]")).to_have_count(4)
    page.wait_for_function("() => location.hash.includes('features=x1*x2&')")


def test_a_link_with_no_feature_reloads_with_none_and_no_key_means_the_default(page, lab_url):
    _ready(page, lab_url + "#features=&hidden=3")
    expect(page.get_by_test_id("node-1-2")).to_be_visible()
    expect(page.locator(ACTIVE)).to_have_count(0)
    page.reload()
    _ready(page, page.url)
    expect(page.get_by_test_id("node-1-2")).to_be_visible()
    expect(page.locator(ACTIVE)).to_have_count(0)
    assert re.search(r"(^#|&)features=(&|$)", page.evaluate("location.hash"))
    _ready(page, lab_url.rstrip("/") + "/?fresh#hidden=3")
    expect(page.locator(ACTIVE)).to_have_count(2)
    expect(page.get_by_test_id("feature-x1")).to_have_class(re.compile("active"))
