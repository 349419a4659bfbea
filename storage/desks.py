"""The editors' side of a burst: messages owed to the editors chat, the desks (the editors
chat and each editor's private desk) with their queue messages, and cards asked for."""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from storage.conversations import insert_prompt
from storage.database import Database
from storage.models import Desk, DeskMessage
from storage.times import dt, ts


def _desk_message(row: aiosqlite.Row) -> DeskMessage:
    return DeskMessage(
        id=row["id"],
        chat_id=row["chat_id"],
        text=row["text"],
        reply_to=row["reply_to"],
        edit_message_id=row["edit_message_id"],
        prompt_kind=row["prompt_kind"],
        report_id=row["report_id"],
        editor_telegram_id=row["editor_telegram_id"],
        editor_name=row["editor_name"],
        placeholder=row["placeholder"],
        post_id=row["post_id"],
        delete_message_id=row["delete_message_id"],
        answer_id=row["answer_id"],
    )


def _desk(row: aiosqlite.Row) -> Desk:
    return Desk(
        chat_id=row["chat_id"],
        editor_telegram_id=row["editor_telegram_id"],
        queue_message_id=row["queue_message_id"],
        queue_text=row["queue_text"],
        queue_updated_at=dt(row["queue_updated_at"]),
    )


class DeskMessages:
    """Messages owed to the editors chat, sent in order at its pace by the courier."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def add(
        self,
        chat_id: int,
        text: str,
        at: datetime,
        *,
        reply_to: int | None = None,
        edit_message_id: int | None = None,
        prompt: tuple[str, int, int, str, str] | None = None,
        post_id: int | None = None,
        delete_message_id: int | None = None,
    ) -> None:
        """Queue a message; `prompt` = (kind, report id, editor's Telegram id, editor's
        name, placeholder) makes it a question to that editor (about outbox row `post_id`,
        for a post link)."""
        kind, report_id, editor_id, editor_name, placeholder = prompt or (None,) * 5
        await self.db.execute(
            "INSERT INTO desk_messages (chat_id, text, reply_to, edit_message_id, prompt_kind,"
            " report_id, editor_telegram_id, editor_name, placeholder, created_at, post_id,"
            " delete_message_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                chat_id,
                text,
                reply_to,
                edit_message_id,
                kind,
                report_id,
                editor_id,
                editor_name,
                placeholder,
                ts(at),
                post_id,
                delete_message_id,
            ),
        )

    async def unsent(self, limit: int = 1, *, private: bool) -> list[DeskMessage]:
        """The oldest owed to the editors chat (a group), or to editors' private chats."""
        rows = await self.db.fetch(
            "SELECT * FROM desk_messages WHERE sent_at IS NULL AND (chat_id > 0) = ?"
            " ORDER BY id LIMIT ?",
            (int(private), limit),
        )
        return [_desk_message(row) for row in rows]

    async def count_unsent(self) -> int:
        return int(
            await self.db.fetchval("SELECT COUNT(*) FROM desk_messages WHERE sent_at IS NULL")
        )

    async def sent(self, message: DeskMessage, message_id: int | None, at: datetime) -> None:
        """Mark it sent; a question becomes a prompt its editor answers by replying, in the
        same transaction."""
        async with self.db.transaction() as conn:
            await conn.execute(
                "UPDATE desk_messages SET sent_at = ? WHERE id = ?", (ts(at), message.id)
            )
            if message.prompt_kind is not None and message_id is not None:
                assert message.report_id is not None and message.editor_telegram_id is not None
                await insert_prompt(
                    conn,
                    chat_id=message.chat_id,
                    message_id=message_id,
                    report_id=message.report_id,
                    kind=message.prompt_kind,
                    editor_telegram_id=message.editor_telegram_id,
                    at=at,
                    post_id=message.post_id,
                )


class Desks:
    """The editors chat and the private desks editors opened with /desk."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def open(self, chat_id: int, editor_telegram_id: int | None, at: datetime) -> bool:
        """Open a desk; False if it was open already."""
        inserted = await self.db.execute(
            "INSERT INTO desks (chat_id, editor_telegram_id, opened_at) VALUES (?, ?, ?)"
            " ON CONFLICT (chat_id) DO NOTHING",
            (chat_id, editor_telegram_id, ts(at)),
        )
        return inserted == 1

    async def close(self, chat_id: int) -> Desk | None:
        """Close a private desk; the desk as it was, or None if none was open."""
        async with self.db.transaction() as conn:
            async with conn.execute(
                "DELETE FROM desks WHERE chat_id = ? RETURNING *", (chat_id,)
            ) as cursor:
                row = await cursor.fetchone()
            await conn.execute("DELETE FROM card_requests WHERE chat_id = ?", (chat_id,))
        return _desk(row) if row else None

    async def get(self, chat_id: int) -> Desk | None:
        row = await self.db.fetchrow("SELECT * FROM desks WHERE chat_id = ?", (chat_id,))
        return _desk(row) if row else None

    async def private(self) -> list[Desk]:
        rows = await self.db.fetch(
            "SELECT * FROM desks WHERE editor_telegram_id IS NOT NULL ORDER BY chat_id"
        )
        return [_desk(row) for row in rows]

    async def close_for(self, editor_telegram_id: int) -> None:
        """An editor revoked: their private desk closes with them."""
        await self.db.execute(
            "DELETE FROM desks WHERE editor_telegram_id = ?", (editor_telegram_id,)
        )

    async def queue_shown(
        self, chat_id: int, message_id: int | None, text: str | None, at: datetime
    ) -> None:
        await self.db.execute(
            "UPDATE desks SET queue_message_id = ?, queue_text = ?, queue_updated_at = ?"
            " WHERE chat_id = ?",
            (message_id, text, ts(at), chat_id),
        )


class CardRequests:
    """Full cards editors asked for from a queue message (Open)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def add(self, report_id: int, chat_id: int, at: datetime) -> bool:
        """False if that card was already asked for in that chat."""
        inserted = await self.db.execute(
            "INSERT INTO card_requests (report_id, chat_id, requested_at) VALUES (?, ?, ?)"
            " ON CONFLICT DO NOTHING",
            (report_id, chat_id, ts(at)),
        )
        return inserted == 1

    async def next(self, chat_id: int | None = None) -> tuple[int, int] | None:
        """The oldest request (report id, chat id), in `chat_id` or, without it, in any
        private chat."""
        if chat_id is not None:
            row = await self.db.fetchrow(
                "SELECT report_id, chat_id FROM card_requests WHERE chat_id = ?"
                " ORDER BY requested_at LIMIT 1",
                (chat_id,),
            )
        else:
            row = await self.db.fetchrow(
                "SELECT report_id, chat_id FROM card_requests WHERE chat_id > 0"
                " ORDER BY requested_at LIMIT 1"
            )
        return (int(row[0]), int(row[1])) if row else None

    async def done(self, report_id: int, chat_id: int) -> None:
        await self.db.execute(
            "DELETE FROM card_requests WHERE report_id = ? AND chat_id = ?", (report_id, chat_id)
        )
