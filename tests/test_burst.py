"""A burst: every report in front of an editor within seconds, within Telegram's limits.

The sandbox enforces Telegram's flood control here, at a tenth of its time scale (20
messages per 6 s in a group instead of per minute), and the bot paces the editors chat at
the same scaled rate: what takes a minute on a real night takes six seconds here.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bot import texts
from bot.review.queue import render_queue
from sandbox import Sandbox
from storage import CardState, Label, Report, ReportStatus
from tests.conftest import ADMIN, EDITORS_CHAT, World, make_settings

SCALE = 10  # the tests' clock of Telegram's limits runs ten times faster


def scaled_settings(sandbox: Sandbox, tmp_path: Path, **overrides: Any) -> Any:
    sandbox.flood_limits = (30, 20, 60 / SCALE)
    values: dict[str, Any] = {
        "group_messages_per_minute": 20 * SCALE,
        "desk_queue_refresh_seconds": 6 / SCALE,
    }
    values.update(overrides)
    return make_settings(sandbox, tmp_path / "relay.db", **values)


def queue_message(sandbox: Sandbox, chat_id: int) -> dict[str, Any] | None:
    for message in reversed(sandbox.bot_messages(chat_id)):
        if message.get("text", "").startswith("📥"):
            return message
    return None


def listing(sandbox: Sandbox, chat_id: int, data: str) -> dict[str, Any] | None:
    """The chat's queue message, once it has a button with `data`."""
    message = queue_message(sandbox, chat_id)
    return message if message is not None and data in buttons(message) else None


def card_in(sandbox: Sandbox, chat_id: int, code: str) -> dict[str, Any] | None:
    for message in sandbox.bot_messages(chat_id):
        if message.get("text", "").startswith(f"🆕 Report {code} "):
            return message
    return None


def buttons(message: dict[str, Any]) -> list[str]:
    rows = message.get("reply_markup", {}).get("inline_keyboard", [])
    return [button["callback_data"] for row in rows for button in row]


def cards_posted(sandbox: Sandbox) -> list[str]:
    return [
        message["text"].split(" ")[2]
        for message in sandbox.bot_messages(EDITORS_CHAT)
        if message.get("text", "").startswith(("🆕 Report", "⚡ Report", "✅ Report"))
    ]


async def newsroom(world: World, contacts: int = 3) -> tuple[list[int], int, int]:
    people = [await world.join("contact", f"Kirkuk-{i + 1}") for i in range(contacts)]
    desk1 = await world.join("editor", "Desk-1")
    desk2 = await world.join("editor", "Desk-2")
    return people, desk1, desk2


async def press(world: World, user: int, chat_id: int, message: dict[str, Any], data: str) -> str:
    query = world.sandbox.press(user, chat_id, message["message_id"], data)
    answer = await world.sandbox.wait_for(
        lambda: world.sandbox.callback_answers.get(query), what=f"answer to {data}"
    )
    return str(answer["text"])


async def test_thirty_reports_are_all_actionable_from_one_queue_message(
    sandbox: Sandbox, tmp_path: Path, start_relay: Any
) -> None:
    world = World(sandbox, await start_relay(scaled_settings(sandbox, tmp_path)))
    contacts, desk1, _ = await newsroom(world)
    for i in range(30):
        sandbox.send_text(contacts[i % 3], f"Explosion report {i + 1} from the north side")

    def all_listed() -> dict[str, Any] | None:
        message = queue_message(sandbox, EDITORS_CHAT)
        if message and all(f"v1:open:{i}" in buttons(message) for i in range(1, 31)):
            return message
        return None

    listed = await sandbox.wait_for(all_listed, timeout=20, what="30 reports in the queue")
    # One message made thirty reports actionable long before thirty cards could be posted.
    assert len(cards_posted(sandbox)) < 30
    assert listed["text"].startswith("📥 30 report(s) waiting for a decision")
    assert len(listed["text"]) <= 4096 and len(buttons(listed)) <= 100
    assert "\n🆕 R-1 <1m Explosion report 1…\n" in listed["text"]

    # 📖 sends the full card to the editor's private chat, where it is decided.
    opened = await press(world, desk1, EDITORS_CHAT, listed, "v1:open:1")
    assert opened == "The full card of R-1 is on its way to your private chat with the bot."
    card = await sandbox.wait_for(lambda: card_in(sandbox, desk1, "R-1"), what="R-1's card")
    assert await press(world, desk1, desk1, card, "v1:now:1") == "R-1 goes out now."
    # A stale button for an already decided report says so.
    stale = await press(world, desk1, desk1, card, "v1:approve:1")
    assert stale.startswith("Already ") and "by Desk-1 at" in stale
    await sandbox.wait_for(
        lambda: (
            (m := queue_message(sandbox, EDITORS_CHAT)) is not None
            and "v1:open:1" not in buttons(m)
            and m["text"].startswith("📥 29 report(s)")
        ),
        timeout=10,
        what="the queue message to move on",
    )
    assert (await world.services.store.reports.get(1)).urgent
    assert sandbox.flood_refusals == 0


