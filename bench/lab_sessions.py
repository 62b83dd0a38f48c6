"""Lab throughput with real WebSocket clients on 127.0.0.1: frames/s for one session and for N
concurrent sessions, and the delay from a parameter change to the frame that shows it.

Targets (issue): >= 30 frames/s for the default network alone; >= 10 frames/s for each of 20
concurrent sessions on 2 cores; a change shown within 100 ms.

    python bench/lab_sessions.py [--sessions 20] [--seconds 8] [--cores 0,1] [--speed max]

With --speed 10 or max every session trains that many epochs a frame (the speed control); the
frame targets stay the same and the epochs/s each session got are printed too.

The server runs in its own process (pinned with taskset when --cores is given and taskset exists),
so the clients' own work does not count against it. Bounded: at most 64 sessions, 60 s a phase.
"""

import argparse
import asyncio
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import time

import websockets

SERVER = ("import uvicorn; from profond.lab.server import create_app; "
          "uvicorn.run(create_app(workers={workers}), host='127.0.0.1', port={port}, "
          "log_level='warning', ws_per_message_deflate=False)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int, cores: str | None, workers: int) -> subprocess.Popen:
    cmd = [sys.executable, "-c", SERVER.format(port=port, workers=workers)]
    if cores and shutil.which("taskset"):
        cmd = ["taskset", "-c", cores, *cmd]
    env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}
    return listening(subprocess.Popen(cmd, env=env), port, "lab server")


def listening(proc: subprocess.Popen, port: int, what: str) -> subprocess.Popen:
    """`proc` once something accepts connections on 127.0.0.1:port (60 s at most)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return proc
        time.sleep(0.2)
    proc.kill()
    raise RuntimeError(f"{what} did not start on port {port}")


def cpu_seconds(root: int) -> float:
    """User + system CPU time of process `root` and all its descendants, from /proc."""
    stats = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            stats[int(entry)] = (int(fields[1]), int(fields[11]) + int(fields[12]))
    family, grew = {root}, True
    while grew:
        more = {pid for pid, (ppid, _) in stats.items() if ppid in family} - family
        family |= more
        grew = bool(more)
    return sum(stats[pid][1] for pid in family if pid in stats) / os.sysconf("SC_CLK_TCK")


async def until(ws, kind: str) -> dict:
    while True:
        message = json.loads(await ws.recv())
        if message["type"] == kind:
            return message


async def one_session(url: str, seconds: float, start: asyncio.Event, speed: str) -> dict:
    """Play for `seconds`; count frames; then time three parameter changes while playing."""
    async with websockets.connect(url, max_size=2**22) as ws:
        await until(ws, "frame")
        await ws.send(json.dumps({"type": "config", "config": {"speed": speed}}))
        await until(ws, "frame")
        await start.wait()
        await ws.send(json.dumps({"type": "play"}))
        first = await until(ws, "frame")  # the first frame carries start-up work: not counted
        frames, t0, epoch = 0, time.perf_counter(), first["epoch"]
        while time.perf_counter() - t0 < seconds:
            message = json.loads(await ws.recv())
            if message["type"] == "frame":
                frames, epoch = frames + 1, message["epoch"]
        elapsed = time.perf_counter() - t0
        fps, eps = frames / elapsed, (epoch - first["epoch"]) / elapsed
        delays = []
        for lr in (0.1, 0.3, 0.03):
            sent = time.perf_counter()
            await ws.send(json.dumps({"type": "config", "config": {"lr": lr}}))
            await until(ws, "config")
            await until(ws, "frame")
            delays.append(1000 * (time.perf_counter() - sent))
        await ws.send(json.dumps({"type": "pause"}))
    return {"fps": fps, "eps": eps, "delay_ms": statistics.median(delays)}


async def phase(url: str, n: int, seconds: float, speed: str) -> list[dict]:
    start = asyncio.Event()
    tasks = [asyncio.create_task(one_session(url, seconds, start, speed)) for _ in range(n)]
    await asyncio.sleep(1.0 + 0.05 * n)  # let every session open before any plays
    start.set()
    return await asyncio.wait_for(asyncio.gather(*tasks), timeout=seconds + 60)


def measured(server: subprocess.Popen, url: str, n: int, seconds: float, cores: int,
             speed: str) -> None:
    """Run one phase and print measured frames/s, and frames/s per session that `cores` idle
    cores would give at the CPU time each frame cost (the machine may be shared)."""
    cpu0 = cpu_seconds(server.pid)
    results = asyncio.run(phase(url, n, seconds, speed))
    cpu = cpu_seconds(server.pid) - cpu0
    fps = sorted(r["fps"] for r in results)
    frames = sum(fps) * seconds
    per_session_idle = frames / max(cpu, 1e-9) * cores / n
    target = 30 if n == 1 else 10
    print(f"sessions={n:>2}  measured fps/session min={fps[0]:6.1f} median="
          f"{statistics.median(fps):6.1f} (target >= {target}, ratio {fps[0] / target:4.2f})  "
          f"cpu/frame={1000 * cpu / max(frames, 1):5.2f} ms  on {cores} idle cores ~"
          f"{per_session_idle:6.1f} fps/session (ratio {per_session_idle / target:4.2f})  "
          f"change->frame worst median={max(r['delay_ms'] for r in results):6.1f} ms "
          f"(target <= 100)  epochs/s/session median="
          f"{statistics.median(r['eps'] for r in results):7.1f} (speed {speed})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--cores", default="0,1", help="taskset CPU list for the server")
    parser.add_argument("--workers", type=int, default=2,
                        help="training processes (0: threads of the server process)")
    parser.add_argument("--speed", default="1", choices=("1", "10", "max"),
                        help="epochs a frame while playing (the playground's speed control)")
    args = parser.parse_args()
    n, seconds = min(max(args.sessions, 1), 64), min(max(args.seconds, 1.0), 60.0)
    port = free_port()
    server = start_server(port, args.cores, args.workers)
    url = f"ws://127.0.0.1:{port}/ws"
    try:
        print(f"server pinned to cores {args.cores}, {args.workers} workers; load average "
              f"{os.getloadavg()[0]:.1f}; {os.cpu_count()} CPUs on this machine")
        cores = len(args.cores.split(",")) if args.cores else os.cpu_count()
        measured(server, url, 1, seconds, cores, args.speed)
        measured(server, url, n, seconds, cores, args.speed)
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
