"""The live blog on the web: rendered from the database after every change, right after
corrections, and never showing who anyone is."""

from __future__ import annotations

import asyncio
import re
from datetime import datetime
from pathlib import Path
from typing import Any

import feedparser
import pytest

from bot.settings import Settings
from bot.web.files import write_atomically
from sandbox import Sandbox, image_bytes
from tests.conftest import ADMIN, CHANNEL, EDITORS_CHAT, World, make_settings
from tests.test_intake_stories import gps_jpeg


@pytest.fixture
def settings(sandbox: Sandbox, tmp_path: Path) -> Settings:
    return make_settings(
        sandbox,
        tmp_path / "relay.db",
        site_dir=tmp_path / "site",
        site_render_delay_seconds=0.05,
        site_url="https://live.example.org/kirkuk/",
    )


def site(world: World) -> Path:
    folder = world.services.settings.site_dir
    assert folder is not None
    return Path(folder)


async def rendered(world: World) -> str:
    """The story page once every change so far is rendered."""
    worker = world.services.site
    worker.wake()
    await asyncio.wait_for(worker.idle(), 20)
    return (site(world) / "story-1" / "index.html").read_text()


async def published(world: World, count: int) -> None:
    await world.sandbox.wait_for(
        lambda: len({m.get("media_group_id") or m["message_id"]
                     for m in world.sandbox.bot_messages(CHANNEL)}) >= count,
        what=f"{count} updates in the channel",
    )  # fmt: skip


async def answer_prompt(world: World, editor: int, contains: str, text: str) -> None:
    prompt = await world.bot_says(EDITORS_CHAT, contains)
    world.sandbox.send_text(editor, text, chat_id=EDITORS_CHAT, reply_to_message=prompt)


def section(page: str, number: int) -> str:
    match = re.search(rf'<section class="[^"]*" id="update-{number}">.*?</section>', page, re.S)
    assert match, f"no update #{number} on the page"
    return match.group(0)


async def test_the_page_escapes_reads_right_to_left_and_marks_every_state(world: World) -> None:
    contact = await world.join("contact", "Nadia")
    arabic = await world.join("contact", "Layla", language_code="ar")
    editor = await world.join("editor", "Desk-1")
    world.sandbox.send_text(contact, "<script>alert(1)</script> & <b>not bold</b>")
    await world.card_of("R-1")
    await world.press(editor, 1, "now")
    world.sandbox.send_text(arabic, "انفجار قرب السوق الكبير")
    await world.card_of("R-2")
    await world.press(editor, 2, "now")
    photos = [gps_jpeg(), image_bytes(color="green"), image_bytes(color="blue")]
    world.sandbox.send_album(contact, photos, caption="From my roof")
    await world.card_of("R-3")
    await world.press(editor, 3, "now")
    world.sandbox.send_text(contact, "Rumour: the airport is taken")
    await world.card_of("R-4")
    await world.press(editor, 4, "now")
    await published(world, 4)
    await world.press(editor, 4, "retract")
    await answer_prompt(world, editor, "reason", "it was not true")
    await world.press(editor, 1, "correct")
    await answer_prompt(world, editor, "corrected text", "<script>alert(2)</script> corrected")
    await world.sandbox.wait_for(
        lambda: "Retracted: it was not true" in str(world.sandbox.bot_messages(CHANNEL)),
        what="the retraction in the channel",
    )
    await world.report(1, text="<script>alert(2)</script> corrected")
    page = await rendered(world)

    first = section(page, 1)
    assert "&lt;script&gt;alert(2)&lt;/script&gt; corrected" in first
    assert "<script>alert" not in page and "<b>not bold" not in page
    assert 'class="update corrected"' in first and "(corrected" in first
    rtl = section(page, 2)
    assert 'dir="auto" lang="ar"' in rtl and "انفجار قرب السوق الكبير" in rtl
    # Its "Unconfirmed:" marker is in Latin letters: a right-to-left mark first keeps the
    # paragraph right to left for dir="auto" (which goes by the first strong letter).
    assert 'lang="ar">\u200f' in rtl
    album = section(page, 3)
    names = re.findall(r'src="\.\./media/([0-9a-f]{24}\.jpg)"', album)
    assert len(names) == 3 and len(set(names)) == 3
    for name in names:
        data = (site(world) / "media" / name).read_bytes()
        assert data[:2] == b"\xff\xd8" and b"Exif" not in data and b"GPS" not in data
    assert 'alt="Photo 2 of 3 with UPDATE #3"' in album
    retracted = section(page, 4)
    assert 'class="update retracted"' in retracted and "Retracted: it was not true" in retracted
    assert "airport" not in page
    order = [int(n) for n in re.findall(r'<section class="[^"]*" id="update-(\d+)"', page)]
    assert order == [4, 3, 2, 1]  # newest first
    assert re.search(r'<time datetime="\d{4}-\d\d-\d\dT[^"]+\+00:00">UPDATE #2 \(', page)

    everything = "".join(
        path.read_text()
        for path in site(world).rglob("*")
        if path.suffix in (".html", ".atom", ".json")
    )
    for secret in ("Nadia", "Layla", "Desk-1", "R-1", "R-2", "R-3", "R-4", "photo-"):
        assert secret not in everything, secret