async def test_a_press_is_answered_at_once_while_the_editors_chat_is_held_by_its_pace(
    sandbox: Sandbox, tmp_path: Path, start_relay: Any
) -> None:
    # The editors chat's pace at its slowest: one message every half minute.
    settings = make_settings(sandbox, tmp_path / "relay.db", group_messages_per_minute=2)
    world = World(sandbox, await start_relay(settings))
    contacts, desk1, desk2 = await newsroom(world, contacts=1)
    sandbox.send_text(contacts[0], "First")
    await world.card_of("R-1")  # the chat's first slot; the next is half a minute away
    card = await world.card_message(1)
    sent = sandbox.send_text(contacts[0], "Second")
    await world.bot_says(contacts[0], "R-2", after=sent["message_id"])
    # Reject asks Desk-1 for a reason: a message into the editors chat, held by the pace.
    assert (await press(world, desk1, EDITORS_CHAT, card, "v1:reject:1")).startswith("Rejected R-1")
    # Desk-2's press is answered while that question still waits for its slot.
    answer = await press(world, desk2, EDITORS_CHAT, card, "v1:now:2")
    assert answer == "R-2 goes out now."
    assert await world.services.store.desk_messages.count_unsent() == 1
    prompts = [m for m in sandbox.bot_messages(EDITORS_CHAT) if "reason" in m.get("text", "")]
    assert prompts == []


async def test_an_urgent_report_jumps_the_queue_and_says_so(
    sandbox: Sandbox, tmp_path: Path, start_relay: Any
) -> None:
    world = World(sandbox, await start_relay(scaled_settings(sandbox, tmp_path)))
    contacts, _, _ = await newsroom(world)
    for i in range(12):
        sandbox.send_text(contacts[i % 3], f"Smoke seen, report {i + 1}")
    sandbox.send_text(contacts[1], "URGENT: fighters are at the dorm on the north road")
    for i in range(12):
        sandbox.send_text(contacts[i % 3], f"More smoke, report {i + 14}")
    card = await world.sandbox.wait_for(
        lambda: card_in(sandbox, EDITORS_CHAT, "R-13"), timeout=20, what="the urgent card"
    )
    assert texts.CARD_FLAGGED_URGENT in card["text"]
    # Its card went out before those of the reports sent after it (newest first otherwise),
    # and before those sent before it.
    posted = cards_posted(sandbox)
    assert posted.index("R-13") == 0, posted
    queue = await sandbox.wait_for(
        lambda: listing(sandbox, EDITORS_CHAT, "v1:open:13"), timeout=10, what="the queue"
    )
    assert queue["text"].splitlines()[3].startswith("⚡ R-13")  # after the compact note
    assert "⚡ 1 marked urgent" in queue["text"].splitlines()[0]
    # A contact can also mark a report urgent with the button under its acknowledgement.
    ack = await world.bot_says(contacts[0], "Received — report R-1")
    query = sandbox.press(contacts[0], contacts[0], ack["message_id"], "v1:urgent:1")
    answer = await sandbox.wait_for(lambda: sandbox.callback_answers.get(query))
    assert answer["text"] == "R-1 is marked urgent: editors see it first."
    assert (await world.services.store.reports.get(1)).flagged_urgent
    # Not someone else's report.
    query = sandbox.press(contacts[0], contacts[0], ack["message_id"], "v1:urgent:2")
    answer = await sandbox.wait_for(lambda: sandbox.callback_answers.get(query))
    assert answer["text"] == "R-2 is already marked urgent, or already reviewed."
    assert not (await world.services.store.reports.get(2)).flagged_urgent
    assert sandbox.flood_refusals == 0


