"""`fieldrelay demo`: the bot against the local sandbox, playing a short story."""

from __future__ import annotations

import asyncio
import logging
import re
import tempfile
from pathlib import Path

from bot.app import FieldRelay
from bot.sandbox import Sandbox, image_bytes
from bot.settings import Settings

TOKEN = "4242:DEMO-sandbox-token"
ADMIN, CONTACT, EDITOR = 100, 200, 300
EDITORS_CHAT, CHANNEL = -1001, -1002
NAMES = {ADMIN: "admin", CONTACT: "contact", EDITOR: "Desk-1"}


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


async def play(sandbox: Sandbox, relay: FieldRelay) -> None:
    _step("An admin asks the bot for an invite link for a contact called Kirkuk-1")
    sent = sandbox.send_text(ADMIN, "/invite contact Kirkuk-1")
    reply = await _bot_reply(sandbox, ADMIN, sent["message_id"], "https://t.me/")
    link = re.search(r"https://t\.me/\S+", reply)
    assert link is not None
    print(f"    link: {link.group(0)[:60]}...")

    _step("The contact opens the link (/start <code>) and is registered under the pseudonym")
    sent = sandbox.send_text(CONTACT, f"/start {link.group(0).split('start=')[1]}")
    await _bot_reply(sandbox, CONTACT, sent["message_id"], "Kirkuk-1")

    _step("The contact sends a rumour as text")
    sent = sandbox.send_text(
        CONTACT, "Unconfirmed: fighters dressed as police at the checkpoint near the market."
    )
    await _bot_reply(sandbox, CONTACT, sent["message_id"], "Received")

    _step("The contact sends three photos from their roof as one album")
    photos = [image_bytes((640, 480), color) for color in ("gray", "orange", "black")]
    sandbox.send_album(CONTACT, photos, caption="Smoke over the old city, from my roof.")
    await _bot_reply(sandbox, CONTACT, sent["message_id"], "R-2")

    _step("Both review cards reach the editors chat")
    cards = await sandbox.wait_for(
        lambda: (
            [m for m in sandbox.bot_messages(EDITORS_CHAT) if "reply_markup" in m][:2]
            if len([m for m in sandbox.bot_messages(EDITORS_CHAT) if "reply_markup" in m]) >= 2
            else None
        ),
        what="two review cards",
    )

    _step("The admin invites an editor, Desk-1, who joins")
    sent = sandbox.send_text(ADMIN, "/invite editor Desk-1")
    reply = await _bot_reply(sandbox, ADMIN, sent["message_id"], "https://t.me/")
    code = reply.split("start=")[1].split()[0]
    sent = sandbox.send_text(EDITOR, f"/start {code}")
    await _bot_reply(sandbox, EDITOR, sent["message_id"], "Desk-1")

    _step("Desk-1 approves the rumour for the next slot, and sends the photos out now")
    for card, action in zip(cards, ("approve", "now"), strict=True):
        data = card["reply_markup"]["inline_keyboard"][0][0 if action == "approve" else 1]
        query = sandbox.press(EDITOR, EDITORS_CHAT, card["message_id"], data["callback_data"])
        answer = await _answer(sandbox, query)
        print(f"    Desk-1 pressed {data['text']!r}; the bot answered: {answer['text']}")
    await sandbox.wait_for(
        lambda: all("by Desk-1" in card.get("text", "") for card in cards),
        what="both cards showing the decisions",
    )


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
        settings = Settings(
            _env_file=None,
            telegram_bot_token=TOKEN,
            telegram_api_base_url=sandbox.api_url,
            telegram_file_base_url=sandbox.file_url,
            admin_ids=[ADMIN],
            editors_chat_id=EDITORS_CHAT,
            channel_ids=[CHANNEL],
            database_path=Path(folder) / "demo.db",
            local_tz="Asia/Baghdad",
            local_tz_label="Iraq",
            audience_tz="America/New_York",
            album_quiet_seconds=0.5,
            poll_timeout_seconds=1,
        )
        relay = FieldRelay(settings)
        await relay.start()
        failed: BaseException | None = None
        try:
            await play(sandbox, relay)
        except Exception as exc:  # show what the chats held when the story broke
            failed = exc
        finally:
            await relay.stop()
            await sandbox.stop()
    for title, chat_id in (
        ("Admin's private chat with the bot", ADMIN),
        ("Contact's private chat with the bot", CONTACT),
        ("Editors chat", EDITORS_CHAT),
    ):
        print(f"\n===== {title} =====")
        print(sandbox.transcript(chat_id, NAMES))
    editors_view = sandbox.transcript(EDITORS_CHAT)
    leaked = [name for name in ("Real Name Of Contact", "real_username") if name in editors_view]
    if leaked:
        print(f"\nLEAK: the editors chat shows {leaked}")
        return 1
    print("\nChecked: the contact's real name and username appear nowhere in the editors chat.")
    print(
        "Publishing to the supporter channel is the next piece of work: R-1 waits for its"
        " slot and R-2 is due now, both stored in the database."
    )
    if failed is not None:
        print(f"\nThe demo story did not finish: {failed}")
        return 1
    return 0


def main() -> int:
    return asyncio.run(run_demo())
