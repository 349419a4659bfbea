"""Stories: the numbered run of updates, and where a number is given."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import aiosqlite

from storage.database import Database
from storage.models import Report, Story
from storage.outbox import queue_story_post
from storage.reports import fetch_report
from storage.statuses import StoryPart
from storage.times import dt, req_dt, ts
from storage.written import use_sources


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
        intro_entities=row["intro_entities"],
        key_numbers=tuple(json.loads(row["key_numbers"])) if row["key_numbers"] else (),
    )


async def _open_story(conn: aiosqlite.Connection) -> Story | None:
    async with conn.execute("SELECT * FROM stories WHERE status = 'open'") as cursor:
        row = await cursor.fetchone()
    return _story(row) if row else None


@dataclass(frozen=True, slots=True)
class Published:
    report: Report
    sources: list[Report]  # a written update's sources (whose contacts may be told)


class Stories:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def current(self) -> Story | None:
        async with self.db.read() as conn:
            return await _open_story(conn)

    async def all(self) -> list[Story]:
        """Every story, newest first."""
        rows = await self.db.fetch("SELECT * FROM stories ORDER BY id DESC")
        return [_story(row) for row in rows]

    async def get(self, story_id: int) -> Story | None:
        row = await self.db.fetchrow("SELECT * FROM stories WHERE id = ?", (story_id,))
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
                await queue_story_post(conn, story.id, StoryPart.OPENING, channels, at)
            return story, closed

    async def set_intro(
        self, story_id: int, intro: str, entities: str | None, at: datetime, channels: Sequence[str]
    ) -> Story | None:
        """Write or rewrite the story's opening post; every channel gets it sent, or its
        copy edited, through the outbox. None if the story is closed."""
        return await self._change_post(
            story_id, "intro = ?, intro_entities = ?", (intro, entities),
            StoryPart.OPENING, at, channels,
        )  # fmt: skip

    async def set_key_numbers(
        self, story_id: int, numbers: Sequence[int], at: datetime, channels: Sequence[str]
    ) -> Story | None:
        """Choose the updates the pinned summary lists; it is sent (and pinned) or edited in
        every channel. None if the story is closed."""
        return await self._change_post(
            story_id, "key_numbers = ?", (json.dumps(list(numbers)),),
            StoryPart.SUMMARY, at, channels,
        )  # fmt: skip

    async def _change_post(
        self,
        story_id: int,
        assignments: str,
        values: tuple[object, ...],
        part: StoryPart,
        at: datetime,
        channels: Sequence[str],
    ) -> Story | None:
        """Change an open story and queue its post `part` to every channel, together."""
        async with self.db.transaction() as conn:
            async with conn.execute(
                f"UPDATE stories SET {assignments} WHERE id = ? AND status = 'open' RETURNING *",
                (*values, story_id),
            ) as cursor:
                row = await cursor.fetchone()
            if row is None:
                return None
            await queue_story_post(conn, story_id, part, channels, at)
            return _story(row)

    async def close(self, at: datetime) -> Story | None:
        async with self.db.transaction() as conn:
            return await _close_open_story(conn, at)

    async def publish_report(
        self,
        report_id: int,
        channels: Sequence[str],
        at: datetime,
        default_title: str,
    ) -> Published | None:
        """The report becomes the story's next numbered update (opening a story if none is
        open) with one send queued per channel, all in one transaction: a number is never
        skipped or used twice.

        A written update's sources still waiting leave the queue as used, in the same
        transaction. Returns the published report and its sources, or None if it was no
        longer approved."""
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
            published = await fetch_report(conn, report_id)
            assert published is not None
            sources = await use_sources(conn, report_id, at) if published.written else []
            return Published(published, sources)


async def _close_open_story(conn: aiosqlite.Connection, at: datetime) -> Story | None:
    async with conn.execute(
        "UPDATE stories SET status = 'closed', closed_at = ? WHERE status = 'open' RETURNING *",
        (ts(at),),
    ) as cursor:
        row = await cursor.fetchone()
    return _story(row) if row else None
