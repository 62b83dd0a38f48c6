"""Where profond keeps its cache and its runs; both can be moved with environment variables."""

import os
from pathlib import Path


def cache_dir() -> Path:
    """Dataset cache: `$PROFOND_CACHE`, else `~/.cache/profond`. Created on demand."""
    path = Path(os.environ.get("PROFOND_CACHE") or Path.home() / ".cache" / "profond")
    path.mkdir(parents=True, exist_ok=True)
    return path


def runs_dir() -> Path:
    """Runs store: `$PROFOND_RUNS`, else `./runs`. Created on demand."""
    path = Path(os.environ.get("PROFOND_RUNS") or "runs")
    path.mkdir(parents=True, exist_ok=True)
    return path
