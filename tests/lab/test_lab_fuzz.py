"""Hypothesis-made messages, well-formed or not, never kill a lab session: after each batch the
session still answers a ping, and every refusal is a validation error, not an internal one."""

import json

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from helpers.lab import lab_client, opened

TYPES = ["config", "play", "pause", "step", "reset", "regenerate", "edit", "add_point",
         "upload_csv", "hover", "export", "clear_points", "download_csv", "nonsense", ""]
FIELDS = ["lr", "hidden", "features", "noise", "batch_size", "dataset", "problem", "activation",
          "reg_rate", "regularization", "optimizer", "dropout", "init", "seed", "max_epochs",
          "n_classes", "output", "train_ratio"]
SCALARS = (st.none() | st.booleans() | st.integers(-10**12, 10**12)
           | st.floats(allow_nan=True, allow_infinity=True) | st.text(max_size=12))
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=9)
                      | st.dictionaries(st.text(max_size=6), inner, max_size=3), max_leaves=12)
# the valid shapes, with random values, so that the fuzz reaches past the union's tag
CONFIG = st.dictionaries(st.sampled_from(FIELDS), VALUES | st.sampled_from(
    [0.03, 1, 10, [8] * 6, ["x1"], "spirals", "regression", "adam", 0.5, "he", 30, 6]),
    max_size=4)
MESSAGE = st.one_of(
    st.fixed_dictionaries({"type": st.just("config"), "config": CONFIG | VALUES}),
    st.fixed_dictionaries({"type": st.sampled_from(TYPES)},
                          optional={"layer": VALUES, "node": VALUES, "source": VALUES,
                                    "value": VALUES, "x": VALUES, "y": VALUES, "label": VALUES,
                                    "text": VALUES, "format": VALUES}),
    VALUES,
)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(MESSAGE | st.text(max_size=30), min_size=1, max_size=6))
@example([{"type": "clear_points"}, {"type": "play"}, {"type": "play"}])  # once a 0/0 epoch
def test_random_messages_never_kill_the_session(messages):
    client = lab_client()
    with client.websocket_connect("/ws") as ws:
        opened(ws)
        for message in messages:
            ws.send_text(message if isinstance(message, str) else json.dumps(message))
        ws.send_text(json.dumps({"type": "pause"}))
        ws.send_text(json.dumps({"type": "ping"}))
        errors = []
        while (reply := ws.receive_json())["type"] != "pong":
            if reply["type"] == "error":
                errors.append(reply["message"])
    assert not [e for e in errors if e.startswith("internal error")], errors
