"""Wiping a contact's chat with the bot from their phone, on request or automatically.

A contact's phone may be searched at a checkpoint. The bot remembers every message of its
private chat with each registered person (theirs and its own) and deletes them: all at once
on /wipe or /revoke, and those older than AUTO_WIPE_HOURS on a timer. Telegram lets a bot
delete messages in a private chat only for 48 hours, so older ones are reported, not hidden.
Reports themselves stay with the organisation."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.clock import Clock
from bot.sender import Sender, SendError
from storage import ChatLog

log = logging.getLogger(__name__)

# Telegram: "a message can only be deleted if it was sent less than 48 hours ago".
DELETE_WINDOW = timedelta(hours=48)
BATCH = 100  # deleteMessages takes at most 100 ids


@dataclass(frozen=True, slots=True)
class WipeResult:
    deleted: int
    too_old: int


class ChatWiper:
    def __init__(self, chat_log: ChatLog, sender: Sender, clock: Clock) -> None:
        self.chat_log = chat_log
        self.sender = sender
        self.clock = clock

    async def wipe(
        self, chat_id: int, before: datetime | None = None, *, checkpoint: bool = True
    ) -> WipeResult:
        """Delete the chat's remembered messages (those sent before `before`, if given), and
        take what the database deleted off the disk (`checkpoint`)."""
        now = self.clock.now()
        messages = await self.chat_log.messages(chat_id, before)
        deletable = [mid for mid, at in messages if now - at < DELETE_WINDOW]
        for start in range(0, len(deletable), BATCH):
            await self.sender.delete_many(chat_id, deletable[start : start + BATCH])
        await self.chat_log.forget(chat_id, [mid for mid, _ in messages])
        if checkpoint:
            await self.chat_log.db.checkpoint()
        return WipeResult(deleted=len(deletable), too_old=len(messages) - len(deletable))

    async def auto_wipe(self, hours: float) -> int:
        """Wipe every message older than `hours` from every chat; returns how many."""
        cutoff = self.clock.now() - timedelta(hours=hours)
        total = 0
        for chat_id in await self.chat_log.chats_with_messages_before(cutoff):
            try:
                total += (await self.wipe(chat_id, before=cutoff, checkpoint=False)).deleted
            except SendError as exc:
                log.warning("auto-wipe of a chat failed, will retry: %s", exc)
        if total:
            await self.chat_log.db.checkpoint()
        return total
