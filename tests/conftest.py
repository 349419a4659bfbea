"""Fixtures: a fake Bot API server over real HTTP, a real SQLite file, the real bot."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from bot.app import FieldRelay
from bot.settings import Settings
from sandbox import Sandbox

TOKEN = "123456:TEST-token-that-must-never-be-logged"
ADMIN = 1000
EDITOR = 2000
STRANGER = 9000
EDITORS_CHAT = -100500
CHANNEL = -100900


class World:
    """The sandbox and the bot, with the steps a test story is made of."""

    def __init__(self, sandbox: Sandbox, relay: FieldRelay) -> None:
        self.sandbox = sandbox
        self.relay = relay
        self._next_user = 3000

    @property
    def services(self) -> Any:
        return self.relay.services

    async def bot_says(
        self, chat_id: int, contains: str = "", *, after: int = 0, timeout: float = 10
    ) -> dict[str, Any]:
        """Wait for a bot message in the chat, newer than message id `after`."""

        def found() -> dict[str, Any] | None:
            for message in reversed(self.sandbox.bot_messages(chat_id)):
                body = message.get("text") or message.get("caption") or ""
                if message["message_id"] > after and contains in body:
                    return message
            return None

        result: dict[str, Any] = await self.sandbox.wait_for(
            found, timeout, what=f"bot message containing {contains!r} in chat {chat_id}"
        )
        return result

    async def eventually(
        self, check: Callable[[], Awaitable[Any]], timeout: float = 10, what: str = "state"
    ) -> Any:
        """Wait until an async check (usually of the database) returns something truthy."""
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            value = await check()
            if value:
                return value
            if asyncio.get_running_loop().time() > deadline:
                raise TimeoutError(f"timed out waiting for {what}")
            await asyncio.sleep(0.02)

    async def report(self, report_id: int, **expected: Any) -> Any:
        """The report once it has the expected fields (e.g. card_state="posted")."""

        async def matches() -> Any:
            report = await self.services.store.reports.get(report_id)
            ok = report is not None and all(getattr(report, k) == v for k, v in expected.items())
            return report if ok else None

        return await self.eventually(matches, what=f"R-{report_id} with {expected}")

    async def press(self, user_id: int, report_id: int, action: str) -> str:
        """An editor presses a button on the card of a report; returns the answer shown."""
        card = await self.card_message(report_id)
        query = self.sandbox.press(
            user_id, EDITORS_CHAT, card["message_id"], button_data(card, action, report_id)
        )
        answer = await self.sandbox.wait_for(
            lambda: self.sandbox.callback_answers.get(query), what=f"answer to {action}"
        )
        return str(answer["text"])

    async def card_message(self, report_id: int) -> dict[str, Any]:
        """The card message of a report, as the editors chat shows it now."""
        cards = await self.eventually(
            lambda: self.services.store.cards.messages(report_id, EDITORS_CHAT),
            what=f"card of R-{report_id}",
        )
        card_id = next(m.message_id for m in cards if m.part == "card")
        message: dict[str, Any] = self.sandbox.messages[EDITORS_CHAT][card_id]
        return message

    async def card_shows(self, report_id: int, text: str) -> dict[str, Any]:
        """Wait until the report's card shows `text` (cards are edited by the courier)."""
        card = await self.card_message(report_id)
        await self.sandbox.wait_for(
            lambda: text in card.get("text", ""), what=f"card of R-{report_id} showing {text!r}"
        )
        return card

    async def people_id(self, pseudonym: str) -> int:
        person = await self.services.store.people.active_by_pseudonym(pseudonym)
        assert person is not None
        return int(person.telegram_user_id)

    def last_id(self, chat_id: int) -> int:
        messages = self.sandbox.chat_messages(chat_id)
        return messages[-1]["message_id"] if messages else 0

    async def ask(self, user_id: int, text: str, contains: str = "") -> str:
        """A user sends a text in their private chat and gets the bot's reply."""
        sent = self.sandbox.send_text(user_id, text)
        reply = await self.bot_says(user_id, contains, after=sent["message_id"])
        return str(reply["text"])

    async def desk_idle(self) -> None:
        """Return once the courier has sent everything owed to the editors chat."""
        await self.eventually(
            lambda: _none_left(self.services.store.desk_messages.count_unsent()),
            what="the desk's owed messages",
        )

    async def sync(self) -> None:
        """Return once the bot has handled every update sent so far (they run in order)."""
        await self.ask(ADMIN, "/help", "admin")

    async def invite_link(self, role: str, pseudonym: str) -> str:
        reply = await self.ask(ADMIN, f"/invite {role} {pseudonym}", "https://t.me/")
        match = re.search(r"https://t\.me/\S+\?start=(\S+)", reply)
        assert match, reply
        return match.group(0)

    async def join(
        self, role: str, pseudonym: str, user_id: int | None = None, language_code: str = ""
    ) -> int:
        """An admin invites someone, who redeems the link; returns their user id."""
        if user_id is None:
            self._next_user += 1
            user_id = self._next_user
        self.sandbox.add_user(
            user_id, f"Real Name {user_id}", f"realuser{user_id}", language_code or None
        )
        code = (await self.invite_link(role, pseudonym)).split("start=")[1]
        reply = await self.ask(user_id, f"/start {code}", "")
        assert pseudonym in reply, reply
        if role == "editor":  # an editor is a member of the editors chat
            self.sandbox.chats[EDITORS_CHAT].members[user_id] = "member"
        return user_id

    async def card_of(self, code: str, timeout: float = 10) -> dict[str, Any]:
        """The review card (message with buttons) of report `code` in the editors chat."""

        def found() -> dict[str, Any] | None:
            for message in self.sandbox.bot_messages(EDITORS_CHAT):
                if message.get("text", "").startswith(("🆕 Report " + code + " ",)):
                    return message
            return None

        result: dict[str, Any] = await self.sandbox.wait_for(found, timeout, what=f"card {code}")
        return result


