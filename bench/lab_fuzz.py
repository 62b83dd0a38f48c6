"""Hostile-input campaigns against the lab (docs/reliability.md's table): each sends many inputs
and counts how many were handled cleanly and how many failed.

    python bench/lab_fuzz.py [--seed 0] [--messages 2000] [--json]

Campaigns (in-process, fastapi's TestClient; nothing leaves the machine):
  messages     random messages, well-formed or not, on /ws and /ws/pages: clean when the session
               still answers a ping and no reply is an internal error
  diverge      every problem x dataset x activation at the largest learning rate, 15 epochs each:
               clean when every frame parses as strict JSON (no NaN, no Infinity)
  hostile      deep JSON, NaN constants, huge CSV fields, binary, oversize messages: clean when
               an error frame names the message and the session lives on
  handshake    Host / Origin / token combinations: clean when a rebinding or foreign page is
               refused (1008 or 403) and every local one is served
A failure prints its input (first 120 characters). Exit 1 if any campaign has a failure.
"""

import argparse
import json
import random
import sys
import time
from pathlib import Path

from starlette.websockets import WebSocketDisconnect

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from helpers.lab import LabClient, lab_client  # noqa: E402
from profond.lab.schema import CLASSIFY_DATASETS, LEARNING_RATES, REGRESS_DATASETS  # noqa: E402
from profond.lab.server import create_app  # noqa: E402

TYPES = ["config", "play", "pause", "step", "reset", "regenerate", "edit", "add_point",
         "upload_csv", "hover", "export", "clear_points", "download_csv", "ping", "perceptron",
         "delta", "backprop", "conv_size", "cnn_status", "fewshot_add", "fewshot_predict", "x"]
FIELDS = ["lr", "hidden", "features", "noise", "batch_size", "dataset", "problem", "activation",
          "reg_rate", "regularization", "optimizer", "dropout", "init", "seed", "max_epochs",
          "points", "w", "x", "t", "layer", "node", "source", "value", "label", "text", "data"]


def strict(text: str):
    def refuse(name):
        raise ValueError(f"{name} on the wire")
    return json.loads(text, parse_constant=refuse)


def value(rng: random.Random, depth: int = 0):
    """A random JSON value: scalars, odd strings, nested lists and objects, a 1024-bit bitmap."""
    makers = [lambda: None, lambda: rng.random() < 0.5, lambda: rng.randint(-10**12, 10**12),
              lambda: rng.choice([0.0, -1.5, 1e308, 1e-320, 10.0, 0.03]),
              lambda: "".join(rng.choice("ax,1%\"\\é\x00") for _ in range(rng.randrange(8))),
              lambda: rng.choice(["relu", "spirals", "regression", "x1", "L1", "adam", "mnist"]),
              lambda: [value(rng, depth + 1) for _ in range(rng.randrange(5))],
              lambda: {rng.choice(FIELDS): value(rng, depth + 1) for _ in range(rng.randrange(4))},
              lambda: [rng.randint(0, 1)] * 1024]
    return makers[rng.randrange(len(makers) if depth < 3 else 6)]()


def message(rng: random.Random) -> str:
    if rng.random() < 0.1:  # not JSON, or not an object
        return rng.choice(["{", "[]", "null", "NaN", '"ping"', "{\"type\":", "\ud800"])
    msg = {"type": rng.choice(TYPES)}
    if msg["type"] == "config":
        msg["config"] = {rng.choice(FIELDS): value(rng) for _ in range(rng.randrange(4))}
    for _ in range(rng.randrange(4)):
        msg[rng.choice(FIELDS)] = value(rng)
    text = json.dumps(msg, allow_nan=True)  # NaN and Infinity included on purpose
    return text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")


def alive(ws) -> tuple[bool, list[str]]:
    """Pause, ping, read until pong; (answered, internal errors seen)."""
    ws.send_text('{"type":"pause"}')
    ws.send_text('{"type":"ping"}')
    internal = []
    for _ in range(2000):
        reply = strict(ws.receive_text())
        if reply["type"] == "pong":
            return True, internal
        if reply["type"] == "error" and reply["message"].startswith("internal error"):
            internal.append(reply["message"])
    return False, internal


