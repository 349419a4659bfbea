"""The audit log: who did what to which report, when, before and after.

The only place that writes it: repositories that audit inside their own transaction call
`write` (an aiosqlite connection) or `write_received` (the group commit's plain one)."""

from __future__ import annotations

import sqlite3
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


async def write(
    conn: aiosqlite.Connection,
    *,
    at: datetime,
    actor: str,
    action: str,
    actor_telegram_id: int | None = None,
    report_id: int | None = None,
    before: str | None = None,
    after: str | None = None,
    detail: str | None = None,
) -> None:
    """One entry, inside the caller's transaction."""
    await conn.execute(
        _INSERT, (ts(at), actor_telegram_id, actor, action, report_id, before, after, detail)
    )


def write_received(conn: sqlite3.Connection, after_report_id: int) -> None:
    """ "report.received" for every report stored after `after_report_id`, by its contact's
    pseudonym, at its receipt time: one statement for a burst (the group commit's)."""
    conn.execute(
        "INSERT INTO audit_log (at, actor, action, report_id)"
        " SELECT reports.received_at, people.pseudonym, 'report.received', reports.id"
        " FROM reports JOIN people ON people.id = reports.contact_id WHERE reports.id > ?"
        " ORDER BY reports.id",
        (after_report_id,),
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
            await write(
                tx,
                at=at,
                actor=actor,
                action=action,
                actor_telegram_id=actor_telegram_id,
                report_id=report_id,
                before=before,
                after=after,
                detail=detail,
            )

    async def for_report(self, report_id: int) -> list[AuditEntry]:
        rows = await self.db.fetch(
            "SELECT * FROM audit_log WHERE report_id = ? ORDER BY id", (report_id,)
        )
        return [_audit(row) for row in rows]

    async def recent(self, limit: int = 50) -> list[AuditEntry]:
        rows = await self.db.fetch("SELECT * FROM audit_log ORDER BY id DESC LIMIT ?", (limit,))
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
