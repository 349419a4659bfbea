"""`fieldrelay demo`: the bot against the local sandbox, playing a short story."""

from __future__ import annotations

import asyncio
import logging
import os
import re
import tempfile
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.app import FieldRelay
from bot.clock import SystemClock
from sandbox import Sandbox, image_bytes

TOKEN = "4242:DEMO-sandbox-token"
ADMIN, CONTACT, CONTACT_2, EDITOR = 100, 200, 201, 300
EDITORS_CHAT, CHANNEL = -1001, -1002
NAMES = {ADMIN: "admin", CONTACT: "Kirkuk-1", CONTACT_2: "Kirkuk-2", EDITOR: "Desk-1"}
# What a reader must never see: who sent a report, who wrote an update, and report ids.
PRIVATE = re.compile(r"Kirkuk-1|Kirkuk-2|Desk-1|Real Name|real_username|\bR-\d+")
SLOT = time(16, 0)  # 4:00 pm in Iraq
SITE = Path("demo-site")  # the live blog, in the folder the demo runs in


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
            text = message.get("text", "")
            is_card = f"Report {code} " in text or f"Written update {code} " in text
            if is_card and "reply_markup" in message:
                return message
        return None

    card: dict[str, Any] = await sandbox.wait_for(found, what=f"the card of {code}")
    return card


async def _channel_shows(sandbox: Sandbox, count: int) -> None:
    await sandbox.wait_for(
        lambda: len(sandbox.bot_messages(CHANNEL)) >= count, timeout=30, what="channel posts"
    )


async def _write(
    sandbox: Sandbox, text: str, formatting: list[dict[str, Any]] | None = None
) -> str:
    """Desk-1 sends a command in the editors chat; returns the bot's answer to it."""
    sent = sandbox.send_text(EDITOR, text, chat_id=EDITORS_CHAT, formatting=formatting)

    def answer() -> str | None:
        for message in sandbox.bot_messages(EDITORS_CHAT):
            if message.get("reply_to_message", {}).get("message_id") == sent["message_id"]:
                return str(message.get("text") or "")
        return None

    reply: str = await sandbox.wait_for(answer, what=f"the answer to {text.split()[0]}")
    print(f"    the bot answered: {reply}")
    return reply


def _line(card: dict[str, Any], starts: str) -> str:
    return next(str(line) for line in card["text"].splitlines() if line.startswith(starts))


async def play(sandbox: Sandbox, clock: DemoClock) -> None:
    """The seed's night, act by act."""
    await _the_evening(sandbox)
    await _the_governorate(sandbox)
    await _later_that_night(sandbox, clock)


async def _the_evening(sandbox: Sandbox) -> None:
    _step("An admin invites two contacts, Kirkuk-1 and Kirkuk-2, and an editor, Desk-1")
    people = ((CONTACT, "contact", "Kirkuk-1"), (CONTACT_2, "contact", "Kirkuk-2"))
    for person, role, name in (*people, (EDITOR, "editor", "Desk-1")):
        sent = sandbox.send_text(ADMIN, f"/invite {role} {name}")
        reply = await _bot_reply(sandbox, ADMIN, sent["message_id"], "https://t.me/")
        link = re.search(r"https://t\.me/\S+", reply)
        assert link is not None
        print(f"    {name}: {link.group(0)[:60]}...")
        sent = sandbox.send_text(person, f"/start {link.group(0).split('start=')[1]}")
        await _bot_reply(sandbox, person, sent["message_id"], name)
    print("    All three opened their link and are registered under their pseudonyms.")

    _step("Desk-1 opens the story and writes its opening post (BREAKING in bold)")
    await _write(sandbox, "/story new Attack on Kirkuk")
    opening = "BREAKING: Kirkuk is under attack.\n• Fighting in several districts\n• Stay inside"
    bold = [{"type": "bold", "offset": len("/opening\n"), "length": len("BREAKING:")}]
    await _write(sandbox, f"/opening\n{opening}", bold)
    await _channel_shows(sandbox, 1)

    _step("Kirkuk-1 sends a rumour; Desk-1 approves it for the 4:00 pm slot")
    sandbox.send_text(CONTACT, "Fighters dressed as police at the checkpoint near the market.")
    await _press(sandbox, await _card(sandbox, "R-1"), "Approve")
    print("    (the demo's clock stands a few seconds before the slot)")
    await _channel_shows(sandbox, 2)

    _step("Kirkuk-1 sends three photos from their roof as one album; Desk-1: Publish now")
    photos = [image_bytes((640, 480), color) for color in ("gray", "orange", "black")]
    sandbox.send_album(CONTACT, photos, caption="Smoke over the old city, from my roof.")
    await _press(sandbox, await _card(sandbox, "R-2"), "Publish now")
    await _channel_shows(sandbox, 5)


