"""Trust at the edges: what an editor approves is what their card showed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sandbox import Sandbox, image_bytes
from tests.conftest import ADMIN, CHANNEL, EDITORS_CHAT, World, button_data, make_settings

FALSE = "FALSE: the dam has burst, evacuate the city now"


async def _press_on(
    world: World, message: dict[str, Any], action: str, report_id: int, data: str
) -> str:
    query = world.sandbox.press(ADMIN, EDITORS_CHAT, message["message_id"], data)
    answer = await world.sandbox.wait_for(
        lambda: world.sandbox.callback_answers.get(query), what=f"answer to {action}"
    )
    return str(answer["text"])


async def test_a_press_on_a_card_older_than_the_report_is_refused_with_the_new_text(
    world: World,
) -> None:
    contact = await world.join("contact", "Kirkuk-1")
    sent = world.sandbox.send_text(contact, "Smoke over the north bridge")
    card = await world.card_of("R-1")
    seen = button_data(card, "now", 1)  # the button as the editor's card shows it now
    # The contact edits before the card could be refreshed; the editor presses what they saw.
    world.sandbox.edit_text(contact, sent["message_id"], FALSE)
    await world.bot_says(contact, "Updated — report R-1", after=sent["message_id"])
    answer = await _press_on(world, card, "now", 1, seen)
    assert answer.startswith("R-1 changed since this card — here it is now")
    assert "the dam has burst" in answer
    report = await world.services.store.reports.get(1)
    assert report.status == "pending" and report.version == 2
    await world.sync()
    assert world.sandbox.bot_messages(CHANNEL) == []
    # The card shows the new text with buttons for it; pressing those publishes it.
    await world.card_shows(1, "the dam has burst")
    assert await world.press(ADMIN, 1, "now") != answer
    post = await world.sandbox.wait_for(lambda: world.sandbox.bot_messages(CHANNEL))
    assert "the dam has burst" in post[-1]["text"]


async def test_the_queue_message_s_buttons_carry_the_version_too(world: World) -> None:
    contact = await world.join("contact", "Kirkuk-1")
    sent = world.sandbox.send_text(contact, "Shots near the market")
    await world.card_of("R-1")
    from bot.review.queue import report_buttons  # the queue message's buttons

    report = await world.services.store.reports.get(1)
    approve = next(b for b in report_buttons(report) if ":approve:" in b.data)
    world.sandbox.edit_text(contact, sent["message_id"], "Shots near the market, 3 hurt")
    await world.bot_says(contact, "Updated — report R-1", after=sent["message_id"])
    card = await world.card_message(1)
    answer = await _press_on(world, card, "approve", 1, approve.data)
    assert answer.startswith("R-1 changed since this card")
    assert (await world.services.store.reports.get(1)).status == "pending"


async def test_an_edit_after_approval_never_changes_what_goes_out_and_editors_see_it(
    world: World,
) -> None:
    contact = await world.join("contact", "Kirkuk-1")
    sent = world.sandbox.send_text(contact, "Checkpoint closed at the south gate")
    await world.card_of("R-1")
    await world.press(ADMIN, 1, "approve")
    world.sandbox.edit_text(contact, sent["message_id"], FALSE)
    reply = await world.bot_says(contact, "Report R-1 has already been reviewed")
    assert "not applied" in reply["text"]
    note = await world.bot_says(EDITORS_CHAT, "edited R-1 after it was approved")
    assert FALSE in note["text"] and "NOT applied" in note["text"]
    card = await world.card_message(1)
    assert note["reply_to_message"]["message_id"] == card["message_id"]
    await world.press(ADMIN, 1, "now")
    post = await world.sandbox.wait_for(lambda: world.sandbox.bot_messages(CHANNEL))
    assert "south gate" in post[-1]["text"] and "dam" not in post[-1]["text"]
    assert (await world.services.store.reports.get(1)).text.startswith("Checkpoint")


async def test_an_editor_s_edit_makes_other_editors_cards_out_of_date_too(world: World) -> None:
    contact = await world.join("contact", "Kirkuk-1")
    world.sandbox.send_text(contact, "Gunfire near the citadel")
    card = await world.card_of("R-1")
    seen = button_data(card, "approve", 1)
    await world.press(ADMIN, 1, "edit")
    prompt = await world.bot_says(EDITORS_CHAT, "reply to this message with the corrected text")
    world.sandbox.send_text(
        ADMIN, "Gunfire near the citadel, unverified", chat_id=EDITORS_CHAT, reply_to_message=prompt
    )
    await world.bot_says(EDITORS_CHAT, "R-1 updated by")
    answer = await _press_on(world, card, "approve", 1, seen)
    assert answer.startswith("R-1 changed since this card") and "unverified" in answer
    assert (await world.services.store.reports.get(1)).status == "pending"
    await world.card_shows(1, "unverified")
    assert "Approved" in await world.press(ADMIN, 1, "approve")


# --------------------------------------------------------------------- only registered people


def disk(world: World) -> bytes:
    """Everything the database holds on disk now: the file and its WAL."""
    path: Path = world.services.settings.database_path
    wal = path.with_name(path.name + "-wal")
    return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


async def test_a_stranger_is_answered_from_memory_and_never_written(world: World) -> None:
    from tests.conftest import STRANGER

    reply = await world.ask(STRANGER, "I am Zainab from Palm Street, let me in", "")
    assert "only takes reports from invited contacts" in reply
    # One who blocked the bot: the refusal fails with 403, and still nothing is kept.
    world.sandbox.inject("sendMessage", 403, chat_id=STRANGER)
    world.sandbox.send_text(STRANGER, "Blocked-Bot-Text-4711")
    await world.sync()
    await world.services.store.db.flush()
    assert await world.services.store.dead_letters.all() == []
    stored = disk(world)
    for trace in (b"Zainab", b"Blocked-Bot-Text", b"Curious Stranger", b'"stranger"'):
        assert trace not in stored, trace
    assert str(STRANGER).encode() not in stored


async def test_a_failed_update_is_kept_without_anyone_s_telegram_name(world: World) -> None:
    contact = await world.join("contact", "Kirkuk-1")
    # The contact's sticker is refused, and that refusal is refused by Telegram (a 400).
    world.sandbox.inject("sendMessage", 400, chat_id=contact)
    world.sandbox.user_sends(contact, sticker={"file_id": "s1", "file_unique_id": "u1",
                             "type": "regular", "width": 1, "height": 1,
                             "is_animated": False, "is_video": False})  # fmt: skip
    letters = await world.eventually(world.services.store.dead_letters.all, what="a dead letter")
    payload = letters[0].payload
    assert '"sticker"' in payload and str(contact) in payload  # what a replay needs
    assert "Real Name" not in payload and "realuser" not in payload
    await world.services.store.db.flush()
    stored = disk(world)
    assert b"Real Name" not in stored and b"realuser" not in stored


async def test_after_a_wipe_the_raw_updates_leave_the_disk(world: World) -> None:
    contact = await world.join("contact", "Kirkuk-1")
    world.sandbox.send_text(contact, "Kept-as-a-report-only")
    await world.card_of("R-1")
    await world.services.store.db.flush()
    assert b'"text":"Kept-as-a-report-only"' in disk(world)  # the raw update, handled
    await world.ask(contact, "/wipe", "")
    await world.sync()
    stored = disk(world)
    assert stored.count(b"Kept-as-a-report-only") >= 1  # the report itself stays
    assert b'"text":"Kept-as-a-report-only"' not in stored  # its raw update does not


# --------------------------------------------------------------------- no poison pill


async def test_a_card_that_fails_the_same_way_is_set_aside_and_the_rest_go_on(
    sandbox: Sandbox, tmp_path: Path, start_relay: Any
) -> None:
    """New cards are posted newest first: one that always fails once held every older
    report back from the editors."""
    settings = make_settings(sandbox, tmp_path / "relay.db", work_retries=3)
    world = World(sandbox, await start_relay(settings))
    contact = await world.join("contact", "Kirkuk-1")
    desk = world.services.courier
    await desk.stop()  # the cards wait while the database is made to refuse R-2's photo
    world.sandbox.send_text(contact, "First report")
    world.sandbox.send_photo(contact, image_bytes(), caption="Second report")
    await world.report(2, status="pending")
    await world.services.store.db.execute(
        "CREATE TRIGGER poison BEFORE UPDATE ON report_media WHEN OLD.report_id = 2"
        " BEGIN SELECT RAISE(ABORT, 'this row cannot be written'); END"
    )
    await desk.start()
    await world.card_of("R-1", timeout=30)
    assert (await world.services.store.reports.get(2)).card_state == "failed"
    told = await world.bot_says(ADMIN, "the card of R-2 failed 3 times the same way")
    assert "set aside" in told["text"]
    world.sandbox.send_text(contact, "Third report")
    await world.card_of("R-3")
    await world.desk_idle()
    notices = [m for m in world.sandbox.bot_messages(ADMIN) if "set aside" in m["text"]]
    assert len(notices) == 1


async def test_a_post_the_bot_fails_on_is_put_to_editors_and_the_channel_goes_on(
    world: World,
) -> None:
    contact = await world.join("contact", "Kirkuk-1")
    desk = world.services.courier
    await desk.stop()  # no card yet: the photo is first cleaned when it is published
    world.sandbox.send_photo(contact, image_bytes(), caption="Roof")
    await world.report(1, status="pending")
    await world.services.store.db.execute(
        "CREATE TRIGGER poison BEFORE UPDATE ON report_media WHEN OLD.report_id = 1"
        " BEGIN SELECT RAISE(ABORT, 'this row cannot be written'); END"
    )
    # Pressed on a queue message (no card was posted): here, any message in the chat.
    shown = world.sandbox.send_text(ADMIN, "queue", chat_id=EDITORS_CHAT)["message_id"]
    query = world.sandbox.press(ADMIN, EDITORS_CHAT, shown, "v2:now:1:1")
    await world.sandbox.wait_for(lambda: world.sandbox.callback_answers.get(query))
    world.sandbox.send_text(contact, "Plain words")
    await world.report(2, status="pending")
    query = world.sandbox.press(ADMIN, EDITORS_CHAT, shown, "v2:now:2:1")
    await world.sandbox.wait_for(lambda: world.sandbox.callback_answers.get(query))
    post = await world.sandbox.wait_for(lambda: world.sandbox.bot_messages(CHANNEL))
    assert "Plain words" in post[0]["text"]
    rows = await world.services.store.outbox.of_report(1)
    assert [row.state for row in rows] == ["in_doubt"]
    await desk.start()
    notice = await world.bot_says(EDITORS_CHAT, "UPDATE #1")
    assert "Resend" in str(notice["reply_markup"])


# --------------------------------------------------------------------- editors are members


async def test_an_editor_who_leaves_the_editors_chat_loses_their_rights_at_once(
    world: World,
) -> None:
    contact = await world.join("contact", "Kirkuk-1")
    desk1 = await world.join("editor", "Desk-1")
    world.sandbox.send_text(contact, "Shelling near the citadel")
    await world.card_of("R-1")
    await world.ask(desk1, "/desk", "")
    world.sandbox.set_member(EDITORS_CHAT, desk1, "kicked", by=ADMIN)
    told = await world.bot_says(ADMIN, "Desk-1 left the editors chat")
    assert "can no longer decide" in told["text"]
    # From their private chat: no press, no desk, no /write.
    private = world.sandbox.send_text(desk1, "hello")["message_id"]
    query = world.sandbox.press(desk1, desk1, private, "v2:now:1:1")
    answer = await world.sandbox.wait_for(lambda: world.sandbox.callback_answers.get(query))
    assert answer["text"].startswith("You are not in the editors chat")
    assert "not in the editors chat" in await world.ask(desk1, "/desk", "editors chat")
    assert (await world.services.store.reports.get(1)).status == "pending"
    history = [e.action for e in await world.services.store.audit.recent(50)]
    assert "editor.left_chat" in history
    # Back in the chat: their rights come back.
    world.sandbox.set_member(EDITORS_CHAT, desk1, "member")
    await world.bot_says(ADMIN, "Desk-1 is back in the editors chat")
    query = world.sandbox.press(desk1, desk1, private, "v2:now:1:1")
    answer = await world.sandbox.wait_for(lambda: world.sandbox.callback_answers.get(query))
    assert answer["text"] == "R-1 goes out now."


async def test_a_change_the_bot_missed_is_found_at_the_private_desk(world: World) -> None:
    """The bot was not told (it was down, or not an admin of the group): getChatMember."""
    contact = await world.join("contact", "Kirkuk-1")
    desk1 = await world.join("editor", "Desk-1")
    world.sandbox.send_text(contact, "Shelling near the citadel")
    await world.card_of("R-1")
    world.sandbox.chats[EDITORS_CHAT].members[desk1] = "left"  # no update sent
    private = world.sandbox.send_text(desk1, "hello")["message_id"]
    query = world.sandbox.press(desk1, desk1, private, "v2:now:1:1")
    answer = await world.sandbox.wait_for(lambda: world.sandbox.callback_answers.get(query))
    assert answer["text"].startswith("You are not in the editors chat")
    await world.bot_says(ADMIN, "Desk-1 left the editors chat")
    person = await world.services.store.people.active_by_pseudonym("Desk-1")
    assert person.away_since is not None