async def test_the_atom_feed_reads_in_a_real_reader_and_follows_a_correction(
    world: World,
) -> None:
    contact = await world.join("contact", "Nadia")
    editor = await world.join("editor", "Desk-1")
    for index, text in enumerate(["Smoke in the north", "Gunfire in the east"], start=1):
        world.sandbox.send_text(contact, text)
        await world.card_of(f"R-{index}")
        await world.press(editor, index, "now")
    await published(world, 2)
    await rendered(world)
    feed = feedparser.parse((site(world) / "story-1" / "feed.atom").read_bytes())
    assert not feed.bozo, feed.bozo_exception
    assert [e.id.rsplit(":", 1)[1] for e in feed.entries] == [
        "story-1/update-2",
        "story-1/update-1",
    ]
    assert all(e.id.startswith("tag:live.example.org,") for e in feed.entries)
    first = feed.entries[1]
    assert first.link == "https://live.example.org/kirkuk/story-1/#update-1"
    assert "Smoke in the north" in first.content[0].value
    before = datetime.fromisoformat(first.updated)

    await world.press(editor, 1, "correct")
    await answer_prompt(world, editor, "corrected text", "Smoke in the north-west")
    await world.report(1, text="Smoke in the north-west")
    await world.press(editor, 2, "retract")
    await answer_prompt(world, editor, "reason", "a wedding, not gunfire")
    await world.eventually(lambda: _retracted(world, 2), what="the retraction stored")
    await rendered(world)
    feed = feedparser.parse((site(world) / "story-1" / "feed.atom").read_bytes())
    corrected = next(e for e in feed.entries if e.id.endswith("update-1"))
    assert "Smoke in the north-west" in corrected.content[0].value
    assert datetime.fromisoformat(corrected.updated) > before
    assert corrected.published == first.published
    retracted = next(e for e in feed.entries if e.id.endswith("update-2"))
    assert retracted.title.endswith("(retracted)")
    assert "Retracted: a wedding, not gunfire" in retracted.content[0].value
    assert "Gunfire in the east" not in retracted.content[0].value
    everything = feedparser.parse((site(world) / "feed.atom").read_bytes())
    assert not everything.bozo and len(everything.entries) == 2


async def _retracted(world: World, report_id: int) -> bool:
    report = await world.services.store.reports.get(report_id)
    return report is not None and report.retracted_at is not None


async def test_a_render_that_changes_nothing_writes_and_syncs_nothing(
    sandbox: Sandbox, tmp_path: Path, start_relay: Any
) -> None:
    log = tmp_path / "synced.log"
    settings = make_settings(
        sandbox,
        tmp_path / "relay.db",
        site_dir=tmp_path / "site",
        site_render_delay_seconds=0.05,
        site_sync_command=f'echo "$SITE_DIR" >> {log}',
    )
    world = World(sandbox, await start_relay(settings))
    contact = await world.join("contact", "Nadia")
    editor = await world.join("editor", "Desk-1")
    world.sandbox.send_text(contact, "Smoke in the north")
    await world.card_of("R-1")
    await world.press(editor, 1, "now")
    await published(world, 1)
    await rendered(world)
    page = site(world) / "story-1" / "index.html"
    stamp, syncs = page.stat().st_mtime_ns, log.read_text().splitlines()
    assert syncs and set(syncs) == {str(tmp_path / "site")}
    for _ in range(3):
        await rendered(world)
    assert page.stat().st_mtime_ns == stamp
    assert log.read_text().splitlines() == syncs
    assert not list((tmp_path / "site").rglob(".*.tmp"))  # no temporary file left behind


async def test_a_failing_sync_command_is_logged_and_publishing_goes_on(
    sandbox: Sandbox, tmp_path: Path, start_relay: Any, caplog: pytest.LogCaptureFixture
) -> None:
    settings = make_settings(
        sandbox,
        tmp_path / "relay.db",
        site_dir=tmp_path / "site",
        site_render_delay_seconds=0.05,
        site_sync_command="echo 'host unreachable' >&2; exit 3",
    )
    world = World(sandbox, await start_relay(settings))
    contact = await world.join("contact", "Nadia")
    editor = await world.join("editor", "Desk-1")
    for index in (1, 2):
        world.sandbox.send_text(contact, f"Report number {index}")
        await world.card_of(f"R-{index}")
        await world.press(editor, index, "now")
    await published(world, 2)
    page = await rendered(world)
    assert "Report number 2" in page
    assert "SITE_SYNC_COMMAND failed with exit code 3: host unreachable" in caplog.text


