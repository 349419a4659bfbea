"""Whatever a frightened person (or anyone else) sends: a clear answer, nothing lost, nothing
stored that should not be. One table, each case with its reply and the database after it."""

from __future__ import annotations

import struct
import zlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import pytest

from bot import texts
from tests import samples
from tests.conftest import ADMIN, CHANNEL, EDITORS_CHAT, STRANGER, World
from tests.test_refusals import CASES as REFUSALS

MB = 1024 * 1024


def png_bomb(width: int = 60_000, height: int = 60_000) -> bytes:
    """A tiny file claiming a gigantic picture: decoding it would eat gigabytes."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


@dataclass(frozen=True)
class Case:
    """`act` does something as a user and returns (chat to read, message id it answers)."""

    act: Callable[[World, int], Awaitable[tuple[int, int]]]
    reply: str | None  # the start of the bot's answer there; None: no answer at all
    reports: int  # reports stored afterwards
    card: str | None = None  # text the report's card must show
    check: Callable[[World], Awaitable[None]] | None = None  # anything more to verify
    people: tuple[str, ...] = ("Kirkuk-1",)  # who is registered afterwards


def send(
    chat: str = "contact", **content: Any
) -> Callable[[World, int], Awaitable[tuple[int, int]]]:
    async def act(world: World, contact: int) -> tuple[int, int]:
        user = {"contact": contact, "stranger": STRANGER}[chat]
        message = world.sandbox.user_sends(user, **content)
        return user, message["message_id"]

    return act


def refusal(name: str) -> Callable[[World, int], Awaitable[tuple[int, int]]]:
    async def act(world: World, contact: int) -> tuple[int, int]:
        message = REFUSALS[name][0](world.sandbox, contact)
        return contact, message["message_id"]

    return act


async def revoked_contact(world: World, contact: int) -> tuple[int, int]:
    await world.ask(ADMIN, "/revoke Kirkuk-1")
    return contact, world.sandbox.send_text(contact, "am I still here?")["message_id"]


async def corrupt_jpeg(world: World, contact: int) -> tuple[int, int]:
    sent = world.sandbox.send_file(
        contact, "document", b"\xff\xd8\xff\xe0garbage", mime_type="image/jpeg"
    )
    return contact, sent["message_id"]


async def bomb(world: World, contact: int) -> tuple[int, int]:
    sent = world.sandbox.send_file(contact, "document", png_bomb(), mime_type="image/png")
    return contact, sent["message_id"]


async def huge_text(world: World, contact: int) -> tuple[int, int]:
    return contact, world.sandbox.send_text(contact, "word " * 2000)["message_id"]


async def kept_whole_and_split(world: World) -> None:
    assert len((await world.report(1)).text) == 10_000
    parts = await world.sandbox.wait_for(
        lambda: (
            world.sandbox.bot_messages(EDITORS_CHAT)
            if len(world.sandbox.bot_messages(EDITORS_CHAT)) >= 3
            else None
        ),
        what="the card and its continuations",
    )
    assert all(len(m["text"]) <= 4096 for m in parts)
    assert "continued (3/3)" in parts[-1]["text"]


async def rtl_text(world: World, contact: int) -> tuple[int, int]:
    return contact, world.sandbox.send_text(contact, RTL)["message_id"]


async def edit_published(world: World, contact: int) -> tuple[int, int]:
    sent = world.sandbox.send_text(contact, "original")
    await world.card_of("R-1")
    await world.press(ADMIN, 1, "now")
    await world.sandbox.wait_for(lambda: world.sandbox.bot_messages(CHANNEL))
    world.sandbox.edit_text(contact, sent["message_id"], "changed after publishing")
    return contact, sent["message_id"]


async def wrong_arguments(world: World, contact: int) -> tuple[int, int]:
    return ADMIN, world.sandbox.send_text(ADMIN, "/invite contact")["message_id"]


async def used_code(world: World, contact: int) -> tuple[int, int]:
    code = (await world.invite_link("contact", "Other-1")).split("start=")[1]
    await world.ask(STRANGER, f"/start {code}")
    world.sandbox.add_user(STRANGER + 1, "Second Stranger")
    return STRANGER + 1, world.sandbox.send_text(STRANGER + 1, f"/start {code}")["message_id"]


async def callback(world: World, contact: int, data: str) -> tuple[int, int]:
    world.sandbox.send_text(contact, "a report")
    card = await world.card_of("R-1")
    query = world.sandbox.press(ADMIN, EDITORS_CHAT, card["message_id"], data)
    answer = await world.sandbox.wait_for(lambda: world.sandbox.callback_answers.get(query))
    ANSWERS[id(world)] = answer["text"]
    return BUTTON_ANSWER, 0


async def random_group(world: World, contact: int) -> tuple[int, int]:
    world.sandbox.add_group(-100777, "Random group", {STRANGER: "member"})
    sent = world.sandbox.send_text(STRANGER, "hello bot", chat_id=-100777)
    await world.sandbox.wait_for(
        lambda: world.sandbox.chats[-100777].members[world.sandbox.bot_id] == "left"
    )
    return -100777, sent["message_id"]


async def channel_post(world: World, contact: int) -> tuple[int, int]:
    message = world.sandbox.new_message(CHANNEL, None, text="someone else's post")
    world.sandbox.push_update("channel_post", message)
    return CHANNEL, message["message_id"]


def file_as(
    what: str, kind: str = "document", mime: str | None = None, name: str | None = None
) -> Callable[[World, int], Awaitable[tuple[int, int]]]:
    """A real identifying file (tests/samples.py), sent claiming any kind, type or name."""

    async def act(world: World, contact: int) -> tuple[int, int]:
        makers: dict[str, Callable[[], bytes]] = {
            "PDF": samples.pdf, "DOCX": samples.docx, "MP4": samples.video,
            "OGG": samples.voice, "BOMB": lambda: png_bomb(9400, 9400),
            "JUNK": lambda: b"\x00\x01 not a known kind of file " * 10,
        }  # fmt: skip
        data = makers[what]() if what in makers else samples.image(what)
        sent = world.sandbox.send_file(contact, kind, data, mime_type=mime, file_name=name)
        return contact, sent["message_id"]

    return act


def press_as(user: str, data: str) -> Callable[[World, int], Awaitable[tuple[int, int]]]:
    """Someone presses a button with this callback data on the card of R-1."""

    async def act(world: World, contact: int) -> tuple[int, int]:
        presser = {"contact": contact, "stranger": STRANGER, "admin": ADMIN}[user]
        world.sandbox.send_text(contact, "a report")
        card = await world.card_of("R-1")
        query = world.sandbox.press(presser, EDITORS_CHAT, card["message_id"], data)
        answer = await world.sandbox.wait_for(lambda: world.sandbox.callback_answers.get(query))
        ANSWERS[id(world)] = answer["text"]
        return BUTTON_ANSWER, 0

    return act


def command(text: str, user: str = "contact") -> Callable[[World, int], Awaitable[tuple[int, int]]]:
    async def act(world: World, contact: int) -> tuple[int, int]:
        sender = {"contact": contact, "stranger": STRANGER, "admin": ADMIN}[user]
        return sender, world.sandbox.send_text(sender, text)["message_id"]

    return act


def send_big(size: int) -> Callable[[World, int], Awaitable[tuple[int, int]]]:
    async def act(world: World, contact: int) -> tuple[int, int]:
        sent = world.sandbox.send_file(contact, "document", b"d", declared_size=size)
        return contact, sent["message_id"]

    return act


def photo_with_caption(caption: str) -> Callable[[World, int], Awaitable[tuple[int, int]]]:
    async def act(world: World, contact: int) -> tuple[int, int]:
        return contact, world.sandbox.send_photo(contact, samples.image("JPEG"), caption)[
            "message_id"
        ]

    return act


async def edit_approved(world: World, contact: int) -> tuple[int, int]:
    sent = world.sandbox.send_text(contact, "original words")
    await world.card_of("R-1")
    await world.press(ADMIN, 1, "approve")
    world.sandbox.edit_text(contact, sent["message_id"], "FALSE: evacuate the city now")
    return contact, sent["message_id"]


async def note_to_editors(world: World) -> None:
    await world.bot_says(EDITORS_CHAT, "edited R-1 after it was approved")
    assert (await world.report(1)).text == "original words"


async def edit_seen_card(world: World, contact: int) -> tuple[int, int]:
    sent = world.sandbox.send_text(contact, "original words")
    card = await world.card_of("R-1")
    world.sandbox.edit_text(contact, sent["message_id"], "FALSE: evacuate the city now")
    await world.bot_says(contact, "Updated — report R-1", after=sent["message_id"])
    query = world.sandbox.press(ADMIN, EDITORS_CHAT, card["message_id"], "v2:now:1:1")
    answer = await world.sandbox.wait_for(lambda: world.sandbox.callback_answers.get(query))
    ANSWERS[id(world)] = answer["text"]
    return BUTTON_ANSWER, 0


async def withdraw_other(world: World, contact: int) -> tuple[int, int]:
    other = await world.join("contact", "Kirkuk-2")
    world.sandbox.send_text(other, "theirs")
    await world.card_of("R-1")
    return contact, world.sandbox.send_text(contact, "/withdraw R-1")["message_id"]


async def stranger_edit(world: World, contact: int) -> tuple[int, int]:
    sent = world.sandbox.send_text(STRANGER, "hello")
    await world.bot_says(STRANGER, texts.NOT_INVITED)
    world.sandbox.edit_text(STRANGER, sent["message_id"], "edited hello")
    return STRANGER, sent["message_id"]


async def answered_once(world: World) -> None:
    await world.sync()
    assert len(world.sandbox.bot_messages(STRANGER)) == 1


async def not_editor_in_group(world: World, contact: int) -> tuple[int, int]:
    world.sandbox.chats[EDITORS_CHAT].members[STRANGER] = "member"
    return EDITORS_CHAT, world.sandbox.send_text(STRANGER, "/queue", chat_id=EDITORS_CHAT)[
        "message_id"
    ]


async def not_published(world: World) -> None:
    await world.sync()
    assert world.sandbox.bot_messages(CHANNEL) == []


def card_shows_cleaned(*words: str) -> Callable[[World], Awaitable[None]]:
    async def check(world: World) -> None:
        card = await world.card_shows(1, "🧼 Cleaned by the bot")
        for word in words:
            assert word in card["text"], (word, card["text"])

    return check


# Presses are answered in a pop-up, not in a chat: the table reads those answers here.
BUTTON_ANSWER = 0
ANSWERS: dict[int, str] = {}

RTL = "قصف قرب السوق 🚨 — ئەمە ڕاپۆرتێکە لە کەرکووک 🙏"

TABLE: dict[str, Case] = {
    "unknown sender": Case(send("stranger", text="hi"), texts.NOT_INVITED, 0),
    "unknown sender's photo": Case(
        send(
            "stranger",
            caption="x",
            photo=[{"file_id": "f", "file_unique_id": "u", "width": 1, "height": 1}],
        ),
        texts.NOT_INVITED,
        0,
    ),
    "revoked contact": Case(revoked_contact, texts.NOT_INVITED, 0, people=()),
    "sticker": Case(refusal("sticker"), texts.REFUSED_STICKER, 0),
    "location": Case(refusal("location"), texts.REFUSED_LOCATION, 0),
    "venue": Case(refusal("venue"), texts.REFUSED_LOCATION, 0),
    "poll": Case(refusal("poll"), texts.REFUSED_POLL, 0),
    "contact card": Case(refusal("contact card"), texts.REFUSED_CONTACT, 0),
    "dice": Case(refusal("dice"), texts.REFUSED_DICE, 0),
    "video note": Case(refusal("video note"), texts.REFUSED_UNSUPPORTED, 0),
    "60 MB file": Case(refusal("60 MB video"), "This file is too big (60 MB)", 0),
    "0-byte file": Case(refusal("0-byte file"), texts.REFUSED_EMPTY_FILE, 0),
    "whitespace-only text": Case(refusal("whitespace-only text"), texts.REFUSED_EMPTY, 0),
    "voice note": Case(
        send(voice={"file_id": "v1", "file_unique_id": "uv1", "duration": 3}),
        "Received — report R-1",
        1,
        card="Media: 1 voice",
    ),
    "corrupt JPEG as a document": Case(
        corrupt_jpeg, "Received — report R-1", 1, card="could not be shown safely"
    ),
    "PNG bomb as a document": Case(
        bomb, "Received — report R-1", 1, card="could not be shown safely"
    ),
    "10,000-character text": Case(
        huge_text, "Received — report R-1", 1, check=kept_whole_and_split
    ),
    "Arabic and Kurdish with emoji": Case(rtl_text, "Received — report R-1", 1, card=RTL),
    "forwarded message": Case(
        send(
            text="forwarded warning",
            forward_origin={
                "type": "hidden_user",
                "date": 1,
                "sender_user_name": "Original Author",
            },
        ),
        "Received — report R-1",
        1,
        card="Forwarded from a hidden account — not first-hand",
    ),
    "edit of a published report": Case(edit_published, "Report R-1 has already been reviewed", 1),
    "forged callback data": Case(
        lambda w, c: callback(w, c, "v1:approve:99999"), texts.BUTTON_UNKNOWN_REPORT, 1
    ),
    "oversized callback data": Case(
        lambda w, c: callback(w, c, "v1:approve:" + "1" * 80), texts.BUTTON_NOT_UNDERSTOOD, 1
    ),
    "old callback version": Case(
        lambda w, c: callback(w, c, "v0:approve:1"), texts.BUTTON_NOT_UNDERSTOOD, 1
    ),
    "command with wrong arguments": Case(wrong_arguments, texts.INVITE_USAGE, 0),
    "unknown command": Case(refusal("unknown command"), texts.UNKNOWN_COMMAND, 0),
    "/start with a used code": Case(
        used_code, texts.INVITE_USED, 0, people=("Kirkuk-1", "Other-1")
    ),
    "/start with a made-up code": Case(
        send(
            "stranger",
            text="/start abcdef",
            entities=[{"type": "bot_command", "offset": 0, "length": 6}],
        ),
        texts.INVITE_UNKNOWN,
        0,
    ),
    "JPEG claiming to be a PDF": Case(
        file_as("JPEG", mime="application/pdf", name="report.pdf"),
        "Received — report R-1",
        1,
        check=card_shows_cleaned("1 photo", "GPS location"),
    ),
    "PDF claiming to be a JPEG": Case(
        file_as("PDF", mime="image/jpeg", name="roof.jpg"),
        "Received — report R-1",
        1,
        check=card_shows_cleaned("1 document", "author"),
    ),
    "JPEG as application/octet-stream": Case(
        file_as("JPEG", mime="application/octet-stream", name="Ahmed_Hassan_roof.jpg"),
        "Received — report R-1",
        1,
        check=card_shows_cleaned("GPS location"),
    ),
    "HEIC sent as a file": Case(
        file_as("HEIF", mime="image/heic", name="IMG_0001.HEIC"),
        "Received — report R-1",
        1,
        check=card_shows_cleaned("GPS location"),
    ),
    "TIFF with a camera and an artist": Case(
        file_as("TIFF", mime="image/tiff"),
        "Received — report R-1",
        1,
        check=card_shows_cleaned("author", "camera make and model"),
    ),
    "GIF with a comment": Case(
        file_as("GIF", mime="image/gif"),
        "Received — report R-1",
        1,
        check=card_shows_cleaned("comment"),
    ),
    "WebP with GPS": Case(
        file_as("WEBP", mime="image/webp"),
        "Received — report R-1",
        1,
        check=card_shows_cleaned("GPS location"),
    ),
    "PNG with GPS": Case(
        file_as("PNG", mime="image/png"),
        "Received — report R-1",
        1,
        check=card_shows_cleaned("GPS location"),
    ),
    "Word document with its author": Case(
        file_as("DOCX", name="list.docx"),
        "Received — report R-1",
        1,
        check=card_shows_cleaned("1 document"),
    ),
    "video with GPS": Case(
        file_as("MP4", kind="video", mime="video/mp4"),
        "Received — report R-1",
        1,
        check=card_shows_cleaned("GPS location"),
    ),
    "voice note with a name tag": Case(
        file_as("OGG", kind="voice", mime="audio/ogg"),
        "Received — report R-1",
        1,
        card="A voice identifies its speaker",
    ),
    "9400×9400 PNG": Case(
        file_as("BOMB", mime="image/png"),
        "Received — report R-1",
        1,
        card="could not be shown safely",
    ),
    "file of no known kind": Case(
        file_as("JUNK", name="notes.xyz"),
        "Received — report R-1",
        1,
        card="Not cleaned",
    ),
    "20 MB and one byte": Case(
        send_big(20 * MB + 1),
        "This file is too big (20 MB)",
        0,
    ),
    "control characters in a text": Case(
        send(text="Smoke\x0b over\x1b[31m the\x08 bridge\ufffe"),
        "Received — report R-1",
        1,
        card="Smoke",
    ),
    "right-to-left override in a text": Case(
        send(text="\u202egnidliub eht\u202c near the bridge"),
        "Received — report R-1",
        1,
        card="near the bridge",
    ),
    "HTML in a text": Case(
        send(text="<b>bold?</b> <script>x</script> & more"),
        "Received — report R-1",
        1,
        card="<script>x</script> & more",
    ),
    "text of exactly 4,096 characters": Case(
        send(text="x" * 4096),
        "Received — report R-1",
        1,
    ),
    "photo caption with control characters": Case(
        photo_with_caption("roof\x1b\x0b from my window"),
        "Received — report R-1",
        1,
        card="from my window",
    ),
    "press from a stranger": Case(
        press_as("stranger", "v2:now:1:1"), texts.ONLY_EDITORS, 1, check=not_published
    ),
    "press from a contact on a card": Case(
        press_as("contact", "v2:now:1:1"), texts.ONLY_EDITORS, 1, check=not_published
    ),
    "press on a card its report changed since": Case(
        edit_seen_card, "R-1 changed since this card", 1, check=not_published
    ),
    "press with a version from the future": Case(
        press_as("admin", "v2:now:1:99"), "R-1 changed since this card", 1, check=not_published
    ),
    "press with a superscript digit": Case(
        press_as("admin", "v1:approve:²"), texts.BUTTON_NOT_UNDERSTOOD, 1, check=not_published
    ),
    "press with a negative id": Case(
        press_as("admin", "v1:approve:-1"), texts.BUTTON_NOT_UNDERSTOOD, 1, check=not_published
    ),
    "press with a field too many": Case(
        press_as("admin", "v2:now:1:1:1"), texts.BUTTON_NOT_UNDERSTOOD, 1, check=not_published
    ),
    "edit after approval": Case(
        edit_approved, "Report R-1 has already been reviewed", 1, check=note_to_editors
    ),
    "/withdraw of someone else's report": Case(
        withdraw_other,
        "There is no report R-1 of yours.",
        1,
        people=("Kirkuk-1", "Kirkuk-2"),
    ),
    "/withdraw with no report": Case(command("/withdraw"), texts.WITHDRAW_USAGE, 0),
    "/withdraw of a report that does not exist": Case(
        command("/withdraw R-99999"), "There is no report R-99999 of yours.", 0
    ),
    "/invite from a contact": Case(command("/invite contact X-1"), texts.ONLY_ADMINS, 0),
    "/invite with a 200-character pseudonym": Case(
        command("/invite contact " + "K" * 200, "admin"), texts.INVITE_BAD_PSEUDONYM[:30], 0
    ),
    "/revoke of nobody": Case(
        command("/revoke Nobody-9", "admin"), "No active person is called Nobody-9.", 0
    ),
    "/start with a 300-character code": Case(
        command("/start " + "a" * 300, "stranger"), texts.INVITE_UNKNOWN, 0
    ),
    "/start with an emoji code": Case(
        command("/start 🔑🔑🔑", "stranger"), texts.INVITE_UNKNOWN, 0
    ),
    "stranger's sticker": Case(
        send(
            "stranger",
            sticker={
                "file_id": "s",
                "file_unique_id": "s1",
                "type": "regular",
                "width": 1,
                "height": 1,
                "is_animated": False,
                "is_video": False,
            },
        ),
        texts.NOT_INVITED,
        0,
    ),
    "stranger's edit": Case(stranger_edit, texts.NOT_INVITED, 0, check=answered_once),
    "a non-editor in the editors chat": Case(not_editor_in_group, None, 0),
    "message in a random group": Case(random_group, None, 0),
    "post in a channel": Case(channel_post, None, 0),
}


@pytest.mark.parametrize("name", list(TABLE))
async def test_bad_input(world: World, name: str) -> None:
    case = TABLE[name]
    contact = await world.join("contact", "Kirkuk-1")
    chat, answered = await case.act(world, contact)
    if chat == BUTTON_ANSWER:
        assert case.reply is not None and ANSWERS.pop(id(world)).startswith(case.reply)
    elif case.reply is not None:
        reply = await world.bot_says(chat, case.reply.split("{")[0], after=answered)
        assert reply["text"].startswith(case.reply.split("{")[0])
    else:
        await world.sync()
        sends = [
            call.method
            for call in world.sandbox.calls
            if str(call.params.get("chat_id")) == str(chat)
            and call.method.lower().startswith(("send", "copy", "forward"))
        ]
        assert sends == []  # the bot says nothing there (and leaves a group it was put in)
    if case.card is not None:
        await world.card_shows(1, case.card)
    if case.check is not None:
        await case.check(world)
    await world.sync()
    assert await world.services.store.reports.count() == case.reports
    people = await world.services.store.people.all()
    assert tuple(sorted(p.pseudonym for p in people if p.status == "active")) == case.people
    # Nothing of the strangers involved was kept.
    async with world.services.store.db.read() as conn:
        dump = "\n".join([line async for line in conn.iterdump()])
    assert "Curious Stranger" not in dump and "Second Stranger" not in dump
    assert "Real Name" not in dump


def test_the_table_covers_at_least_60_cases() -> None:
    assert len(TABLE) >= 60
