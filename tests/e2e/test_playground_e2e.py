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
    page.wait_for_function("location.hash.includes('speed=10')")
    page.get_by_test_id("play").click()
    page.wait_for_function(
        "parseInt(document.querySelector('[data-testid=epoch]').textContent.replace(/\\D/g, ''))"
        " >= 50", timeout=20_000)
    page.get_by_test_id("play").click()
    page.wait_for_timeout(300)
    assert _epoch(page) % 10 == 0  # whole frames of ten epochs
