"""Dead letters: updates a handler failed on, kept with their error for a replay."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from storage.database import Database
from storage.times import req_dt, ts


@dataclass(frozen=True, slots=True)
class DeadLetter:
    update_id: int
    payload: str
    kind: str
    error: str
    failed_at: datetime
    attempts: int


class DeadLetters:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def keep(
        self,
        update_id: int,
        payload: str,
        kind: str,
        error: str,
        at: datetime,
        *,
        retry_up_to: int = 0,
    ) -> bool:
        """Keep a failed update (again, if a replay failed too). With `retry_up_to`, it is
        marked to be handled again by itself until it has failed that many times more.
        True when admins should be told: it is not to be retried, and its kind is new."""
        async with self.db.transaction() as conn:
            async with conn.execute(
                "INSERT INTO dead_letters (update_id, payload, kind, error, failed_at)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (update_id) DO UPDATE SET"
                " kind = excluded.kind, error = excluded.error, failed_at = excluded.failed_at,"
                " attempts = attempts + 1 RETURNING attempts",
                (update_id, payload, kind, error, ts(at)),
            ) as cursor:
                row = await cursor.fetchone()
            attempts = int(row[0]) if row else 1
            retry = attempts <= retry_up_to
            await conn.execute(
                "UPDATE dead_letters SET replay_requested_at = ? WHERE update_id = ?",
                (ts(at) if retry else None, update_id),
            )
            if retry:
                return False
            async with conn.execute(
                "INSERT INTO dead_letter_kinds (kind, first_at) VALUES (?, ?)"
                " ON CONFLICT (kind) DO NOTHING",
                (kind, ts(at)),
            ) as cursor:
                return cursor.rowcount == 1

    async def told(self, kind: str, at: datetime) -> None:
        await self.db.execute(
            "UPDATE dead_letter_kinds SET told_at = ? WHERE kind = ?", (ts(at), kind)
        )

    async def all(self) -> list[DeadLetter]:
        rows = await self.db.fetch(
            "SELECT update_id, payload, kind, error, failed_at, attempts FROM dead_letters"
            " ORDER BY update_id"
        )
        return [DeadLetter(row[0], row[1], row[2], row[3], req_dt(row[4]), row[5]) for row in rows]

    async def request_replay(self, at: datetime) -> int:
        """Ask the running bot (or its next start) to handle every dead letter again."""
        return await self.db.execute(
            "UPDATE dead_letters SET replay_requested_at = ? WHERE replay_requested_at IS NULL",
            (ts(at),),
        )

    async def to_replay(self) -> list[DeadLetter]:
        rows = await self.db.fetch(
            "SELECT update_id, payload, kind, error, failed_at, attempts FROM dead_letters"
            " INDEXED BY dead_letters_replay WHERE replay_requested_at IS NOT NULL"
            " ORDER BY update_id"
        )
        return [DeadLetter(row[0], row[1], row[2], row[3], req_dt(row[4]), row[5]) for row in rows]

    async def replayed(self, update_id: int) -> None:
        """A replay handled it: it is no longer dead (nothing of it stays behind)."""
        await self.db.execute("DELETE FROM dead_letters WHERE update_id = ?", (update_id,))

    async def counts(self) -> dict[str, int]:
        rows = await self.db.fetch(
            "SELECT kind, COUNT(*) FROM dead_letters GROUP BY kind ORDER BY kind"
        )
        return {row[0]: row[1] for row in rows}
