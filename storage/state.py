"""Small named values kept across restarts (publishing paused, counters, alerts told)."""

from __future__ import annotations

from typing import Any

from storage.database import Database

PAUSED_KEY = "publishing_paused"
# How many invite codes that did not work were tried (fieldrelay status): a number only.
FAILED_INVITES_KEY = "failed_invite_attempts"


class StateStore:
    """Small named values that must survive restarts."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def get(self, key: str) -> str | None:
        row = await self.db.fetchrow("SELECT value FROM state WHERE key = ?", (key,))
        return str(row[0]) if row else None

    async def set(self, key: str, value: Any) -> None:
        await self.db.execute(
            "INSERT INTO state (key, value) VALUES (?, ?)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, str(value)),
        )

    async def increment(self, key: str) -> None:
        """Add one to a counter (nothing about who or what: a number)."""
        await self.db.execute(
            "INSERT INTO state (key, value) VALUES (?, '1') ON CONFLICT (key)"
            " DO UPDATE SET value = CAST(value AS INTEGER) + 1",
            (key,),
        )

    async def delete(self, key: str) -> None:
        await self.db.execute("DELETE FROM state WHERE key = ?", (key,))

    async def publishing_paused(self) -> bool:
        """An admin's /pause holds every channel until /resume, across restarts."""
        return await self.get(PAUSED_KEY) == "1"

    async def set_publishing_paused(self, paused: bool) -> None:
        await self.set(PAUSED_KEY, "1" if paused else "0")
