"""The lab in real Chromium when things go wrong: a diverging network reads NaN and keeps
counting epochs (no JSON.parse error), a hand-broken link still starts the page, and the
Content-Security-Policy blocks nothing the pages need."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

DIVERGE = "#problem=regression&dataset=reg-plane&activation=linear&lr=10"


def _console(page) -> list[str]:
    messages = []
    page.on("console", lambda m: messages.append(m.text) if m.type in ("error", "warning")
            else None)
    return messages


def _epoch(page) -> int:
    return int(page.get_by_test_id("epoch").inner_text().replace(",", ""))


def test_a_diverging_network_reads_nan_and_keeps_counting(page, lab_url):
    console = _console(page)
    page.goto(lab_url + DIVERGE)
    expect(page.get_by_test_id("activation")).to_have_value("linear", timeout=20_000)
    expect(page.get_by_test_id("learning-rate")).to_have_value("10")
    page.get_by_test_id("play").click()
    page.wait_for_function(
        "() => parseInt(document.querySelector('[data-testid=epoch]').textContent.replace(',', ''))"
        " >= 20", timeout=30_000)
    expect(page.get_by_test_id("train-loss")).to_have_text("NaN")
    expect(page.get_by_test_id("test-loss")).to_have_text("NaN")
    before = _epoch(page)
    page.wait_for_function(
        "() => parseInt(document.querySelector('[data-testid=epoch]').textContent.replace(',', ''))"
        f" > {before}", timeout=10_000)
    page.get_by_test_id("play").click()  # pause
    assert not [m for m in console if re.search("JSON|Content Security Policy", m)], console


def test_a_lone_percent_in_the_link_still_starts_the_page(page, lab_url):
    console = _console(page)
    page.goto(lab_url + "#seed=%&activation=relu")
    expect(page.get_by_test_id("activation")).to_have_value("relu", timeout=20_000)
    expect(page.get_by_test_id("test-loss")).not_to_have_text("–")
    assert not [m for m in console if "Content Security Policy" in m], console


@pytest.mark.parametrize("name", ["perceptron", "backprop", "cnn", "fewshot"])
def test_the_pages_run_under_their_content_security_policy(page, lab_url, name):
    console = _console(page)
    page.goto(lab_url + name)
    expect(page.locator("#conn")).to_have_text("connected", timeout=20_000)  # the socket too
    assert not [m for m in console if "Content Security Policy" in m], console
