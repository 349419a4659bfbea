"""Reports, their media and their review cards."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

import aiosqlite

from storage.audit import audit_person_in
from storage.database import Database
from storage.models import (
    CardMessage,
    MediaItem,
    NewMedia,
    NewMessage,
    Report,
    StoredMessage,
    Unacknowledged,
)
from storage.rows import UNPUBLISHED, dt, req_dt, ts

_REPORT_SELECT = (
    "SELECT reports.*, people.pseudonym AS pseudonym FROM reports"
    " JOIN people ON people.id = reports.contact_id"
)
_REPORT_BY_ID = f"{_REPORT_SELECT} WHERE reports.id = ?"

# The id of the report a contact's message belongs to: its first message or one of its media.
# Parameters: chat id, message id, chat id, message id.
_REPORT_OF_MESSAGE = (
    "COALESCE((SELECT id FROM reports WHERE chat_id = ? AND message_id = ?),"
    " (SELECT report_id FROM report_media WHERE chat_id = ? AND message_id = ?))"
)


def _report(row: aiosqlite.Row) -> Report:
    return Report(
        id=row["id"],
        contact_id=row["contact_id"],
        pseudonym=row["pseudonym"],
        chat_id=row["chat_id"],
        message_id=row["message_id"],
        media_group_id=row["media_group_id"],
        text=row["text"],
        forwarded=bool(row["forwarded"]),
        status=row["status"],
        label=row["label"],
        received_at=req_dt(row["received_at"]),
        updated_at=req_dt(row["updated_at"]),
        acknowledged=bool(row["acknowledged"]),
        card_state=row["card_state"],
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
    )


def _media(row: aiosqlite.Row) -> MediaItem:
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
    )


class Reports:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def get(self, report_id: int, conn: aiosqlite.Connection | None = None) -> Report | None:
        """The report, read inside the caller's transaction `conn` when one is given."""
        if conn is not None:
            return await _report_in_or_none(conn, report_id)
        row = await self.db.fetch_one(_REPORT_BY_ID, (report_id,))
        return _report(row) if row else None

    async def by_message(self, chat_id: int, message_id: int) -> Report | None:
        """The report a contact's message belongs to: its first message or one of its media."""
        row = await self.db.fetch_one(
            f"{_REPORT_SELECT} WHERE reports.id = {_REPORT_OF_MESSAGE}",
            (chat_id, message_id, chat_id, message_id),
        )
        return _report(row) if row else None

    async def add_message(self, message: NewMessage) -> tuple[Report, bool]:
        """store_messages (below) in a transaction of its own; the report and whether
        anything new was stored."""

        def store(conn: sqlite3.Connection) -> tuple[Report, bool]:
            [stored] = store_messages(conn, [message])
            return _existing(conn, stored.report_id), stored.created

        return await self.db.run(store)

    def add_message_later(self, message: NewMessage, then: Callable[[StoredMessage], None]) -> None:
        """store_messages deferred (see Database.defer_many): a burst is stored together.
        Lost in a crash, the message is stored when its update is replayed from the inbox."""
        self.db.defer_many("a report", store_messages, message, then)

    async def finish_album(self, report_id: int, at: datetime) -> Report | None:
        """An album is complete: it becomes a pending report whose card is queued."""
        async with self.db.transaction() as conn:
            await conn.execute(
                "UPDATE reports SET status = 'pending', card_state = 'queued', updated_at = ?"
                " WHERE id = ? AND status = 'collecting'",
                (ts(at), report_id),
            )
            return await _report_in_or_none(conn, report_id)

    async def collecting(self) -> list[Report]:
        rows = await self.db.fetch_all(
            f"{_REPORT_SELECT} WHERE reports.status = 'collecting' ORDER BY reports.id"
        )
        return [_report(row) for row in rows]

    async def drop_collecting_of(self, contact_id: int) -> int:
        """Discard albums still arriving from a contact (used when they are revoked)."""
        async with (
            self.db.transaction() as conn,
            conn.execute(
                "DELETE FROM reports WHERE contact_id = ? AND status = 'collecting'", (contact_id,)
            ) as cursor,
        ):
            return cursor.rowcount

    async def contact_edit(
        self, report_id: int, chat_id: int, message_id: int, text: str, at: datetime
    ) -> Report | None:
        """Apply a contact's edit of one of a report's messages while the report is pending.

        Returns the updated report, or None when it is no longer pending."""

        def edit(conn: sqlite3.Connection) -> Report | None:
            report = report_in(conn, report_id)
            if report is None or report.status not in ("pending", "collecting"):
                return None
            is_media = (
                conn.execute(
                    "UPDATE report_media SET caption = ? WHERE chat_id = ? AND message_id = ?",
                    (text, chat_id, message_id),
                ).rowcount
                == 1
            )
            if report.media_group_id is not None and is_media:
                _join_album_captions(conn, report_id, at)
            else:
                conn.execute(
                    "UPDATE reports SET text = ?, updated_at = ? WHERE id = ?",
                    (text, ts(at), report_id),
                )
            conn.execute(
                "UPDATE reports SET card_dirty = card_dirty + 1 WHERE id = ?", (report_id,)
            )
            return report_in(conn, report_id)

        return await self.db.run(edit)

    def mark_acknowledged_later(self, report_id: int, ack_message_id: int | None) -> None:
        """Deferred (see Database.defer): lost in a crash, the report is acknowledged again."""
        self.db.defer_row(
            "an acknowledgement",
            "UPDATE reports SET acknowledged = 1, ack_message_id = json_extract(value, '$[1]')"
            " FROM json_each(?) WHERE reports.id = json_extract(value, '$[0]')",
            [report_id, ack_message_id],
        )

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
            return await read_report(tx, report_id) if changed else None

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
            return await read_report(tx, report_id) if changed else None

    async def editor_edit(
        self, report_id: int, text: str, at: datetime, conn: aiosqlite.Connection | None = None
    ) -> Report | None:
        """Replace a pending report's text; None when it is no longer pending."""
        async with self.db.unit(conn) as tx:
            async with tx.execute(
                "UPDATE reports SET text = ?, card_dirty = card_dirty + 1, updated_at = ?"
                " WHERE id = ? AND status = 'pending' RETURNING id",
                (text, ts(at), report_id),
            ) as cursor:
                changed = await cursor.fetchone()
            return await read_report(tx, report_id) if changed else None

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
            return await read_report(tx, report_id) if changed else None

    async def dirty_cards(self, limit: int = 1) -> list[Report]:
        # Without the hint SQLite walks every posted card (all of them, on a long night)
        # instead of the few dirty ones the partial index holds.
        rows = await self.db.fetch_all(
            "SELECT reports.*, people.pseudonym AS pseudonym"
            " FROM reports INDEXED BY reports_card_dirty"
            " JOIN people ON people.id = reports.contact_id"
            " WHERE reports.card_dirty > 0 AND reports.card_state = 'posted'"
            " ORDER BY reports.id LIMIT ?",
            (limit,),
        )
        return [_report(row) for row in rows]

    async def card_refreshed(self, report: Report) -> None:
        """Clear the dirty mark, unless the report changed again while its card was edited."""
        await self.db.execute(
            "UPDATE reports SET card_dirty = 0 WHERE id = ? AND card_dirty = ?",
            (report.id, report.card_dirty),
        )

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
            return await read_report(tx, report_id) if changed else None

    async def change_published(
        self,
        report_id: int,
        at: datetime,
        *,
        confirm: bool = False,
        text: str | None = None,
        retract_reason: str | None = None,
        conn: aiosqlite.Connection | None = None,
    ) -> Report | None:
        """Confirm, correct or retract a published, not retracted report. None if it is not
        (or, for confirm, if it already is confirmed)."""
        if confirm:
            change = "label = 'confirmed', confirmed_at = :at"
            extra = " AND label = 'unconfirmed'"
        elif text is not None:
            change, extra = "text = :text, corrected_at = :at", ""
        else:
            change, extra = "retracted_at = :at, retract_reason = :reason", ""
        async with self.db.unit(conn) as tx:
            async with tx.execute(
                f"UPDATE reports SET {change}, card_dirty = card_dirty + 1, updated_at = :at"
                " WHERE id = :id AND status = 'published' AND retracted_at IS NULL"
                f"{extra} RETURNING id",
                {"at": ts(at), "text": text, "reason": retract_reason, "id": report_id},
            ) as cursor:
                changed = await cursor.fetchone()
            return await read_report(tx, report_id) if changed else None

    async def due(self, now: datetime) -> list[Report]:
        """Approved reports whose time has come: urgent first, then by due time and the
        order in which they were approved."""
        rows = await self.db.fetch_all(
            f"{_REPORT_SELECT} WHERE reports.status = 'approved' AND reports.due_at <= ?"
            " ORDER BY reports.urgent DESC, reports.due_at, reports.approval_seq",
            (ts(now),),
        )
        return [_report(row) for row in rows]

    async def next_due_at(self) -> datetime | None:
        row = await self.db.fetch_one("SELECT MIN(due_at) FROM reports WHERE status = 'approved'")
        return dt(row[0]) if row else None

    async def in_queue(self) -> list[Report]:
        """Reports still to be decided or published, oldest first."""
        rows = await self.db.fetch_all(
            f"{_REPORT_SELECT} WHERE reports.status IN (?, ?) ORDER BY reports.id",
            UNPUBLISHED,
        )
        return [_report(row) for row in rows]

    async def unacknowledged(self, limit: int = 100) -> list[Unacknowledged]:
        """Reports whose contact has not been told they arrived, oldest first. Read as one
        row of JSON: a burst's worth is one step of SQLite, not one per report (see
        Database.defer on why steps cost)."""
        row = await self.db.fetch_one(
            "SELECT json_group_array(json_array(id, chat_id, message_id)) FROM"
            " (SELECT id, chat_id, message_id FROM reports WHERE acknowledged = 0"
            "  AND status != 'collecting' ORDER BY id LIMIT ?)",
            (limit,),
        )
        found = json.loads(row[0]) if row is not None else []
        return [Unacknowledged(*fields) for fields in found]

    async def cards_to_post(self, limit: int = 10) -> list[Report]:
        """Reports whose card is queued, newest first so a burst never starves fresh news."""
        rows = await self.db.fetch_all(
            f"{_REPORT_SELECT} WHERE reports.card_state = 'queued'"
            " ORDER BY reports.id DESC LIMIT ?",
            (limit,),
        )
        return [_report(row) for row in rows]

    async def count_cards_queued(self) -> int:
        row = await self.db.fetch_one("SELECT COUNT(*) FROM reports WHERE card_state = 'queued'")
        return int(row[0]) if row else 0

    async def set_card_state(self, report_id: int, state: str) -> None:
        await self.db.execute("UPDATE reports SET card_state = ? WHERE id = ?", (state, report_id))

    async def media(self, report_id: int) -> list[MediaItem]:
        rows = await self.db.fetch_all(
            "SELECT * FROM report_media WHERE report_id = ? ORDER BY message_id", (report_id,)
        )
        return [_media(row) for row in rows]

    async def set_clean_file_id(self, media_id: int, clean_file_id: str) -> None:
        await self.db.execute(
            "UPDATE report_media SET clean_file_id = ? WHERE id = ?", (clean_file_id, media_id)
        )

    async def record_card(
        self,
        report_id: int,
        chat_id: int,
        messages: Sequence[tuple[int, str]],
        media_withheld: int | None = None,
    ) -> None:
        """Replace the card's message ids and mark the card posted, in one transaction."""
        async with self.db.transaction() as conn:
            await conn.execute("DELETE FROM card_messages WHERE report_id = ?", (report_id,))
            await conn.executemany(
                "INSERT INTO card_messages (report_id, chat_id, message_id, part, position)"
                " VALUES (?, ?, ?, ?, ?)",
                [
                    (report_id, chat_id, message_id, part, position)
                    for position, (message_id, part) in enumerate(messages)
                ],
            )
            await conn.execute(
                "UPDATE reports SET card_state = 'posted',"
                " media_withheld = COALESCE(?, media_withheld) WHERE id = ?",
                (media_withheld, report_id),
            )

    async def card_messages(self, report_id: int) -> list[CardMessage]:
        rows = await self.db.fetch_all(
            "SELECT * FROM card_messages WHERE report_id = ? ORDER BY position", (report_id,)
        )
        return [
            CardMessage(
                report_id=row["report_id"],
                chat_id=row["chat_id"],
                message_id=row["message_id"],
                part=row["part"],
                position=row["position"],
            )
            for row in rows
        ]

    async def count(self) -> int:
        row = await self.db.fetch_one("SELECT COUNT(*) FROM reports")
        return int(row[0]) if row else 0


