"""`profond lab`: binds 127.0.0.1 by default, warns about any other host, opens the browser
unless told not to (uvicorn and the browser are replaced by recorders)."""

import threading

import uvicorn
from typer.testing import CliRunner

from profond.cli import app


def _run(monkeypatch, *args):
    calls = {"run": [], "timers": []}
    monkeypatch.setattr(uvicorn, "run", lambda app_, **kw: calls["run"].append(kw))

    class Timer:
        def __init__(self, delay, fn, args=()):
            calls["timers"].append((fn, args))

        def start(self):
            pass

    monkeypatch.setattr(threading, "Timer", Timer)
    result = CliRunner().invoke(app, ["lab", *args])
    assert result.exit_code == 0, result.output
    return result.output, calls


def test_defaults_bind_localhost_and_open_the_browser(monkeypatch):
    output, calls = _run(monkeypatch)
    assert calls["run"][0]["host"] == "127.0.0.1" and calls["run"][0]["port"] == 8000
    assert [args for _, args in calls["timers"]] == [("http://127.0.0.1:8000/",)]
    assert "warning" not in output


def test_other_host_warns_and_no_browser_opens_nothing(monkeypatch):
    output, calls = _run(monkeypatch, "--host", "0.0.0.0", "--port", "8123", "--no-browser")
    assert calls["run"][0]["host"] == "0.0.0.0" and calls["run"][0]["port"] == 8123
    assert calls["timers"] == []
    assert "exposes the lab to other machines" in " ".join(output.split())
