"""Incoming messages: a contact's message stored as a report, albums collected, edits.

These writes run in the database's thread as plain `sqlite3` functions, each a single trip:
`store_messages` is what the group commit runs for a burst (see Database.defer_many), and a
contact's edit touches several rows that must change together. Everything else in storage
is async."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from datetime import datetime
from typing import Any

from storage.audit import write_received
from storage.database import Database
from storage.models import NewMedia, NewMessage, Report, StoredMessage
from storage.reports import (
    REPORT_OF_MESSAGE,
    REPORT_SELECT,
    fetch_report,
    report_from_row,
)
from storage.statuses import CardState, ReportStatus
from storage.times import ts


class Incoming:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def add_message(self, message: NewMessage) -> tuple[Report, bool]:
        """store_messages (below) in a transaction of its own; the report and whether
        anything new was stored."""

        [stored] = await self.db.run(lambda conn: store_messages(conn, [message]))
        report = await self._report(stored.report_id)
        return report, stored.created

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
            return await fetch_report(conn, report_id)

    async def collecting(self) -> list[Report]:
        rows = await self.db.fetch(
            f"{REPORT_SELECT} WHERE reports.status = 'collecting' ORDER BY reports.id"
        )
        return [report_from_row(row) for row in rows]

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

        def edit(conn: sqlite3.Connection) -> bool:
            found = conn.execute(
                "SELECT media_group_id FROM reports WHERE id = ? AND status IN (?, ?)",
                (report_id, ReportStatus.PENDING, ReportStatus.COLLECTING),
            ).fetchone()
            if found is None:
                return False
            is_media = (
                conn.execute(
                    "UPDATE report_media SET caption = ? WHERE chat_id = ? AND message_id = ?",
                    (text, chat_id, message_id),
                ).rowcount
                == 1
            )
            if found[0] is not None and is_media:
                _join_album_captions(conn, report_id, at)
            else:
                conn.execute(
                    "UPDATE reports SET text = ?, updated_at = ? WHERE id = ?",
                    (text, ts(at), report_id),
                )
            conn.execute(
                "UPDATE reports SET card_dirty = card_dirty + 1, version = version + 1"
                " WHERE id = ?",
                (report_id,),
            )
            return True

        return await self._report(report_id) if await self.db.run(edit) else None

    async def _report(self, report_id: int) -> Report:
        async with self.db.read() as conn:
            report = await fetch_report(conn, report_id)
        assert report is not None
        return report


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
            stored[i] = _store_album_item(conn, message)
    return [stored[i] for i in range(len(messages))]


def _store_singles(
    conn: sqlite3.Connection, singles: dict[int, NewMessage]
) -> dict[int, StoredMessage]:
    (before,) = conn.execute("SELECT COALESCE(MAX(id), 0) FROM reports").fetchone()
    conn.execute(
        "INSERT INTO reports (contact_id, chat_id, message_id, text, forwarded, status, label,"
        " received_at, updated_at, card_state, flagged_urgent, flooded, acknowledged,"
        " forward_kind, forwarded_from)"
        f" SELECT {_json_columns(5)}, 'pending', {_json_column(5)}, {_json_column(6)},"
        f" {_json_column(6)}, 'queued', {_json_column(7)}, {_json_column(8)}, {_json_column(8)},"
        f" {_json_column(9)}, {_json_column(10)}"
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
    write_received(conn, before)
    media = [
        (new[(m.chat_id, m.message_id)], m.chat_id, m.media, m.at)
        for m in singles.values()
        if m.media is not None and (m.chat_id, m.message_id) in new
    ]
    if media:
        conn.execute(
            "INSERT INTO report_media (report_id, chat_id, message_id, kind, file_id,"
            " file_unique_id, file_size, mime_type, caption, received_at)"
            f" SELECT {_json_columns(10)} FROM json_each(?)",
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
    return [
        m.contact_id,
        m.chat_id,
        m.message_id,
        m.text,
        int(m.forwarded),
        m.label,
        ts(m.at),
        int(m.flagged_urgent),
        int(m.flooded),  # and acknowledged: a flood gets one "slow down", not an ack each
        m.forward.kind if m.forward else None,
        m.forward.name if m.forward else None,
    ]


def _media_row(report_id: int, chat_id: int, item: NewMedia, at: datetime) -> list[Any]:
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
        ts(at),
    ]


def _duplicate(conn: sqlite3.Connection, message: NewMessage) -> StoredMessage:
    report_id = _seen(conn, message.chat_id, message.message_id)
    if report_id is None:
        raise sqlite3.IntegrityError(f"message {message.message_id} was neither stored nor seen")
    return StoredMessage(report_id, created=False, collecting=False)


def _seen(conn: sqlite3.Connection, chat_id: int, message_id: int) -> int | None:
    """The report a message already belongs to, if any."""
    row = conn.execute(
        f"SELECT {REPORT_OF_MESSAGE}", (chat_id, message_id, chat_id, message_id)
    ).fetchone()
    return int(row[0]) if row is not None and row[0] is not None else None


def _store_album_item(conn: sqlite3.Connection, message: NewMessage) -> StoredMessage:
    """Store one item of an album: the first makes the album's `collecting` report, the
    others join it. The report is audited once the album is complete (finish_album)."""
    m = message
    assert m.media_group_id is not None and m.media is not None
    seen = _seen(conn, m.chat_id, m.message_id)
    if seen is not None:
        return StoredMessage(seen, created=False, collecting=False)
    album = conn.execute(
        "SELECT id FROM reports WHERE chat_id = ? AND media_group_id = ?",
        (m.chat_id, m.media_group_id),
    ).fetchone()
    if album is not None:
        report_id = int(album[0])
    else:
        inserted = conn.execute(
            "INSERT INTO reports (contact_id, chat_id, message_id, media_group_id, text,"
            " forwarded, status, label, received_at, updated_at, card_state, flagged_urgent,"
            " forward_kind, forwarded_from) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                m.contact_id,
                m.chat_id,
                m.message_id,
                m.media_group_id,
                m.text,
                int(m.forwarded),
                ReportStatus.COLLECTING,
                m.label,
                ts(m.at),
                ts(m.at),
                CardState.WAITING,
                int(m.flagged_urgent),
                m.forward.kind if m.forward else None,
                m.forward.name if m.forward else None,
            ),
        )
        report_id = int(inserted.lastrowid or 0)
    conn.execute(
        "INSERT INTO report_media (report_id, chat_id, message_id, kind, file_id,"
        " file_unique_id, file_size, mime_type, caption, received_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        _media_row(report_id, m.chat_id, m.media, m.at),
    )
    _join_album_captions(conn, report_id, m.at)
    return StoredMessage(report_id, created=True, collecting=True)


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
