"""profond's playground against TensorFlow Playground, side by side in one headless Chromium.

Serves the TFP build in ../shared/anchors/tensorflow-playground (or --tfp DIR) and `profond lab`,
opens both at 1280x800 with the same setting, and alternates them: each plays for --seconds while
the other is paused, and epochs/s is read from each page's own epoch counter. Prints the median
of --rounds measurements and the ratio profond / TFP measured in this run, for TFP's default
(circle, 2 features, 4-2 tanh, batch 10), the heavy setting (spiral, 7 features, 6x8 tanh, batch
1) and heavy with batch 30; each profond speed in --speeds gets its own row (TFP has one: one
epoch per animation frame).

    python bench/playground_vs_tfp.py [--seconds 6] [--rounds 3] [--speeds 1,max]

Chromium: /usr/bin/chromium through Playwright (never `playwright install`).
"""

import argparse
import os
import re
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

from lab_sessions import listening  # bench/ is on sys.path when a script in it runs

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]
ROOT = Path(__file__).resolve().parents[1]
TFP_DIR = ROOT.parent / "shared" / "anchors" / "tensorflow-playground"
SEVEN = "x1,x2,x1^2,x2^2,x1*x2,sin(x1),sin(x2)"
TFP_SEVEN = ("x=true&y=true&xTimesY=true&xSquared=true&ySquared=true&cosX=false&sinX=true"
             "&cosY=false&sinY=true")
TFP_COMMON = ("activation=tanh&regDataset=reg-plane&learningRate=0.03&regularizationRate=0"
              "&noise=0&percTrainData=50&collectStats=false&problem=classification"
              "&initZero=false&hideText=false&showTestData=false&discretize=false")
SETTINGS = {  # name: (profond hash, TFP hash)
    "default": ("dataset=circle&features=x1,x2&hidden=4,2&batch_size=10",
                "dataset=circle&batchSize=10&networkShape=4,2&x=true&y=true&xTimesY=false"
                "&xSquared=false&ySquared=false&cosX=false&sinX=false&cosY=false&sinY=false"),
    "heavy": (f"dataset=spiral&features={SEVEN}&hidden=8,8,8,8,8,8&batch_size=1",
              f"dataset=spiral&batchSize=1&networkShape=8,8,8,8,8,8&{TFP_SEVEN}"),
    "heavy, batch 30": (f"dataset=spiral&features={SEVEN}&hidden=8,8,8,8,8,8&batch_size=30",
                        f"dataset=spiral&batchSize=30&networkShape=8,8,8,8,8,8&{TFP_SEVEN}"),
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(cmd: list[str], port: int) -> subprocess.Popen:
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return listening(proc, port, " ".join(cmd[:3]))


class Side:
    """One page: how to load a setting, read its epoch counter, play and pause."""

    def __init__(self, page, url: str, counter: str, play: str, ready: str):
        self.page, self.url, self.counter, self.play, self.ready = page, url, counter, play, ready

    def load(self, hash_: str) -> None:
        self.page.goto("about:blank")
        self.page.goto(f"{self.url}#{hash_}")
        self.page.wait_for_function(self.ready, timeout=30_000)
        self.page.wait_for_timeout(1500)  # the link's settings reach the server, the net resets

    def epoch(self) -> int:
        return int(re.sub(r"\D", "", self.page.inner_text(self.counter)) or 0)

    def rate(self, seconds: float) -> float:
        """Epochs/s over `seconds` of play after a 1 s warm-up, then pause."""
        self.page.bring_to_front()
        self.page.click(self.play)
        self.page.wait_for_timeout(1000)
        e0, t0 = self.epoch(), time.perf_counter()
        self.page.wait_for_timeout(seconds * 1000)
        e1, t1 = self.epoch(), time.perf_counter()
        self.page.click(self.play)
        self.page.wait_for_timeout(300)
        return (e1 - e0) / (t1 - t0)


def measure(ours: Side, tfp: Side, name: str, speed: str, rounds: int, seconds: float) -> dict:
    ours_hash, tfp_hash = SETTINGS[name]
    ours.load(f"{ours_hash}&activation=tanh&lr=0.03&speed={speed}")
    tfp.load(f"{tfp_hash}&{TFP_COMMON}")
    a, b = [], []
    for r in range(rounds):  # alternate who goes first, so drift in load hits both alike
        first, second = (ours, tfp) if r % 2 == 0 else (tfp, ours)
        rates = {id(first): first.rate(seconds), id(second): second.rate(seconds)}
        a.append(rates[id(ours)])
        b.append(rates[id(tfp)])
    return {"ours": statistics.median(a), "tfp": statistics.median(b)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=6.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--speeds", default="1,max", help="profond speeds to measure: 1,10,max")
    parser.add_argument("--tfp", type=Path, default=TFP_DIR, help="TFP's built site")
    args = parser.parse_args()
    if not (args.tfp / "index.html").exists() or not os.path.exists(CHROMIUM):
        sys.exit(f"error: needs TFP's build in {args.tfp} and Chromium at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    p_ours, p_tfp = free_port(), free_port()
    servers = [serve([sys.executable, "-m", "profond", "lab", "--port", str(p_ours),
                      "--no-browser"], p_ours),
               serve([sys.executable, "-m", "http.server", str(p_tfp), "--bind", "127.0.0.1",
                      "--directory", str(args.tfp)], p_tfp)]
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs; median of "
          f"{args.rounds} alternating {args.seconds:g} s measurements; Chromium 1280x800")
    print("| setting | profond speed | profond epochs/s | TFP epochs/s | ratio |\n"
          "|---|---|---|---|---|")
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
            pages = [browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
                     for _ in range(2)]
            ours = Side(pages[0], f"http://127.0.0.1:{p_ours}/", "[data-testid=epoch]",
                        "[data-testid=play]",
                        "() => document.querySelector('[data-testid=test-loss]')"
                        ".textContent !== '–'")
            tfp = Side(pages[1], f"http://127.0.0.1:{p_tfp}/index.html", "#iter-number",
                       "#play-pause-button",
                       "() => (document.querySelector('#loss-test') || {}).textContent")
            for name in SETTINGS:
                for speed in args.speeds.split(","):
                    m = measure(ours, tfp, name, speed, args.rounds, args.seconds)
                    print(f"| {name} | {speed} | {m['ours']:.1f} | {m['tfp']:.1f} | "
                          f"{m['ours'] / max(m['tfp'], 1e-9):.2f} |", flush=True)
            browser.close()
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    main()
