"""Atomic writers: complete files only, with the permissions the umask gives (not 0600)."""

import os
import stat

import pytest

from profond.io import atomic_write, atomic_write_bytes, atomic_write_json, atomic_write_text


@pytest.fixture
def umask():
    """Set a umask for one test, and put the previous one back."""
    previous = os.umask(0o022)
    yield os.umask
    os.umask(previous)


@pytest.mark.parametrize("mask, mode", [(0o022, 0o644), (0o002, 0o664), (0o077, 0o600)])
def test_files_honour_the_umask(tmp_path, umask, mask, mode):
    # what open(path, "w") gives: 0o666 less the umask (a shared classroom machine reads runs)
    umask(mask)
    written = [atomic_write_text(tmp_path / "a.txt", "x"), atomic_write_bytes(tmp_path / "b", b"y"),
               atomic_write_json(tmp_path / "c.json", {"k": 1})]
    with open(tmp_path / "reference", "w") as f:
        f.write("z")
    assert stat.S_IMODE((tmp_path / "reference").stat().st_mode) == mode
    assert [stat.S_IMODE(p.stat().st_mode) for p in written] == [mode] * 3


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path):
    path = atomic_write_text(tmp_path / "f.txt", "old")

    def broken(tmp):
        tmp.write_text("half")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError, match="disk full"):
        atomic_write(path, broken)
    assert path.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["f.txt"]
