"""Reports: what contacts sent, read one way, and every decision on them.

Each decision is one conditional UPDATE: of two editors pressing at once, exactly one wins."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import aiosqlite

from storage.database import Database
from storage.models import Report
from storage.statuses import UNPUBLISHED, CardState, Label, Origin, ReportStatus
from storage.times import dt, req_dt, ts

# A report as the services see it: with its contact's pseudonym and language.
REPORT_COLUMNS = "reports.*, people.pseudonym AS pseudonym, people.language AS contact_language"
# A written update has no contact: the join keeps it.
REPORT_SELECT = (
    f"SELECT {REPORT_COLUMNS} FROM reports LEFT JOIN people ON people.id = reports.contact_id"
)


def in_turns(where: str, newest_first: bool = False) -> str:
    """Reports matching `where`, each with its `turn` among its contact's (1 for their
    oldest, or newest): ordering by turn serves contacts round-robin."""
    order = "DESC" if newest_first else "ASC"
    return (
        f"SELECT * FROM (SELECT {REPORT_COLUMNS}, ROW_NUMBER() OVER"
        f" (PARTITION BY reports.contact_id ORDER BY reports.id {order}) AS turn"
        f" FROM reports LEFT JOIN people ON people.id = reports.contact_id WHERE {where})"
    )


# The id of the report a contact's message belongs to: its first message or one of its media.
# Parameters: chat id, message id, chat id, message id.
REPORT_OF_MESSAGE = (
    "COALESCE((SELECT id FROM reports WHERE chat_id = ? AND message_id = ?),"
    " (SELECT report_id FROM report_media WHERE chat_id = ? AND message_id = ?))"
)


def report_from_row(row: aiosqlite.Row) -> Report:
    return Report(
        id=row["id"],
        contact_id=row["contact_id"],
        pseudonym=row["pseudonym"],
        chat_id=row["chat_id"],
        message_id=row["message_id"],
        media_group_id=row["media_group_id"],
        text=row["text"],
        forwarded=bool(row["forwarded"]),
        status=ReportStatus(row["status"]),
        label=Label(row["label"]),
        received_at=req_dt(row["received_at"]),
        updated_at=req_dt(row["updated_at"]),
        acknowledged=bool(row["acknowledged"]),
        card_state=CardState(row["card_state"]),
        due_at=dt(row["due_at"]),
        urgent=bool(row["urgent"]),
        decided_by=row["decided_by"],
        decided_at=dt(row["decided_at"]),
        reject_reason=row["reject_reason"],
        ack_message_id=row["ack_message_id"],
        media_withheld=row["media_withheld"],
        card_dirty=row["card_dirty"],
        story_id=row["story_id"],
        number=row["number"],
        published_at=dt(row["published_at"]),
        confirmed_at=dt(row["confirmed_at"]),
        corrected_at=dt(row["corrected_at"]),
        retracted_at=dt(row["retracted_at"]),
        retract_reason=row["retract_reason"],
        media_checked_by=row["media_checked_by"],
        media_checked_at=dt(row["media_checked_at"]),
        contact_language=row["contact_language"],
        flagged_urgent=bool(row["flagged_urgent"]),
        origin=Origin(row["origin"]),
        written_by=row["written_by"],
        entities=row["entities"],
        reminded_at=dt(row["reminded_at"]),
        version=row["version"],
        forward_kind=row["forward_kind"],
        forwarded_from=row["forwarded_from"],
        safety_cleared_version=row["safety_cleared_version"],
        safety_cleared_by=row["safety_cleared_by"],
    )


async def fetch_report(conn: aiosqlite.Connection, report_id: int) -> Report | None:
    """The one way to read a report by id, inside the caller's transaction or read."""
    async with conn.execute(f"{REPORT_SELECT} WHERE reports.id = ?", (report_id,)) as cursor:
        row = await cursor.fetchone()
    return report_from_row(row) if row else None


