"""`profond lab`: binds 127.0.0.1 by default, warns about any other host and gives it a token,
moves off a busy port, opens the browser unless told not to (uvicorn's server and the browser
are replaced by recorders; the sockets are real)."""

import socket
import threading

import uvicorn
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from profond.cli import app


def _run(monkeypatch, *args, code: int = 0):
    calls = {"run": [], "timers": []}

    def run(server, sockets=None):
        calls["run"].append({"host": server.config.host, "socket": sockets[0].getsockname(),
                             "app": server.config.app})
        sockets[0].close()

    monkeypatch.setattr(uvicorn.Server, "run", run)

    class Timer:
        def __init__(self, delay, fn, args=()):
            calls["timers"].append((fn, args))

        def start(self):
            pass

    monkeypatch.setattr(threading, "Timer", Timer)
    result = CliRunner().invoke(app, ["lab", *args])
    assert result.exit_code == code, result.output
    return " ".join(result.output.split()), calls


def _busy(port: int = 0) -> socket.socket:
    """A listening socket, as another program holding the port."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", port))
    sock.listen()
    return sock


def test_defaults_bind_localhost_and_open_the_browser(monkeypatch):
    with _busy() as probe:  # a port free a moment ago; 8000 itself may be taken on this machine
        port = probe.getsockname()[1]
    output, calls = _run(monkeypatch, "--port", str(port))
    assert calls["run"][0]["host"] == "127.0.0.1"
    assert calls["run"][0]["socket"] == ("127.0.0.1", port)
    assert [args for _, args in calls["timers"]] == [(f"http://127.0.0.1:{port}/",)]
    assert "warning" not in output


def test_a_busy_port_moves_the_lab_to_the_next_free_one(monkeypatch):
    with _busy() as taken:
        port = taken.getsockname()[1]
        output, calls = _run(monkeypatch, "--port", str(port), "--no-browser")
    used = calls["run"][0]["socket"][1]
    assert port < used < port + 50
    assert f"port {port} is in use; the lab takes {used}" in output
    assert f"profond lab on http://127.0.0.1:{used}/" in output


def test_no_free_port_is_one_line_naming_port(monkeypatch):
    import profond.cli.lab as cli_lab

    monkeypatch.setattr(cli_lab, "PORT_RETRIES", 1)
    with _busy() as taken:
        port = taken.getsockname()[1]
        output, calls = _run(monkeypatch, "--port", str(port), code=1)
    assert output == (f"error: port: expected a free port in {port}..{port}; all are in use "
                      "(choose another with --port)")
    assert calls["run"] == []


def test_other_host_warns_prints_a_token_link_and_no_browser_opens_nothing(monkeypatch):
    output, calls = _run(monkeypatch, "--host", "0.0.0.0", "--port", "8123", "--no-browser")
    assert calls["run"][0]["socket"][0] == "0.0.0.0"
    assert calls["timers"] == []
    assert "exposes the lab to other machines" in output
    link = output.split("profond lab on ")[1].split()[0]
    assert link.startswith("http://127.0.0.1:") and "/?token=" in link
    token = link.split("token=")[1]
    client = TestClient(calls["run"][0]["app"], base_url="http://127.0.0.1")
    assert client.get("/").status_code == 403
    assert client.get(f"/?token={token}").status_code == 200
