"""Stories of contacts sending reports and editors seeing cards, over the sandbox."""

from __future__ import annotations

from tests.conftest import ADMIN, EDITORS_CHAT, World


async def test_contact_sends_text_and_editors_get_a_card(world: World) -> None:
    contact = await world.join("contact", "Kirkuk-1")
    sent = world.sandbox.send_text(contact, "Fighters dressed as police near the market.")

    ack = await world.bot_says(contact, "Received — report R-1", after=sent["message_id"])
    assert ack["reply_to_message"]["message_id"] == sent["message_id"]
    card = await world.card_of("R-1")
    assert "From: Kirkuk-1" in card["text"]
    assert "Fighters dressed as police near the market." in card["text"]
    assert "Real Name" not in card["text"] and "realuser" not in card["text"]
    buttons = [b["callback_data"] for row in card["reply_markup"]["inline_keyboard"] for b in row]
    assert buttons == ["v1:approve:1", "v1:now:1", "v1:label:1", "v1:edit:1", "v1:reject:1"]
    _ = ADMIN, EDITORS_CHAT