def store_messages(conn: sqlite3.Connection, messages: list[NewMessage]) -> list[StoredMessage]:
    """Store incoming messages inside the caller's transaction; idempotent per (chat id,
    message id). Returns what happened to each, in order.

    A single message makes a new `pending` report with its "report.received" audit entry; a
    burst of them takes five statements however many there are (see Database.defer_many).
    A message of an album joins the album's report (status `collecting`), one by one.
    """
    stored: dict[int, StoredMessage] = {}
    singles = {i: m for i, m in enumerate(messages) if m.media_group_id is None}
    if singles:
        stored.update(_store_singles(conn, singles))
    for i, message in enumerate(messages):
        if i not in singles:
            stored[i] = store_message(conn, message)
    return [stored[i] for i in range(len(messages))]


def _store_singles(
    conn: sqlite3.Connection, singles: dict[int, NewMessage]
) -> dict[int, StoredMessage]:
    (before,) = conn.execute("SELECT COALESCE(MAX(id), 0) FROM reports").fetchone()
    conn.execute(
        "INSERT INTO reports (contact_id, chat_id, message_id, text, forwarded, status, label,"
        " received_at, updated_at, card_state)"
        f" SELECT {_json_columns(5)}, 'pending', {_json_column(5)}, {_json_column(6)},"
        f" {_json_column(6)}, 'queued'"
        " FROM json_each(?) WHERE NOT EXISTS (SELECT 1 FROM report_media"
        "  WHERE chat_id = json_extract(value, '$[1]')"
        "  AND message_id = json_extract(value, '$[2]'))"
        " ON CONFLICT (chat_id, message_id) DO NOTHING",
        (json.dumps([_report_row(m) for m in singles.values()]),),
    )
    (inserted,) = conn.execute(
        "SELECT json_group_array(json_array(id, chat_id, message_id)) FROM reports WHERE id > ?",
        (before,),
    ).fetchone()
    new = {
        (chat_id, message_id): report_id for report_id, chat_id, message_id in json.loads(inserted)
    }
    if not new:
        return {i: _duplicate(conn, m) for i, m in singles.items()}
    conn.execute(
        "INSERT INTO audit_log (at, actor, action, report_id)"
        " SELECT reports.received_at, people.pseudonym, 'report.received', reports.id"
        " FROM reports JOIN people ON people.id = reports.contact_id WHERE reports.id > ?"
        " ORDER BY reports.id",
        (before,),
    )
    media = [
        (new[(m.chat_id, m.message_id)], m.chat_id, m.media)
        for m in singles.values()
        if m.media is not None and (m.chat_id, m.message_id) in new
    ]
    if media:
        conn.execute(
            "INSERT INTO report_media (report_id, chat_id, message_id, kind, file_id,"
            " file_unique_id, file_size, mime_type, caption)"
            f" SELECT {_json_columns(9)} FROM json_each(?)",
            (json.dumps([_media_row(*entry) for entry in media]),),
        )
    result: dict[int, StoredMessage] = {}
    for i, m in singles.items():
        report_id = new.pop((m.chat_id, m.message_id), None)  # a second copy is a duplicate
        result[i] = (
            StoredMessage(report_id, created=True, collecting=False)
            if report_id is not None
            else _duplicate(conn, m)
        )
    return result


