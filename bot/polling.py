"""Durable polling: an update is stored in SQLite before Telegram is told it was received.

python-telegram-bot's Updater confirms updates on its next getUpdates whether or not they
were handled, so a crash loses what it had fetched. Here every update is written to the
inbox first, its offset is confirmed only by the next getUpdates, and it is deleted from the
inbox once handled. On start, anything still in the inbox is handled again; handling is
idempotent, so a replay never doubles a report.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

from telegram import Update
from telegram.error import Forbidden, InvalidToken, RetryAfter, TelegramError
from telegram.ext import Application

from bot.clock import Clock
from storage import Inbox

log = logging.getLogger(__name__)


class DurablePolling:
    def __init__(
        self,
        application: Application[Any, Any, Any, Any, Any, Any],
        inbox: Inbox,
        clock: Clock,
        *,
        timeout: int,
    ) -> None:
        self.application = application
        self.inbox = inbox
        self.clock = clock
        self.timeout = timeout
        self.max_backoff = 30.0

    async def replay(self) -> int:
        """Handle updates that were stored but not handled before the last stop."""
        pending = await self.inbox.unhandled()
        for update_id, payload in pending:
            await self._handle(update_id, Update.de_json(json.loads(payload), self.application.bot))
        if pending:
            log.info("replayed %d update(s) left from the last run", len(pending))
        return len(pending)

    async def run(self) -> None:
        """Poll until cancelled."""
        await self.replay()
        last = await self.inbox.last_update_id()
        offset = last + 1 if last is not None else None
        backoff = 1.0
        bot = self.application.bot
        while True:
            try:
                updates = await bot.get_updates(
                    offset=offset,
                    timeout=self.timeout,
                    read_timeout=self.timeout + 10,
                    allowed_updates=Update.ALL_TYPES,
                )
            except (InvalidToken, Forbidden):
                log.critical("Telegram refused the bot token; stopping")
                raise
            except RetryAfter as exc:
                await asyncio.sleep(float(_seconds(exc.retry_after)))
                continue
            except TelegramError as exc:
                log.warning("getUpdates failed (%s); retrying in %.0f s", exc.message, backoff)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, self.max_backoff)
                continue
            backoff = 1.0
            if not updates:
                continue
            await self.inbox.store(
                [(u.update_id, json.dumps(u.to_dict())) for u in updates], self.clock.now()
            )
            offset = updates[-1].update_id + 1
            for update in updates:
                await self._handle(update.update_id, update)

    async def _handle(self, update_id: int, update: Update) -> None:
        # process_update hands handler errors to the error handler; it does not raise them.
        await self.application.process_update(update)
        await self.inbox.handled(update_id)


def _seconds(value: object) -> float:
    total_seconds = getattr(value, "total_seconds", None)
    if callable(total_seconds):
        return float(total_seconds())
    return float(value)  # type: ignore[arg-type]