async def _changed_report(conn: aiosqlite.Connection, report_id: int) -> Report:
    report = await fetch_report(conn, report_id)
    assert report is not None
    return report


class Reports:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def get(self, report_id: int, conn: aiosqlite.Connection | None = None) -> Report | None:
        """The report, read inside the caller's transaction `conn` when one is given."""
        async with self.db.unit(conn) as tx:
            return await fetch_report(tx, report_id)

    async def by_message(self, chat_id: int, message_id: int) -> Report | None:
        """The report a contact's message belongs to: its first message or one of its media."""
        row = await self.db.fetchrow(
            f"{REPORT_SELECT} WHERE reports.id = {REPORT_OF_MESSAGE}",
            (chat_id, message_id, chat_id, message_id),
        )
        return report_from_row(row) if row else None

    async def transition(
        self,
        report_id: int,
        *,
        expect: Sequence[str],
        status: str,
        by: str | None,
        at: datetime,
        due_at: datetime | None = None,
        urgent: bool = False,
        require_not_urgent: bool = False,
        conn: aiosqlite.Connection | None = None,
    ) -> Report | None:
        """Move a report to `status` if, and only if, it is in one of `expect` (and, with
        `require_not_urgent`, not already marked to go out now).

        One conditional UPDATE: of two editors pressing at once, exactly one wins.
        Returns the updated report, or None when it was not in an expected state."""
        placeholders = ", ".join("?" for _ in expect)
        async with self.db.unit(conn) as tx:
            async with tx.execute(
                "UPDATE reports SET status = ?, decided_by = ?, decided_at = ?, due_at = ?,"
                " urgent = ?, card_dirty = card_dirty + 1, updated_at = ?,"
                " approval_seq = CASE WHEN ? = 'approved'"
                " THEN (SELECT COALESCE(MAX(approval_seq), 0) + 1 FROM reports) END"
                f" WHERE id = ? AND status IN ({placeholders})"
                + (" AND urgent = 0" if require_not_urgent else "")
                + " RETURNING id",
                (
                    status,
                    by,
                    ts(at) if by is not None else None,
                    ts(due_at) if due_at is not None else None,
                    int(urgent),
                    ts(at),
                    status,
                    report_id,
                    *expect,
                ),
            ) as cursor:
                changed = await cursor.fetchone()
            return await _changed_report(tx, report_id) if changed else None

    async def set_label(
        self, report_id: int, label: str, at: datetime, conn: aiosqlite.Connection | None = None
    ) -> Report | None:
        """Label an unpublished report; None if it already has that label or went out."""
        async with self.db.unit(conn) as tx:
            async with tx.execute(
                "UPDATE reports SET label = ?, card_dirty = card_dirty + 1, updated_at = ?"
                " WHERE id = ? AND label != ? AND status IN (?, ?) RETURNING id",
                (label, ts(at), report_id, label, *UNPUBLISHED),
            ) as cursor:
                changed = await cursor.fetchone()
            return await _changed_report(tx, report_id) if changed else None

    async def editor_edit(
        self,
        report_id: int,
        text: str,
        at: datetime,
        conn: aiosqlite.Connection | None = None,
        *,
        entities: str | None = None,
    ) -> Report | None:
        """Replace a pending report's text (and its formatting); None when it is no longer
        pending."""
        async with self.db.unit(conn) as tx:
            async with tx.execute(
                "UPDATE reports SET text = ?, entities = ?, card_dirty = card_dirty + 1,"
                " version = version + 1, updated_at = ?"
                " WHERE id = ? AND status = 'pending' RETURNING id",
                (text, entities, ts(at), report_id),
            ) as cursor:
                changed = await cursor.fetchone()
            return await _changed_report(tx, report_id) if changed else None

    async def set_reject_reason(
        self, report_id: int, reason: str, conn: aiosqlite.Connection | None = None
    ) -> Report | None:
        async with self.db.unit(conn) as tx:
            async with tx.execute(
                "UPDATE reports SET reject_reason = ?, card_dirty = card_dirty + 1"
                " WHERE id = ? AND status = 'rejected' RETURNING id",
                (reason, report_id),
            ) as cursor:
                changed = await cursor.fetchone()
            return await _changed_report(tx, report_id) if changed else None

    async def mark_media_checked(
        self, report_id: int, by: str, at: datetime, conn: aiosqlite.Connection | None = None
    ) -> Report | None:
        """An editor checked media the bot cannot clean; None if already checked or decided."""
        async with self.db.unit(conn) as tx:
            async with tx.execute(
                "UPDATE reports SET media_checked_by = ?, media_checked_at = ?,"
                " card_dirty = card_dirty + 1, updated_at = ?"
                " WHERE id = ? AND media_checked_at IS NULL AND status = 'pending' RETURNING id",
                (by, ts(at), ts(at), report_id),
            ) as cursor:
                changed = await cursor.fetchone()
            return await _changed_report(tx, report_id) if changed else None

    async def clear_safety(
        self, report_id: int, by: str, conn: aiosqlite.Connection | None = None
    ) -> Report | None:
        """An editor lets this version of a pending report go out despite the safety scan;
        None if it is no longer pending, or this version was cleared already."""
        async with self.db.unit(conn) as tx:
            async with tx.execute(
                "UPDATE reports SET safety_cleared_version = version, safety_cleared_by = ?,"
                " card_dirty = card_dirty + 1 WHERE id = ? AND status = 'pending'"
                " AND safety_cleared_version IS NOT version RETURNING id",
                (by, report_id),
            ) as cursor:
                changed = await cursor.fetchone()
            return await _changed_report(tx, report_id) if changed else None

    async def change_published(
        self,
        report_id: int,
        at: datetime,
        *,
        confirm: bool = False,
        text: str | None = None,
        entities: str | None = None,
        retract_reason: str | None = None,
        conn: aiosqlite.Connection | None = None,
    ) -> Report | None:
        """Confirm, correct or retract a published, not retracted report. None if it is not
        (or, for confirm, if it already is confirmed)."""
        if confirm and text is not None:  # confirmed, with new words
            change = (
                "label = 'confirmed', confirmed_at = :at, text = :text, entities = :entities,"
                " corrected_at = :at"
            )
            extra = " AND label = 'unconfirmed'"
        elif confirm:
            change = "label = 'confirmed', confirmed_at = :at"
            extra = " AND label = 'unconfirmed'"
        elif text is not None:
            change, extra = "text = :text, entities = :entities, corrected_at = :at", ""
        else:
            change, extra = "retracted_at = :at, retract_reason = :reason", ""
        async with self.db.unit(conn) as tx:
            async with tx.execute(
                f"UPDATE reports SET {change}, card_dirty = card_dirty + 1, updated_at = :at"
                " WHERE id = :id AND status = 'published' AND retracted_at IS NULL"
                f"{extra} RETURNING id",
                {
                    "at": ts(at),
                    "text": text,
                    "entities": entities,
                    "reason": retract_reason,
                    "id": report_id,
                },
            ) as cursor:
                changed = await cursor.fetchone()
            return await _changed_report(tx, report_id) if changed else None

    async def due(self, now: datetime) -> list[Report]:
        """Approved reports whose time has come: urgent first, then by due time and the
        order in which they were approved."""
        rows = await self.db.fetch(
            f"{REPORT_SELECT} WHERE reports.status = 'approved' AND reports.due_at <= ?"
            " ORDER BY reports.urgent DESC, reports.due_at, reports.approval_seq",
            (ts(now),),
        )
        return [report_from_row(row) for row in rows]

    async def next_due_at(self) -> datetime | None:
        row = await self.db.fetchrow("SELECT MIN(due_at) FROM reports WHERE status = 'approved'")
        return dt(row[0]) if row else None

    async def in_queue(self) -> list[Report]:
        """Reports still to be decided or published, oldest first."""
        rows = await self.db.fetch(
            f"{REPORT_SELECT} WHERE reports.status IN (?, ?) ORDER BY reports.id",
            UNPUBLISHED,
        )
        return [report_from_row(row) for row in rows]

    async def waiting(self, limit: int) -> list[Report]:
        """Reports waiting for a decision: those their contact marked urgent first, then
        oldest first, round-robin across contacts (a burst is worked through in order,
        urgent news never behind it, no contact behind another's flood). A flood beyond
        its contact's fair share is left out: `floods` counts it."""
        rows = await self.db.fetch(
            in_turns("reports.status = 'pending' AND reports.flooded = 0")
            + " ORDER BY flagged_urgent DESC, turn, id LIMIT ?",
            (limit,),
        )
        return [report_from_row(row) for row in rows]

    async def floods(self) -> list[tuple[str, int, int, int]]:
        """Pending reports collapsed as floods, per contact: (pseudonym, how many, first
        id, last id)."""
        rows = await self.db.fetch(
            "SELECT people.pseudonym, COUNT(*), MIN(reports.id), MAX(reports.id)"
            " FROM reports INDEXED BY reports_flooded JOIN people ON people.id = reports.contact_id"
            " WHERE reports.flooded = 1 AND reports.status = 'pending'"
            " GROUP BY reports.contact_id ORDER BY MIN(reports.id)"
        )
        return [(row[0], int(row[1]), int(row[2]), int(row[3])) for row in rows]

    async def waiting_summary(self) -> tuple[int, int, datetime | None]:
        """How many wait for a decision, how many of them are marked urgent, and when the
        oldest arrived."""
        row = await self.db.fetchrow(
            "SELECT COUNT(*), COALESCE(SUM(flagged_urgent), 0), MIN(received_at)"
            " FROM reports WHERE status = 'pending'"
        )
        if row is None:
            return 0, 0, None
        return int(row[0]), int(row[1]), dt(row[2])

    async def flag_urgent(
        self,
        report_id: int,
        contact_id: int,
        at: datetime,
        conn: aiosqlite.Connection | None = None,
    ) -> Report | None:
        """The contact marks their pending report urgent; None if it is not theirs, not
        pending, or already marked."""
        async with self.db.unit(conn) as tx:
            async with tx.execute(
                "UPDATE reports SET flagged_urgent = 1, card_dirty = card_dirty + 1,"
                " updated_at = ? WHERE id = ? AND contact_id = ? AND status = 'pending'"
                " AND flagged_urgent = 0 RETURNING id",
                (ts(at), report_id, contact_id),
            ) as cursor:
                changed = await cursor.fetchone()
            return await _changed_report(tx, report_id) if changed else None

    async def published_in(self, story_id: int) -> list[Report]:
        """A story's published updates, newest first."""
        rows = await self.db.fetch(
            f"{REPORT_SELECT} WHERE reports.story_id = ? AND reports.number IS NOT NULL"
            " ORDER BY reports.number DESC",
            (story_id,),
        )
        return [report_from_row(row) for row in rows]

    async def numbered(self, story_id: int, numbers: Sequence[int]) -> list[Report]:
        """A story's updates of these numbers, in the order given."""
        if not numbers:
            return []
        marks = ", ".join("?" for _ in numbers)
        rows = await self.db.fetch(
            f"{REPORT_SELECT} WHERE reports.story_id = ? AND reports.number IN ({marks})",
            (story_id, *numbers),
        )
        found = {row["number"]: report_from_row(row) for row in rows}
        return [found[n] for n in numbers if n in found]

    async def count(self) -> int:
        return int(await self.db.fetchval("SELECT COUNT(*) FROM reports"))

    async def counts_by_status(self) -> dict[str, int]:
        rows = await self.db.fetch("SELECT status, COUNT(*) FROM reports GROUP BY status")
        return {row[0]: row[1] for row in rows}

    async def last_published_at(self) -> datetime | None:
        row = await self.db.fetchrow("SELECT MAX(published_at) FROM reports")
        return dt(row[0]) if row else None
