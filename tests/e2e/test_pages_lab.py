"""The course pages in real Chromium: the slides' OR run, drawing a digit for the CNN, few-shot."""

import numpy as np
import pytest
from playwright.sync_api import expect

from helpers.lab import stroke, trained
from profond.lab.pages import cnn

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("fresh_cnn")]


def test_perceptron_reaches_the_slides_or_weights(page, lab_url):
    page.goto(lab_url + "perceptron")
    expect(page.get_by_test_id("preset-or")).to_have_class("preset selected")
    for _ in range(12):  # 3 epochs of 4 examples: the third has no update
        page.get_by_test_id("step").click()
    expect(page.get_by_test_id("weights")).to_have_text("(0, 1, 1)")
    expect(page.get_by_test_id("updates")).to_have_text("2")
    expect(page.get_by_test_id("trace-row")).to_have_count(12)
    expect(page.get_by_test_id("trace-row").nth(1)).to_contain_text("(1, 0, 1)")
    page.get_by_test_id("preset-xor").click()
    expect(page.get_by_test_id("trace-row")).to_have_count(0)
    page.wait_for_timeout(300)  # the new trace arrives over the socket
    page.keyboard.press("n")
    expect(page.get_by_test_id("trace-row")).to_have_count(1)
    page.keyboard.press("a")
    expect(page.get_by_test_id("status")).to_contain_text("No convergence after 20 epochs")
    page.get_by_test_id("lang").click()
    expect(page.get_by_test_id("status")).to_contain_text("Pas de convergence")


def test_drawn_strokes_yield_a_top3_prediction(page, lab_url):
    trained(page, lab_url + "cnn")
    stroke(page, [(128, 30), (128, 230)])
    expect(page.get_by_test_id("top-3")).to_be_visible()
    assert "%" in page.get_by_test_id("top-1").inner_text()
    expect(page.get_by_test_id("map-conv2-15")).to_be_visible()
    page.get_by_test_id("map-conv1-0").click(position={"x": 28, "y": 28})
    expect(page.get_by_test_id("patch-sum")).to_contain_text("bias")
    page.get_by_test_id("map-conv2-3").click(position={"x": 20, "y": 20})
    # conv2 reads pool1's 6 channels: one patch ⊙ kernel row per channel, then the sum
    expect(page.locator("[data-testid^=patch-channel-]")).to_have_count(6)
    expect(page.get_by_test_id("patch-sum")).to_contain_text("sum over channels")


def test_conv_widget_flags_a_kernel_that_fits_nowhere(page, lab_url):
    page.goto(lab_url + "cnn")
    expect(page.get_by_test_id("ca-output")).to_have_text("8")
    page.get_by_test_id("ca-input").fill("3")
    page.get_by_test_id("ca-kernel").fill("7")
    page.get_by_test_id("ca-padding").fill("1")
    expect(page.get_by_test_id("ca-output")).to_have_text("✗")
    expect(page.get_by_test_id("ca-output")).to_have_class("value big invalid")
    expect(page.get_by_test_id("ca-note")).to_contain_text("kernel_size <= dim_in + 2*padding")
    page.get_by_test_id("ca-padding").fill("2")  # 3 + 4 - 7 = 0: one window fits
    expect(page.get_by_test_id("ca-output")).to_have_text("1")


def test_fewshot_pencil_eraser_and_clear_work(page, lab_url):
    page.goto(lab_url + "fewshot")
    stroke(page, [(128, 30), (128, 230)])
    ink = "() => document.querySelector('[data-testid=draw]').getContext('2d')"
    count = ink + ".getImageData(0, 0, 256, 256).data.filter((v, i) => i % 4 === 3 && v > 0).length"
    drawn = page.evaluate(f"({count})()")
    assert drawn > 0
    page.get_by_test_id("eraser").click()
    expect(page.get_by_test_id("eraser")).to_have_class("tool selected")
    stroke(page, [(128, 30), (128, 130)])
    assert 0 < page.evaluate(f"({count})()") < drawn
    page.get_by_test_id("pencil").click()
    expect(page.get_by_test_id("pencil")).to_have_class("tool selected")
    page.get_by_test_id("clear").click()
    assert page.evaluate(f"({count})()") == 0


