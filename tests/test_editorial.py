"""Editors decide with buttons: first decision wins, every press answered, all audited."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

from bot import texts
from bot.clock import FixedClock
from bot.review.callbacks import Action
from bot.review.decisions import Editor
from bot.settings import Settings
from sandbox import Sandbox
from tests.conftest import ADMIN, EDITORS_CHAT, World, make_settings

# 11:59 in New York (the default slot zone is the audience zone), 1 minute before a slot.
BEFORE_NOON = datetime(2026, 3, 2, 16, 59, tzinfo=UTC)


def buttons(message: dict[str, Any]) -> list[str]:
    rows = message.get("reply_markup", {}).get("inline_keyboard", [])
    return [button["callback_data"] for row in rows for button in row]


async def newsroom(world: World) -> tuple[int, int, int]:
    """A contact with one pending report R-1, and two editors."""
    contact = await world.join("contact", "Kirkuk-1")
    desk1 = await world.join("editor", "Desk-1")
    desk2 = await world.join("editor", "Desk-2")
    world.sandbox.send_text(contact, "Gunfire reported near the citadel")
    await world.card_of("R-1")
    return contact, desk1, desk2


async def test_approve_schedules_the_next_slot_and_updates_the_card(
    sandbox: Sandbox, settings: Settings, start_relay: Any
) -> None:
    clock = FixedClock(BEFORE_NOON)
    world = World(sandbox, await start_relay(settings, clock=clock))
    _, desk1, _ = await newsroom(world)

    answer = await world.press(desk1, 1, "approve")
    assert answer == "Approved R-1: it goes out at 03/02, 8:00 pm Iraq / 12:00 pm EST."
    report = await world.report(1, status="approved")
    assert report.due_at == datetime(2026, 3, 2, 17, 0, tzinfo=UTC)
    assert report.decided_by == "Desk-1"
    card = await world.card_shows(1, "✅ Approved by Desk-1 at 03/02, 7:59 pm Iraq / 11:59 am EST")
    assert "Goes out: 03/02, 8:00 pm Iraq / 12:00 pm EST." in card["text"]
    assert "Report R-1 · approved" in card["text"]
    assert buttons(card) == ["v2:now:1:1", "v1:undo:1", "v1:confirm:1", "v1:ask:1"]
    assert len([m for m in sandbox.bot_messages(EDITORS_CHAT) if "reply_markup" in m]) == 1


async def test_publish_now_marks_the_report_due_at_once_even_when_paused(
    sandbox: Sandbox, settings: Settings, start_relay: Any
) -> None:
    clock = FixedClock(BEFORE_NOON)
    world = World(sandbox, await start_relay(settings, clock=clock))
    _, desk1, _ = await newsroom(world)
    await world.services.review.set_paused(True, Editor(ADMIN, "admin"))
    answer = await world.press(desk1, 1, "now")
    assert answer == "R-1 is marked urgent, but publishing is paused (/resume)."
    report = await world.report(1, status="approved", urgent=True)
    assert report.due_at == BEFORE_NOON
    card = await world.card_shows(1, "⚡ Publish now — by Desk-1")
    assert "publishing now" in card["text"] and buttons(card) == []
    assert await world.press(desk1, 1, "now") == (
        "Already being published now by Desk-1 at 03/02, 7:59 pm Iraq / 11:59 am EST. "
        "Nothing was changed."
    )


async def test_two_editors_at_once_make_exactly_one_decision(world: World) -> None:
    _, desk1, desk2 = await newsroom(world)
    card = await world.card_message(1)
    approve = world.sandbox.press(desk1, EDITORS_CHAT, card["message_id"], "v1:approve:1")
    reject = world.sandbox.press(desk2, EDITORS_CHAT, card["message_id"], "v1:reject:1")
    answers = await world.sandbox.wait_for(
        lambda: (
            [world.sandbox.callback_answers.get(q) for q in (approve, reject)]
            if all(q in world.sandbox.callback_answers for q in (approve, reject))
            else None
        ),
        what="both presses answered",
    )
    assert answers[0]["text"].startswith("Approved R-1")
    assert answers[1]["text"].startswith("Already approved by Desk-1 at ")
    assert answers[1]["show_alert"] is True
    report = await world.report(1, status="approved")
    assert report.decided_by == "Desk-1"
    actions = [e.action for e in await world.services.store.audit.for_report(1)]
    assert actions.count("report.approve") == 1 and "report.reject" not in actions


async def test_decisions_racing_in_the_same_moment_make_exactly_one(world: World) -> None:
    # Updates reach handlers one by one; here the decisions really run at the same time,
    # interleaved on the event loop, as two webhook deliveries or two workers could.
    contact, _, _ = await newsroom(world)
    world.sandbox.send_text(contact, "Second report")
    await world.card_of("R-2")
    review = world.services.review
    for report_id in (1, 2):
        outcomes = await asyncio.gather(
            review.press(Action.APPROVE, report_id, Editor(1, "Desk-1")),
            review.press(Action.REJECT, report_id, Editor(2, "Desk-2")),
            review.press(Action.PUBLISH_NOW, report_id, Editor(3, "Desk-3")),
        )
        assert sum(outcome.changed for outcome in outcomes) == 1
        actions = [e.action for e in await world.services.store.audit.for_report(report_id)]
        decisions = [a for a in actions if a in ("report.approve", "report.reject",
                                                  "report.publish_now")]  # fmt: skip
        assert len(decisions) == 1


async def test_the_same_press_delivered_twice_decides_once(world: World) -> None:
    _, desk1, _ = await newsroom(world)
    card = await world.card_message(1)
    query = world.sandbox.press(desk1, EDITORS_CHAT, card["message_id"], "v1:reject:1")
    await world.sandbox.wait_for(lambda: world.sandbox.callback_answers.get(query))
    world.sandbox.redeliver_update(world.sandbox.delivered[-1])
    await world.sync()
    await world.bot_says(EDITORS_CHAT, "reason")
    await world.desk_idle()
    actions = [e.action for e in await world.services.store.audit.for_report(1)]
    assert actions.count("report.reject") == 1
    prompts = [m for m in world.sandbox.bot_messages(EDITORS_CHAT) if "reason" in m["text"]]
    assert len(prompts) == 1


async def test_label_toggles_and_a_stale_press_changes_nothing(world: World) -> None:
    _, desk1, desk2 = await newsroom(world)
    assert await world.press(desk1, 1, "confirm") == "R-1 is now marked Confirmed."
    card = await world.card_shows(1, "Label: Confirmed")
    assert "v1:unconfirm:1" in buttons(card)
    # Desk-2's phone still shows the old card with "Mark confirmed".
    assert await world.press(desk2, 1, "confirm") == (
        "R-1 is already marked Confirmed. Nothing was changed."
    )
    assert await world.press(desk2, 1, "unconfirm") == "R-1 is now marked Unconfirmed."
    await world.card_shows(1, "Label: Unconfirmed")
    history = await world.services.store.audit.for_report(1)
    labels = [(e.actor, e.after) for e in history if e.action == "report.label"]
    assert labels == [("Desk-1", "confirmed"), ("Desk-2", "unconfirmed")]


async def test_edit_flow_only_the_asking_editor_can_answer(world: World) -> None:
    _, desk1, desk2 = await newsroom(world)
    assert (
        await world.press(desk1, 1, "edit") == "Reply to my message with the corrected text of R-1."
    )
    prompt = await world.bot_says(EDITORS_CHAT, "reply to this message with the corrected text")
    assert prompt["text"].startswith("✏️ Desk-1, reply")
    call = [c for c in world.sandbox.calls_of("sendMessage") if "reply_markup" in c.params][-1]
    assert call.params["reply_markup"]["force_reply"] is True
    assert call.params["reply_markup"]["selective"] is True
    assert f"tg://user?id={desk1}" in call.params["text"]
    # Pressing Edit again does not pile up questions.
    assert "already have an edit open" in await world.press(desk1, 1, "edit")

    other = world.sandbox.send_text(
        desk2, "Desk-2 rewrites it", chat_id=EDITORS_CHAT, reply_to_message=prompt
    )
    refusal = await world.bot_says(
        EDITORS_CHAT, "This question was for Desk-1", after=other["message_id"]
    )
    assert refusal["reply_to_message"]["message_id"] == other["message_id"]
    assert (await world.report(1)).text == "Gunfire reported near the citadel"

    mine = world.sandbox.send_text(
        desk1,
        "Gunfire reported near the citadel, two witnesses",
        chat_id=EDITORS_CHAT,
        reply_to_message=prompt,
    )
    done = await world.bot_says(EDITORS_CHAT, "R-1 updated by Desk-1", after=mine["message_id"])
    assert "/history 1" in done["text"]
    await world.card_shows(1, "Gunfire reported near the citadel, two witnesses")
    edit = [e for e in await world.services.store.audit.for_report(1) if e.action == "report.edit"]
    assert len(edit) == 1 and edit[0].before == "Gunfire reported near the citadel"
    assert edit[0].actor == "Desk-1"
    # A second reply to the same (answered) question changes nothing.
    world.sandbox.send_text(
        desk1, "late second answer", chat_id=EDITORS_CHAT, reply_to_message=prompt
    )
    await world.sync()
    assert (await world.report(1)).text.endswith("two witnesses")


async def test_reject_asks_a_reason_and_tells_the_contact(world: World) -> None:
    contact, desk1, _ = await newsroom(world)
    answer = await world.press(desk1, 1, "reject")
    assert answer == "Rejected R-1. Reply to my message with a reason, or 'skip'."
    await world.card_shows(1, "🗑 Rejected by Desk-1")
    told = await world.bot_says(contact, "R-1 won't be published for now")
    assert "Desk-1" not in told["text"]
    prompt = await world.bot_says(EDITORS_CHAT, "reason for rejecting R-1")
    world.sandbox.send_text(
        desk1,
        "share: the photo shows a face, please resend without",
        chat_id=EDITORS_CHAT,
        reply_to_message=prompt,
    )
    await world.card_shows(1, "Reason: the photo shows a face, please resend without")
    note = await world.bot_says(contact, "A note from the editors on R-1")
    assert note["text"].endswith("the photo shows a face, please resend without")
    assert "Desk-1" not in note["text"]
    card = await world.card_message(1)
    assert buttons(card) == []


async def test_an_unshared_reason_stays_with_the_editors(world: World) -> None:
    contact, desk1, _ = await newsroom(world)
    await world.press(desk1, 1, "reject")
    prompt = await world.bot_says(EDITORS_CHAT, "reason for rejecting R-1")
    world.sandbox.send_text(
        desk1, "duplicate of R-0", chat_id=EDITORS_CHAT, reply_to_message=prompt
    )
    await world.card_shows(1, "Reason: duplicate of R-0")
    await world.sync()
    contact_saw = " ".join(m.get("text", "") for m in world.sandbox.bot_messages(contact))
    assert "duplicate" not in contact_saw and "won't be published" in contact_saw


async def test_undo_sends_an_approved_report_back_to_pending(world: World) -> None:
    _, desk1, desk2 = await newsroom(world)
    await world.press(desk1, 1, "approve")
    await world.card_shows(1, "✅ Approved by Desk-1")
    assert await world.press(desk2, 1, "undo") == "R-1 is back to pending review."
    card = await world.card_shows(1, "Report R-1 · pending review")
    assert "Approved by" not in card["text"]
    assert buttons(card)[:2] == ["v2:approve:1:1", "v2:now:1:1"]
    report = await world.report(1, status="pending")
    assert report.due_at is None and report.decided_by is None
    assert await world.press(desk2, 1, "undo") == "R-1 can no longer be undone: it is pending."


async def test_contact_withdraws_with_the_button_and_editors_see_it(world: World) -> None:
    contact, desk1, _ = await newsroom(world)
    ack = await world.bot_says(contact, "Received — report R-1")
    assert buttons(ack) == ["v1:withdraw:1", "v1:urgent:1"]
    query = world.sandbox.press(contact, contact, ack["message_id"], "v1:withdraw:1")
    answer = await world.sandbox.wait_for(lambda: world.sandbox.callback_answers.get(query))
    assert answer["text"] == "R-1 is withdrawn. It will not be published."
    card = await world.card_shows(1, "↩️ Withdrawn by the contact at")
    assert buttons(card) == []
    await world.sandbox.wait_for(lambda: "reply_markup" not in ack, what="button removed")
    refused = await world.press(desk1, 1, "approve")
    assert refused.startswith("Already withdrawn by contact at ")


async def test_contact_withdraws_with_a_command_but_only_their_own_report(world: World) -> None:
    contact, _, _ = await newsroom(world)
    other = await world.join("contact", "Mosul-2")
    assert await world.ask(other, "/withdraw R-1") == "There is no report R-1 of yours."
    assert await world.ask(contact, "/withdraw", "Usage") == texts.WITHDRAW_USAGE
    assert (
        await world.ask(contact, "/withdraw R-1") == "R-1 is withdrawn. It will not be published."
    )
    await world.report(1, status="withdrawn")
    assert await world.ask(contact, "/withdraw R-1") == (
        "R-1 has already been withdrawn and can't be withdrawn here."
    )


async def test_pause_survives_a_restart_and_only_admins_may_pause(
    sandbox: Sandbox, settings: Settings, start_relay: Any
) -> None:
    relay = await start_relay(settings)
    world = World(sandbox, relay)
    _, desk1, _ = await newsroom(world)
    sent = sandbox.send_text(desk1, "/pause", chat_id=EDITORS_CHAT)
    assert (await world.bot_says(EDITORS_CHAT, after=sent["message_id"]))[
        "text"
    ] == texts.ONLY_ADMINS
    sent = sandbox.send_text(ADMIN, "/pause", chat_id=EDITORS_CHAT)
    paused = await world.bot_says(
        EDITORS_CHAT, "Publishing paused by admin", after=sent["message_id"]
    )
    assert "Nothing goes out until /resume" in paused["text"]
    await relay.stop()

    world.relay = await start_relay(settings)
    sent = sandbox.send_text(desk1, "/queue", chat_id=EDITORS_CHAT)
    queue = await world.bot_says(EDITORS_CHAT, "report(s) waiting", after=sent["message_id"])
    assert queue["text"].startswith("⏸ Publishing is PAUSED")
    assert await world.press(desk1, 1, "now") == (
        "R-1 is marked urgent, but publishing is paused (/resume)."
    )
    sent = sandbox.send_text(ADMIN, "/resume", chat_id=EDITORS_CHAT)
    await world.bot_says(EDITORS_CHAT, "Publishing resumed by admin", after=sent["message_id"])
    assert not await world.services.review.paused()


async def test_queue_lists_open_reports_oldest_first_with_links(world: World) -> None:
    contact, desk1, _ = await newsroom(world)
    world.sandbox.send_text(contact, "Second: curfew announced from 9 pm")
    await world.card_of("R-2")
    world.sandbox.send_text(contact, "Third: rumour of a bridge closure")
    await world.card_of("R-3")
    await world.press(desk1, 2, "approve")
    await world.press(desk1, 3, "reject")
    sent = world.sandbox.send_text(desk1, "/queue", chat_id=EDITORS_CHAT)
    queue = (await world.bot_says(EDITORS_CHAT, "waiting, oldest first", after=sent["message_id"]))[
        "text"
    ]
    lines = queue.splitlines()
    assert lines[0] == "2 report(s) waiting, oldest first:"
    card1 = await world.card_message(1)
    assert lines[1].startswith("• R-1 · pending · Kirkuk-1 — Gunfire reported near the citadel")
    assert lines[1].endswith(f"https://t.me/c/500/{card1['message_id']}")
    assert lines[2].startswith("• R-2 · approved · Kirkuk-1 — Second: curfew")


async def test_history_shows_every_step_of_a_report(world: World) -> None:
    contact, desk1, desk2 = await newsroom(world)
    await world.press(desk1, 1, "confirm")
    await world.press(desk2, 1, "approve")
    await world.press(desk1, 1, "undo")
    sent = world.sandbox.send_text(desk2, "/history R-1", chat_id=EDITORS_CHAT)
    history = (await world.bot_says(EDITORS_CHAT, "History of R-1", after=sent["message_id"]))[
        "text"
    ]
    actions = [line.split(": ", 1)[1] for line in history.splitlines() if line.startswith("• ")]
    assert actions == ["report.received", "report.label", "report.approve", "report.undo"]
    assert "Kirkuk-1" in history and "Desk-1" in history and "Desk-2" in history
    assert str(contact) not in history
    for bad in ("/history", "/history R-x"):
        sent = world.sandbox.send_text(desk2, bad, chat_id=EDITORS_CHAT)
        assert (await world.bot_says(EDITORS_CHAT, after=sent["message_id"]))[
            "text"
        ] == texts.HISTORY_USAGE
    sent = world.sandbox.send_text(desk2, "/history R-77", chat_id=EDITORS_CHAT)
    assert (await world.bot_says(EDITORS_CHAT, after=sent["message_id"]))[
        "text"
    ] == "There is no report R-77."


async def test_contacts_are_not_told_when_notifications_are_off(
    sandbox: Sandbox, tmp_path: Any, start_relay: Any
) -> None:
    quiet = make_settings(sandbox, tmp_path / "q.db", notify_contacts=False)
    world = World(sandbox, await start_relay(quiet))
    contact, desk1, _ = await newsroom(world)
    await world.press(desk1, 1, "reject")
    await world.card_shows(1, "🗑 Rejected by Desk-1")
    await world.sync()
    assert not any("won't be published" in m.get("text", "") for m in sandbox.bot_messages(contact))
