"""The acts of the bad-input table (tests/bad_inputs.py): what a frightened person, a careless
phone or a hostile stranger does, each returning the chat to read the answer in."""

from __future__ import annotations

import struct
import zlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from bot import texts
from tests import samples
from tests.conftest import ADMIN, CHANNEL, EDITORS_CHAT, STRANGER, World
from tests.test_refusals import CASES as REFUSALS

MB = 1024 * 1024
RTL = "قصف قرب السوق 🚨 — ئەمە ڕاپۆرتێکە لە کەرکووک 🙏"


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
