"""Writing the site's files: atomically (a reader sees the old file or the new one, never a
part) and only when their bytes changed (a render that changes nothing writes nothing)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_all(site: Path, files: dict[str, bytes]) -> int:
    """Write every file that changed (pages last, so they never show a photo or a feed not
    yet written); returns how many did."""
    (site / "media").mkdir(parents=True, exist_ok=True)
    ordered = sorted(files, key=lambda path: path.endswith(".html"))
    return sum(write_atomically(site / path, files[path]) for path in ordered)


def write_atomically(path: Path, data: bytes) -> bool:
    """Write `data` to `path` unless it already holds exactly that; a reader sees the old
    file or the new one, never a part. Returns whether it wrote."""
    try:
        if path.read_bytes() == data:
            return False
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return True
