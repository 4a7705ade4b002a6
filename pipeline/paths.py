"""Directories the factory writes into: created when missing, and checked before any work."""

from __future__ import annotations

from pathlib import Path

PROBE_NAME = ".factory-write-probe"


def unwritable(path: Path) -> str | None:
    """Why `path` cannot serve as a directory to write in (it is created if missing), or None."""
    if path.exists() and not path.is_dir():
        return "it is a file, not a directory"
    try:
        path.mkdir(parents=True, exist_ok=True)
        probe = path / PROBE_NAME
        probe.touch()
        probe.unlink()
    except OSError as exc:
        return f"it cannot be created or written ({exc.strerror})"
    return None