def button_data(message: dict[str, Any], action: str, report_id: int) -> str:
    """The callback data of the message's button for `action` on the report, as an editor's
    app would send it (with the version the card showed); made by hand when the message has
    no such button (a press on a button that is gone)."""
    for row in message.get("reply_markup", {}).get("inline_keyboard", []):
        for button in row:
            parts = button.get("callback_data", "").split(":")
            if parts[1:3] == [action, str(report_id)]:
                return str(button["callback_data"])
    return f"v1:{action}:{report_id}"


async def _none_left(count: Awaitable[int]) -> bool:
    return await count == 0


@pytest.fixture
async def sandbox() -> AsyncIterator[Sandbox]:
    fake = Sandbox(TOKEN)
    await fake.start()
    fake.add_user(ADMIN, "Admin Person", "the_admin")
    fake.add_user(STRANGER, "Curious Stranger", "stranger")
    fake.add_group(EDITORS_CHAT, "Editors", {ADMIN: "administrator"})
    fake.add_channel(CHANNEL, "Kirkuk Live")
    yield fake
    await fake.stop()


def make_settings(sandbox: Sandbox, database: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "local_tz": "Asia/Baghdad",
        "local_tz_label": "Iraq",
        "audience_tz": "America/New_York",
        "album_quiet_seconds": 0.3,
        "poll_timeout_seconds": 1,
        "group_messages_per_minute": 6000,
    }
    values.update(overrides)
    channels = values.pop("channel_ids", [CHANNEL])
    return sandbox.bot_settings(
        admin_ids=[ADMIN],
        editors_chat_id=EDITORS_CHAT,
        channel_ids=channels,
        database=database,
        **values,
    )


@pytest.fixture
def settings(sandbox: Sandbox, tmp_path: Path) -> Settings:
    return make_settings(sandbox, tmp_path / "relay.db")


@pytest.fixture
async def start_relay() -> AsyncIterator[Callable[..., Any]]:
    """Start the real bot (more than once in a test, to restart it)."""
    running: list[FieldRelay] = []

    async def start(settings: Settings, receive: str = "polling", **kwargs: Any) -> FieldRelay:
        relay = FieldRelay(settings, **kwargs)
        await relay.start(receive=receive)
        running.append(relay)
        return relay

    yield start
    for relay in running:
        if relay.db._conn is not None:
            await relay.stop()


@pytest.fixture
async def world(sandbox: Sandbox, settings: Settings, start_relay: Callable[..., Any]) -> World:
    relay = await start_relay(settings)
    return World(sandbox, relay)
