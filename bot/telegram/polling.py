"""Receiving updates without losing any: stored in SQLite first, handled, then forgotten.

python-telegram-bot's Updater confirms updates on its next getUpdates whether or not they
were handled, so a crash loses what it had fetched. Here every update is written to the
inbox first; with polling its offset is confirmed only by the next getUpdates, with a webhook
Telegram gets its 200 only once it is stored. It is deleted from the inbox once handled. On
start, anything still in the inbox is handled again; handling is idempotent, so a replay never
doubles a report.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Sequence
from typing import Any

from telegram import Update
from telegram.error import Forbidden, InvalidToken, RetryAfter, TelegramError
from telegram.ext import Application

from bot import texts
from bot.clock import Clock
from bot.telegram.sender import retry_after_seconds
from storage import Inbox, is_transient

log = logging.getLogger(__name__)

# Raw updates are fetched on purpose, to store them before parsing. Bot API method names are
# case-insensitive; the lower-case spelling keeps python-telegram-bot from suggesting
# Bot.get_updates, which parses (and can fail on) a whole batch at once.
RAW_GET_UPDATES = "getupdates"


class UpdateInbox:
    """Store raw updates durably, then handle them one by one, in order."""

    def __init__(
        self, application: Application[Any, Any, Any, Any, Any, Any], inbox: Inbox, clock: Clock
    ) -> None:
        self.application = application
        self.inbox = inbox
        self.clock = clock

    async def store(self, updates: list[dict[str, Any]]) -> None:
        await self.inbox.store([(raw["update_id"], raw) for raw in updates], self.clock.now())

    async def replay(self) -> int:
        """Handle updates that were stored but not handled before the last stop."""
        pending = await self.inbox.unhandled()
        for update_id, payload in pending:
            await self.handle(update_id, json.loads(payload))
        await self.commit()
        if pending:
            log.info("replayed %d update(s) left from the last run", len(pending))
        return len(pending)

    async def handle(self, update_id: int, raw: dict[str, Any]) -> None:
        try:
            update = Update.de_json(raw, self.application.bot)
        except Exception:
            # A shape this version of python-telegram-bot cannot read must not stop intake.
            log.exception("update %s could not be read and is skipped", update_id)
        else:
            # process_update hands handler errors to the error handler; it does not raise.
            await self.application.process_update(update)
        self.inbox.handled(update_id)

    async def commit(self) -> None:
        """Commit what handling deferred (reports, their audit, the inbox marks) now."""
        await self.inbox.db.flush()

    async def last_update_id(self) -> int | None:
        return await self.inbox.last_update_id()


class DurablePolling:
    def __init__(
        self,
        updates: UpdateInbox,
        *,
        timeout: int,
        max_backoff: float,
        admins: Sequence[int] = (),
        alert_after: float = 60,
    ) -> None:
        self.updates = updates
        self.timeout = timeout
        self.max_backoff = max_backoff
        self._database_backoff = 1.0
        # Admins are told once when the database has refused writes for `alert_after`
        # seconds, and once when it takes them again: straight from Telegram, as the
        # database (and so the desk's durable lane) is what is down.
        self.admins = list(admins)
        self.alert_after = alert_after
        self._down_since: float | None = None
        self._told = False

    async def run(self) -> None:
        """Poll until cancelled."""
        bot = self.updates.application.bot
        await bot.delete_webhook()  # getUpdates is refused while a webhook is set
        await self.updates.replay()
        last = await self.updates.last_update_id()
        offset = last + 1 if last is not None else None
        backoff = 1.0
        while True:
            try:
                updates = await bot.do_api_request(
                    RAW_GET_UPDATES,
                    api_kwargs={
                        "offset": offset,
                        "timeout": self.timeout,
                        "allowed_updates": Update.ALL_TYPES,
                    },
                    read_timeout=self.timeout + 10,
                )
            except (InvalidToken, Forbidden):
                log.critical("Telegram refused the bot token; stopping")
                raise
            except RetryAfter as exc:
                await asyncio.sleep(retry_after_seconds(exc))
                continue
            except TelegramError as exc:
                log.warning("getUpdates failed (%s); retrying in %.0f s", exc.message, backoff)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, self.max_backoff)
                continue
            backoff = 1.0
            if not isinstance(updates, list) or not updates:
                continue
            if not await self._stored(updates):
                continue  # the same offset again: Telegram keeps them until confirmed
            offset = updates[-1]["update_id"] + 1
            for raw in updates:
                await self.updates.handle(raw["update_id"], raw)
            # One commit for the whole batch: a burst of reports is stored together.
            await self._committed()

    async def _stored(self, updates: list[dict[str, Any]]) -> bool:
        """Store a batch; when the database cannot take it (locked by another process, a
        full disk), wait and say False: nothing is confirmed to Telegram that is not
        stored, so Telegram keeps them and the next getUpdates brings them again."""
        began = time.monotonic()
        try:
            await self.updates.store(updates)
        except Exception as exc:
            if not is_transient(exc):
                raise
            await self._wait_for_database(exc, began)
            return False
        await self._database_back()
        return True

    async def _committed(self) -> None:
        """Commit what handling deferred, retrying until the database takes it: the
        writes are kept meanwhile, and no new update is fetched."""
        while True:
            began = time.monotonic()
            try:
                await self.updates.commit()
            except Exception as exc:
                if not is_transient(exc):
                    raise
                await self._wait_for_database(exc, began)
                continue
            await self._database_back()
            return

    async def _wait_for_database(self, exc: BaseException, began: float) -> None:
        """`began`: when the write that failed was tried (it waited out the busy timeout)."""
        log.warning(
            "the database cannot be written (%s); retrying in %.1f s", exc, self._database_backoff
        )
        now = time.monotonic()
        self._down_since = self._down_since or began
        if not self._told and now - self._down_since >= self.alert_after:
            self._told = True
            minutes = (now - self._down_since) / 60
            await self._tell_admins(texts.DATABASE_DOWN.format(minutes=minutes, error=exc))
        await asyncio.sleep(self._database_backoff)
        self._database_backoff = min(self._database_backoff * 2, self.max_backoff)

    async def _database_back(self) -> None:
        self._database_backoff = 1.0
        if self._down_since is not None and self._told:
            await self._tell_admins(texts.DATABASE_BACK)
        self._down_since, self._told = None, False

    async def _tell_admins(self, text: str) -> None:
        bot = self.updates.application.bot
        for admin_id in self.admins:
            try:
                await bot.send_message(admin_id, text)
            except TelegramError as exc:
                log.warning("could not tell an admin about the database: %s", exc.message)
