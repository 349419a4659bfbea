"""Questions put to editors, and messages owed to contacts."""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from storage.database import Database
from storage.models import (
    ContactMessage,
    Prompt,
)
from storage.times import dt, req_dt, ts


def _prompt(row: aiosqlite.Row) -> Prompt:
    return Prompt(
        chat_id=row["chat_id"],
        message_id=row["message_id"],
        report_id=row["report_id"],
        kind=row["kind"],
        editor_telegram_id=row["editor_telegram_id"],
        created_at=req_dt(row["created_at"]),
        answered_at=dt(row["answered_at"]),
        post_id=row["post_id"],
    )


async def insert_prompt(
    conn: aiosqlite.Connection,
    *,
    chat_id: int,
    message_id: int,
    report_id: int,
    kind: str,
    editor_telegram_id: int,
    at: datetime,
    post_id: int | None = None,
) -> None:
    """A prompt, inside the caller's transaction."""
    await conn.execute(
        "INSERT INTO prompts (chat_id, message_id, report_id, kind, editor_telegram_id,"
        " created_at, post_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (chat_id, message_id, report_id, kind, editor_telegram_id, ts(at), post_id),
    )


class Prompts:
    """Questions asked of one editor, answered by replying to them."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def add(
        self,
        *,
        chat_id: int,
        message_id: int,
        report_id: int,
        kind: str,
        editor_telegram_id: int,
        at: datetime,
        conn: aiosqlite.Connection | None = None,
        post_id: int | None = None,
    ) -> None:
        """A question just sent to one editor, answered by replying to `message_id`."""
        async with self.db.unit(conn) as tx:
            await insert_prompt(
                tx,
                chat_id=chat_id,
                message_id=message_id,
                report_id=report_id,
                kind=kind,
                editor_telegram_id=editor_telegram_id,
                at=at,
                post_id=post_id,
            )

    async def get(self, chat_id: int, message_id: int) -> Prompt | None:
        row = await self.db.fetchrow(
            "SELECT * FROM prompts WHERE chat_id = ? AND message_id = ?", (chat_id, message_id)
        )
        return _prompt(row) if row else None

    async def open_for(self, report_id: int, editor_telegram_id: int, kind: str) -> Prompt | None:
        row = await self.db.fetchrow(
            "SELECT * FROM prompts WHERE report_id = ? AND editor_telegram_id = ? AND kind = ?"
            " AND answered_at IS NULL ORDER BY created_at DESC LIMIT 1",
            (report_id, editor_telegram_id, kind),
        )
        return _prompt(row) if row else None

    async def answer(
        self, prompt: Prompt, at: datetime, conn: aiosqlite.Connection | None = None
    ) -> bool:
        """Mark answered; False if it already was (a duplicate delivery of the reply)."""
        async with (
            self.db.unit(conn) as tx,
            tx.execute(
                "UPDATE prompts SET answered_at = ? WHERE chat_id = ? AND message_id = ?"
                " AND answered_at IS NULL",
                (ts(at), prompt.chat_id, prompt.message_id),
            ) as cursor,
        ):
            return cursor.rowcount == 1


class ContactMessages:
    """Messages to contacts about their reports, kept until delivered."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def add(
        self,
        *,
        report_id: int,
        chat_id: int,
        text: str,
        reply_to: int | None,
        at: datetime,
        conn: aiosqlite.Connection | None = None,
    ) -> None:
        async with self.db.unit(conn) as tx:
            await tx.execute(
                "INSERT INTO contact_messages (report_id, chat_id, text, reply_to, created_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (report_id, chat_id, text, reply_to, ts(at)),
            )

    async def unsent(self, limit: int = 1) -> list[ContactMessage]:
        rows = await self.db.fetch(
            "SELECT * FROM contact_messages WHERE sent_at IS NULL ORDER BY id LIMIT ?", (limit,)
        )
        return [
            ContactMessage(
                id=row["id"],
                report_id=row["report_id"],
                chat_id=row["chat_id"],
                text=row["text"],
                reply_to=row["reply_to"],
                question_id=row["question_id"],
            )
            for row in rows
        ]

    async def mark_sent(self, message_id: int, at: datetime) -> None:
        await self.db.execute(
            "UPDATE contact_messages SET sent_at = ? WHERE id = ?", (ts(at), message_id)
        )
