"""`fieldrelay demo`: the bot against the local sandbox, playing a short story."""

from __future__ import annotations

import asyncio
import logging
import re
import tempfile
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.clock import SystemClock
from bot.telegram.relay import FieldRelay
from sandbox import Sandbox, image_bytes

TOKEN = "4242:DEMO-sandbox-token"
ADMIN, CONTACT, EDITOR = 100, 200, 300
EDITORS_CHAT, CHANNEL = -1001, -1002
NAMES = {ADMIN: "admin", CONTACT: "contact", EDITOR: "Desk-1"}
SLOT = time(16, 0)  # 4:00 pm in Iraq


def _step(text: str) -> None:
    print(f"\n>>> {text}")


async def _bot_reply(sandbox: Sandbox, chat_id: int, after: int, contains: str = "") -> str:
    def found() -> str | None:
        for message in sandbox.bot_messages(chat_id):
            body = message.get("text") or ""
            if message["message_id"] > after and contains in body:
                return str(body)
        return None

    reply: str = await sandbox.wait_for(found, what=f"the bot's reply containing {contains!r}")
    return reply


async def _answer(sandbox: Sandbox, query: str) -> dict[str, object]:
    answer: dict[str, object] = await sandbox.wait_for(
        lambda: sandbox.callback_answers.get(query), what="the answer to a button press"
    )
    return answer


async def _press(sandbox: Sandbox, card: dict[str, Any], label: str) -> None:
    """Desk-1 presses the button whose label contains `label` on a card or notice."""
    rows = card["reply_markup"]["inline_keyboard"]
    button = next(b for row in rows for b in row if label in b["text"])
    query = sandbox.press(EDITOR, EDITORS_CHAT, card["message_id"], button["callback_data"])
    answer = await _answer(sandbox, query)
    print(f"    Desk-1 pressed {button['text']!r}; the bot answered: {answer['text']}")


async def _card(sandbox: Sandbox, code: str) -> dict[str, Any]:
    def found() -> dict[str, Any] | None:
        for message in sandbox.bot_messages(EDITORS_CHAT):
            if f"Report {code} " in message.get("text", "") and "reply_markup" in message:
                return message
        return None

    card: dict[str, Any] = await sandbox.wait_for(found, what=f"the card of {code}")
    return card


async def _channel_shows(sandbox: Sandbox, count: int) -> None:
    await sandbox.wait_for(
        lambda: len(sandbox.bot_messages(CHANNEL)) >= count, timeout=30, what="channel posts"
    )


async def play(sandbox: Sandbox, clock: DemoClock) -> None:
    _step("An admin asks the bot for invite links: a contact, Kirkuk-1, and an editor, Desk-1")
    for person, role, name in ((CONTACT, "contact", "Kirkuk-1"), (EDITOR, "editor", "Desk-1")):
        sent = sandbox.send_text(ADMIN, f"/invite {role} {name}")
        reply = await _bot_reply(sandbox, ADMIN, sent["message_id"], "https://t.me/")
        link = re.search(r"https://t\.me/\S+", reply)
        assert link is not None
        print(f"    {name}: {link.group(0)[:60]}...")
        sent = sandbox.send_text(person, f"/start {link.group(0).split('start=')[1]}")
        await _bot_reply(sandbox, person, sent["message_id"], name)
    print("    Both opened their link and are registered under their pseudonyms.")

    _step("Desk-1 opens the story in the editors chat")
    sent = sandbox.send_text(
        EDITOR,
        "/story new Attack on Kirkuk | Live updates from our friends inside the city.",
        chat_id=EDITORS_CHAT,
    )
    await _bot_reply(sandbox, EDITORS_CHAT, sent["message_id"], "Story opened")
    await _channel_shows(sandbox, 1)

    _step("The contact sends a rumour; Desk-1 approves it for the 4:00 pm slot")
    sandbox.send_text(CONTACT, "Fighters dressed as police at the checkpoint near the market.")
    await _press(sandbox, await _card(sandbox, "R-1"), "Approve")
    print("    (the demo's clock stands a few seconds before the slot)")
    await _channel_shows(sandbox, 2)

    _step("The contact sends three photos from their roof as one album; Desk-1: Publish now")
    photos = [image_bytes((640, 480), color) for color in ("gray", "orange", "black")]
    sandbox.send_album(CONTACT, photos, caption="Smoke over the old city, from my roof.")
    await _press(sandbox, await _card(sandbox, "R-2"), "Publish now")
    await _channel_shows(sandbox, 5)

    _step("Twenty minutes later a second source confirms the rumour; Desk-1 presses Confirm")
    clock.advance(minutes=20)
    await _press(sandbox, await _card(sandbox, "R-1"), "Confirm")
    await sandbox.wait_for(
        lambda: any("Confirmed (" in (m.get("text") or "") for m in sandbox.bot_messages(CHANNEL)),
        what="the channel copy edited to Confirmed",
    )
    await sandbox.wait_for(
        lambda: any(
            "☑️ Confirmed at" in (m.get("text") or "") for m in sandbox.bot_messages(EDITORS_CHAT)
        ),
        what="the card showing the confirmation",
    )


