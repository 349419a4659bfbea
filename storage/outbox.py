"""Stories and the channel outbox."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import aiosqlite

from storage.database import Database
from storage.models import (
    Post,
    Report,
    Story,
)
from storage.reports import read_report
from storage.rows import dt, req_dt, ts


def _story(row: aiosqlite.Row) -> Story:
    return Story(
        id=row["id"],
        title=row["title"],
        intro=row["intro"],
        status=row["status"],
        last_number=row["last_number"],
        opened_by=row["opened_by"],
        opened_at=req_dt(row["opened_at"]),
        closed_at=dt(row["closed_at"]),
    )


async def _open_story(conn: aiosqlite.Connection) -> Story | None:
    async with conn.execute("SELECT * FROM stories WHERE status = 'open'") as cursor:
        row = await cursor.fetchone()
    return _story(row) if row else None


class Stories:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def current(self) -> Story | None:
        async with self.db.read() as conn:
            return await _open_story(conn)

    async def get(self, story_id: int) -> Story | None:
        row = await self.db.fetch_one("SELECT * FROM stories WHERE id = ?", (story_id,))
        return _story(row) if row else None

    async def open_new(
        self,
        title: str,
        intro: str | None,
        by: str,
        at: datetime,
        channels: Sequence[str],
    ) -> tuple[Story, Story | None]:
        """Open a story (closing the current one); queue its opening post to every channel
        when it has an intro. Returns the new story and the one it closed, if any."""
        async with self.db.transaction() as conn:
            closed = await _close_open_story(conn, at)
            async with conn.execute(
                "INSERT INTO stories (title, intro, opened_by, opened_at) VALUES (?, ?, ?, ?)"
                " RETURNING *",
                (title, intro, by, ts(at)),
            ) as cursor:
                row = await cursor.fetchone()
            assert row is not None
            story = _story(row)
            if intro:
                await conn.executemany(
                    "INSERT INTO posts (channel, story_id, action, created_at, updated_at)"
                    " VALUES (?, ?, 'send', ?, ?)",
                    [(channel, story.id, ts(at), ts(at)) for channel in channels],
                )
            return story, closed

    async def close(self, at: datetime) -> Story | None:
        async with self.db.transaction() as conn:
            return await _close_open_story(conn, at)


async def _close_open_story(conn: aiosqlite.Connection, at: datetime) -> Story | None:
    async with conn.execute(
        "UPDATE stories SET status = 'closed', closed_at = ? WHERE status = 'open' RETURNING *",
        (ts(at),),
    ) as cursor:
        row = await cursor.fetchone()
    return _story(row) if row else None


def _post(row: aiosqlite.Row) -> Post:
    return Post(
        id=row["id"],
        channel=row["channel"],
        report_id=row["report_id"],
        story_id=row["story_id"],
        action=row["action"],
        state=row["state"],
        message_ids=row["message_ids"],
        attempts=row["attempts"],
        not_before=dt(row["not_before"]),
        error=row["error"],
        created_at=req_dt(row["created_at"]),
        notice_message_id=row["notice_message_id"],
    )


class Posts:
    """The channel outbox."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def publish(
        self,
        report_id: int,
        channels: Sequence[str],
        at: datetime,
        default_title: str,
    ) -> Report | None:
        """Give an approved report the next number of the current story and queue one send
        per channel, all in one transaction: a number is never skipped or used twice.

        Returns the published report, or None if it was no longer approved."""
        async with self.db.transaction() as conn:
            async with conn.execute(
                "SELECT 1 FROM reports WHERE id = ? AND status = 'approved'", (report_id,)
            ) as cursor:
                if await cursor.fetchone() is None:
                    return None
            story = await _open_story(conn)
            if story is None:
                async with conn.execute(
                    "INSERT INTO stories (title, opened_by, opened_at) VALUES (?, 'bot', ?)"
                    " RETURNING *",
                    (default_title, ts(at)),
                ) as cursor:
                    row = await cursor.fetchone()
                assert row is not None
                story = _story(row)
            number = story.last_number + 1
            await conn.execute(
                "UPDATE stories SET last_number = ? WHERE id = ?", (number, story.id)
            )
            await conn.execute(
                "UPDATE reports SET status = 'published', story_id = ?, number = ?,"
                " published_at = ?, card_dirty = card_dirty + 1, updated_at = ? WHERE id = ?",
                (story.id, number, ts(at), ts(at), report_id),
            )
            await conn.executemany(
                "INSERT INTO posts (channel, report_id, action, created_at, updated_at)"
                " VALUES (?, ?, 'send', ?, ?)",
                [(channel, report_id, ts(at), ts(at)) for channel in channels],
            )
            return await read_report(conn, report_id)

    async def queue_change(
        self,
        report_id: int,
        action: str,
        at: datetime,
        conn: aiosqlite.Connection | None = None,
    ) -> int:
        """Queue an edit or delete of every copy of a published report that was sent (or
        may still be). Returns how many channels get one."""
        async with (
            self.db.unit(conn) as tx,
            tx.execute(
                "INSERT INTO posts (channel, report_id, action, created_at, updated_at)"
                " SELECT channel, report_id, ?, ?, ? FROM posts"
                " WHERE report_id = ? AND action = 'send' AND state != 'failed'",
                (action, ts(at), ts(at), report_id),
            ) as cursor,
        ):
            return cursor.rowcount

    async def next_in(self, channel: str) -> Post | None:
        """The oldest unfinished row of a channel: channels are served strictly in order."""
        row = await self.db.fetch_one(
            "SELECT * FROM posts WHERE channel = ? AND state = 'queued' ORDER BY id LIMIT 1",
            (channel,),
        )
        return _post(row) if row else None

    async def channels_with_work(self) -> list[str]:
        rows = await self.db.fetch_all("SELECT DISTINCT channel FROM posts WHERE state = 'queued'")
        return [row[0] for row in rows]

    async def get(self, post_id: int) -> Post | None:
        row = await self.db.fetch_one("SELECT * FROM posts WHERE id = ?", (post_id,))
        return _post(row) if row else None

    async def sent_copy(
        self, report_id: int | None, story_id: int | None, channel: str
    ) -> Post | None:
        """The send row of a report (or of a story's opening post) in a channel."""
        column, value = (
            ("report_id", report_id) if report_id is not None else ("story_id", story_id)
        )
        row = await self.db.fetch_one(
            f"SELECT * FROM posts WHERE {column} = ? AND channel = ? AND action = 'send'"
            " ORDER BY id LIMIT 1",
            (value, channel),
        )
        return _post(row) if row else None

    async def of_report(self, report_id: int) -> list[Post]:
        rows = await self.db.fetch_all(
            "SELECT * FROM posts WHERE report_id = ? ORDER BY id", (report_id,)
        )
        return [_post(row) for row in rows]

    async def start_sending(self, post: Post, at: datetime) -> bool:
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
        post: Post,
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

    async def mark_in_doubt(self) -> list[Post]:
        """At start: rows left `sending` by a crash. Nobody knows whether they went out."""
        async with (
            self.db.transaction() as conn,
            conn.execute(
                "UPDATE posts SET state = 'in_doubt' WHERE state = 'sending' RETURNING *"
            ) as cursor,
        ):
            rows = await cursor.fetchall()
        return [_post(row) for row in rows]

    async def in_doubt(self) -> list[Post]:
        rows = await self.db.fetch_all("SELECT * FROM posts WHERE state = 'in_doubt' ORDER BY id")
        return [_post(row) for row in rows]

    async def resolve(self, post_id: int, resend: bool, at: datetime) -> Post | None:
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

    async def needing_notice(self) -> list[Post]:
        """Rows editors must hear about (in doubt, or failed for good) and have not yet."""
        rows = await self.db.fetch_all(
            "SELECT * FROM posts WHERE state IN ('in_doubt', 'failed')"
            " AND notice_message_id IS NULL ORDER BY id LIMIT 5"
        )
        return [_post(row) for row in rows]

    async def set_notice(self, post_id: int, message_id: int) -> None:
        await self.db.execute(
            "UPDATE posts SET notice_message_id = ? WHERE id = ?", (message_id, post_id)
        )

    async def counts(self) -> dict[str, int]:
        rows = await self.db.fetch_all("SELECT state, COUNT(*) FROM posts GROUP BY state")
        return {row[0]: row[1] for row in rows}
