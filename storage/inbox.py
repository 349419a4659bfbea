"""The durable inbox of raw updates."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from storage.database import Database
from storage.times import ts


class Inbox:
    """Raw updates kept from the moment they are fetched until they are handled."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def store(
        self, updates: Sequence[tuple[int, Any]], at: datetime, last: int | None = None
    ) -> None:
        """Keep a batch of raw updates (update id, the update as parsed JSON), durably, in
        one step. Each is kept as JSON text; `unhandled` gives that text back. `last`: the
        highest update id of the batch fetched, when some of it is not kept."""
        ids = [update_id for update_id, _ in updates] + ([last] if last is not None else [])
        if not ids:
            return
        rows = json.dumps([[update_id, payload, ts(at)] for update_id, payload in updates])
        last_id = str(max(ids))

        def store(conn: sqlite3.Connection) -> None:
            conn.execute(
                "INSERT OR IGNORE INTO inbox (update_id, payload, received_at)"
                " SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'),"
                " json_extract(value, '$[2]') FROM json_each(?)",
                (rows,),
            )
            conn.execute(
                "INSERT INTO state (key, value) VALUES ('last_update_id', ?)"
                # Both as numbers: SQLite orders any text above any number.
                " ON CONFLICT (key) DO UPDATE SET value = MAX(CAST(value AS INTEGER),"
                " CAST(excluded.value AS INTEGER))",
                (last_id,),
            )

        await self.db.run(store)

    async def unhandled(self) -> list[tuple[int, str]]:
        rows = await self.db.fetch("SELECT update_id, payload FROM inbox ORDER BY update_id")
        return [(row[0], row[1]) for row in rows]

    def handled(self, update_id: int) -> None:
        """Forget a handled update: nothing of an unknown sender's message stays behind.

        Deferred (see Database.defer_row) after the writes its handling deferred, so it
        commits in the same transaction as they do or a later one: a crash before that leaves
        the update to be replayed."""
        self.db.defer_row(
            "a handled update",
            "DELETE FROM inbox WHERE update_id IN (SELECT value FROM json_each(?))",
            update_id,
        )

    async def last_update_id(self) -> int | None:
        row = await self.db.fetchrow("SELECT value FROM state WHERE key = 'last_update_id'")
        return int(row[0]) if row else None
