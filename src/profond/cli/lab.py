"""`profond lab`: the browser playground, served on this machine."""

import typer

from profond.cli.common import console, err_console


def lab(
    host: str = typer.Option("127.0.0.1", help="Interface to bind; keep 127.0.0.1 unless you "
                             "mean to share the lab."),
    port: int = typer.Option(8000, min=1, max=65535, help="TCP port."),
    no_browser: bool = typer.Option(False, "--no-browser", help="Do not open a browser tab."),
) -> None:
    """Open the lab: a neural-network playground in the browser (offline, no account)."""
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
    uvicorn.run(create_app(), host=host, port=port, log_level="warning", ws_max_size=1 << 20)
