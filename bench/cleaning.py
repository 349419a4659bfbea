"""Cleaning a big picture within a memory bound: the peak memory of the cleaning process.

Each file is cleaned by `bot.intake.cleaning.clean_in_child`, as the bot does, inside a
fresh intermediary process, so that its children's peak resident set (getrusage) is the
cleaning child's alone. No Telegram call is involved: Telegram's limits play no part."""

from __future__ import annotations

import asyncio
import io
import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image

PROBE = """
import asyncio, resource, sys
from pathlib import Path
from bot.intake.cleaning import Limits, clean_in_child
data = Path(sys.argv[1]).read_bytes()
limits = Limits(int(sys.argv[2]), 768, 120)
result = asyncio.run(clean_in_child(data, "document", "R-1", limits))
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(f"{peak:.1f} {int(result.clean)} {int(result.refused)} {result.problem}")
"""


def picture(kind: str) -> bytes:
    """An 88 MP PNG (9400 x 9400, just under Pillow's own limit) or a 48 MP JPEG (8000 x
    6000, a phone's full-resolution mode), with some texture so they are not trivial."""
    size = (9400, 9400) if kind == "png" else (8000, 6000)
    image = Image.linear_gradient("L").resize(size).convert("RGB")
    out = io.BytesIO()
    image.save(out, "PNG" if kind == "png" else "JPEG", quality=85)
    return out.getvalue()


def peak_of(data: bytes, root: Path, max_pixels: int) -> tuple[float, bool, bool, str]:
    with tempfile.NamedTemporaryFile() as handle:
        handle.write(data)
        handle.flush()
        out = subprocess.run(
            [sys.executable, "-c", PROBE, handle.name, str(max_pixels)],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
            timeout=300,
        ).stdout.split(maxsplit=3)
    return float(out[0]), out[1] == "1", out[2] == "1", out[3].strip() if len(out) > 3 else ""


async def measure(root: Path) -> dict[str, tuple[float, bool, bool, str]]:
    """By case: the default limit (40 MP) for both pictures, and the PNG again with the
    limit raised to just under Pillow's own (what the memory cap is for)."""
    found = {}
    for kind in ("png", "jpeg"):
        data = await asyncio.to_thread(picture, kind)
        found[kind] = await asyncio.to_thread(peak_of, data, root, 40_000_000)
        if kind == "png":
            found["png-raised"] = await asyncio.to_thread(peak_of, data, root, 89_000_000)
    return found
