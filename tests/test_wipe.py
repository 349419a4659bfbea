"""A contact's chat with the bot can be wiped from their phone: now, or automatically."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from bot.clock import FixedClock
from bot.settings import Settings
from sandbox import Sandbox, image_bytes
from tests.conftest import EDITORS_CHAT, STRANGER, World

START = datetime(2026, 5, 1, 8, 0, tzinfo=UTC)


async def test_wipe_deletes_both_sides_of_the_chat_and_keeps_the_reports(world: World) -> None:
    contact = await world.join("contact", "Kirkuk-1")
    world.sandbox.send_text(contact, "Checkpoint moved to the bridge")
    world.sandbox.send_photo(contact, image_bytes(), caption="From my roof")
    await world.card_of("R-2")
    await world.card_of("R-1")
    await world.bot_says(contact, "Received — report R-2")
    before = len(world.sandbox.chat_messages(contact))
    assert before == 6  # /start <code>, welcome, two reports, two acknowledgements

    sent = world.sandbox.send_text(contact, "/wipe")
    note = await world.bot_says(contact, "Wiped", after=sent["message_id"])
    assert note["text"].startswith("🧹 Wiped: 7 message(s) of this chat were deleted")
    assert "Your reports stay safely with the editors" in note["text"]
    assert world.sandbox.chat_messages(contact) == [note]  # only the note is left
    assert await world.services.store.reports.count() == 2
    assert len([m for m in world.sandbox.bot_messages(EDITORS_CHAT) if "reply_markup" in m]) == 2

    sent = world.sandbox.send_text(contact, "/wipe")
    await world.bot_says(contact, "Wiped: 2 message(s)", after=sent["message_id"])


async def test_messages_older_than_48_hours_are_reported_not_hidden(
    sandbox: Sandbox, settings: Settings, start_relay: Any
) -> None:
    clock = FixedClock(START)
    world = World(sandbox, await start_relay(settings, clock=clock))
    contact = await world.join("contact", "Kirkuk-1")
    await world.sync()  # the welcome is recorded once its handler finishes
    clock.advance(hours=49)
    sent = sandbox.send_text(contact, "/wipe")
    note = await world.bot_says(contact, "Wiped", after=sent["message_id"])
    assert note["text"].startswith("🧹 Wiped: 1 message(s)")
    assert "2 older than 48 hours could not be deleted by the bot" in note["text"]
    assert len(sandbox.chat_messages(contact)) == 3  # the old two stay, and the note


async def test_auto_wipe_deletes_what_is_older_than_the_setting(
    sandbox: Sandbox, tmp_path: Any, start_relay: Any
) -> None:
    from tests.conftest import make_settings

    clock = FixedClock(START)
    settings = make_settings(sandbox, tmp_path / "w.db", auto_wipe_hours=12)
    relay = await start_relay(settings, clock=clock)
    world = World(sandbox, relay)
    contact = await world.join("contact", "Kirkuk-1")
    await world.sync()
    clock.advance(hours=11)
    sandbox.send_text(contact, "newer report")
    await world.bot_says(contact, "Received — report R-1")

    async def all_recorded() -> bool:
        row = await world.services.store.db.fetchrow("SELECT COUNT(*) FROM private_messages")
        return bool(row[0] == 4)

    await world.eventually(all_recorded, what="the acknowledgement remembered")
    clock.advance(hours=2)  # the /start and welcome are now 13 hours old

    await relay._auto_wipe(None)
    texts = [m.get("text", "") for m in sandbox.chat_messages(contact)]
    assert texts == ["newer report", "Received — report R-1. Editors will review it."]
    clock.advance(hours=12)
    await relay._auto_wipe(None)
    assert sandbox.chat_messages(contact) == []
    assert relay.application.job_queue.get_jobs_by_name("auto-wipe")


async def test_nothing_is_remembered_of_strangers_chats(world: World) -> None:
    await world.ask(STRANGER, "hello?")
    row = await world.services.store.db.fetchrow("SELECT COUNT(*) FROM private_messages")
    assert row[0] == 0
