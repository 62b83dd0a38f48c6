"""Atomic writes: a file is either the old version or the complete new one, never half written."""

import json
import os
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any


class DamagedFileError(OSError):
    """A file that exists but cannot be what it should be (truncated, corrupted, not the format
    named): the message names the file, what was expected and what was found."""


TEMPORARY = ".*.tmp"  # the names atomic_write gives its temporary files


def remove_temporaries(folder: str | Path) -> list[Path]:
    """Delete what writes killed before their rename left in `folder` (call it only while no
    other process writes there); return the files removed."""
    removed = sorted(Path(folder).glob(TEMPORARY))
    for path in removed:
        path.unlink(missing_ok=True)
    return removed


def read_json(path: str | Path) -> Any:
    """The JSON value in `path`; DamagedFileError naming the file if it is not valid JSON."""
    path = Path(path)
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DamagedFileError(f"{path}: expected JSON; got a damaged file ({exc})") from None


def atomic_write(path: str | Path, write: Callable[[Path], None]) -> Path:
    """Call `write(tmp_path)` on a temporary file beside `path`, then rename it onto `path`.

    The rename is atomic on POSIX, so readers (and a run killed mid-write) never see a partial file.
    The file gets the permissions the umask gives a new file (0644 under the usual 022), as
    `open(path, "w")` would, not tempfile's private 0600: classmates and graders read runs too.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = _new_file_beside(path)
    try:
        write(tmp)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def _new_file_beside(path: Path) -> Path:
    """Create an empty hidden `.<name>.<random>.tmp` beside `path`, mode 0o666 less the umask."""
    while True:
        candidate = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
        try:
            os.close(os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
        except FileExistsError:
            continue
        return candidate


def atomic_write_bytes(path: str | Path, data: bytes) -> Path:
    return atomic_write(path, lambda tmp: tmp.write_bytes(data))


def atomic_write_text(path: str | Path, text: str) -> Path:
    return atomic_write(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def atomic_write_json(path: str | Path, obj: Any) -> Path:
    text = json.dumps(obj, indent=2, sort_keys=True, default=_jsonable)
    return atomic_write_text(path, text + "\n")


def _jsonable(value: Any) -> Any:
    """NumPy scalars and arrays, and paths, as plain JSON values."""
    if hasattr(value, "tolist"):
        return value.tolist()
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"cannot write {type(value).__name__} as JSON")
