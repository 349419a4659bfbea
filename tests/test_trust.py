"""Trust at the edges: what an editor approves is what their card showed."""

from __future__ import annotations

from tests.conftest import ADMIN, CHANNEL, EDITORS_CHAT, World, button_data

FALSE = "FALSE: the dam has burst, evacuate the city now"


async def _press_on(world: World, message: dict, action: str, report_id: int, data: str) -> str:
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
