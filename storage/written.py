"""Updates written at the desk: their sources and the photos they take from them.

A written update is a row of `reports` of origin `desk` (no contact); it goes through the
same decisions, numbering and outbox as a contact's report. Its sources are for editors
only: nothing here is ever rendered for the public."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import aiosqlite

from storage.audit import write as write_audit
from storage.database import Database
from storage.models import Report, Source
from storage.reports import REPORT_COLUMNS, REPORT_SELECT, fetch_report, report_from_row
from storage.statuses import ReportStatus
from storage.times import ts


@dataclass(frozen=True, slots=True)
class Draft:
    """What an editor wrote, before it is stored."""

    chat_id: int
    message_id: int
    text: str
    entities: str | None  # JSON
    written_by: str
    sources: Sequence[int]
    media_ids: Sequence[int]  # cleaned photos of the sources to carry, in order
    label: str = "confirmed"  # the organisation's own words, unless written as unconfirmed


@dataclass(frozen=True, slots=True)
class Use:
    """A written update that draws on a report."""

    update_id: int
    number: int | None  # None while it is a draft
    status: ReportStatus


class Written:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def create(self, draft: Draft, at: datetime) -> Report:
        """Store a written draft (pending, its card queued) with its sources and media, in
        one transaction. The same /write delivered twice (a replay after a crash) stores
        one draft: the second gets the first back."""
        async with self.db.transaction() as conn:
            async with conn.execute(
                "SELECT id FROM reports WHERE chat_id = ? AND message_id = ?",
                (draft.chat_id, draft.message_id),
            ) as cursor:
                existing = await cursor.fetchone()
            if existing is not None:
                known = await fetch_report(conn, int(existing[0]))
                assert known is not None
                return known
            async with conn.execute(
                # The organisation's own words carry no "Unconfirmed" marker unless an
                # editor gives them one (the label buttons work as on a report).
                "INSERT INTO reports (origin, written_by, chat_id, message_id, text, entities,"
                " status, label, received_at, updated_at, acknowledged, card_state)"
                " VALUES ('desk', ?, ?, ?, ?, ?, 'pending', ?, ?, ?, 1, 'queued')"
                " RETURNING id",
                (
                    draft.written_by,
                    draft.chat_id,
                    draft.message_id,
                    draft.text,
                    draft.entities,
                    draft.label,
                    ts(at),
                    ts(at),
                ),
            ) as cursor:
                row = await cursor.fetchone()
            assert row is not None
            update_id = int(row[0])
            await conn.executemany(
                "INSERT INTO update_sources (update_id, report_id, position) VALUES (?, ?, ?)",
                [(update_id, source, index) for index, source in enumerate(draft.sources)],
            )
            await conn.executemany(
                "INSERT INTO update_media (update_id, media_id, position) VALUES (?, ?, ?)",
                [(update_id, media, index) for index, media in enumerate(draft.media_ids)],
            )
            await write_audit(
                conn,
                at=at,
                actor=draft.written_by,
                action="update.write",
                report_id=update_id,
                after=draft.text,
                detail="sources: " + (", ".join(f"R-{s}" for s in draft.sources) or "none"),
            )
            report = await fetch_report(conn, update_id)
        assert report is not None
        return report

    async def sources(self, update_id: int) -> list[Source]:
        rows = await self.db.fetch(
            "SELECT update_sources.report_id, people.pseudonym, reports.status"
            " FROM update_sources JOIN reports ON reports.id = update_sources.report_id"
            " LEFT JOIN people ON people.id = reports.contact_id"
            " WHERE update_sources.update_id = ? ORDER BY update_sources.position",
            (update_id,),
        )
        return [Source(row[0], row[1], ReportStatus(row[2])) for row in rows]

    async def uses(self, report_id: int) -> list[Use]:
        """The written updates that cite a report, oldest first."""
        rows = await self.db.fetch(
            "SELECT reports.id, reports.number, reports.status FROM update_sources"
            " JOIN reports ON reports.id = update_sources.update_id"
            " WHERE update_sources.report_id = ? ORDER BY reports.id",
            (report_id,),
        )
        return [Use(row[0], row[1], ReportStatus(row[2])) for row in rows]

    async def source_changed(self, report_id: int) -> None:
        """A source changed (withdrawn by its contact): the cards citing it show it."""
        await self.db.execute(
            "UPDATE reports SET card_dirty = card_dirty + 1"
            " WHERE id IN (SELECT update_id FROM update_sources WHERE report_id = ?)",
            (report_id,),
        )

    async def forgotten_drafts(self, older_than: datetime) -> list[Report]:
        """Written drafts nobody decided on since `older_than`, not yet reminded."""
        rows = await self.db.fetch(
            f"SELECT {REPORT_COLUMNS} FROM reports INDEXED BY reports_drafts"
            " LEFT JOIN people ON people.id = reports.contact_id"
            " WHERE reports.origin = 'desk' AND reports.status = 'pending'"
            " AND reports.received_at <= ? AND reports.reminded_at IS NULL ORDER BY reports.id",
            (ts(older_than),),
        )
        return [report_from_row(row) for row in rows]

    async def reminded(self, update_id: int, at: datetime) -> bool:
        async with (
            self.db.transaction() as conn,
            conn.execute(
                "UPDATE reports SET reminded_at = ? WHERE id = ? AND reminded_at IS NULL",
                (ts(at), update_id),
            ) as cursor,
        ):
            return cursor.rowcount == 1


async def use_sources(conn: aiosqlite.Connection, update_id: int, at: datetime) -> list[Report]:
    """In the publishing transaction of a written update: its sources still waiting leave
    the queue as `used`; every source's card shows the number. Returns the sources."""
    await conn.execute(
        "UPDATE reports SET card_dirty = card_dirty + 1,"
        " updated_at = CASE status WHEN 'pending' THEN ? ELSE updated_at END,"
        " status = CASE status WHEN 'pending' THEN 'used' ELSE status END"
        " WHERE id IN (SELECT report_id FROM update_sources WHERE update_id = ?)",
        (ts(at), update_id),
    )
    async with conn.execute(
        f"{REPORT_SELECT} JOIN update_sources ON update_sources.report_id = reports.id"
        " WHERE update_sources.update_id = ? ORDER BY update_sources.position",
        (update_id,),
    ) as cursor:
        return [report_from_row(row) for row in await cursor.fetchall()]