class DemoClock(SystemClock):
    """Real time, shifted so the story starts seconds before a publishing slot."""

    def __init__(self, offset: timedelta) -> None:
        self.offset = offset

    def now(self) -> datetime:
        return super().now() + self.offset

    def advance(self, **delta: float) -> None:
        self.offset += timedelta(**delta)


def _clock_before_slot(zone: str, slot: time, seconds: float) -> DemoClock:
    now = datetime.now(UTC)
    target = datetime.combine(now.astimezone(ZoneInfo(zone)).date(), slot, tzinfo=ZoneInfo(zone))
    return DemoClock(target.astimezone(UTC) - timedelta(seconds=seconds) - now)


async def run_demo() -> int:
    logging.basicConfig(level=logging.WARNING)
    sandbox = Sandbox(TOKEN, bot_username="fieldrelay_demo_bot")
    await sandbox.start()
    sandbox.add_user(ADMIN, "Admin")
    sandbox.add_user(CONTACT, "Real Name Of Contact", "real_username")
    sandbox.add_user(EDITOR, "Editor")
    sandbox.add_group(EDITORS_CHAT, "Editors", {ADMIN: "administrator", EDITOR: "member"})
    sandbox.add_channel(CHANNEL, "Kirkuk Live")
    print(f"Sandbox Bot API listening on {sandbox.api_url}")
    with tempfile.TemporaryDirectory() as folder:
        settings = sandbox.bot_settings(
            admin_ids=[ADMIN],
            editors_chat_id=EDITORS_CHAT,
            channel_ids=[CHANNEL],
            database=Path(folder) / "demo.db",
            local_tz="Asia/Baghdad",
            local_tz_label="Iraq",
            audience_tz="America/New_York",
            slot_tz="Asia/Baghdad",
            album_quiet_seconds=0.5,
            poll_timeout_seconds=1,
            publish_slots=[SLOT],
            # Telegram lets a bot post 20 messages a minute in a group, so on a real editors
            # chat cards trickle in one every 3 s; the sandbox has no such limit and the demo
            # does not wait for it.
            group_messages_per_minute=6000,
        )
        clock = _clock_before_slot("Asia/Baghdad", SLOT, seconds=8)
        relay = FieldRelay(settings, clock)
        await relay.start()
        failed: BaseException | None = None
        try:
            await play(sandbox, clock)
        except Exception as exc:  # show what the chats held when the story broke
            failed = exc
        finally:
            await relay.stop()
            await sandbox.stop()
    for title, chat_id in (
        ("Admin's private chat with the bot", ADMIN),
        ("Contact's private chat with the bot", CONTACT),
        ("Editors chat", EDITORS_CHAT),
        ("The supporters' channel, as a reader sees it", CHANNEL),
    ):
        print(f"\n===== {title} =====")
        print(sandbox.transcript(chat_id, NAMES))
    editors_view = sandbox.transcript(EDITORS_CHAT)
    leaked = [name for name in ("Real Name Of Contact", "real_username") if name in editors_view]
    if leaked:
        print(f"\nLEAK: the editors chat shows {leaked}")
        return 1
    print("\nChecked: the contact's real name and username appear nowhere in the editors chat.")
    if failed is not None:
        print(f"\nThe demo story did not finish: {failed}")
        return 1
    return 0


def main() -> int:
    return asyncio.run(run_demo())
