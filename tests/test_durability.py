"""Nothing lost across restarts and crashes; the token never reaches the logs."""

from __future__ import annotations

import io
import json
import logging
from pathlib import Path
from typing import Any

from PIL import Image

from bot.logs import install_redaction
from bot.settings import Settings
from sandbox import Sandbox, image_bytes
from tests.conftest import EDITORS_CHAT, TOKEN, World, make_settings


async def test_an_update_stored_but_not_handled_is_replayed_on_start(
    sandbox: Sandbox, settings: Settings, start_relay: Any
) -> None:
    relay = await start_relay(settings)
    world = World(sandbox, relay)
    contact = await world.join("contact", "Kirkuk-1")
    await relay.stop()
    # The bot fetched and stored this update, then died before handling it.
    message = sandbox.new_message(contact, sandbox.users[contact], text="Sent just before a crash")
    async with relay.db as db:
        await db.execute(
            "INSERT INTO inbox (update_id, payload, received_at) VALUES (?, ?, ?)",
            (999, json.dumps({"update_id": 999, "message": message}), "2026-01-01T00:00:00"),
        )
    world.relay = await start_relay(settings)
    card = await world.card_of("R-1")
    assert "Sent just before a crash" in card["text"]
    await world.eventually(lambda: _inbox_count(world, 0), what="inbox emptied")


async def _inbox_count(world: World, expected: int) -> bool:
    row = await world.services.store.db.fetchrow("SELECT COUNT(*) FROM inbox")
    return bool(row[0] == expected)


async def test_reports_received_during_an_outage_are_acknowledged_and_carded_after_restart(
    sandbox: Sandbox, settings: Settings, start_relay: Any
) -> None:
    relay = await start_relay(settings)
    world = World(sandbox, relay)
    contact = await world.join("contact", "Kirkuk-1")
    sandbox.inject("sendMessage", 502, times=10_000)
    sent = sandbox.send_text(contact, "Airport road closed")
    await world.report(1, status="pending", acknowledged=False, card_state="queued")
    await relay.stop()
    sandbox.faults.clear()

    world.relay = await start_relay(settings)
    await world.bot_says(contact, "Received — report R-1", after=sent["message_id"])
    await world.card_of("R-1")
    await world.report(1, acknowledged=True, card_state="posted")
    cards = [m for m in sandbox.bot_messages(EDITORS_CHAT) if "reply_markup" in m]
    acks = [m for m in sandbox.bot_messages(contact) if "Received" in m.get("text", "")]
    assert len(cards) == 1 and len(acks) == 1


async def test_an_album_interrupted_by_a_restart_is_finished_after_it(
    sandbox: Sandbox, tmp_path: Path, start_relay: Any
) -> None:
    slow = make_settings(sandbox, tmp_path / "relay.db", album_quiet_seconds=30)
    relay = await start_relay(slow)
    world = World(sandbox, relay)
    contact = await world.join("contact", "Kirkuk-1")
    sandbox.send_album(contact, [image_bytes(), image_bytes(color="blue")], caption="Two views")
    await world.eventually(
        lambda: _album_items(world, 2), what="both album items stored while collecting"
    )
    await relay.stop()

    quick = make_settings(sandbox, tmp_path / "relay.db", album_quiet_seconds=0.2)
    world.relay = await start_relay(quick)
    card = await world.card_of("R-1")
    assert "Media: 2 photos" in card["text"] and "Two views" in card["text"]


async def _album_items(world: World, expected: int) -> bool:
    row = await world.services.store.db.fetchrow(
        "SELECT COUNT(*) FROM report_media JOIN reports ON reports.id = report_id"
        " WHERE reports.status = 'collecting'"
    )
    return bool(row[0] == expected)


async def test_the_token_never_appears_in_logs_even_at_debug(
    sandbox: Sandbox, settings: Settings, start_relay: Any
) -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    install_redaction(handler, TOKEN)
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        world = World(sandbox, await start_relay(settings))
        contact = await world.join("contact", "Kirkuk-1")
        # Pillow logs every EXIF tag it reads at DEBUG: an Artist's name, GPS.
        exif = Image.Exif()
        exif[0x013B] = "Ahmed Hassan"  # Artist
        sandbox.send_photo(contact, image_bytes(exif=exif.tobytes()), caption="roof")
        await world.card_of("R-1")
        sandbox.inject("sendMessage", 500)
        sandbox.send_text(contact, "second")
        await world.card_of("R-2")
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)
    logged = stream.getvalue()
    assert "Field Relay is running" in logged
    assert "JobQueue started" in logged  # DEBUG lines were captured too
    assert TOKEN not in logged
    assert TOKEN.partition(":")[2] not in logged
    # Nor does a contact's Telegram identity (their name or username).
    assert "Real Name" not in logged and "realuser" not in logged
    assert "Ahmed Hassan" not in logged
