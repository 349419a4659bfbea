"""The media items of reports, and their cleaned copies."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

import aiosqlite

from storage.database import Database
from storage.models import MediaItem, Report
from storage.times import dt


def media_from_row(row: aiosqlite.Row) -> MediaItem:
    return MediaItem(
        id=row["id"],
        report_id=row["report_id"],
        message_id=row["message_id"],
        kind=row["kind"],
        file_id=row["file_id"],
        file_unique_id=row["file_unique_id"],
        file_size=row["file_size"],
        mime_type=row["mime_type"],
        caption=row["caption"],
        clean_file_id=row["clean_file_id"],
        clean_state=row["clean_state"],
        clean_note=row["clean_note"],
        received_at=dt(row["received_at"]),
        received_sha256=row["received_sha256"],
        clean_sha256=row["clean_sha256"],
        phash=row["phash"],
    )


@dataclass(frozen=True, slots=True)
class FileHashes:
    """SHA-256 (hex) of a file as received and of its clean copy; a photo's perceptual
    hash."""

    received: str
    clean: str | None = None
    phash: str | None = None


class Media:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def of_report(self, report_id: int) -> list[MediaItem]:
        rows = await self.db.fetch(
            "SELECT * FROM report_media WHERE report_id = ? ORDER BY message_id", (report_id,)
        )
        return [media_from_row(row) for row in rows]

    async def of_item(self, report: Report) -> list[MediaItem]:
        """What goes with an item: a report's own media, or the cleaned photos a written
        update took from its sources, in order."""
        return (await self.of_items([report])).get(report.id, [])

    async def of_items(self, reports: Sequence[Report]) -> dict[int, list[MediaItem]]:
        """`of_item` for many items in one query, by item id (items without media absent)."""
        own = json.dumps([r.id for r in reports if not r.written])
        taken = json.dumps([r.id for r in reports if r.written])
        rows = await self.db.fetch(
            "SELECT report_id AS item, message_id AS rank, report_media.* FROM report_media"
            " WHERE report_id IN (SELECT value FROM json_each(?))"
            " UNION ALL SELECT update_media.update_id, update_media.position, report_media.*"
            " FROM update_media JOIN report_media ON report_media.id = update_media.media_id"
            " WHERE update_media.update_id IN (SELECT value FROM json_each(?))"
            " ORDER BY item, rank",
            (own, taken),
        )
        found: dict[int, list[MediaItem]] = {}
        for row in rows:
            found.setdefault(int(row["item"]), []).append(media_from_row(row))
        return found

    async def set_cleaned(
        self, media_id: int, kind: str, state: str, note: str | None, hashes: FileHashes
    ) -> None:
        """What cleaning found the item to be (by content) and did with it, and the hashes
        of the file as received and of its clean copy (the evidence)."""
        await self.db.execute(
            "UPDATE report_media SET kind = ?, clean_state = ?, clean_note = ?,"
            " received_sha256 = ?, clean_sha256 = ?, phash = ? WHERE id = ?",
            (kind, state, note, hashes.received, hashes.clean, hashes.phash, media_id),
        )

    async def set_clean_file_id(self, media_id: int, clean_file_id: str) -> None:
        await self.db.execute(
            "UPDATE report_media SET clean_file_id = ? WHERE id = ?", (clean_file_id, media_id)
        )

    async def kinds_of(self, report_ids: Sequence[int]) -> dict[int, list[str]]:
        """The kinds of each report's media items (photo, video, ...), in one read."""
        if not report_ids:
            return {}
        rows = await self.db.fetch(
            "SELECT report_id, kind FROM report_media WHERE report_id IN"
            " (SELECT value FROM json_each(?)) ORDER BY report_id, message_id",
            (json.dumps(list(report_ids)),),
        )
        kinds: dict[int, list[str]] = {}
        for row in rows:
            kinds.setdefault(int(row[0]), []).append(str(row[1]))
        return kinds