async def _the_governorate(sandbox: Sandbox) -> None:
    _step("Two contacts report gunfire at the governorate; Desk-1 writes one update from both")
    sandbox.send_text(CONTACT_2, "Heavy gunfire near the governorate building right now")
    await _card(sandbox, "R-3")
    sandbox.send_text(CONTACT, "Shooting at the governorate, people are hiding inside")
    await _card(sandbox, "R-4")
    await _write(
        sandbox,
        "/write R-3 R-4\nHeavy fighting is reported around the governorate building,"
        " according to several of our friends inside the city.",
    )
    card = await _card(sandbox, "R-5")
    print(f"    its card, for editors only: {_line(card, 'Sources:')}")
    await _press(sandbox, card, "Publish now")
    await _channel_shows(sandbox, 6)

    _step("Desk-1 asks Kirkuk-2 about R-3; the answer comes back to the desk, unpublished")
    asked = sandbox.send_text(EDITOR, "/ask R-3 Which side of the building?", chat_id=EDITORS_CHAT)
    question = await sandbox.wait_for(
        lambda: next(
            (m for m in sandbox.bot_messages(CONTACT_2) if "The editors ask" in m.get("text", "")),
            None,
        ),
        what="the question in Kirkuk-2's chat",
    )
    print(f"    Kirkuk-2 reads: {' '.join(question['text'].split())}")
    sandbox.send_text(CONTACT_2, "The north gate, by the car park", reply_to_message=question)
    answer = await _bot_reply(sandbox, EDITORS_CHAT, asked["message_id"], "Answer to R-3")
    print(f"    the editors chat: {' '.join(answer.split())}")

    _step("An official's claim, with no source of ours: Desk-1 writes it and says so")
    await _write(
        sandbox,
        "/write\nAn official in the provincial government says the situation is now calm."
        " To our knowledge this has not been verified.",
    )
    await _press(sandbox, await _card(sandbox, "R-6"), "Publish now")
    await _channel_shows(sandbox, 7)


async def _later_that_night(sandbox: Sandbox, clock: DemoClock) -> None:
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

    _step("Kirkuk-2 texts about their mother; Desk-1 quotes the words, never the name")
    sandbox.send_text(CONTACT_2, "My mother is in Kirkuk and she says the streets are empty")
    await _card(sandbox, "R-7")
    await _write(sandbox, "/write quote R-7\nOne friend inside the city texted us:")
    await _press(sandbox, await _card(sandbox, "R-8"), "Publish now")
    await _channel_shows(sandbox, 8)

    _step("Desk-1 writes an update that ends with a link to read more")
    text = "Why Kirkuk matters: the background of tonight's attack. To read more, click here"
    read_more: dict[str, Any] = {
        "type": "text_link",
        "offset": len("/write\n") + text.index("click here"),
        "length": len("click here"),
        "url": "https://example.org/kirkuk-background",
    }
    await _write(sandbox, f"/write\n{text}", [read_more])
    await _press(sandbox, await _card(sandbox, "R-9"), "Publish now")
    await _channel_shows(sandbox, 9)

    _step("Kirkuk-2 reports the power back in one district; Desk-1: Publish now")
    sandbox.send_text(CONTACT_2, "Power is back in the Rahimawa neighbourhood")
    await _press(sandbox, await _card(sandbox, "R-10"), "Publish now")
    await _channel_shows(sandbox, 10)

    _step("Desk-1 pins a summary of the key updates in the channel")
    await _write(sandbox, "/key 1 3 4")
    await _channel_shows(sandbox, 11)


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
    sandbox.add_user(CONTACT_2, "Real Name Of Second", "real_username_2")
    sandbox.add_user(EDITOR, "Editor")
    sandbox.add_group(EDITORS_CHAT, "Editors", {ADMIN: "administrator", EDITOR: "member"})
    sandbox.add_channel(CHANNEL, "Kirkuk Live")
    print(f"Sandbox Bot API listening on {sandbox.api_url}")
    with tempfile.TemporaryDirectory() as folder:
        failed = await _play_against(sandbox, Path(folder) / "demo.db")
    _print_chats(sandbox)
    return await _checked(sandbox, failed)


