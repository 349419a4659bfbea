"""What editors and contacts are sent cannot be forwarded or saved; channel posts can."""

from __future__ import annotations

from typing import Any

from sandbox import image_bytes
from tests.conftest import CHANNEL, EDITORS_CHAT, World


def _protected(params: dict[str, Any]) -> bool:
    return str(params.get("protect_content")).lower() == "true"


async def test_cards_media_and_private_messages_are_protected_channel_posts_are_not(
    world: World,
) -> None:
    sandbox = world.sandbox
    contact = await world.join("contact", "Kirkuk-1")
    editor = await world.join("editor", "Desk-1")
    sandbox.send_photo(contact, image_bytes(), caption="From my roof")
    await world.card_of("R-1")
    assert await world.press(editor, 1, "now") == "R-1 goes out now."
    await sandbox.wait_for(lambda: sandbox.bot_messages(CHANNEL), what="the post")
    await world.bot_says(contact, "went out as UPDATE #1")
    sends = [c for c in sandbox.calls if c.method.startswith("send")]

    def to(chat: int) -> list[bool]:
        return [_protected(c.params) for c in sends if str(c.params.get("chat_id")) == str(chat)]

    assert to(EDITORS_CHAT) and all(to(EDITORS_CHAT))  # the card and its cleaned photo
    assert to(contact) and all(to(contact))  # welcome, acknowledgement, notice
    assert to(CHANNEL) and not any(to(CHANNEL))
