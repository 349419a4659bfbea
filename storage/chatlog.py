"""The messages of each registered person's private chat with the bot, kept for wiping."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from storage.database import Database
from storage.times import req_dt, ts

# One row per message: [chat id, message id, time], as a JSON array (see Database.defer_row).
_RECORD = (
    "INSERT OR IGNORE INTO private_messages (chat_id, message_id, at)"
    " SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'),"
    " json_extract(value, '$[2]') FROM json_each(?) WHERE EXISTS (SELECT 1 FROM people"
    " WHERE telegram_user_id = json_extract(value, '$[0]') AND status = 'active')"
)


class ChatLog:
    def __init__(self, db: Database) -> None:
        self.db = db

    def record(self, chat_id: int, message_id: int, at: datetime) -> None:
        """Remember a message of a private chat, only if the chat is a registered person's:
        nothing is kept about strangers.

        Deferred (see Database.defer_row), so a burst of messages costs one commit: an
        incoming message lost in a crash is recorded again when its update is replayed; an
        outgoing one is lost only if the bot dies within GROUP_COMMIT_SECONDS of sending it
        (then /wipe cannot delete that one message)."""
        self.db.defer_row("a message to wipe later", _RECORD, [chat_id, message_id, ts(at)])

    async def messages(
        self, chat_id: int, before: datetime | None = None
    ) -> list[tuple[int, datetime]]:
        """(message id, time) of the chat's remembered messages, oldest first."""
        rows = await self.db.fetch(
            "SELECT message_id, at FROM private_messages WHERE chat_id = ?"
            + (" AND at < ?" if before is not None else "")
            + " ORDER BY message_id",
            (chat_id, ts(before)) if before is not None else (chat_id,),
        )
        return [(row[0], req_dt(row[1])) for row in rows]

    async def has(self, chat_id: int, message_id: int) -> bool:
        """Whether a message of the chat is still there (not wiped yet)."""
        row = await self.db.fetchrow(
            "SELECT 1 FROM private_messages WHERE chat_id = ? AND message_id = ?",
            (chat_id, message_id),
        )
        return row is not None

    async def chats_with_messages_before(self, before: datetime) -> list[int]:
        # The planner would walk the primary key for DISTINCT; the time index is far smaller.
        rows = await self.db.fetch(
            "SELECT DISTINCT chat_id FROM private_messages INDEXED BY private_messages_at"
            " WHERE at < ?",
            (ts(before),),
        )
        return [row[0] for row in rows]

    async def forget(self, chat_id: int, message_ids: Sequence[int]) -> None:
        async with self.db.transaction() as conn:
            await conn.executemany(
                "DELETE FROM private_messages WHERE chat_id = ? AND message_id = ?",
                [(chat_id, message_id) for message_id in message_ids],
            )