def test_an_atomic_write_replaces_whole_files_only_when_they_change(tmp_path: Path) -> None:
    target = tmp_path / "deep" / "index.html"
    assert write_atomically(target, b"one")
    assert target.read_bytes() == b"one"
    assert not write_atomically(target, b"one")
    assert write_atomically(target, b"two") and target.read_bytes() == b"two"
    assert [p.name for p in target.parent.iterdir()] == ["index.html"]


async def test_site_build_renders_once_into_a_folder_with_the_photos(
    world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot.cli import EXIT_CONFIG, EXIT_OK, build_site

    contact = await world.join("contact", "Nadia")
    editor = await world.join("editor", "Desk-1")
    world.sandbox.send_photo(contact, gps_jpeg(), caption="From my roof")
    await world.card_of("R-1")
    await world.press(editor, 1, "now")
    await published(world, 1)
    elsewhere = tmp_path / "elsewhere"
    assert await build_site(world.services.settings, str(elsewhere)) == EXIT_OK
    assert f"Live blog: {elsewhere.resolve() / 'index.html'}" in capsys.readouterr().out
    page = (elsewhere / "story-1" / "index.html").read_text()
    photo = re.search(r'src="\.\./media/([0-9a-f]{24}\.jpg)"', page)
    assert photo and b"Exif" not in (elsewhere / "media" / photo.group(1)).read_bytes()
    assert "From my roof" in page and "Nadia" not in page

    unset = world.services.settings.model_copy(update={"site_dir": None})
    assert await build_site(unset, None) == EXIT_CONFIG
    assert "set SITE_DIR" in capsys.readouterr().err


def _all_parse(world: World) -> tuple[str, Any, Any]:
    """The story page, its Atom feed (read by an XML parser and by a feed reader) and its
    JSON feed, each of which must parse."""
    import json
    import xml.etree.ElementTree as ElementTree

    folder = site(world) / "story-1"
    atom = (folder / "feed.atom").read_bytes()
    ElementTree.fromstring(atom)
    ElementTree.fromstring((site(world) / "feed.atom").read_bytes())
    parsed = feedparser.parse(atom)
    assert not parsed.bozo, parsed.bozo_exception
    feed = json.loads((folder / "feed.json").read_text())
    return (folder / "index.html").read_text(), parsed, feed


CONTROLS = "Smoke\x0b over\x1b[31m the\x08 bridge\ufffe now\x00"


async def test_control_characters_in_a_published_text_never_stop_the_site(world: World) -> None:
    contact = await world.join("contact", "Nadia")
    world.sandbox.send_text(contact, CONTROLS)
    await world.card_of("R-1")
    await world.press(ADMIN, 1, "now")
    world.sandbox.send_text(contact, "A second, plain update")
    await world.card_of("R-2")
    await world.press(ADMIN, 2, "now")
    await published(world, 2)
    await rendered(world)
    page, atom, feed = _all_parse(world)
    assert "Smoke over[31m the bridge now" in section(page, 1)
    assert len(atom.entries) == 2 and len(feed["items"]) == 2
    assert "Smoke over[31m the bridge now" in atom.entries[-1].content[0].value
    assert world.services.site.builder.unshown == set()


async def test_an_update_that_cannot_be_read_is_shown_as_such_and_the_rest_stays_current(
    world: World,
) -> None:
    contact = await world.join("contact", "Nadia")
    for number, text in enumerate(("First: the bridge", "Second: the market"), start=1):
        world.sandbox.send_text(contact, text)
        await world.card_of(f"R-{number}")
        await world.press(ADMIN, number, "now")
    await published(world, 2)
    await rendered(world)
    # A row the renderer cannot read (its formatting damaged on disk).
    await world.services.store.db.execute("UPDATE reports SET entities = '{broken' WHERE id = 1")
    world.sandbox.send_text(contact, "Third: the airport road")
    await world.card_of("R-3")
    await world.press(ADMIN, 3, "now")
    await published(world, 3)
    await rendered(world)
    page, atom, feed = _all_parse(world)
    assert len(atom.entries) == 3
    assert "could not be shown here" in section(page, 1) and "bridge" not in page
    assert "the market" in section(page, 2) and "the airport road" in section(page, 3)
    assert len(feed["items"]) == 3
    told = await world.bot_says(ADMIN, "UPDATE #1 (story 1) could not be rendered")
    # Told once, however many renders follow.
    for _ in range(3):
        world.services.site.wake()
        await world.services.site.idle()
    await world.desk_idle()
    notices = [m for m in world.sandbox.bot_messages(ADMIN) if "could not be rendered" in m["text"]]
    assert notices == [told]
