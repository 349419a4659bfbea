"""Stories of contacts sending reports and editors seeing review cards, over the sandbox."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PIL import Image

from sandbox import Sandbox, image_bytes
from tests.conftest import EDITORS_CHAT, World, make_settings


def _keyboard(message: dict) -> list[str]:  # type: ignore[type-arg]
    rows = message.get("reply_markup", {}).get("inline_keyboard", [])
    return [button["callback_data"] for row in rows for button in row]


def gps_jpeg(size: tuple[int, int] = (64, 48), orientation: int = 6) -> bytes:
    """A JPEG carrying GPS coordinates and an orientation tag, as a phone camera makes."""
    exif = Image.Exif()
    exif[0x0112] = orientation
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (35.0, 28.0, 5.0), 3: "E", 4: (44.0, 23.0, 31.0)})
    out = io.BytesIO()
    Image.new("RGB", size, "blue").save(out, "JPEG", exif=exif)
    return out.getvalue()


async def test_contact_sends_text_and_editors_get_a_card(world: World) -> None:
    contact = await world.join("contact", "Kirkuk-1")
    sent = world.sandbox.send_text(contact, "Fighters dressed as police near the market.")

    ack = await world.bot_says(contact, "Received — report R-1", after=sent["message_id"])
    assert ack["text"] == "Received — report R-1. Editors will review it."
    assert ack["reply_to_message"]["message_id"] == sent["message_id"]
    card = await world.card_of("R-1")
    assert "From: Kirkuk-1" in card["text"]
    assert "Fighters dressed as police near the market." in card["text"]
    assert "Received: " in card["text"] and " Iraq / " in card["text"]
    assert _keyboard(card) == [
        "v2:approve:1:1",
        "v2:now:1:1",
        "v1:confirm:1",
        "v1:edit:1",
        "v1:ask:1",
        "v1:reject:1",
    ]
    await world.report(1, status="pending", card_state="posted", acknowledged=True)
    card_ids = [m.message_id for m in await world.services.store.cards.messages(1)]
    assert card_ids == [card["message_id"]]


async def test_card_never_shows_the_contacts_telegram_identity(world: World) -> None:
    contact = await world.join("contact", "Kirkuk-2")
    world.sandbox.send_photo(contact, image_bytes(), caption="From my roof")
    await world.card_of("R-1")
    shown = world.sandbox.transcript(EDITORS_CHAT)
    assert "Real Name" not in shown
    assert f"realuser{contact}" not in shown
    assert str(contact) not in shown


async def test_photo_is_cleaned_and_shown_above_its_card(world: World) -> None:
    contact = await world.join("contact", "Roof-1")
    sent = world.sandbox.send_photo(contact, gps_jpeg(), caption="Smoke from my roof")
    card = await world.card_of("R-1")

    photo_message = world.sandbox.chat_messages(EDITORS_CHAT)[0]
    assert "photo" in photo_message
    assert card["reply_to_message"]["message_id"] == photo_message["message_id"]
    assert "Smoke from my roof" in card["text"] and "Media: 1 photo" in card["text"]
    # The largest size was downloaded, and a re-encoded copy uploaded instead of the original.
    largest = sent["photo"][-1]["file_id"]
    assert world.sandbox.calls_of("getFile")[0].params["file_id"] == largest
    shown_file = photo_message["photo"][-1]["file_id"]
    clean = world.sandbox.file_data(shown_file)
    assert clean != world.sandbox.file_data(largest)
    assert b"Exif" not in clean
    with Image.open(io.BytesIO(clean)) as image:
        assert image.size == (48, 64)  # orientation applied before the tag was dropped
        assert not image.getexif()
    await world.report(1, card_state="posted")
    media = await world.services.store.media.of_report(1)
    assert media[0].clean_file_id == shown_file


async def test_album_of_three_makes_one_report_and_one_album_card(world: World) -> None:
    contact = await world.join("contact", "Kirkuk-3")
    photos = [image_bytes(color=color) for color in ("red", "green", "blue")]
    album = world.sandbox.send_album(contact, photos, caption="Three views of the square")
    ack = await world.bot_says(contact, "Received — report R-1", after=album[-1]["message_id"])
    assert ack["reply_to_message"]["message_id"] == album[0]["message_id"]
    card = await world.card_of("R-1")

    assert await world.services.store.reports.count() == 1
    shown = world.sandbox.chat_messages(EDITORS_CHAT)
    album_shown = [m for m in shown if m.get("media_group_id")]
    assert len(album_shown) == 3 and len({m["media_group_id"] for m in album_shown}) == 1
    colours = [
        Image.open(io.BytesIO(world.sandbox.file_data(m["photo"][-1]["file_id"]))).getpixel((5, 5))
        for m in album_shown
    ]
    assert all(isinstance(c, tuple) for c in colours)
    reddest = [max(range(3), key=c.__getitem__) for c in colours if isinstance(c, tuple)]
    assert reddest == [0, 1, 2]  # order kept
    assert card["reply_to_message"]["message_id"] == album_shown[0]["message_id"]
    assert "Media: 3 photos" in card["text"] and "Three views of the square" in card["text"]
    acks = [m for m in world.sandbox.bot_messages(contact) if "Received" in m.get("text", "")]
    assert len(acks) == 1


async def test_image_sent_as_file_is_treated_as_a_photo_without_gps(world: World) -> None:
    contact = await world.join("contact", "Files-1")
    original = gps_jpeg()
    world.sandbox.send_file(
        contact, "document", original, mime_type="image/jpeg", file_name="IMG_0001.jpg"
    )
    card = await world.card_of("R-1")
    assert "Media: 1 photo" in card["text"]
    uploads = world.sandbox.calls_of("sendPhoto")
    assert len(uploads) == 1
    sent_bytes = b"".join(uploads[0].files.values())
    assert sent_bytes and b"Exif" not in sent_bytes
    with Image.open(io.BytesIO(sent_bytes)) as image:
        assert not image.getexif().get_ifd(0x8825)
    # Nothing the bot sent anywhere carries the original bytes.
    for call in world.sandbox.calls:
        assert all(original not in data for data in call.files.values())


async def test_video_and_voice_are_kept_and_video_is_flagged(world: World) -> None:
    contact = await world.join("contact", "Kirkuk-4")
    world.sandbox.send_file(contact, "video", b"\x00fake-mp4" * 50, caption="Convoy")
    card = await world.card_of("R-1")
    assert "Media: 1 video" in card["text"]
    assert "Not cleaned (a kind of file the bot cannot clean)" in card["text"]
    world.sandbox.send_file(contact, "voice", b"OggS" * 40)
    voice_card = await world.card_of("R-2")
    assert "Media: 1 voice" in voice_card["text"] and "location data" not in voice_card["text"]
    assert "(no text)" in voice_card["text"]
    kinds = [m.kind for m in await world.services.store.media.of_report(1)]
    kinds += [m.kind for m in await world.services.store.media.of_report(2)]
    assert kinds == ["video", "voice"]


async def test_edit_while_pending_updates_report_and_card(world: World) -> None:
    contact = await world.join("contact", "Kirkuk-5")
    sent = world.sandbox.send_text(contact, "Shelling near the bridge")
    card = await world.card_of("R-1")
    world.sandbox.edit_text(contact, sent["message_id"], "Shelling near the north bridge, 2 hurt")

    reply = await world.bot_says(contact, "Updated — report R-1", after=sent["message_id"])
    assert reply["text"].startswith("Updated")

    def card_updated() -> bool:
        return "north bridge, 2 hurt" in world.sandbox.messages[EDITORS_CHAT][
            card["message_id"]
        ].get("text", "")

    await world.sandbox.wait_for(card_updated, what="card edited in place")
    assert len(world.sandbox.bot_messages(EDITORS_CHAT)) == 1  # edited, not re-sent
    report = await world.services.store.reports.get(1)
    assert report.text == "Shelling near the north bridge, 2 hurt"
    history = await world.services.store.audit.for_report(1)
    edit = next(entry for entry in history if entry.action == "report.contact_edit")
    assert edit.before == "Shelling near the bridge" and edit.actor == "Kirkuk-5"


async def test_long_text_is_kept_whole_and_split_cleanly_on_the_card(world: World) -> None:
    contact = await world.join("contact", "Kirkuk-6")
    paragraphs = [f"Paragraph {i}: " + "witness account continues. " * 12 for i in range(14)]
    text = "\n\n".join(paragraphs)[:4096].rstrip()
    assert len(text) > 4000
    world.sandbox.send_text(contact, text)
    card = await world.card_of("R-1")

    async def all_parts() -> list[dict]:  # type: ignore[type-arg]
        await world.sandbox.wait_for(
            lambda: len(world.sandbox.bot_messages(EDITORS_CHAT)) >= 2, what="continuation"
        )
        return world.sandbox.bot_messages(EDITORS_CHAT)

    parts = await all_parts()
    assert all(len(m["text"]) <= 4096 for m in parts)
    assert parts[1]["reply_to_message"]["message_id"] == card["message_id"]
    assert "continued (2/2)" in parts[1]["text"]
    assert (await world.services.store.reports.get(1)).text == text
    # Every word of the report is on the card, in order, none twice: the card's body and its
    # continuation, without their headers and the "…" that marks the cut, are the text.
    first = parts[0]["text"].split("\n\n", 1)[1].removesuffix(" …")
    rest = parts[1]["text"].split("\n\n", 1)[1]
    assert (first + " " + rest).split() == text.split()


async def test_duplicate_delivery_of_an_update_makes_one_report(world: World) -> None:
    contact = await world.join("contact", "Kirkuk-7")
    sent = world.sandbox.send_text(contact, "Checkpoint closed on the airport road")
    await world.card_of("R-1")
    world.sandbox.redeliver(sent["message_id"], contact)
    world.sandbox.send_text(contact, "Second report")
    await world.card_of("R-2")
    assert await world.services.store.reports.count() == 2
    acks = [m for m in world.sandbox.bot_messages(contact) if "Received" in m.get("text", "")]
    assert [a["text"][:22] for a in acks] == ["Received — report R-1.", "Received — report R-2."]


async def test_cards_wait_out_an_editors_chat_outage(world: World) -> None:
    world.services.courier.max_backoff = 0.2
    contact = await world.join("contact", "Kirkuk-8")
    world.sandbox.inject("sendMessage", 502, times=3)
    world.sandbox.send_text(contact, "Power cut across the east side")
    await world.card_of("R-1", timeout=15)
    cards = [m for m in world.sandbox.bot_messages(EDITORS_CHAT) if "reply_markup" in m]
    assert len(cards) == 1


async def test_a_corrupt_image_file_is_withheld_and_flagged(world: World) -> None:
    contact = await world.join("contact", "Kirkuk-9")
    world.sandbox.send_file(
        contact, "document", b"\xff\xd8\xff\xe0 not really a jpeg", mime_type="image/jpeg"
    )
    card = await world.card_of("R-1")
    assert "1 media item(s) could not be shown safely and are withheld" in card["text"]
    assert not world.sandbox.calls_of("sendPhoto")


async def test_cards_wait_while_the_bot_is_out_of_the_editors_chat(world: World) -> None:
    world.services.courier.max_backoff = 0.2
    contact = await world.join("contact", "Kirkuk-10")
    editors = world.sandbox.chats[EDITORS_CHAT]
    editors.members[world.sandbox.bot_id] = "left"
    world.sandbox.send_text(contact, "Report while the bot was removed")
    await world.sandbox.wait_for(
        lambda: any(
            c.method == "sendMessage" and c.params.get("chat_id") == str(EDITORS_CHAT)
            for c in world.sandbox.calls
        ),
        what="a refused attempt",
    )
    assert (await world.report(1)).card_state == "queued"
    editors.members[world.sandbox.bot_id] = "member"
    await world.card_of("R-1")
    await world.report(1, card_state="posted")


async def test_media_telegram_refuses_still_leaves_a_card(world: World) -> None:
    contact = await world.join("contact", "Kirkuk-11")
    world.sandbox.inject("sendVideo", 400)
    world.sandbox.send_file(contact, "video", b"\x00fake-mp4" * 50, caption="Convoy at dawn")
    card = await world.card_of("R-1")
    assert "Convoy at dawn" in card["text"]
    assert "1 media item(s) could not be shown safely" in card["text"]


async def test_an_acknowledgement_never_waits_behind_a_card_held_by_the_group_limit(
    sandbox: Sandbox, tmp_path: Path, start_relay: Callable[..., Any]
) -> None:
    # The editors chat at two messages a minute: after the first card, the next waits 30 s.
    settings = make_settings(sandbox, tmp_path / "relay.db", group_messages_per_minute=2)
    world = World(sandbox, await start_relay(settings))
    contact = await world.join("contact", "Kirkuk-30")
    sandbox.send_text(contact, "Smoke over the market")
    await world.card_of("R-1")
    await world.bot_says(contact, "report R-1")
    sandbox.send_text(contact, "Sirens in the north")  # its card now waits for the limit
    await world.bot_says(contact, "report R-2")
    sandbox.send_text(contact, "Road to the hospital is open")
    await world.bot_says(contact, "report R-3", timeout=5)
    cards = [m for m in sandbox.bot_messages(EDITORS_CHAT) if "Report R-" in m.get("text", "")]
    assert len(cards) == 1  # the second card is still waiting: the acknowledgement was not
