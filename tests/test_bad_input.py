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
        card="forwarded by the contact",
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


def test_the_table_covers_at_least_25_cases() -> None:
    assert len(TABLE) >= 25