async def test_two_editors_decide_at_once_from_the_group_and_a_private_desk(
    sandbox: Sandbox, tmp_path: Path, start_relay: Any
) -> None:
    world = World(sandbox, await start_relay(scaled_settings(sandbox, tmp_path)))
    contacts, desk1, desk2 = await newsroom(world)
    for i in range(8):
        sandbox.send_text(contacts[i % 3], f"Checkpoint closed, report {i + 1}")
    # Desk-1 reviews from their private chat: the queue, and a full card on demand.
    reply = await world.ask(desk1, "/desk", "private desk")
    assert reply == texts.DESK_OPENED
    private_queue = await sandbox.wait_for(
        lambda: listing(sandbox, desk1, "v1:open:1"), what="the private queue message"
    )
    assert await press(world, desk1, desk1, private_queue, "v1:open:1") == (
        "The full card of R-1 is on its way."
    )
    private_card = await sandbox.wait_for(
        lambda: card_in(sandbox, desk1, "R-1"), what="R-1's card at the private desk"
    )
    group_queue = await sandbox.wait_for(
        lambda: listing(sandbox, EDITORS_CHAT, "v2:now:1:1"),
        timeout=10,
        what="the group queue message",
    )
    # Both press at once: the two presses reach the bot in one batch of updates.
    first = sandbox.press(desk1, desk1, private_card["message_id"], "v1:now:1")
    second = sandbox.press(desk2, EDITORS_CHAT, group_queue["message_id"], "v1:approve:1")
    answers = [
        (await sandbox.wait_for(lambda q=q: sandbox.callback_answers.get(q)))["text"]  # type: ignore[misc]  # a lambda binding a loop variable
        for q in (first, second)
    ]
    assert answers[0] == "R-1 goes out now."
    assert answers[1].startswith("Already ") and "by Desk-1 at" in answers[1]
    entries = await world.services.store.audit.for_report(1)
    decisions = [e.action for e in entries if e.action.startswith("report.") and e.actor != "bot"]
    assert decisions.count("report.publish_now") == 1 and "report.approve" not in decisions

    # Every copy of the card shows the one decision, each at its chat's pace.
    def private_copy_decided() -> bool:
        for message in sandbox.chat_messages(desk1):
            if message["message_id"] == private_card["message_id"]:
                return "Publish now — by Desk-1" in message["text"]
        return False

    await sandbox.wait_for(private_copy_decided, timeout=10, what="the private copy updated")
    group_card = await world.card_shows(1, "Publish now — by Desk-1")
    assert group_card["chat"]["id"] == EDITORS_CHAT
    assert sandbox.flood_refusals == 0


async def test_a_private_desk_is_for_editors_only_and_a_forged_queue_button_changes_nothing(
    world: World,
) -> None:
    contact = await world.join("contact", "Kirkuk-1")
    editor = await world.join("editor", "Desk-1")
    world.sandbox.send_text(contact, "Report")
    await world.card_of("R-1")
    # The reply to /desk, not the report's acknowledgement (its lane may answer later).
    assert await world.ask(contact, "/desk", "open a desk") == texts.ONLY_EDITORS_DESK
    entries = await world.services.store.audit.recent()
    assert entries[0].action == "refused.not_editor" and entries[0].detail == "/desk"
    assert await world.services.store.desks.get(contact) is None
    # Forged or stale queue buttons: an unknown report, damaged data.
    card = await world.card_message(1)
    assert await press(world, editor, EDITORS_CHAT, card, "v1:open:999") == (
        texts.BUTTON_UNKNOWN_REPORT
    )
    assert await press(world, editor, EDITORS_CHAT, card, "v1:open:x1") == (
        texts.BUTTON_NOT_UNDERSTOOD
    )
    # From the editors chat, 📖 sends the card to the editor's private chat, once.
    assert await press(world, editor, EDITORS_CHAT, card, "v1:open:1") == (
        "The full card of R-1 is on its way to your private chat with the bot."
    )
    assert await press(world, editor, EDITORS_CHAT, card, "v1:open:1") == (
        "The card of R-1 is already here or on its way."
    )
    private = await world.sandbox.wait_for(lambda: card_in(world.sandbox, editor, "R-1"))
    assert "v2:approve:1:1" in buttons(private)
    assert (await world.services.store.reports.get(1)).status == ReportStatus.PENDING
    assert await world.ask(editor, "/desk off") == texts.DESK_NOT_OPEN


