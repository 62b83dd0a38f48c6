"""Helpers the tests share (gradient checks, a lab client) and the repository's root."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