def _json_column(index: int) -> str:
    return f"json_extract(value, '$[{index}]')"


def _json_columns(count: int) -> str:
    """The first `count` items of each row of json_each(?), as columns."""
    return ", ".join(_json_column(index) for index in range(count))


def _report_row(m: NewMessage) -> list[Any]:
    return [m.contact_id, m.chat_id, m.message_id, m.text, int(m.forwarded), m.label, ts(m.at)]


def _media_row(report_id: int, chat_id: int, item: NewMedia) -> list[Any]:
    return [
        report_id,
        chat_id,
        item.message_id,
        item.kind,
        item.file_id,
        item.file_unique_id,
        item.file_size,
        item.mime_type,
        item.caption,
    ]


def _duplicate(conn: sqlite3.Connection, message: NewMessage) -> StoredMessage:
    report_id = _seen(conn, message.chat_id, message.message_id)
    if report_id is None:
        raise sqlite3.IntegrityError(f"message {message.message_id} was neither stored nor seen")
    return StoredMessage(report_id, created=False, collecting=False)


def _seen(conn: sqlite3.Connection, chat_id: int, message_id: int) -> int | None:
    """The report a message already belongs to, if any."""
    row = conn.execute(
        f"SELECT {_REPORT_OF_MESSAGE}", (chat_id, message_id, chat_id, message_id)
    ).fetchone()
    return int(row[0]) if row is not None and row[0] is not None else None


