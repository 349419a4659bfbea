"""The channel outbox: one row per send, edit or delete owed to a channel.

A send is marked `sending` before the call and `sent` with its message ids after it; a row
left `sending` by a crash is in doubt, for editors to settle."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime

import aiosqlite

from storage.database import Database
from storage.models import OutboxRow, Report
from storage.statuses import PostAction, PostState, StoryPart
from storage.times import dt, req_dt, ts


def _post(row: aiosqlite.Row) -> OutboxRow:
    return OutboxRow(
        id=row["id"],
        channel=row["channel"],
        report_id=row["report_id"],
        story_id=row["story_id"],
        action=PostAction(row["action"]),
        state=PostState(row["state"]),
        message_ids=row["message_ids"],
        attempts=row["attempts"],
        not_before=dt(row["not_before"]),
        error=row["error"],
        created_at=req_dt(row["created_at"]),
        notice_message_id=row["notice_message_id"],
        part=StoryPart(row["part"]),
    )


class Outbox:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def queue_change(
        self,
        report_id: int,
        action: str,
        at: datetime,
        conn: aiosqlite.Connection | None = None,
        *,
        channel: str | None = None,
    ) -> int:
        """Queue an edit or delete of every copy of a published report that was sent (or
        may still be), or only of the copy in `channel`. Returns how many get one."""
        async with (
            self.db.unit(conn) as tx,
            tx.execute(
                "INSERT INTO posts (channel, report_id, action, created_at, updated_at)"
                " SELECT channel, report_id, ?, ?, ? FROM posts"
                " WHERE report_id = ? AND action = 'send' AND state != 'failed'"
                " AND (? IS NULL OR channel = ?)",
                (action, ts(at), ts(at), report_id, channel, channel),
            ) as cursor,
        ):
            return cursor.rowcount

    async def link(
        self, post_id: int, message_ids: str, at: datetime, conn: aiosqlite.Connection | None = None
    ) -> bool:
        """Record where a send marked as sent by an editor sits in its channel; False if it
        is not such a row (resent meanwhile, or already linked)."""
        async with (
            self.db.unit(conn) as tx,
            tx.execute(
                "UPDATE posts SET message_ids = ?, updated_at = ? WHERE id = ?"
                " AND action = 'send' AND state = 'sent' AND message_ids IS NULL",
                (message_ids, ts(at), post_id),
            ) as cursor,
        ):
            return cursor.rowcount == 1

    async def next_in(self, channel: str) -> OutboxRow | None:
        """The oldest unfinished row of a channel: channels are served strictly in order."""
        row = await self.db.fetchrow(
            "SELECT * FROM posts WHERE channel = ? AND state = 'queued' ORDER BY id LIMIT 1",
            (channel,),
        )
        return _post(row) if row else None

    async def channels_with_work(self) -> list[str]:
        rows = await self.db.fetch("SELECT DISTINCT channel FROM posts WHERE state = 'queued'")
        return [row[0] for row in rows]

    async def get(self, post_id: int) -> OutboxRow | None:
        row = await self.db.fetchrow("SELECT * FROM posts WHERE id = ?", (post_id,))
        return _post(row) if row else None

    async def sent_copy(self, report_id: int, channel: str) -> OutboxRow | None:
        """The send row of a report in a channel."""
        row = await self.db.fetchrow(
            "SELECT * FROM posts WHERE report_id = ? AND channel = ? AND action = 'send'"
            " ORDER BY id LIMIT 1",
            (report_id, channel),
        )
        return _post(row) if row else None

    async def sent_story_copy(self, story_id: int, part: str, channel: str) -> OutboxRow | None:
        """The send row of a story's opening post or summary in a channel."""
        row = await self.db.fetchrow(
            "SELECT * FROM posts WHERE story_id = ? AND part = ? AND channel = ?"
            " AND action = 'send' ORDER BY id LIMIT 1",
            (story_id, part, channel),
        )
        return _post(row) if row else None

    async def queue_summary_change(
        self, report: Report, at: datetime, conn: aiosqlite.Connection | None = None
    ) -> int:
        """A key update changed (confirmed, corrected, retracted): its story's pinned summary
        is edited in every channel where it was sent. Returns how many rows were queued."""
        async with self.db.unit(conn) as tx:
            async with tx.execute(
                "SELECT key_numbers FROM stories WHERE id = ?", (report.story_id,)
            ) as cursor:
                row = await cursor.fetchone()
            keys = json.loads(row[0]) if row and row[0] else []
            if report.story_id is None or report.number not in keys:
                return 0
            async with tx.execute(
                "INSERT INTO posts (channel, story_id, part, action, created_at, updated_at)"
                " SELECT DISTINCT channel, story_id, 'summary', 'edit', ?, ? FROM posts"
                " WHERE story_id = ? AND part = 'summary' AND action = 'send'"
                " AND state != 'failed'",
                (ts(at), ts(at), report.story_id),
            ) as cursor:
                return cursor.rowcount

    async def of_report(self, report_id: int) -> list[OutboxRow]:
        rows = await self.db.fetch(
            "SELECT * FROM posts WHERE report_id = ? ORDER BY id", (report_id,)
        )
        return [_post(row) for row in rows]

    async def start_sending(self, post: OutboxRow, at: datetime) -> bool:
        """Record that the call is about to be made (state `sending`), before making it."""
        async with (
            self.db.transaction() as conn,
            conn.execute(
                "UPDATE posts SET state = 'sending', attempts = attempts + 1, updated_at = ?"
                " WHERE id = ? AND state = 'queued'",
                (ts(at), post.id),
            ) as cursor,
        ):
            return cursor.rowcount == 1

    async def finish(
        self,
        post: OutboxRow,
        state: str,
        at: datetime,
        *,
        message_ids: str | None = None,
        error: str | None = None,
        not_before: datetime | None = None,
    ) -> None:
        await self.db.execute(
            "UPDATE posts SET state = ?, message_ids = COALESCE(?, message_ids), error = ?,"
            " not_before = ?, updated_at = ? WHERE id = ?",
            (
                state,
                message_ids,
                error,
                ts(not_before) if not_before else None,
                ts(at),
                post.id,
            ),
        )
        if post.report_id is not None:
            await self.db.execute(
                "UPDATE reports SET card_dirty = card_dirty + 1 WHERE id = ?", (post.report_id,)
            )

    async def mark_in_doubt(self) -> list[OutboxRow]:
        """At start: rows left `sending` by a crash. Nobody knows whether they went out."""
        async with (
            self.db.transaction() as conn,
            conn.execute(
                "UPDATE posts SET state = 'in_doubt' WHERE state = 'sending' RETURNING *"
            ) as cursor,
        ):
            rows = await cursor.fetchall()
        return [_post(row) for row in rows]

    async def resolve(self, post_id: int, resend: bool, at: datetime) -> OutboxRow | None:
        """An editor decided an in-doubt row: send it again, or take it as sent."""
        async with self.db.transaction() as conn:
            rows = await conn.execute_fetchall(
                "UPDATE posts SET state = ?, updated_at = ? WHERE id = ? AND state = 'in_doubt'"
                " RETURNING *",
                ("queued" if resend else "sent", ts(at), post_id),
            )
            post = _post(next(iter(rows))) if rows else None
            if post is not None and post.report_id is not None:
                # The card shows each channel's delivery: it must show the decision too.
                await conn.execute(
                    "UPDATE reports SET card_dirty = card_dirty + 1 WHERE id = ?",
                    (post.report_id,),
                )
        return post

    async def needing_notice(self) -> list[OutboxRow]:
        """Rows editors must hear about (in doubt, or failed for good) and have not yet."""
        rows = await self.db.fetch(
            "SELECT * FROM posts WHERE state IN ('in_doubt', 'failed')"
            " AND notice_message_id IS NULL ORDER BY id LIMIT 5"
        )
        return [_post(row) for row in rows]

    async def set_notice(self, post_id: int, message_id: int) -> None:
        await self.db.execute(
            "UPDATE posts SET notice_message_id = ? WHERE id = ?", (message_id, post_id)
        )

    async def counts(self) -> dict[str, int]:
        rows = await self.db.fetch("SELECT state, COUNT(*) FROM posts GROUP BY state")
        return {row[0]: row[1] for row in rows}


async def queue_story_post(
    conn: aiosqlite.Connection,
    story_id: int,
    part: str,
    channels: Sequence[str],
    at: datetime,
) -> None:
    """Queue, per channel, the send of a story's post (opening or summary), or an edit of
    its copy where one was sent or may still be, inside the caller's transaction."""
    for channel in channels:
        async with conn.execute(
            "SELECT 1 FROM posts WHERE story_id = ? AND part = ? AND channel = ?"
            " AND action = 'send' AND state != 'failed'",
            (story_id, part, channel),
        ) as cursor:
            action = "edit" if await cursor.fetchone() else "send"
        await conn.execute(
            "INSERT INTO posts (channel, story_id, part, action, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (channel, story_id, part, action, ts(at), ts(at)),
        )
