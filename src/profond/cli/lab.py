"""`profond lab`: the browser playground, served on this machine."""

import errno
import socket

import typer

from profond.cli.common import console, err_console, fail

PORT_RETRIES = 50  # as Jupyter's --port-retries: a busy port moves the lab to the next free one


def lab(
    host: str = typer.Option("127.0.0.1", help="Interface to bind; keep 127.0.0.1 unless you "
                             "mean to share the lab."),
    port: int = typer.Option(8000, min=1, max=65535, help="TCP port; if it is busy, the next "
                             f"free one of the {PORT_RETRIES} after it."),
    no_browser: bool = typer.Option(False, "--no-browser", help="Do not open a browser tab."),
    workers: int = typer.Option(0, min=0, max=64, help="Training processes, shared by the "
                                "sessions (0: one per CPU, at most 4)."),
) -> None:
    """Open the lab: a neural-network playground in the browser (offline, no account)."""
    import os
    import secrets
    import threading
    import webbrowser

    import uvicorn

    from profond.lab.guard import is_loopback
    from profond.lab.server import create_app

    token = None
    if not is_loopback(host):
        token = secrets.token_urlsafe(24)
        err_console.print(
            f"[bold yellow]warning:[/] binding {host} exposes the lab to other machines on the "
            "network: anyone who can reach this port and has the link below (its token) can run "
            "training on this computer and read what you load into it.", highlight=False)
    sock = _listen(host, port)
    used = sock.getsockname()[1]
    if used != port:
        err_console.print(f"port {port} is in use; the lab takes {used}", highlight=False)
    url = f"http://{_url_host(host)}:{used}/" + (f"?token={token}" if token else "")
    console.print(f"profond lab on {url}  (Ctrl+C to stop)", highlight=False, soft_wrap=True)
    if not no_browser:
        threading.Timer(1.0, webbrowser.open, args=(url,)).start()
    workers = workers or min(4, os.cpu_count() or 1)
    # the spawned workers each train sessions on one core: a BLAS thread pool per worker would
    # only fight the other workers over the cores (a heavy frame took 8x longer under load)
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    # frames are mostly base64 bytes: deflate would cost more CPU than it saves
    config = uvicorn.Config(create_app(workers=workers, host=host, token=token), host=host,
                            port=used, log_level="warning", ws_max_size=1 << 20,
                            ws_per_message_deflate=False)
    uvicorn.Server(config).run(sockets=[sock])


def _url_host(host: str) -> str:
    """The name a browser on this machine uses for `host`."""
    if host in ("0.0.0.0", "::", ""):
        return "127.0.0.1"
    return f"[{host}]" if ":" in host else host


def _listen(host: str, port: int) -> socket.socket:
    """A socket bound to `host` on the first free port of port .. port + PORT_RETRIES - 1."""
    last = min(port + PORT_RETRIES - 1, 65535)
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    for candidate in range(port, last + 1):
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, candidate))
            return sock
        except OSError as exc:
            sock.close()
            if exc.errno != errno.EADDRINUSE:
                fail(f"host: cannot listen on {host} port {candidate}: {exc.strerror}", 1)
    fail(f"port: expected a free port in {port}..{last}; all are in use (choose another "
         "with --port)", 1)