async def _play_against(sandbox: Sandbox, database: Path) -> BaseException | None:
    """The real bot over the sandbox plays the story; what broke it, if anything."""
    settings = sandbox.bot_settings(
        admin_ids=[ADMIN],
        editors_chat_id=EDITORS_CHAT,
        channel_ids=[CHANNEL],
        database=database,
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
        # The live blog, written where the demo was started.
        site_dir=SITE,
        site_render_delay_seconds=0.2,
    )
    clock = _clock_before_slot("Asia/Baghdad", SLOT, seconds=8)
    relay = FieldRelay(settings, clock)
    await relay.start()
    failed: BaseException | None = None
    try:
        await play(sandbox, clock)
        assert relay.services is not None and relay.services.site is not None
        relay.services.site.wake()  # the last change rendered, then the demo ends
        await asyncio.wait_for(relay.services.site.idle(), 30)
    except Exception as exc:  # show what the chats held when the story broke
        failed = exc
    finally:
        await relay.stop()
        await sandbox.stop()
    return failed


def _print_chats(sandbox: Sandbox) -> None:
    for title, chat_id in (
        ("Admin's private chat with the bot", ADMIN),
        ("Kirkuk-1's private chat with the bot", CONTACT),
        ("Kirkuk-2's private chat with the bot", CONTACT_2),
        ("Editors chat", EDITORS_CHAT),
        ("The supporters' channel, as a reader sees it", CHANNEL),
    ):
        print(f"\n===== {title} =====")
        print(sandbox.transcript(chat_id, NAMES))


async def _checked(sandbox: Sandbox, failed: BaseException | None) -> int:
    """What a reader must never see, checked in every chat and on the live blog."""
    editors_view = sandbox.transcript(EDITORS_CHAT)
    leaked = [name for name in ("Real Name", "real_username") if name in editors_view]
    if leaked:
        print(f"\nLEAK: the editors chat shows {leaked}")
        return 1
    index, site_text = await asyncio.to_thread(_live_blog)
    print(f"\nLive blog: {index}")
    exposed_on_web = PRIVATE.findall(site_text)
    if exposed_on_web:
        print(f"\nLEAK: the live blog shows {sorted(set(exposed_on_web))}")
        return 1
    print("Checked: the live blog shows no pseudonym, writer or report id either.")
    print("\nChecked: the contacts' real names and usernames appear nowhere in the editors chat.")
    exposed = PRIVATE.findall(sandbox.transcript(CHANNEL))
    if exposed:
        print(f"\nLEAK: the channel shows {sorted(set(exposed))}")
        return 1
    updates = len(re.findall(r"UPDATE #\d+ \(", sandbox.transcript(CHANNEL)))
    print(
        f"Checked: the channel shows {updates} numbered updates and no pseudonym, writer or"
        " report id."
    )
    if failed is not None:
        print(f"\nThe demo story did not finish: {failed}")
        return 1
    return 0


def _live_blog() -> tuple[str, str]:
    """Where the demo's live blog starts, and every page and feed of it (photos aside)."""
    text = "".join(p.read_text() for p in SITE.glob("story-*/*.*") if p.suffix != ".jpg")
    return os.path.abspath(SITE / "index.html"), text


def main() -> int:
    return asyncio.run(run_demo())
