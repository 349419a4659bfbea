"""The live blog in a real browser: Debian's Chromium, headless, over HTTP.

`.ci/run` installs Chromium (`apt-get install chromium`). Without it this test fails and
says what is missing: a browser test that passes without a browser would hold nothing."""

from __future__ import annotations

import asyncio
import functools
import http.server
import re
import shutil
import struct
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.settings import Settings
from sandbox import Sandbox
from tests.conftest import CHANNEL, World, make_settings

# Slow (seconds each, processes killed and restarted): `make test-fast` leaves them out.
pytestmark = pytest.mark.slow

BROWSERS = ("chromium", "chromium-browser", "google-chrome")
# What Chromium prints that is about the machine, not the page.
CONSOLE = re.compile(r":CONSOLE[:(\]]")


def browser() -> str:
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    pytest.fail(
        "Chromium is not installed, so the live blog cannot be checked in a browser: "
        "apt-get install chromium (Debian), or run .ci/run, which installs it"
    )


@pytest.fixture
def settings(sandbox: Sandbox, tmp_path: Path) -> Settings:
    return make_settings(
        sandbox, tmp_path / "relay.db", site_dir=tmp_path / "site", site_render_delay_seconds=0.05
    )


@pytest.fixture
def served(tmp_path: Path) -> Iterator[str]:
    """SITE_DIR over HTTP on localhost, as a static host would serve it."""
    (tmp_path / "site").mkdir(exist_ok=True)
    handler = functools.partial(
        _QuietHandler, directory=str(tmp_path / "site")
    )  # fmt: skip
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        return None


async def chromium(*args: str) -> tuple[str, str]:
    process = await asyncio.create_subprocess_exec(
        browser(),
        "--headless",
        "--no-sandbox",  # CI runs as root
        "--disable-gpu",
        "--no-first-run",
        "--enable-logging=stderr",
        "--v=0",
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), 90)
    assert process.returncode == 0, err.decode(errors="replace")[-2000:]
    return out.decode(), err.decode(errors="replace")


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


async def test_the_story_page_in_chromium_shows_every_update_in_order_without_errors(
    world: World, served: str, tmp_path: Path
) -> None:
    contact = await world.join("contact", "Nadia")
    editor = await world.join("editor", "Desk-1")
    for index, text in enumerate(
        ["Smoke over the citadel", "Gunfire near the market", "انقطاع الكهرباء في الحي"], start=1
    ):
        world.sandbox.send_text(contact, text)
        await world.card_of(f"R-{index}")
        await world.press(editor, index, "now")
    await world.sandbox.wait_for(
        lambda: len(world.sandbox.bot_messages(CHANNEL)) == 3, what="three updates"
    )
    await world.press(editor, 1, "confirm")
    await world.report(1, label="confirmed")
    world.services.site.wake()
    await world.services.site.idle()

    page = served + "story-1/index.html"
    dom, log = await chromium("--dump-dom", page)
    errors = [line for line in log.splitlines() if CONSOLE.search(line)]
    assert errors == [], "the page wrote to the browser's console:\n" + "\n".join(errors)
    ids = re.findall(r'<section class="update ?([a-z]*)" id="update-(\d+)"', dom)
    assert [int(number) for _, number in ids] == [3, 2, 1]
    assert [state for state, _ in ids] == ["unconfirmed", "unconfirmed", "confirmed"]
    assert dom.count('class="yours"') == 3  # the script ran: each time also in the reader's
    assert "Smoke over the citadel" in dom and "Nadia" not in dom and "R-1" not in dom

    for name, size in (("phone", (390, 844)), ("desktop", (1280, 900))):
        shot = tmp_path / f"{name}.png"
        await chromium(
            f"--screenshot={shot}", f"--window-size={size[0]},{size[1]}", "--hide-scrollbars", page
        )
        assert png_size(shot) == size


async def test_a_missing_photo_on_the_page_would_show_in_the_console(
    served: str, tmp_path: Path
) -> None:
    """The console check above can fail: a page that loads a missing file is caught."""
    (tmp_path / "site" / "broken.html").write_text(
        '<!doctype html><html><body><img src="media/none.jpg" alt="x">'
        "<script>undefinedFunction()</script></body></html>"
    )
    _, log = await chromium("--dump-dom", served + "broken.html")
    assert [line for line in log.splitlines() if CONSOLE.search(line)]
