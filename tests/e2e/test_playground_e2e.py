"""The playground's issue-18 fixes in real Chromium: speed control, legibility, parity with TFP."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def _ready(page, url):
    page.goto(url)
    expect(page.get_by_test_id("test-loss")).not_to_have_text("–", timeout=20_000)


def _epoch(page) -> int:
    return int(re.sub(r"\D", "", page.get_by_test_id("epoch").inner_text()))


def test_speed_ten_trains_ten_epochs_a_frame_and_goes_in_the_link(page, lab_url):
    _ready(page, lab_url)
    page.get_by_test_id("speed").select_option("10")
    page.wait_for_function("() => location.hash.includes('speed=10')")
    page.get_by_test_id("play").click()
    page.wait_for_function(
        "() => parseInt(document.querySelector('[data-testid=epoch]').textContent"
        ".replace(/\\D/g, '')) >= 50", timeout=20_000)
    page.get_by_test_id("play").click()
    page.wait_for_timeout(300)
    assert _epoch(page) % 10 == 0  # whole frames of ten epochs


def _pixel(page, canvas: str, x: float, y: float) -> list[int]:
    """RGBA of a canvas at (x, y) in [-6, 6]² data coordinates."""
    return page.evaluate(
        """([sel, x, y]) => { const c = document.querySelector(sel);
        const px = Math.min(c.width - 1, Math.floor((x + 6) / 12 * c.width));
        const py = Math.min(c.height - 1, Math.floor((6 - y) / 12 * c.height));
        return Array.from(c.getContext('2d').getImageData(px, py, 1, 1).data); }""",
        [canvas, x, y])


def test_the_output_heatmap_is_translucent_and_every_unit_is_labelled(page, lab_url):
    _ready(page, lab_url)
    assert _pixel(page, "#heatmap", 0.0, 0.0)[3] == 160  # TFP's alpha: points stay visible
    expect(page.get_by_test_id("axis-x").locator("i")).to_have_count(13)
    expect(page.get_by_test_id("axis-y").locator("i")).to_have_count(13)
    assert page.get_by_test_id("axis-x").inner_text().split() == [
        "−6", "−5", "−4", "−3", "−2", "−1", "0", "1", "2", "3", "4", "5", "6"]


def test_links_flow_while_training_and_rest_when_paused(page, lab_url):
    _ready(page, lab_url)
    link = page.locator("path.link").first
    assert link.evaluate("l => getComputedStyle(l).animationName") == "none"
    page.get_by_test_id("play").click()
    expect(page.locator("body")).to_have_class(re.compile("playing"))
    assert link.evaluate("l => getComputedStyle(l).animationName") == "flow"
    page.get_by_test_id("play").click()


def test_every_point_you_click_is_drawn_test_ones_too(page, lab_url):
    _ready(page, lab_url)
    page.get_by_test_id("dataset-custom").click()
    expect(page.get_by_test_id("point-class")).to_be_visible()
    box = page.locator("#points").bounding_box()
    spots = [(-4, 4), (-2, 3), (0, 4), (2, 3), (4, 4), (0, -4)]
    for i, (x, y) in enumerate(spots):
        page.mouse.click(box["x"] + (x + 6) / 12 * box["width"],
                         box["y"] + (6 - y) / 12 * box["height"])
        page.wait_for_function("() => location.hash.includes('dataset=custom')")
        page.wait_for_timeout(400)
        for px, py in spots[: i + 1]:
            assert _pixel(page, "#points", px, py)[3] > 0, (i, px, py)


def test_a_french_browser_gets_the_french_lab(browser, lab_url):
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 800})
    page = context.new_page()
    _ready(page, lab_url)
    expect(page.locator("[data-i18n=testLoss]")).to_have_text("Perte de test")
    expect(page.get_by_test_id("connection")).to_have_text("connecté")
    page.get_by_test_id("lang").click()  # the user's choice wins over the browser's
    expect(page.get_by_test_id("connection")).to_have_text("connected")
    page.reload()
    _ready(page, page.url)
    expect(page.locator("[data-i18n=testLoss]")).to_have_text("Test loss")
    context.close()


def test_the_multiclass_legend_shows_the_class_colours(page, lab_url):
    _ready(page, lab_url + "#dataset=blobs&n_classes=4")
    expect(page.get_by_test_id("class-legend").locator("i")).to_have_count(4)
    expect(page.get_by_test_id("legend").locator(".gradient")).to_be_hidden()
    page.get_by_test_id("dataset-circle").click()
    expect(page.get_by_test_id("legend").locator(".gradient")).to_be_visible()


@pytest.mark.parametrize("size", [(1024, 768), (1150, 800)])
def test_three_columns_fit_a_narrow_window(browser, lab_url, size):
    context = browser.new_context(viewport={"width": size[0], "height": size[1]})
    page = context.new_page()
    _ready(page, lab_url)
    heat = page.get_by_test_id("heatmap").bounding_box()
    net = page.get_by_test_id("network").bounding_box()
    assert heat["x"] + heat["width"] <= size[0] and heat["y"] < net["y"] + net["height"]
    assert heat["x"] > net["x"]  # beside the network, not under it
    context.close()


def test_perceptron_to_the_end_right_after_a_preset_in_delta_mode(page, lab_url):
    page.goto(lab_url + "perceptron")
    page.get_by_test_id("mode").select_option("delta")
    for name in ("and", "or", "xor", "and", "or"):
        page.get_by_test_id(f"preset-{name}").click()
        page.get_by_test_id("to-end").click()  # before the run has come back
        expect(page.get_by_test_id("epoch")).not_to_have_text("0")


def test_a_first_visit_shows_the_guide_until_dismissed(page, lab_url):
    _ready(page, lab_url)
    guide = page.get_by_test_id("guide")
    expect(guide).to_be_visible()
    expect(guide.locator("li")).to_have_count(5)
    page.get_by_test_id("lang").click()
    expect(guide).to_contain_text("Qu’est-ce que je regarde")
    page.get_by_test_id("guide-close").click()
    expect(guide).to_be_hidden()
    page.reload()
    _ready(page, page.url)
    expect(guide).to_be_hidden()
    page.get_by_test_id("guide-open").click()
    expect(guide).to_be_visible()
