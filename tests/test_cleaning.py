"""Clean by content: whatever a contact's file claims to be, editors, channels and the site
get only copies with no GPS, no author, no camera, no comment and no original name, as
exiftool (not the bot's own libraries) sees them."""

from __future__ import annotations

import asyncio
import io
import resource
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from bot.intake.cleaning import Limits, clean, clean_in_child
from bot.settings import Settings
from sandbox import Sandbox
from tests import samples
from tests.bad_input_acts import png_bomb
from tests.conftest import ADMIN, CHANNEL, EDITORS_CHAT, World, make_settings

ORIGINAL_NAME = "Ahmed_Hassan_roof"
LIMITS = Limits(max_pixels=40_000_000, memory_mb=768, seconds=60)


@pytest.fixture
def settings_(sandbox: Sandbox, tmp_path: Path) -> Settings:
    return make_settings(
        sandbox, tmp_path / "relay.db", site_dir=tmp_path / "site", site_render_delay_seconds=0.05
    )


def files_in(message: dict[str, Any]) -> list[str]:
    """The file ids a message carries (every size of a photo)."""
    ids = [size["file_id"] for size in message.get("photo", [])]
    for kind in ("document", "video", "voice", "audio"):
        if kind in message:
            ids.append(message[kind]["file_id"])
    return ids


def check_clean(sandbox: Sandbox, chat: int) -> int:
    """Every file the bot sent into `chat`: nothing that identifies, no original name.
    Returns how many files were checked."""
    checked = 0
    for message in sandbox.bot_messages(chat):
        for kind in ("document", "video", "voice", "audio"):
            name = message.get(kind, {}).get("file_name", "")
            assert ORIGINAL_NAME not in name and "Ahmed" not in name, name
        for file_id in files_in(message):
            stored = sandbox.files[file_id]
            if file_id.startswith("photo-") and len(stored.data) < 64:
                continue  # a thumbnail cut from the picture: not a file of its own
            assert samples.exiftool_findings(stored.data) == [], (message, file_id)
            checked += 1
    return checked


SENT_AS = [
    # (what it is, how it is sent: kind, claimed mime type, original name)
    ("JPEG", "document", "application/octet-stream", f"{ORIGINAL_NAME}.jpg"),
    ("JPEG", "document", "image/heic", f"{ORIGINAL_NAME}.heic"),
    ("PNG", "document", "image/png", f"{ORIGINAL_NAME}.png"),
    ("WEBP", "document", "image/webp", f"{ORIGINAL_NAME}.webp"),
    ("TIFF", "document", "image/tiff", f"{ORIGINAL_NAME}.tif"),
    ("GIF", "document", "image/gif", f"{ORIGINAL_NAME}.gif"),
    ("HEIF", "document", "image/heic", f"{ORIGINAL_NAME}.heic"),
    ("PDF", "document", "application/pdf", f"{ORIGINAL_NAME}.pdf"),
    ("DOCX", "document", "application/octet-stream", f"{ORIGINAL_NAME}.docx"),
    ("MP4", "video", "video/mp4", f"{ORIGINAL_NAME}.mp4"),
]


def sample(what: str) -> bytes:
    makers = {"PDF": samples.pdf, "DOCX": samples.docx, "MP4": samples.video}
    return makers[what]() if what in makers else samples.image(what)


async def test_every_kind_of_file_reaches_editors_and_channels_clean_and_renamed(
    sandbox: Sandbox, settings_: Settings, start_relay: Any
) -> None:
    world = World(sandbox, await start_relay(settings_))
    contact = await world.join("contact", "Kirkuk-1")
    for number, (what, kind, mime, name) in enumerate(SENT_AS, start=1):
        data = sample(what)
        assert samples.exiftool_findings(data) or what == "DOCX"  # it does identify
        sandbox.send_file(contact, kind, data, mime_type=mime, file_name=name, caption=what)
        card = await world.card_of(f"R-{number}")
        assert "🧼 Cleaned by the bot" in card["text"], card["text"]
        assert "Not cleaned" not in card["text"]
        if what in ("JPEG", "PNG", "WEBP", "HEIF"):
            assert "GPS location" in card["text"] and "Media: 1 photo" in card["text"]
        await world.press(ADMIN, number, "now")
    await sandbox.wait_for(
        lambda: len(sandbox.bot_messages(CHANNEL)) >= len(SENT_AS), what="every update out"
    )
    assert check_clean(sandbox, EDITORS_CHAT) >= len(SENT_AS)
    assert check_clean(sandbox, CHANNEL) >= len(SENT_AS)
    documents = [m["document"] for m in sandbox.bot_messages(CHANNEL) if "document" in m]
    assert sorted(d["file_name"] for d in documents) == ["R-8.pdf", "R-9.docx"]
    # The site's photos, too.
    worker = world.services.site
    worker.wake()
    await asyncio.wait_for(worker.idle(), 20)
    photos = list((Path(settings_.site_dir or ".") / "media").glob("*.jpg"))
    assert photos  # named by their hash: the same orange picture in six formats is few files
    for photo in photos:
        assert samples.exiftool_findings(photo.read_bytes()) == []