def _waiting(count: int, now: datetime) -> list[Report]:
    return [
        Report(
            id=i,
            contact_id=1,
            pseudonym="Kirkuk-1",
            chat_id=7,
            message_id=i,
            media_group_id=None,
            text="A very long report " * 300,
            forwarded=False,
            status=ReportStatus.PENDING,
            label=Label.UNCONFIRMED,
            received_at=now - timedelta(minutes=i),
            updated_at=now,
            acknowledged=True,
            card_state=CardState.QUEUED,
            flagged_urgent=i % 7 == 0,
        )
        for i in range(1, count + 1)
    ]


def test_the_queue_message_stays_within_telegrams_limits_however_deep_the_queue() -> None:
    now = datetime(2026, 10, 21, 12, 0, tzinfo=UTC)
    few = render_queue(
        _waiting(15, now), {1: ["photo"] * 10}, total=15, urgent=2, oldest=now, now=now
    )
    assert [len(row) for row in few.keyboard] == [4] * 15
    assert "R-1 · 1m · 10 photos — A very long report" in few.text
    # Deep: compact, one 📖 a report, as many as fit in 4,096 characters and 100 buttons.
    deep = render_queue(
        _waiting(100, now), {}, total=200, urgent=28, oldest=now, now=now, listed=20
    )
    assert len(deep.text) <= 4096
    listed = sum(len(row) for row in deep.keyboard)
    assert 50 <= listed <= 100 and all(len(row) <= 5 for row in deep.keyboard)
    assert f"… and {200 - listed} more" in deep.text
    assert {b.data for row in deep.keyboard for b in row} == {
        f"v1:open:{i}" for i in range(1, listed + 1)
    }


async def test_a_question_asked_at_a_private_desk_is_answered_there(world: World) -> None:
    contact = await world.join("contact", "Kirkuk-1")
    editor = await world.join("editor", "Desk-1")
    world.sandbox.send_text(contact, "A rumour of a curfew")
    await world.card_of("R-1")
    assert await world.ask(editor, "/desk", "private desk") == texts.DESK_OPENED
    queue = await world.sandbox.wait_for(lambda: listing(world.sandbox, editor, "v1:open:1"))
    await press(world, editor, editor, queue, "v1:open:1")
    card = await world.sandbox.wait_for(lambda: card_in(world.sandbox, editor, "R-1"))
    assert (await press(world, editor, editor, card, "v1:reject:1")).startswith("Rejected R-1")
    question = await world.bot_says(editor, "reason")
    assert question["reply_to_message"]["message_id"] == card["message_id"]
    sent = world.sandbox.send_text(
        editor, "share: not confirmed by anyone else", reply_to_message=question
    )
    saved = await world.bot_says(editor, "Reason for rejecting R-1", after=sent["message_id"])
    assert saved["text"] == "Reason for rejecting R-1 saved and shared with the contact."
    assert (await world.services.store.reports.get(1)).reject_reason == (
        "not confirmed by anyone else"
    )
    # Nothing of it went through the editors chat.
    assert not [m for m in world.sandbox.bot_messages(EDITORS_CHAT) if "reason" in m["text"]]


async def test_a_revoked_editors_private_desk_closes_with_them(world: World) -> None:
    editor = await world.join("editor", "Desk-1")
    assert await world.ask(editor, "/desk", "private desk") == texts.DESK_OPENED
    assert await world.services.store.desks.get(editor) is not None
    await world.ask(ADMIN, "/revoke Desk-1", "revoked")
    assert await world.services.store.desks.get(editor) is None


async def test_a_queue_message_deleted_in_the_chat_is_posted_again(
    sandbox: Sandbox, tmp_path: Path, start_relay: Any
) -> None:
    world = World(sandbox, await start_relay(scaled_settings(sandbox, tmp_path)))
    contacts, _, _ = await newsroom(world)
    for i in range(6):
        sandbox.send_text(contacts[i % 3], f"Report {i + 1}")
    first = await sandbox.wait_for(lambda: listing(sandbox, EDITORS_CHAT, "v1:open:6"))
    sandbox.deleted[EDITORS_CHAT].add(first["message_id"])  # an admin deleted it
    sandbox.send_text(contacts[0], "Report 7")
    again = await sandbox.wait_for(
        lambda: listing(sandbox, EDITORS_CHAT, "v1:open:7"), timeout=10, what="a new queue"
    )
    assert again["message_id"] != first["message_id"]
