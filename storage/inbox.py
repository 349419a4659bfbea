"""The durable inbox of raw updates, and small named values kept across restarts."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from storage.database import Database
from storage.rows import ts


class Inbox:
    """Raw updates kept from the moment they are fetched until they are handled."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def store(self, updates: Sequence[tuple[int, str]], at: datetime) -> None:
        async with self.db.transaction() as conn:
            await conn.executemany(
                "INSERT OR IGNORE INTO inbox (update_id, payload, received_at) VALUES (?, ?, ?)",
                [(update_id, payload, ts(at)) for update_id, payload in updates],
            )
            if updates:
                await conn.execute(
                    "INSERT INTO state (key, value) VALUES ('last_update_id', ?)"
                    " ON CONFLICT (key) DO UPDATE SET value = MAX(CAST(value AS INTEGER),"
                    " excluded.value)",
                    (str(max(update_id for update_id, _ in updates)),),
                )

    async def unhandled(self) -> list[tuple[int, str]]:
        rows = await self.db.fetch_all("SELECT update_id, payload FROM inbox ORDER BY update_id")
        return [(row[0], row[1]) for row in rows]

    def handled(self, update_id: int) -> None:
        """Forget a handled update: nothing of an unknown sender's message stays behind.

        Deferred (see Database.defer) after the writes its handling deferred, so it commits
        with them or after them: a crash before that leaves the update to be replayed."""
        self.db.defer(
            "a handled update",
            lambda conn: (
                conn.execute("DELETE FROM inbox WHERE update_id = ?", (update_id,)).rowcount
            ),
        )

    async def last_update_id(self) -> int | None:
        row = await self.db.fetch_one("SELECT value FROM state WHERE key = 'last_update_id'")
        return int(row[0]) if row else None


class StateStore:
    """Small named values that must survive restarts."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def get(self, key: str) -> str | None:
        row = await self.db.fetch_one("SELECT value FROM state WHERE key = ?", (key,))
        return str(row[0]) if row else None

    async def set(self, key: str, value: Any) -> None:
        await self.db.execute(
            "INSERT INTO state (key, value) VALUES (?, ?)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, str(value)),
        )