async def test_a_voice_needs_publish_this_voice_and_is_sent_cleaned(world: World) -> None:
    contact = await world.join("contact", "Kirkuk-1")
    world.sandbox.send_file(contact, "voice", samples.voice())
    card = await world.card_of("R-1")
    assert "A voice identifies its speaker" in card["text"]
    buttons = [b["text"] for row in card["reply_markup"]["inline_keyboard"] for b in row]
    assert "🎙 Publish this voice" in buttons
    refused = await world.press(ADMIN, 1, "now")
    assert "Publish this voice" in refused
    await world.sync()
    assert world.sandbox.bot_messages(CHANNEL) == []
    assert "checked" in await world.press(ADMIN, 1, "checked")
    await world.card_shows(1, "Media checked by hand")
    await world.press(ADMIN, 1, "now")
    await world.sandbox.wait_for(lambda: world.sandbox.bot_messages(CHANNEL))
    assert check_clean(world.sandbox, CHANNEL) == 1


async def test_a_file_that_cannot_be_cleaned_needs_a_check_and_keeps_no_name(
    world: World,
) -> None:
    contact = await world.join("contact", "Kirkuk-1")
    world.sandbox.send_file(
        contact, "document", b"PLAIN notes " * 20, file_name=f"{ORIGINAL_NAME}.txt"
    )
    card = await world.card_of("R-1")
    assert "Not cleaned (a kind of file the bot cannot clean)" in card["text"]
    assert "R-1 has a voice, or a file the bot could not clean" in await world.press(
        ADMIN, 1, "now"
    )
    await world.press(ADMIN, 1, "checked")
    await world.card_shows(1, "Media checked by hand")
    await world.press(ADMIN, 1, "now")
    post = await world.sandbox.wait_for(lambda: world.sandbox.bot_messages(CHANNEL))
    assert post[0]["document"]["file_name"] == "R-1.bin"


async def test_a_9400_pixel_png_is_refused_with_a_clear_word_and_the_report_kept(
    world: World,
) -> None:
    contact = await world.join("contact", "Kirkuk-1")
    sent = world.sandbox.send_file(
        contact, "document", png_bomb(9400, 9400), caption="from my roof", file_name="x.png"
    )
    card = await world.card_of("R-1")
    assert "could not be shown safely" in card["text"] and "from my roof" in card["text"]
    told = await world.bot_says(contact, "too large for the bot to open safely")
    assert told["reply_to_message"]["message_id"] == sent["message_id"]
    media = await world.services.store.media.of_report(1)
    assert [m.clean_state for m in media] == ["refused"]
    await world.press(ADMIN, 1, "now")
    post = await world.sandbox.wait_for(lambda: world.sandbox.bot_messages(CHANNEL))
    assert files_in(post[0]) == [] and "from my roof" in post[0]["text"]


def test_a_large_jpeg_is_decoded_reduced_and_a_bomb_never_decoded() -> None:
    """In a capped child: a 48 MP JPEG comes out at a quarter of its pixels, an 88 MP PNG
    and a 3.6 GP PNG are refused from their headers."""

    async def run() -> list[Any]:
        out = io.BytesIO()
        Image.new("RGB", (8000, 6000), "green").save(out, "JPEG")
        return [
            await clean_in_child(data, "document", "R-1", LIMITS)
            for data in (out.getvalue(), png_bomb(9400, 9400), png_bomb())
        ]

    jpeg, png, bomb = asyncio.run(run())
    assert jpeg.clean and Image.open(io.BytesIO(jpeg.data or b"")).size == (4000, 3000)
    assert png.refused and png.problem == "too large"
    assert bomb.refused and bomb.problem == "too large"
    assert resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss < 400 * 1024  # KiB


def test_a_child_over_its_memory_cap_is_refused_not_the_bot() -> None:
    tight = Limits(max_pixels=80_000_000, memory_mb=256, seconds=60)
    out = io.BytesIO()
    Image.new("RGB", (8900, 8900), "green").save(out, "PNG")  # 79 MP: 240 MB decoded
    cleaned = asyncio.run(clean_in_child(out.getvalue(), "photo", "R-1", tight))
    assert cleaned.refused and cleaned.data is None


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.one_of(
        st.binary(max_size=2048),
        st.sampled_from([b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff\xe0", b"GIF89a", b"%PDF-1.4",
                         b"PK\x03\x04", b"\x00\x00\x00\x18ftypmp42", b"OggS", b"RIFF"]).flatmap(
            lambda head: st.binary(max_size=512).map(lambda tail: head + tail)
        ),
    ),
    st.sampled_from(["photo", "document", "video", "voice", "audio"]),
)  # fmt: skip
def test_any_bytes_give_a_clean_file_or_a_refusal_never_an_error(data: bytes, kind: str) -> None:
    result = clean(data, kind, "R-1", 40_000_000)
    assert result.refused or result.data is not None
    assert result.name.startswith("R-1.")
    if result.kind == "photo" and result.data is not None:
        assert result.clean and result.data[:2] == b"\xff\xd8"