def store_message(conn: sqlite3.Connection, message: NewMessage) -> StoredMessage:
    """Store one incoming message, inside the caller's transaction (see store_messages)."""
    m = message
    chat_id, message_id, media, media_group_id = m.chat_id, m.message_id, m.media, m.media_group_id
    seen = _seen(conn, chat_id, message_id)
    if seen is not None:
        return StoredMessage(seen, created=False, collecting=False)
    report_id: int | None = None
    if media_group_id is not None:
        album = conn.execute(
            "SELECT id FROM reports WHERE chat_id = ? AND media_group_id = ?",
            (chat_id, media_group_id),
        ).fetchone()
        report_id = album[0] if album is not None else None
    if report_id is None:
        status = "collecting" if media_group_id is not None else "pending"
        card_state = "waiting" if media_group_id is not None else "queued"
        inserted = conn.execute(
            "INSERT INTO reports (contact_id, chat_id, message_id, media_group_id, text,"
            " forwarded, status, label, received_at, updated_at, card_state)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                m.contact_id,
                chat_id,
                message_id,
                media_group_id,
                m.text,
                int(m.forwarded),
                status,
                m.label,
                ts(m.at),
                ts(m.at),
                card_state,
            ),
        )
        report_id = int(inserted.lastrowid or 0)
        if media_group_id is None:  # an album is audited once complete (finish_album)
            audit_person_in(
                conn, at=m.at, person_id=m.contact_id, action="report.received", report_id=report_id
            )
    if media is not None:
        conn.execute(
            "INSERT INTO report_media (report_id, chat_id, message_id, kind, file_id,"
            " file_unique_id, file_size, mime_type, caption) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                report_id,
                chat_id,
                media.message_id,
                media.kind,
                media.file_id,
                media.file_unique_id,
                media.file_size,
                media.mime_type,
                media.caption,
            ),
        )
        if media_group_id is not None:
            _join_album_captions(conn, report_id, m.at)
    return StoredMessage(report_id, created=True, collecting=media_group_id is not None)


