"""The playground's speed control: epochs per frame while playing (1 as TFP, 10, as many as fit),
a click on step still one epoch, max_epochs still exact."""

import pytest

from helpers.lab import lab_client, opened, send, until


@pytest.fixture(scope="module")
def client():
    return lab_client()


def _play_frames(ws, n: int) -> list[int]:
    send(ws, type="play")
    epochs = [until(ws, "frame")["epoch"] for _ in range(n)]
    send(ws, type="pause")
    until(ws, "status")
    return epochs


@pytest.mark.parametrize(("speed", "least", "most"), [("1", 1, 1), ("10", 10, 10),
                                                      ("max", 1, 10**9)])
def test_each_frame_while_playing_trains_as_many_epochs_as_the_speed_says(client, speed, least,
                                                                          most):
    with client.websocket_connect("/ws") as ws:
        opened(ws)
        send(ws, type="config", config={"speed": speed})
        assert until(ws, "config")["config"]["speed"] == speed
        assert until(ws, "frame")["epoch"] == 0
        epochs = _play_frames(ws, 4)
        steps = [b - a for a, b in zip([0, *epochs], epochs, strict=False)]
        assert all(least <= s <= most for s in steps), steps
        send(ws, type="step")
        assert until(ws, "frame")["epoch"] - epochs[-1] >= 1


def test_step_is_one_epoch_at_any_speed_and_max_epochs_is_exact(client):
    with client.websocket_connect("/ws") as ws:
        opened(ws)
        send(ws, type="config", config={"speed": "10", "max_epochs": 25})
        until(ws, "config")
        until(ws, "frame")
        send(ws, type="step")
        assert until(ws, "frame")["epoch"] == 1
        send(ws, type="play")
        frames = [until(ws, "frame")]
        while frames[-1]["playing"]:
            frames.append(until(ws, "frame"))
    assert [f["epoch"] for f in frames] == [11, 21, 25]


def test_a_speed_outside_the_list_is_refused_by_name(client):
    with client.websocket_connect("/ws") as ws:
        opened(ws)
        send(ws, type="config", config={"speed": "100"})
        error = until(ws, "error")
    assert error["field"] == "speed" and "'1', '10', 'max'" in error["message"]
