"""Browser tests: the lab served by uvicorn in a thread, driven by Playwright's Chromium.

Screenshots go to test-artifacts/ (gitignored) so a failing run can be looked at. The pages'
Content-Security-Policy forbids eval: give `wait_for_function` an arrow function ("() => ..."),
never a bare expression, which Playwright evaluates with eval inside the page.
"""

import os
from pathlib import Path

import pytest

from helpers.lab import served_lab, watch_errors

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]


@pytest.fixture(scope="session")
def lab_url():
    with served_lab() as url:
        yield url


@pytest.fixture(scope="session")
def playwright():
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is missing: install it with `apt-get install -y chromium`")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:  # one per thread: every browser below comes from it
        yield p


@pytest.fixture(scope="session")
def browser(playwright):
    chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
    yield chromium
    chromium.close()


@pytest.fixture(scope="session")
def camera_browser(playwright):
    """Chromium with its fake camera (a light figure moving on green) and camera access granted."""
    camera = ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"]
    chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                          args=ARGS + camera)
    yield chromium
    chromium.close()


@pytest.fixture(scope="module")
def fresh_cnn(tmp_path_factory):
    """The server runs in this process: a temporary cache and no model yet, so Train is tested."""
    from profond.lab.pages import cnn

    mp = pytest.MonkeyPatch()
    mp.setenv("PROFOND_CACHE", str(tmp_path_factory.mktemp("cache")))
    for data in cnn.SIZES:
        mp.setitem(cnn._state, data, {"model": None, "val_acc": None})
    yield
    mp.undo()


@pytest.fixture
def page(browser, request):
    context = browser.new_context(viewport={"width": 1280, "height": 960})
    page = context.new_page()
    errors = watch_errors(page)
    yield page
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"

