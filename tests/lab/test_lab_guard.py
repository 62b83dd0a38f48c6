"""Who may talk to the lab (guard.py): DNS-rebinding Host names, foreign origins and missing
tokens are refused on every route; pages carry their security headers."""

import pytest
from starlette.websockets import WebSocketDisconnect

from helpers.lab import LabClient, lab_client
from profond.lab.server import create_app

EVIL = "evil.example:8000"


def refused(client, path: str, headers: dict) -> str:
    """The close reason of a refused handshake (fails if the socket is accepted)."""
    with pytest.raises(WebSocketDisconnect) as info:
        with client.websocket_connect(path, headers=headers) as ws:
            ws.receive_text()
    assert info.value.code == 1008
    return info.value.reason


@pytest.fixture(scope="module")
def client():
    return lab_client()


@pytest.mark.parametrize("path", ["/ws", "/ws/pages"])
def test_a_rebinding_page_is_refused_on_both_sockets(client, path):
    reason = refused(client, path, {"host": EVIL, "origin": f"http://{EVIL}"})
    assert reason.startswith("Host: expected one of 127.0.0.1, ::1, localhost; got")
    assert client.get("/", headers={"host": EVIL}).status_code == 403


@pytest.mark.parametrize("host", ["127.0.0.1:8000", "localhost:8000", "[::1]:8000", "LOCALHOST"])
def test_local_host_names_are_served(client, host):
    assert client.get("/health", headers={"host": host}).status_code == 200
    with client.websocket_connect("/ws/pages", headers={"host": host}) as ws:
        assert ws.receive_json()["type"] == "cnn_status"


def test_another_origin_is_refused_even_with_a_local_host(client):
    reason = refused(client, "/ws", {"host": "127.0.0.1:8000", "origin": "http://evil.example"})
    assert reason.startswith("Origin: expected http://127.0.0.1:8000")


def test_pages_forbid_framing_sniffing_and_foreign_scripts(client):
    for path in ("/", "/cnn", "/static/js/main.js"):
        headers = client.get(path).headers
        csp = headers["content-security-policy"]
        assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp
        assert headers["x-content-type-options"] == "nosniff"


def test_beyond_loopback_a_token_is_required():
    with pytest.raises(ValueError, match="token: expected one when host is not loopback"):
        create_app(host="0.0.0.0")
    client = LabClient(create_app(host="0.0.0.0", token="s3cret"), base_url="http://mybox.lan")
    assert client.get("/").status_code == 403
    assert refused(client, "/ws", {"host": "mybox.lan"}).startswith("token: expected")
    assert refused(client, "/ws?token=wrong", {"host": "mybox.lan"}).endswith("got another")
    first = client.get("/?token=s3cret")  # the printed link: any Host name on a wildcard bind
    assert first.status_code == 200 and "HttpOnly" in first.headers["set-cookie"]
    assert client.get("/static/js/main.js").status_code == 200  # the cookie now
    with client.websocket_connect("ws://mybox.lan/ws") as ws:
        assert ws.receive_json()["type"] == "hello"


def test_a_bound_address_is_a_host_name_too():
    client = LabClient(create_app(host="192.0.2.7", token="t"), base_url="http://192.0.2.7:9000")
    assert client.get("/?token=t").status_code == 200
    assert client.get("/?token=t", headers={"host": EVIL}).status_code == 403
