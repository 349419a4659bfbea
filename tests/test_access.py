"""Who may do what: strangers, the editors chat, other groups, buttons."""

from __future__ import annotations

import pytest

from bot import texts
from tests.conftest import ADMIN, CHANNEL, EDITORS_CHAT, STRANGER, World


async def _tables(world: World) -> dict[str, int]:
    counts = {}
    for table in ("people", "invites", "reports", "report_media", "audit_log", "inbox"):
        row = await world.services.store.db.fetchrow(f"SELECT COUNT(*) FROM {table}")
        counts[table] = row[0]
    return counts


async def test_unknown_sender_gets_one_polite_line_and_nothing_is_stored(world: World) -> None:
    before = await _tables(world)
    first = world.sandbox.send_text(STRANGER, "hello, who are you?")
    world.sandbox.send_text(STRANGER, "/start")
    world.sandbox.send_file(STRANGER, "voice", b"OggS" * 10)
    reply = await world.bot_says(STRANGER, after=first["message_id"])
    assert reply["text"] == texts.NOT_INVITED
    await world.sync()
    # One polite line an hour, however many messages: the rest get silence.
    assert [m["text"] for m in world.sandbox.bot_messages(STRANGER)] == [texts.NOT_INVITED]
    await world.eventually(lambda: _inbox_empty(world), what="inbox emptied after handling")
    assert await _tables(world) == before
    assert world.sandbox.bot_messages(EDITORS_CHAT) == []
    dump = "\n".join([line async for line in _iterdump(world)])
    assert "Curious Stranger" not in dump and "hello, who are you" not in dump


async def _inbox_empty(world: World) -> bool:
    row = await world.services.store.db.fetchrow("SELECT COUNT(*) FROM inbox")
    return bool(row[0] == 0)


async def _iterdump(world: World):  # type: ignore[no-untyped-def]
    async with world.services.store.db.read() as conn:
        async for line in conn.iterdump():
            yield line


async def test_stranger_with_a_bad_invite_code_is_refused_and_not_stored(world: World) -> None:
    reply = await world.ask(STRANGER, "/start not-a-real-code", "")
    assert reply == texts.INVITE_UNKNOWN
    assert (await _tables(world))["people"] == 0


async def test_non_editor_pressing_a_card_button_is_refused_and_audited(world: World) -> None:
    contact = await world.join("contact", "Kirkuk-1")
    world.sandbox.send_text(contact, "Report")
    card = await world.card_of("R-1")
    world.sandbox.chats[EDITORS_CHAT].members[STRANGER] = "member"
    query = world.sandbox.press(STRANGER, EDITORS_CHAT, card["message_id"], "v1:approve:1")
    answer = await world.sandbox.wait_for(lambda: world.sandbox.callback_answers.get(query))
    assert answer == {"text": texts.ONLY_EDITORS, "show_alert": True}
    assert (await world.report(1)).status == "pending"
    entries = await world.services.store.audit.recent()
    assert entries[0].action == "refused.not_editor" and entries[0].detail == "v1:approve:1"


async def test_a_contact_forging_a_decision_button_in_their_own_chat_is_refused_and_audited(
    world: World,
) -> None:
    contact = await world.join("contact", "Kirkuk-1")
    sent = world.sandbox.send_text(contact, "My own report, which I would like published")
    await world.card_of("R-1")
    for data in ("v1:approve:1", "v1:now:1", "v1:reject:1"):
        query = world.sandbox.press(contact, contact, sent["message_id"], data)
        answer = await world.sandbox.wait_for(lambda q=query: world.sandbox.callback_answers.get(q))  # type: ignore[misc]  # a lambda binding a loop variable
        assert answer == {"text": texts.ONLY_EDITORS, "show_alert": True}
    assert (await world.report(1)).status == "pending"
    entries = await world.services.store.audit.recent()
    assert [e.action for e in entries[:3]] == ["refused.not_editor"] * 3
    assert entries[0].detail == "v1:reject:1"


async def test_messages_from_non_editors_in_the_editors_chat_are_ignored(world: World) -> None:
    world.sandbox.chats[EDITORS_CHAT].members[STRANGER] = "member"
    # Commands the bot answers for editors in this chat: for anyone else, nothing happens.
    world.sandbox.send_text(STRANGER, "/queue", chat_id=EDITORS_CHAT)
    world.sandbox.send_text(STRANGER, "/story new Hijacked | Not ours", chat_id=EDITORS_CHAT)
    world.sandbox.send_text(STRANGER, "/write\nA fake update", chat_id=EDITORS_CHAT)
    world.sandbox.send_text(STRANGER, "anyone here?", chat_id=EDITORS_CHAT)
    await world.sync()
    assert world.sandbox.bot_messages(EDITORS_CHAT) == []
    assert await world.services.store.stories.current() is None
    assert (await _tables(world))["reports"] == 0


async def test_bot_leaves_any_other_group_it_is_added_to(world: World) -> None:
    world.sandbox.add_group(-100777, "Random group", {STRANGER: "member"})
    world.sandbox.send_text(STRANGER, "hi bot", chat_id=-100777)
    await world.sandbox.wait_for(
        lambda: world.sandbox.chats[-100777].members[world.sandbox.bot_id] == "left",
        what="the bot leaving",
    )
    assert world.sandbox.bot_messages(-100777) == []


async def test_channel_posts_are_ignored(world: World) -> None:
    world.sandbox.new_message(CHANNEL, None, text="UPDATE #1 ...")
    world.sandbox.push_update("channel_post", world.sandbox.chat_messages(CHANNEL)[-1])
    await world.sync()
    assert world.sandbox.calls_of("leaveChat") == []


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("v2:approve:1", texts.BUTTON_NOT_UNDERSTOOD),
        ("v1:explode:1", texts.BUTTON_NOT_UNDERSTOOD),
        ("v1:approve:abc", texts.BUTTON_NOT_UNDERSTOOD),
        ("v1:approve:" + "9" * 60, texts.BUTTON_NOT_UNDERSTOOD),
        ("garbage", texts.BUTTON_NOT_UNDERSTOOD),
        ("v1:approve:999", texts.BUTTON_UNKNOWN_REPORT),
        ("v1:withdraw:1", texts.BUTTON_NOT_UNDERSTOOD),
    ],
)
async def test_every_button_press_is_answered_and_forged_data_changes_nothing(
    world: World, data: str, expected: str
) -> None:
    contact = await world.join("contact", "Kirkuk-2")
    world.sandbox.send_text(contact, "Report")
    card = await world.card_of("R-1")
    query = world.sandbox.press(ADMIN, EDITORS_CHAT, card["message_id"], data)
    answer = await world.sandbox.wait_for(lambda: world.sandbox.callback_answers.get(query))
    assert answer["text"] == expected
    report = await world.report(1)
    assert report.status == "pending" and report.label == "unconfirmed"
