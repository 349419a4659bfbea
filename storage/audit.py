"""The audit log: who did what to which report, when, before and after."""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from storage.database import Database
from storage.models import (
    AuditEntry,
)
from storage.times import req_dt, ts

_INSERT = (
    "INSERT INTO audit_log (at, actor_telegram_id, actor, action, report_id, before, after,"
    " detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)


class AuditLog:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def record(
        self,
        *,
        at: datetime,
        actor: str,
        action: str,
        actor_telegram_id: int | None = None,
        report_id: int | None = None,
        before: str | None = None,
        after: str | None = None,
        detail: str | None = None,
        conn: aiosqlite.Connection | None = None,
    ) -> None:
        async with self.db.unit(conn) as tx:
            await tx.execute(
                _INSERT,
                (ts(at), actor_telegram_id, actor, action, report_id, before, after, detail),
            )

    async def for_report(self, report_id: int) -> list[AuditEntry]:
        rows = await self.db.fetch_all(
            "SELECT * FROM audit_log WHERE report_id = ? ORDER BY id", (report_id,)
        )
        return [_audit(row) for row in rows]

    async def recent(self, limit: int = 50) -> list[AuditEntry]:
        rows = await self.db.fetch_all("SELECT * FROM audit_log ORDER BY id DESC LIMIT ?", (limit,))
        return [_audit(row) for row in rows]


def _audit(row: aiosqlite.Row) -> AuditEntry:
    return AuditEntry(
        id=row["id"],
        at=req_dt(row["at"]),
        actor=row["actor"],
        action=row["action"],
        report_id=row["report_id"],
        before=row["before"],
        after=row["after"],
        detail=row["detail"],
    )
