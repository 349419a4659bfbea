"""Telegram's limits, kept: an album counts one message per item, as Telegram counts it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sandbox import Sandbox, image_bytes
from tests.conftest import EDITORS_CHAT, World, make_settings


async def test_an_album_takes_one_slot_per_item_and_draws_no_429(
    sandbox: Sandbox, tmp_path: Path, start_relay: Any
) -> None:
    # Telegram's rule at a tenth of its window: 10 messages per 6 s in a group. The bot paces
    # the group at 100 a minute (a slot every 0.63 s), just under it, counting album items.
    sandbox.flood_limits = (30, 10, 6.0)
    settings = make_settings(sandbox, tmp_path / "relay.db", group_messages_per_minute=100)
    world = World(sandbox, await start_relay(settings))
    contact = await world.join("contact", "Kirkuk-1")
    photos = [image_bytes(color=(10 * i, 0, 0)) for i in range(6)]
    sandbox.send_album(contact, photos, caption="Six photos from my roof")
    for text in ("Smoke near the market", "Sirens", "Roads closed", "Power is out"):
        sandbox.send_text(contact, text)
    for code in ("R-1", "R-2", "R-3", "R-4", "R-5"):
        await world.card_of(code, timeout=30)
    albums = [m for m in sandbox.bot_messages(EDITORS_CHAT) if "photo" in m]
    assert len(albums) == 6
    # Without counting the album's items, the cards behind it pass 10 in 6 s: a 429.
    assert sandbox.flood_refusals == 0