def report_in(conn: sqlite3.Connection, report_id: int) -> Report | None:
    """The report, read inside the caller's transaction on the plain connection."""
    row = conn.execute(_REPORT_BY_ID, (report_id,)).fetchone()
    return _report(row) if row else None


def _existing(conn: sqlite3.Connection, report_id: int) -> Report:
    report = report_in(conn, report_id)
    assert report is not None
    return report


def _join_album_captions(conn: sqlite3.Connection, report_id: int, at: datetime) -> None:
    """An album's text is its items' captions, in the order the contact sent them."""
    captions = [
        row[0]
        for row in conn.execute(
            "SELECT caption FROM report_media WHERE report_id = ? AND caption != ''"
            " ORDER BY message_id",
            (report_id,),
        )
    ]
    conn.execute(
        "UPDATE reports SET text = ?, updated_at = ? WHERE id = ?",
        ("\n\n".join(captions), ts(at), report_id),
    )


async def _report_in_or_none(conn: aiosqlite.Connection, report_id: int) -> Report | None:
    async with conn.execute(_REPORT_BY_ID, (report_id,)) as cursor:
        row = await cursor.fetchone()
    return _report(row) if row else None


async def read_report(conn: aiosqlite.Connection, report_id: int) -> Report:
    """A report that must exist, read inside the caller's transaction."""
    report = await _report_in_or_none(conn, report_id)
    assert report is not None
    return report