def test_mnist_is_offered_once_downloaded_and_shows_28x28(page, lab_url):
    page.goto(lab_url + "cnn")
    expect(page.get_by_test_id("model-status")).not_to_have_text("")
    mnist = page.locator('[data-testid="cnn-data"] option[value="mnist"]')
    expect(mnist).to_be_disabled()
    assert "profond data show mnist" in mnist.get_attribute("title")
    rng = np.random.default_rng(0)  # a stand-in for the download, in MNIST's cached layout
    np.savez(cnn.cache_dir() / "mnist-uint8.npz",
             X_train=rng.integers(0, 256, (64, 1, 28, 28), dtype=np.uint8),
             y_train=rng.integers(0, 10, 64), X_test=rng.integers(0, 256, (16, 1, 28, 28),
                                                                    dtype=np.uint8),
             y_test=rng.integers(0, 10, 16))
    page.reload()
    expect(mnist).to_be_enabled()
    page.get_by_test_id("cnn-data").select_option("mnist")
    expect(page.get_by_test_id("ca-output")).to_have_text("28")  # the conv widget follows
    trained(page, None)
    stroke(page, [(128, 30), (128, 230)])
    expect(page.get_by_test_id("top-1")).to_contain_text("%")
    expect(page.locator('[data-testid="pre-grid"] span')).to_have_count(28 * 28)
    page.get_by_test_id("map-conv1-0").click(position={"x": 40, "y": 40})
    expect(page.get_by_test_id("patch-sum")).to_contain_text("bias")


def test_examples_of_a_new_class_change_the_fewshot_prediction(page, lab_url):
    trained(page, lab_url + "fewshot")
    for name, points in (("bar", [(128, 30), (128, 230)]), ("dash", [(30, 128), (230, 128)])):
        page.get_by_test_id("class-name").fill(name)
        stroke(page, points)
        page.get_by_test_id("add-example").click()
    expect(page.get_by_test_id("class-1")).to_have_text("dash (1)")
    diagonal = [(50, 50), (210, 210)]
    stroke(page, diagonal)
    expect(page.get_by_test_id("prediction")).not_to_have_text("–")
    assert page.get_by_test_id("prediction").inner_text() in ("bar", "dash")
    page.get_by_test_id("class-name").fill("slash")
    page.get_by_test_id("add-example").click()
    expect(page.get_by_test_id("class-2")).to_have_text("slash (1)")
    stroke(page, diagonal)
    expect(page.get_by_test_id("prediction")).to_have_text("slash")
    expect(page.get_by_test_id("mean-2")).to_be_visible()


def test_a_webcam_snapshot_becomes_a_drawing_that_is_classified(camera_browser, lab_url):
    page = camera_browser.new_page(viewport={"width": 1280, "height": 960})
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        trained(page, lab_url + "fewshot")
        for name, points in (("bar", [(128, 30), (128, 230)]), ("dash", [(30, 128), (230, 128)])):
            page.get_by_test_id("class-name").fill(name)
            stroke(page, points)
            page.get_by_test_id("add-example").click()
        page.get_by_test_id("clear").click()
        expect(page.get_by_test_id("webcam")).to_be_visible()
        page.get_by_test_id("webcam").click()
        expect(page.locator("#video")).to_be_visible()
        expect(page.get_by_test_id("prediction")).not_to_have_text("–")  # the frame was drawn
        assert page.get_by_test_id("error").inner_text() == ""
    finally:
        page.close()
    assert not errors, errors


def test_backprop_slide_preset_shows_deck_001s_two_outputs(page, lab_url):
    page.goto(lab_url + "backprop")
    expect(page.get_by_test_id("output-2")).to_have_text("t=1")  # lines: s and y, δ, t
    page.get_by_test_id("preset-slide").click()
    expect(page.get_by_test_id("x1")).to_have_value("0.05")
    expect(page.get_by_test_id("outputs")).to_have_value("2")
    for _ in range(2):
        page.get_by_test_id("forward").click()
    # Mazur: out_o1 = 0.75136507, out_o2 = 0.772928465, E_total = 0.298371109
    expect(page.get_by_test_id("output-0")).to_contain_text("y=0.7514")
    expect(page.get_by_test_id("output2-0")).to_contain_text("y=0.7729")
    expect(page.get_by_test_id("error-value")).to_have_text("0.29837")
    for _ in range(3):
        page.get_by_test_id("backward").click()
    expect(page.get_by_test_id("numbers-4")).to_contain_text("δ₁ = 0.5933")
    page.get_by_test_id("apply").click()  # continues from the slide's updated weights
    page.get_by_test_id("forward").click()
    page.get_by_test_id("forward").click()
    # the page updates b1 and b2 too: below Mazur's 0.291028, where the biases stay
    expect(page.get_by_test_id("error-value")).to_have_text("0.28047")
