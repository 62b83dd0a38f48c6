"""Helpers the tests share (gradient checks, a lab client) and the repository's root."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_async(coroutine):
    """`asyncio.run(coroutine)` in a thread of its own: the main thread may already run an event
    loop for the whole session (Playwright's sync API, started by the e2e tests)."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()
