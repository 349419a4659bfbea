"""After publishing: confirm, correct and retract reach every copy in every channel."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.clock import FixedClock
from sandbox import Sandbox
from tests.conftest import CHANNEL, EDITORS_CHAT, World
from tests.test_publishing import SECOND_CHANNEL, body, channel_posts, reporter, two_channels


async def published_in_two_channels(
    sandbox: Sandbox, tmp_path: Path, start_relay: Any
) -> tuple[World, FixedClock, int]:
    """R-1 published as UPDATE #1 in two channels at 3:30 pm Iraq; Desk-1 on duty."""
    clock = FixedClock(datetime(2025, 10, 21, 12, 30, tzinfo=UTC))
    world = await two_channels(sandbox, tmp_path, start_relay, clock=clock)
    _, editor = await reporter(world, "Fighters posed as police")
    await world.press(editor, 1, "now")
    await world.card_shows(1, f"{SECOND_CHANNEL}: ✅ sent")
    return world, clock, editor


async def test_confirm_then_correct_touch_every_copy(
    sandbox: Sandbox, tmp_path: Path, start_relay: Any
) -> None:
    world, clock, editor = await published_in_two_channels(sandbox, tmp_path, start_relay)

    clock.advance(minutes=40)
    assert await world.press(editor, 1, "confirm") == (
        "UPDATE #1 is now Confirmed; 2 channel copies are being edited."
    )
    for channel in (CHANNEL, SECOND_CHANNEL):
        await sandbox.wait_for(
            lambda c=channel: (  # type: ignore[misc]  # a lambda binding a loop variable
                "Confirmed (4:10 pm Iraq): Fighters posed as police"
                in body(channel_posts(sandbox, c)[0])
            ),
            what="confirmed copy",
        )

    clock.advance(minutes=5)
    await world.press(editor, 1, "correct")
    prompt = await world.bot_says(EDITORS_CHAT, "corrected text of UPDATE #1 (R-1)")
    sandbox.send_text(
        editor,
        "Fighters posed as police at two checkpoints",
        chat_id=EDITORS_CHAT,
        reply_to_message=prompt,
    )
    for channel in (CHANNEL, SECOND_CHANNEL):
        await sandbox.wait_for(
            lambda c=channel: body(channel_posts(sandbox, c)[0]).endswith(  # type: ignore[misc]  # a lambda binding a loop variable
                "Confirmed (4:10 pm Iraq): Fighters posed as police at two checkpoints "
                "(corrected 4:15 pm Iraq)"
            ),
            what="corrected copy",
        )
    history = [
        e for e in await world.services.store.audit.for_report(1) if e.action == "report.correct"
    ]
    assert history[0].before == "Fighters posed as police"


async def test_retract_touches_every_copy_and_its_number_stays_used(
    sandbox: Sandbox, tmp_path: Path, start_relay: Any
) -> None:
    world, _clock, editor = await published_in_two_channels(sandbox, tmp_path, start_relay)
    await world.press(editor, 1, "retract")
    prompt = await world.bot_says(EDITORS_CHAT, "to retract UPDATE #1 (R-1) from every channel")
    sandbox.send_text(
        editor, "the source withdrew it", chat_id=EDITORS_CHAT, reply_to_message=prompt
    )
    for channel in (CHANNEL, SECOND_CHANNEL):
        await sandbox.wait_for(
            lambda c=channel: (  # type: ignore[misc]  # a lambda binding a loop variable
                body(channel_posts(sandbox, c)[0])
                == "UPDATE #1 (10/21, 3:30 pm Iraq / 8:30 am EDT)\n\n"
                "Retracted: the source withdrew it"
            ),
            what="retracted copy",
        )
    card = await world.card_shows(1, "🚫 Retracted at")
    assert "retracted (was UPDATE #1)" in card["text"] and card.get("reply_markup") is None
    # The number stays used: the next update is #2.
    contact = await world.people_id("Kirkuk-1")
    sandbox.send_text(contact, "next one")
    await world.card_of("R-2")
    await world.press(editor, 2, "now")
    await sandbox.wait_for(lambda: len(channel_posts(sandbox)) == 2)
    assert body(channel_posts(sandbox)[1]).startswith("UPDATE #2 ")


async def test_retract_mode_delete_removes_every_copy(
    sandbox: Sandbox, tmp_path: Path, start_relay: Any
) -> None:
    world = await two_channels(sandbox, tmp_path, start_relay, retract_mode="delete")
    _, editor = await reporter(world)
    await world.press(editor, 1, "now")
    await world.card_shows(1, f"{SECOND_CHANNEL}: ✅ sent")
    await world.press(editor, 1, "retract")
    prompt = await world.bot_says(EDITORS_CHAT, "to retract UPDATE #1 (R-1)")
    sandbox.send_text(editor, "cancel", chat_id=EDITORS_CHAT, reply_to_message=prompt)
    await world.bot_says(EDITORS_CHAT, "Retraction of UPDATE #1 cancelled")
    assert len(channel_posts(sandbox)) == 1
    await world.press(editor, 1, "retract")
    prompt = await world.bot_says(
        EDITORS_CHAT, "to retract UPDATE #1 (R-1)", after=prompt["message_id"]
    )
    sandbox.send_text(editor, "wrong city", chat_id=EDITORS_CHAT, reply_to_message=prompt)
    for channel in (CHANNEL, SECOND_CHANNEL):
        await sandbox.wait_for(lambda c=channel: channel_posts(sandbox, c) == [], what="deleted")  # type: ignore[misc]  # a lambda binding a loop variable
