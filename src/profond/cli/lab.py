"""`profond lab`: the browser playground, served on this machine."""

import typer

from profond.cli.common import console, err_console


def lab(
    host: str = typer.Option("127.0.0.1", help="Interface to bind; keep 127.0.0.1 unless you "
                             "mean to share the lab."),
    port: int = typer.Option(8000, min=1, max=65535, help="TCP port."),
    no_browser: bool = typer.Option(False, "--no-browser", help="Do not open a browser tab."),
    workers: int = typer.Option(0, min=0, max=64, help="Training processes, shared by the "
                                "sessions (0: one per CPU, at most 4)."),
) -> None:
    """Open the lab: a neural-network playground in the browser (offline, no account)."""
    import os
    import threading
    import webbrowser

    import uvicorn

    from profond.lab.server import create_app

    if host not in ("127.0.0.1", "localhost", "::1"):
        err_console.print(
            f"[bold yellow]warning:[/] binding {host} exposes the lab to other machines on the "
            "network: anyone who can reach this port can run training on this computer and "
            "read what you load into it. The lab has no login.", highlight=False)
    url = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}/"
    console.print(f"profond lab on {url}  (Ctrl+C to stop)", highlight=False)
    if not no_browser:
        threading.Timer(1.0, webbrowser.open, args=(url,)).start()
    workers = workers or min(4, os.cpu_count() or 1)
    # the spawned workers each train sessions on one core: a BLAS thread pool per worker would
    # only fight the other workers over the cores (a heavy frame took 8x longer under load)
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    # frames are mostly base64 bytes: deflate would cost more CPU than it saves
    uvicorn.run(create_app(workers=workers), host=host, port=port, log_level="warning",
                ws_max_size=1 << 20, ws_per_message_deflate=False)