def campaign_messages(seed: int, n: int) -> dict:
    rng, tried, failures = random.Random(seed), 0, []
    client = lab_client()
    for path in ("/ws", "/ws/pages"):
        for _ in range(n // 2 // 10):  # batches of 10 messages per session
            batch = [message(rng) for _ in range(10)]
            with client.websocket_connect(path) as ws:
                strict(ws.receive_text())
                for text in batch:
                    ws.send_text(text)
                ok, internal = alive(ws)
            tried += len(batch)
            if not ok or internal:
                failures.append(f"{path}: {internal[:1] or 'no pong'} after {batch}"[:120])
    return {"tried": tried, "failures": failures}


def campaign_diverge() -> dict:
    tried, failures, diverged = 0, [], 0
    lr = max(LEARNING_RATES)
    client = lab_client()
    for problem, datasets in (("classification", CLASSIFY_DATASETS),
                              ("regression", REGRESS_DATASETS)):
        for dataset in [d for d in datasets if d != "custom"]:
            for activation in ("relu", "tanh", "sigmoid", "linear"):
                config = {"problem": problem, "dataset": dataset, "activation": activation,
                          "lr": lr}
                tried += 1
                try:
                    with client.websocket_connect("/ws") as ws:
                        ws.send_text(json.dumps({"type": "config", "config": config}))
                        for _ in range(15):
                            ws.send_text('{"type":"step"}')
                        ok, internal = alive(ws)  # reads every frame strictly
                        ws.send_text('{"type":"step"}')
                        while (frame := strict(ws.receive_text()))["type"] != "frame":
                            pass
                        diverged += bool(frame["nan"])
                        ws.send_text('{"type":"export","format":"pytorch"}')
                        while strict(ws.receive_text())["type"] != "export":
                            pass
                    if not ok or internal:
                        failures.append(f"{config}: {internal[:1]}"[:120])
                except ValueError as exc:
                    failures.append(f"{config}: {exc}"[:120])
    print(f"  diverge: {diverged} of {tried} networks had NaN losses", file=sys.stderr)
    return {"tried": tried, "failures": failures}


HOSTILE = ["[" * 1000 + "]" * 1000, "{\"a\":" * 5000 + "1" + "}" * 5000, '{"type":"ping","x":NaN}',
           '{"type":"edit","layer":1,"node":0,"source":0,"value":Infinity}',
           json.dumps({"type": "upload_csv", "text": "x1,x2,label\n1,1," + "9" * 140_000}),
           json.dumps({"type": "upload_csv", "text": "1,1,\x000\n"}),
           json.dumps({"type": "upload_csv", "text": '"1,1,0\n' * 10}),
           json.dumps({"type": "hover", "node": "9,99"}), "x" * 300_000, b"\x00\xff"]


def campaign_hostile() -> dict:
    tried, failures = 0, []
    client = lab_client()
    for path in ("/ws", "/ws/pages"):
        for item in HOSTILE:
            tried += 1
            with client.websocket_connect(path) as ws:
                strict(ws.receive_text())
                (ws.send_bytes if isinstance(item, bytes) else ws.send_text)(item)
                ok, internal = alive(ws)
            if not ok or internal:
                failures.append(f"{path}: {item[:60]!r} {internal[:1]}"[:120])
    return {"tried": tried, "failures": failures}


def _accepted(client, url: str, headers: dict) -> bool:
    try:
        with client.websocket_connect(url, headers=headers) as ws:
            ws.receive_text()
        return True
    except WebSocketDisconnect:
        return False


def campaign_handshake() -> dict:
    local = ["127.0.0.1:8000", "localhost:8000", "[::1]:8000", "127.0.0.1", "LocalHost:1"]
    hostile = ["evil.example:8000", "127.0.0.1.evil.example", "localhost.evil.example:8000",
               "0.0.0.0:8000", "[::ffff:7f00:1]:8000", "", "127.0.0.2:8000", "evil@127.0.0.1"]
    tried, failures = 0, []
    loopback = lab_client()
    shared = LabClient(create_app(host="0.0.0.0", token="t0ken"), base_url="http://box.lan")
    for path in ("/ws", "/ws/pages"):
        for host in local + hostile:
            for origin in (None, f"http://{host}", "http://evil.example", "null"):
                headers = {"host": host} | ({"origin": origin} if origin else {})
                want = host in local and origin in (None, f"http://{host}")
                tried += 1
                if _accepted(loopback, path, headers) != want:
                    failures.append(f"loopback {path} {headers} accepted={not want}"[:120])
        for token in (None, "", "t0ke", "t0ken ", "T0KEN", "t0ken"):
            query = "" if token is None else f"?token={token}"
            tried += 1
            if _accepted(shared, f"ws://box.lan{path}{query}", {}) != (token == "t0ken"):
                failures.append(f"token {path}{query}"[:120])
    return {"tried": tried, "failures": failures}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    rows = []
    for name, run in (("messages", lambda: campaign_messages(args.seed, args.messages)),
                      ("diverge", campaign_diverge), ("hostile", campaign_hostile),
                      ("handshake", campaign_handshake)):
        started = time.monotonic()
        result = run()
        rows.append({"campaign": name, "tried": result["tried"],
                     "clean": result["tried"] - len(result["failures"]),
                     "failures": len(result["failures"]),
                     "seconds": round(time.monotonic() - started, 1)})
        for failure in result["failures"][:5]:
            print(f"  {name} failure: {failure}", file=sys.stderr)
        print(f"{name:10} tried {rows[-1]['tried']:5}  clean {rows[-1]['clean']:5}  "
              f"failures {rows[-1]['failures']:3}  ({rows[-1]['seconds']} s)",
              file=sys.stderr if args.json else sys.stdout)
    if args.json:
        print(json.dumps({"seed": args.seed, "rows": rows}))
    return 1 if any(r["failures"] for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
