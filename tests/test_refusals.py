"""Bad input from contacts gets a clear reply and nothing is stored."""

from __future__ import annotations

from typing import Any

import pytest

from bot import texts
from sandbox import Sandbox
from tests.conftest import EDITORS_CHAT, World

MB = 1024 * 1024


def _sticker(sandbox: Sandbox, user: int) -> dict[str, Any]:
    sticker = {
        "file_id": "sticker-1",
        "file_unique_id": "s1",
        "type": "regular",
        "width": 512,
        "height": 512,
        "is_animated": False,
        "is_video": False,
    }
    return sandbox.user_sends(user, sticker=sticker)


def _poll(sandbox: Sandbox, user: int) -> dict[str, Any]:
    poll = {
        "id": "p1",
        "persistent_id": "pp1",
        "question": "Is it safe?",
        "options": [
            {"persistent_id": "o1", "text": "yes", "voter_count": 0},
            {"persistent_id": "o2", "text": "no", "voter_count": 0},
        ],
        "total_voter_count": 0,
        "is_closed": False,
        "is_anonymous": True,
        "type": "regular",
        "allows_multiple_answers": False,
        "allows_revoting": False,
        "members_only": False,
    }
    return sandbox.user_sends(user, poll=poll)


CASES = {
    "sticker": (_sticker, texts.REFUSED_STICKER),
    "poll": (_poll, texts.REFUSED_POLL),
    "contact card": (
        lambda s, u: s.user_sends(u, contact={"phone_number": "+964000", "first_name": "Ali"}),
        texts.REFUSED_CONTACT,
    ),
    "location": (
        lambda s, u: s.user_sends(u, location={"latitude": 35.46, "longitude": 44.39}),
        texts.REFUSED_LOCATION,
    ),
    "venue": (
        lambda s, u: s.user_sends(
            u,
            venue={
                "location": {"latitude": 35.46, "longitude": 44.39},
                "title": "Market",
                "address": "Main st",
            },
        ),
        texts.REFUSED_LOCATION,
    ),
    "dice": (lambda s, u: s.user_sends(u, dice={"emoji": "🎲", "value": 3}), texts.REFUSED_DICE),
    "video note": (
        lambda s, u: s.send_file(u, "video_note", b"v" * 100),
        texts.REFUSED_UNSUPPORTED,
    ),
    "60 MB video": (
        lambda s, u: s.send_file(u, "video", b"v" * 100, declared_size=60 * MB),
        texts.REFUSED_TOO_BIG.format(size_mb=60, limit_mb=20),
    ),
    "21 MB document": (
        lambda s, u: s.send_file(
            u, "document", b"d", declared_size=21 * MB, mime_type="application/pdf"
        ),
        texts.REFUSED_TOO_BIG.format(size_mb=21, limit_mb=20),
    ),
    "0-byte file": (
        lambda s, u: s.send_file(u, "document", b"", mime_type="application/pdf"),
        texts.REFUSED_EMPTY_FILE,
    ),
    "whitespace-only text": (lambda s, u: s.send_text(u, "   \n\t  "), texts.REFUSED_EMPTY),
    "unknown command": (lambda s, u: s.send_text(u, "/frobnicate now"), texts.UNKNOWN_COMMAND),
    "admin command from a contact": (
        lambda s, u: s.send_text(u, "/invite contact Someone"),
        texts.ONLY_ADMINS,
    ),
}


@pytest.mark.parametrize("case", list(CASES))
async def test_refused_input_gets_a_clear_reply_and_stores_nothing(world: World, case: str) -> None:
    contact = await world.join("contact", "Kirkuk-1")
    send, expected = CASES[case]
    sent = send(world.sandbox, contact)
    reply = await world.bot_says(contact, after=sent["message_id"])
    assert reply["text"] == expected
    assert reply["reply_to_message"]["message_id"] == sent["message_id"]
    # A real report afterwards is R-1: the refused message took no number and left no card.
    world.sandbox.send_text(contact, "A real report")
    await world.card_of("R-1")
    assert await world.services.store.reports.count() == 1
    assert len(world.sandbox.bot_messages(EDITORS_CHAT)) == 1


async def test_file_size_is_checked_before_any_download(world: World) -> None:
    contact = await world.join("contact", "Kirkuk-2")
    sent = world.sandbox.send_file(
        contact, "document", b"x", declared_size=60 * MB, mime_type="image/jpeg"
    )
    await world.bot_says(contact, "too big", after=sent["message_id"])
    assert world.sandbox.calls_of("getFile") == []


async def test_right_to_left_text_with_emoji_is_kept_intact(world: World) -> None:
    contact = await world.join("contact", "Hawler-1")
    text = "قصف قرب السوق 🚨 — ئەمە ڕاپۆرتێکە لە کەرکووک 🙏"
    world.sandbox.send_text(contact, text)
    card = await world.card_of("R-1")
    assert text in card["text"]
    assert (await world.services.store.reports.get(1)).text == text


async def test_forwarded_message_hides_its_origin_from_editors(world: World) -> None:
    contact = await world.join("contact", "Kirkuk-3")
    origin = {
        "type": "user",
        "date": 1_700_000_000,
        "sender_user": {"id": 777, "is_bot": False, "first_name": "Original Author"},
    }
    world.sandbox.send_text(contact, "Forwarded warning: avoid route 4", forward_origin=origin)
    card = await world.card_of("R-1")
    assert "Forwarded from another person's account — not first-hand" in card["text"]
    assert "Original Author" not in world.sandbox.transcript(EDITORS_CHAT)
    assert (await world.services.store.reports.get(1)).forwarded
