"""Where the lab's pages put things. At 1280×800 /cnn shows the pad, the prediction and every
feature map without scrolling, before and after training; at 1024×768 and on a phone nothing
overlaps and nothing scrolls sideways. The other pages keep their answer beside their input;
the playground's output stays on a 1280×800 or 1024×768 screen while the first-visit guide is
open, in English and in French."""

import pytest
from playwright.sync_api import expect

from helpers.lab import boxes, overlapping, stroke, trained

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("fresh_cnn")]

ANSWER = ("draw", "top3", "maps")  # the pad, the prediction (probabilities), the feature maps
SHOWN = ANSWER + ("pre-grid", "patch", "ca-output")  # every panel the page draws
DIGIT = [(128, 30), (128, 230)]


def _viewport(page, width, height):
    page.set_viewport_size({"width": width, "height": height})


def _on_screen(page, test_ids):
    """Each element lies inside the viewport: no scrolling needed to see it."""
    size = page.viewport_size
    for test_id, box in boxes(page, test_ids).items():
        assert box["x"] >= 0 and box["y"] >= 0, (test_id, box)
        assert box["right"] <= size["width"] and box["bottom"] <= size["height"], (test_id, box)


def _no_sideways_scroll(page):
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"the page is {width} px wide"


def _predicted(page):
    """Draw a digit and wait for the whole answer: the top 3, the last layer, one patch."""
    stroke(page, DIGIT)
    expect(page.get_by_test_id("top-3")).to_be_visible()
    expect(page.get_by_test_id("map-fc3-0")).to_be_visible()
    page.get_by_test_id("map-conv1-0").click(position={"x": 20, "y": 20})
    expect(page.get_by_test_id("patch-sum")).to_contain_text("bias")


def test_cnn_answer_fits_1280x800_before_and_after_training(page, lab_url):
    _viewport(page, 1280, 800)
    page.goto(lab_url + "cnn")
    expect(page.get_by_test_id("model-status")).to_contain_text("Not trained")
    stroke(page, DIGIT)  # no model yet: nothing is predicted, the panels wait
    expect(page.get_by_test_id("top-1")).to_have_count(0)
    _on_screen(page, ANSWER)
    assert overlapping(boxes(page, SHOWN)) == []
    trained(page, None)
    page.get_by_test_id("clear").click()
    _predicted(page)
    _on_screen(page, ANSWER)
    _on_screen(page, ("map-conv1-0", "map-conv2-15", "map-pool2-15", "map-fc3-0"))
    assert overlapping(boxes(page, SHOWN)) == []
    _no_sideways_scroll(page)


@pytest.mark.parametrize("width, height", [(1024, 768), (390, 844)])
def test_cnn_panels_never_overlap_on_smaller_screens(page, lab_url, width, height):
    _viewport(page, width, height)
    trained(page, lab_url + "cnn")
    _predicted(page)
    found = boxes(page, SHOWN)
    assert overlapping(found) == []
    _no_sideways_scroll(page)
    if width >= 1024:  # a laptop still sees the pad and its prediction together
        _on_screen(page, ("draw", "top3", "map-conv1-5"))
    else:  # a phone stacks them: the prediction comes under the pad
        assert found["top3"]["y"] >= found["draw"]["bottom"]


@pytest.mark.parametrize("path, test_ids", [("perceptron", ("plot", "trace")),
                                            ("backprop", ("network", "numbers-1")),
                                            ("fewshot", ("draw", "prediction", "mean-bars"))])
@pytest.mark.parametrize("width, height", [(1280, 800), (1024, 768)])
def test_course_pages_show_input_and_answer_together(page, lab_url, path, test_ids, width,
                                                     height):
    _viewport(page, width, height)
    page.goto(lab_url + path)
    expect(page.get_by_test_id(test_ids[0])).to_be_visible()
    _on_screen(page, test_ids)
    assert overlapping(boxes(page, test_ids)) == []
    _no_sideways_scroll(page)


@pytest.mark.parametrize("locale", ["en-US", "fr-FR"])
@pytest.mark.parametrize("width, height", [(1280, 800), (1024, 768)])
def test_playground_output_is_on_screen_beside_the_guide(browser, lab_url, width, height, locale):
    """A first visit, guide open, in English or French (longer words, same screen)."""
    context = browser.new_context(viewport={"width": width, "height": height}, locale=locale)
    page = context.new_page()
    page.goto(lab_url)
    expect(page.get_by_test_id("guide")).to_be_visible()  # a first visit: the guide is open
    expect(page.get_by_test_id("connection")).to_have_text(
        "connecté" if locale == "fr-FR" else "connected")
    shown = ("guide", "loss-chart", "heatmap")
    assert overlapping(boxes(page, shown)) == []
    _no_sideways_scroll(page)
    _on_screen(page, shown)
    page.get_by_test_id("guide-close").click()
    _on_screen(page, ("loss-chart", "heatmap"))
    context.close()


def test_the_playground_on_a_phone_scrolls_down_only(page, lab_url):
    """390 px wide: one column, the network scrolling inside its own box if it must."""
    _viewport(page, 390, 844)
    page.goto(lab_url)
    expect(page.get_by_test_id("test-loss")).not_to_have_text("–", timeout=20_000)
    _no_sideways_scroll(page)
    shown = boxes(page, ("dataset-circle", "network", "heatmap"))
    assert overlapping(shown) == []
    assert all(box["right"] <= 390 for box in shown.values()), shown
