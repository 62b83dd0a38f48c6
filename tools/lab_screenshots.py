"""Regenerate every lab screenshot in the docs: `PYTHONPATH=src python tools/lab_screenshots.py`.

It serves this checkout's lab (one worker, a temporary cache, so the CNN is trained here: 10
epochs, seed 0) and drives Chromium (/usr/bin/chromium through Playwright, never `playwright
install`) through each page in a fresh browser (the playground's first-visit guide shows where a
scene keeps it). Each screenshot is the viewport, scaled to 3/4 and quantised to 256 colours
(Pillow, which matplotlib already needs); one over 200 kB stops the script. Seeds and epoch
counts are fixed, so a rerun changes a picture only where a page changed.

    docs/assets/lab/{playground,perceptron,backprop,cnn,fewshot}.png   1280×800 → 960×600
    docs/playground-spiral-1280.png                                   1280×800 → 960×600
    docs/playground-narrow-1024.png   (French)                         1024×768 → 768×576
"""

import io
import os
import sys
import tempfile
from pathlib import Path
from urllib.parse import quote

from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # the browser tests' lab server and pen
from helpers.lab import served_lab, stroke  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
SCALE = 0.75
MAX_BYTES = 200_000
WIDE, NARROW = (1280, 800), (1024, 768)
DIGIT_SEVEN = [(60, 50), (200, 50), (110, 220)]  # the pad is 256×256


def all_features() -> str:
    """The playground's seven input features, as its link writes them."""
    from profond.lab.schema import FEATURES

    return ",".join(quote(feature) for feature in FEATURES)


def text_is(page, test_id: str, wanted: str, timeout_ms: int = 120_000) -> None:
    """Wait until an element's text (digits only when `wanted` is a number) is `wanted`."""
    page.wait_for_function(
        "([id, wanted]) => { const t = document.querySelector(`[data-testid=${id}]`)?.textContent"
        " ?? ''; return (/^\\d+$/.test(wanted) ? t.replace(/\\D/g, '') : t).includes(wanted); }",
        arg=[test_id, wanted], timeout=timeout_ms)


def playground(page, url: str, settings: str, epochs: int, guide: bool) -> None:
    page.goto(f"{url}#{settings}&max_epochs={epochs}&show_test=true")
    page.get_by_test_id("guide").wait_for()
    if not guide:
        page.get_by_test_id("guide-close").click()
    page.wait_for_timeout(1000)  # the link's settings reach the server, the net resets
    page.get_by_test_id("play").click()
    text_is(page, "epoch", str(epochs))
    page.wait_for_timeout(500)  # the last frame's heatmap is painted


def perceptron(page, url: str) -> None:
    page.goto(url + "perceptron")
    for _ in range(12):  # the slide's three epochs on OR: 2 updates, then none
        page.get_by_test_id("step").click()
    text_is(page, "updates", "2")


def backprop(page, url: str) -> None:
    page.goto(url + "backprop")
    page.get_by_test_id("preset-slide").click()
    for button, times in (("forward", 2), ("backward", 3)):
        for _ in range(times):
            page.get_by_test_id(button).click()
    text_is(page, "numbers-4", "δ₁")


def trained(page) -> None:
    status = page.get_by_test_id("model-status")
    page.wait_for_function("() => document.querySelector('[data-testid=model-status]')"
                           ".textContent !== ''")
    if "accuracy" not in status.inner_text():
        page.get_by_test_id("train-epochs").select_option("10")
        page.get_by_test_id("train").click()
    text_is(page, "model-status", "accuracy", timeout_ms=300_000)


def cnn(page, url: str) -> None:
    page.goto(url + "cnn")
    trained(page)
    stroke(page, DIGIT_SEVEN)
    page.get_by_test_id("map-fc3-0").wait_for()


def fewshot(page, url: str) -> None:
    page.goto(url + "fewshot")
    trained(page)
    shapes = {"bar": [[(128, 30), (128, 230)], [(110, 40), (140, 220)]],
              "dash": [[(30, 128), (230, 128)], [(40, 110), (220, 140)]]}
    for name, strokes in shapes.items():
        page.get_by_test_id("class-name").fill(name)
        for points in strokes:
            stroke(page, points)
            page.get_by_test_id("add-example").click()
    stroke(page, [(60, 60), (200, 190)])  # a slanted stroke: which class is it nearer?
    page.get_by_test_id("mean-1").wait_for()


SCENES = {  # path under docs/ -> (viewport, language, what to do before the picture)
    "assets/lab/playground.png": (WIDE, "en", lambda p, u: playground(
        p, u, "dataset=circle", 75, guide=False)),
    "assets/lab/perceptron.png": (WIDE, "en", perceptron),
    "assets/lab/backprop.png": (WIDE, "en", backprop),
    "assets/lab/cnn.png": (WIDE, "en", cnn),
    "assets/lab/fewshot.png": (WIDE, "en", fewshot),
    "playground-spiral-1280.png": (WIDE, "en", lambda p, u: playground(
        p, u, f"dataset=spiral&features={all_features()}&hidden=8,8,8,8&speed=10", 800,
        guide=True)),
    "playground-narrow-1024.png": (NARROW, "fr", lambda p, u: playground(
        p, u, "dataset=circle&speed=10", 300, guide=True)),
}


def save(png: bytes, path: Path) -> int:
    image = Image.open(io.BytesIO(png)).convert("RGB")
    size = (round(image.width * SCALE), round(image.height * SCALE))
    small = image.resize(size, Image.Resampling.LANCZOS).quantize(256, dither=Image.Dither.NONE)
    out = io.BytesIO()
    small.save(out, "PNG", optimize=True)
    if out.tell() > MAX_BYTES:
        raise RuntimeError(f"{path}: {out.tell()} bytes, expected at most {MAX_BYTES}")
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(out.getvalue())
    tmp.replace(path)
    return out.tell()


def main(only: list[str]) -> None:
    os.environ["PROFOND_CACHE"] = tempfile.mkdtemp(prefix="profond-shots-")
    from playwright.sync_api import sync_playwright

    with served_lab() as url, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        for name, ((width, height), lang, scene) in SCENES.items():
            if only and not any(word in name for word in only):
                continue
            context = browser.new_context(viewport={"width": width, "height": height},
                                          locale={"en": "en-US", "fr": "fr-FR"}[lang])
            page = context.new_page()
            scene(page, url)
            size = save(page.screenshot(), ROOT / "docs" / name)
            print(f"docs/{name}: {size // 1000} kB")
            context.close()
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1:])  # optional words: only the scenes whose path holds one
