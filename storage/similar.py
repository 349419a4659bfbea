"""Similar reports: what the index is rebuilt from, and the links it found, both ways."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from storage.database import Database
from storage.models import report_code
from storage.times import req_dt, ts


@dataclass(frozen=True, slots=True)
class Candidate:
    """A contact's report as the similarity index reads it."""

    report_id: int
    contact_id: int
    at: datetime
    forwarded: bool
    text: str
    phashes: tuple[str, ...]
    files: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Alike:
    """A report found like another, as editors see it (never public)."""

    report_id: int
    pseudonym: str | None
    contact_id: int | None
    forwarded: bool
    how: str

    @property
    def code(self) -> str:
        return report_code(self.report_id)


@dataclass(frozen=True, slots=True)
class Likeness:
    """What a report is like: the first reports like it (oldest first), how many there are
    in all, and which contacts sent one first-hand (not forwarded)."""

    shown: list[Alike]
    total: int
    first_hand: frozenset[int]


_CANDIDATE = (
    "SELECT reports.id, reports.contact_id, reports.received_at, reports.forwarded,"
    " reports.text, (SELECT json_group_array(phash) FROM report_media"
    "  WHERE report_id = reports.id AND phash IS NOT NULL) AS phashes,"
    " (SELECT json_group_array(file_unique_id) FROM report_media"
    "  WHERE report_id = reports.id) AS files"
    " FROM reports"
)


class SimilarReports:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def compared_since(self, since: datetime) -> list[Candidate]:
        """The contacts' reports already compared, received since `since`, oldest first."""
        rows = await self.db.fetch(
            f"{_CANDIDATE} INDEXED BY reports_similar_window"
            " WHERE reports.received_at >= ? AND reports.similar_checked = 1"
            " AND reports.contact_id IS NOT NULL ORDER BY reports.id",
            (ts(since),),
        )
        return [
            Candidate(
                report_id=row[0],
                contact_id=row[1],
                at=req_dt(row[2]),
                forwarded=bool(row[3]),
                text=row[4],
                phashes=tuple(json.loads(row[5])),
                files=tuple(json.loads(row[6])),
            )
            for row in rows
        ]

    async def link(self, report_id: int, matches: Sequence[tuple[int, str]]) -> None:
        """Store what `report_id` is like (both ways round), mark it compared, and have the
        cards of the reports it is like show the new link (when the lane has time)."""
        rows = [(report_id, other, how) for other, how in matches]
        rows += [(other, report_id, how) for other, how in matches]
        async with self.db.transaction() as conn:
            await conn.executemany(
                "INSERT INTO similar_reports (report_id, other_id, how) VALUES (?, ?, ?)"
                " ON CONFLICT DO NOTHING",
                rows,
            )
            await conn.execute("UPDATE reports SET similar_checked = 1 WHERE id = ?", (report_id,))
            await conn.execute(
                "UPDATE reports SET similar_stale = 1 WHERE id IN (SELECT value FROM json_each(?))",
                (json.dumps([other for other, _ in matches]),),
            )

    async def of_reports(self, report_ids: Sequence[int], shown: int = 8) -> dict[int, Likeness]:
        """What each of `report_ids` is like, by report id (reports like none are absent):
        a burst of copies links every report to many, so only `shown` are read each."""
        if not report_ids:
            return {}
        ids = json.dumps(list(report_ids))
        rows = await self.db.fetch(
            "SELECT * FROM (SELECT similar_reports.report_id AS of, reports.id, people.pseudonym,"
            " reports.contact_id, reports.forwarded, similar_reports.how,"
            " ROW_NUMBER() OVER (PARTITION BY similar_reports.report_id ORDER BY reports.id)"
            " AS rank, COUNT(*) OVER (PARTITION BY similar_reports.report_id) AS total"
            " FROM similar_reports JOIN reports ON reports.id = similar_reports.other_id"
            " LEFT JOIN people ON people.id = reports.contact_id"
            " WHERE similar_reports.report_id IN (SELECT value FROM json_each(?)))"
            " WHERE rank <= ? ORDER BY of, rank",
            (ids, shown),
        )
        contacts = await self.db.fetch(
            "SELECT similar_reports.report_id, json_group_array(DISTINCT reports.contact_id)"
            " FROM similar_reports JOIN reports ON reports.id = similar_reports.other_id"
            " WHERE similar_reports.report_id IN (SELECT value FROM json_each(?))"
            " AND reports.forwarded = 0 AND reports.contact_id IS NOT NULL"
            " GROUP BY similar_reports.report_id",
            (ids,),
        )
        first_hand = {int(row[0]): frozenset(json.loads(row[1])) for row in contacts}
        found: dict[int, Likeness] = {}
        for row in rows:
            report_id = int(row["of"])
            likeness = found.setdefault(
                report_id, Likeness([], int(row["total"]), first_hand.get(report_id, frozenset()))
            )
            likeness.shown.append(
                Alike(
                    row["id"],
                    row["pseudonym"],
                    row["contact_id"],
                    bool(row["forwarded"]),
                    row["how"],
                )
            )
        return found
