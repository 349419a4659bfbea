"""Small repositories over the Database: SQL in, dataclasses out."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import aiosqlite

from storage.database import Database
from storage.models import (
    AuditEntry,
    CardMessage,
    ContactMessage,
    Invite,
    MediaItem,
    NewMedia,
    Person,
    Post,
    Prompt,
    RedeemOutcome,
    Report,
    Story,
)

# An open transaction, for repository calls that must commit together.
Transaction = aiosqlite.Connection

# Statuses in which a report has not gone out and may still be decided on.
UNPUBLISHED = ("pending", "approved")


class PseudonymTakenError(Exception):
    """An active person or an open invite already uses this pseudonym."""


def _ts(value: datetime) -> str:
    return value.isoformat()


def _dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _req_dt(value: str) -> datetime:
    return datetime.fromisoformat(value)


def _person(row: aiosqlite.Row) -> Person:
    return Person(
        id=row["id"],
        telegram_user_id=row["telegram_user_id"],
        role=row["role"],
        pseudonym=row["pseudonym"],
        status=row["status"],
        created_at=_req_dt(row["created_at"]),
        revoked_at=_dt(row["revoked_at"]),
    )


class People:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def active_by_telegram_id(self, telegram_user_id: int) -> Person | None:
        row = await self.db.fetch_one(
            "SELECT * FROM people WHERE telegram_user_id = ? AND status = 'active'",
            (telegram_user_id,),
        )
        return _person(row) if row else None

    async def get(self, person_id: int) -> Person | None:
        row = await self.db.fetch_one("SELECT * FROM people WHERE id = ?", (person_id,))
        return _person(row) if row else None

    async def active_by_pseudonym(self, pseudonym: str) -> Person | None:
        row = await self.db.fetch_one(
            "SELECT * FROM people WHERE pseudonym = ? AND status = 'active'", (pseudonym,)
        )
        return _person(row) if row else None

    async def all(self) -> list[Person]:
        rows = await self.db.fetch_all("SELECT * FROM people ORDER BY status, role, pseudonym")
        return [_person(row) for row in rows]

    async def revoke(self, pseudonym: str, at: datetime) -> Person | None:
        async with self.db.transaction() as conn:
            async with conn.execute(
                "UPDATE people SET status = 'revoked', revoked_at = ?"
                " WHERE pseudonym = ? AND status = 'active' RETURNING *",
                (_ts(at), pseudonym),
            ) as cursor:
                row = await cursor.fetchone()
            return _person(row) if row else None


def _invite(row: aiosqlite.Row) -> Invite:
    return Invite(
        id=row["id"],
        role=row["role"],
        pseudonym=row["pseudonym"],
        created_by=row["created_by"],
        created_at=_req_dt(row["created_at"]),
        expires_at=_req_dt(row["expires_at"]),
        used_at=_dt(row["used_at"]),
    )


class Invites:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def create(
        self,
        *,
        code_hash: str,
        role: str,
        pseudonym: str,
        created_by: int,
        created_at: datetime,
        expires_at: datetime,
    ) -> Invite:
        async with self.db.transaction() as conn:
            if await _pseudonym_in_use(conn, pseudonym, created_at):
                raise PseudonymTakenError(pseudonym)
            async with conn.execute(
                "INSERT INTO invites (code_hash, role, pseudonym, created_by, created_at,"
                " expires_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING *",
                (code_hash, role, pseudonym, created_by, _ts(created_at), _ts(expires_at)),
            ) as cursor:
                row = await cursor.fetchone()
            assert row is not None
            return _invite(row)

    async def redeem(
        self, *, code_hash: str, telegram_user_id: int, now: datetime
    ) -> tuple[RedeemOutcome, Person | None]:
        """Use an invite once: create the person it names, in one transaction."""
        async with self.db.transaction() as conn:
            async with conn.execute(
                "SELECT * FROM invites WHERE code_hash = ?", (code_hash,)
            ) as cursor:
                row = await cursor.fetchone()
            if row is None:
                return RedeemOutcome.UNKNOWN, None
            invite = _invite(row)
            if invite.used_at is not None:
                return RedeemOutcome.USED, None
            if invite.expires_at <= now:
                return RedeemOutcome.EXPIRED, None
            async with conn.execute(
                "SELECT * FROM people WHERE telegram_user_id = ? AND status = 'active'",
                (telegram_user_id,),
            ) as cursor:
                existing = await cursor.fetchone()
            if existing is not None:
                return RedeemOutcome.ALREADY_MEMBER, _person(existing)
            async with conn.execute(
                "SELECT 1 FROM people WHERE pseudonym = ? AND status = 'active'",
                (invite.pseudonym,),
            ) as cursor:
                if await cursor.fetchone():
                    return RedeemOutcome.PSEUDONYM_TAKEN, None
            async with conn.execute(
                "INSERT INTO people (telegram_user_id, role, pseudonym, created_at)"
                " VALUES (?, ?, ?, ?) RETURNING *",
                (telegram_user_id, invite.role, invite.pseudonym, _ts(now)),
            ) as cursor:
                person_row = await cursor.fetchone()
            assert person_row is not None
            person = _person(person_row)
            await conn.execute(
                "UPDATE invites SET used_at = ?, used_by = ? WHERE id = ?",
                (_ts(now), person.id, invite.id),
            )
            return RedeemOutcome.JOINED, person

    async def open_invites(self, now: datetime) -> list[Invite]:
        rows = await self.db.fetch_all(
            "SELECT * FROM invites WHERE used_at IS NULL AND expires_at > ? ORDER BY id",
            (_ts(now),),
        )
        return [_invite(row) for row in rows]


async def _pseudonym_in_use(conn: aiosqlite.Connection, pseudonym: str, now: datetime) -> bool:
    async with conn.execute(
        "SELECT 1 FROM people WHERE pseudonym = ? AND status = 'active'"
        " UNION ALL SELECT 1 FROM invites WHERE pseudonym = ? AND used_at IS NULL"
        " AND expires_at > ?",
        (pseudonym, pseudonym, _ts(now)),
    ) as cursor:
        return await cursor.fetchone() is not None


_REPORT_SELECT = (
    "SELECT reports.*, people.pseudonym AS pseudonym FROM reports"
    " JOIN people ON people.id = reports.contact_id"
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
        received_at=_req_dt(row["received_at"]),
        updated_at=_req_dt(row["updated_at"]),
        acknowledged=bool(row["acknowledged"]),
        card_state=row["card_state"],
        due_at=_dt(row["due_at"]),
        urgent=bool(row["urgent"]),
        decided_by=row["decided_by"],
        decided_at=_dt(row["decided_at"]),
        reject_reason=row["reject_reason"],
        ack_message_id=row["ack_message_id"],
        media_withheld=row["media_withheld"],
        card_dirty=row["card_dirty"],
        story_id=row["story_id"],
        number=row["number"],
        published_at=_dt(row["published_at"]),
        confirmed_at=_dt(row["confirmed_at"]),
        corrected_at=_dt(row["corrected_at"]),
        retracted_at=_dt(row["retracted_at"]),
        retract_reason=row["retract_reason"],
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
        row = await self.db.fetch_one(f"{_REPORT_SELECT} WHERE reports.id = ?", (report_id,))
        return _report(row) if row else None

    async def by_message(self, chat_id: int, message_id: int) -> Report | None:
        """The report a contact's message belongs to: its first message or one of its media."""
        row = await self.db.fetch_one(
            f"{_REPORT_SELECT} WHERE reports.id = COALESCE("
            " (SELECT id FROM reports WHERE chat_id = ? AND message_id = ?),"
            " (SELECT report_id FROM report_media WHERE chat_id = ? AND message_id = ?))",
            (chat_id, message_id, chat_id, message_id),
        )
        return _report(row) if row else None

    async def add_message(
        self,
        *,
        contact_id: int,
        chat_id: int,
        message_id: int,
        text: str,
        forwarded: bool,
        media: NewMedia | None,
        media_group_id: str | None,
        label: str,
        at: datetime,
    ) -> tuple[Report, bool]:
        """Store one incoming message; idempotent per (chat id, message id).

        A message of an album joins the album's report (status `collecting`), otherwise it
        makes a new `pending` report. Returns the report and whether anything new was stored.
        """
        async with self.db.transaction() as conn:
            async with conn.execute(
                "SELECT COALESCE("
                " (SELECT id FROM reports WHERE chat_id = ? AND message_id = ?),"
                " (SELECT report_id FROM report_media WHERE chat_id = ? AND message_id = ?))",
                (chat_id, message_id, chat_id, message_id),
            ) as cursor:
                seen = await cursor.fetchone()
            if seen is not None and seen[0] is not None:
                report = await _report_in(conn, seen[0])
                return report, False
            report_id: int | None = None
            if media_group_id is not None:
                async with conn.execute(
                    "SELECT id FROM reports WHERE chat_id = ? AND media_group_id = ?",
                    (chat_id, media_group_id),
                ) as cursor:
                    album = await cursor.fetchone()
                report_id = album[0] if album is not None else None
            if report_id is None:
                status = "collecting" if media_group_id is not None else "pending"
                card_state = "waiting" if media_group_id is not None else "queued"
                async with conn.execute(
                    "INSERT INTO reports (contact_id, chat_id, message_id, media_group_id, text,"
                    " forwarded, status, label, received_at, updated_at, card_state)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                    (
                        contact_id,
                        chat_id,
                        message_id,
                        media_group_id,
                        text,
                        int(forwarded),
                        status,
                        label,
                        _ts(at),
                        _ts(at),
                        card_state,
                    ),
                ) as cursor:
                    new = await cursor.fetchone()
                assert new is not None
                report_id = int(new[0])
            if media is not None:
                await conn.execute(
                    "INSERT INTO report_media (report_id, chat_id, message_id, kind, file_id,"
                    " file_unique_id, file_size, mime_type, caption)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
                    await _join_album_captions(conn, report_id, at)
            return await _report_in(conn, report_id), True

    async def finish_album(self, report_id: int, at: datetime) -> Report | None:
        """An album is complete: it becomes a pending report whose card is queued."""
        async with self.db.transaction() as conn:
            await conn.execute(
                "UPDATE reports SET status = 'pending', card_state = 'queued', updated_at = ?"
                " WHERE id = ? AND status = 'collecting'",
                (_ts(at), report_id),
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
        async with self.db.transaction() as conn:
            report = await _report_in(conn, report_id)
            if report.status not in ("pending", "collecting"):
                return None
            async with conn.execute(
                "UPDATE report_media SET caption = ? WHERE chat_id = ? AND message_id = ?",
                (text, chat_id, message_id),
            ) as cursor:
                is_media = cursor.rowcount == 1
            if report.media_group_id is not None and is_media:
                await _join_album_captions(conn, report_id, at)
            else:
                await conn.execute(
                    "UPDATE reports SET text = ?, updated_at = ? WHERE id = ?",
                    (text, _ts(at), report_id),
                )
            await conn.execute(
                "UPDATE reports SET card_dirty = card_dirty + 1 WHERE id = ?", (report_id,)
            )
            return await _report_in(conn, report_id)

    async def mark_acknowledged(self, report_id: int, ack_message_id: int | None) -> None:
        await self.db.execute(
            "UPDATE reports SET acknowledged = 1, ack_message_id = ? WHERE id = ?",
            (ack_message_id, report_id),
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
                    _ts(at) if by is not None else None,
                    _ts(due_at) if due_at is not None else None,
                    int(urgent),
                    _ts(at),
                    status,
                    report_id,
                    *expect,
                ),
            ) as cursor:
                changed = await cursor.fetchone()
            return await _report_in(tx, report_id) if changed else None

    async def set_label(
        self, report_id: int, label: str, at: datetime, conn: aiosqlite.Connection | None = None
    ) -> Report | None:
        """Label an unpublished report; None if it already has that label or went out."""
        async with self.db.unit(conn) as tx:
            async with tx.execute(
                "UPDATE reports SET label = ?, card_dirty = card_dirty + 1, updated_at = ?"
                " WHERE id = ? AND label != ? AND status IN (?, ?) RETURNING id",
                (label, _ts(at), report_id, label, *UNPUBLISHED),
            ) as cursor:
                changed = await cursor.fetchone()
            return await _report_in(tx, report_id) if changed else None

    async def editor_edit(
        self, report_id: int, text: str, at: datetime, conn: aiosqlite.Connection | None = None
    ) -> Report | None:
        """Replace a pending report's text; None when it is no longer pending."""
        async with self.db.unit(conn) as tx:
            async with tx.execute(
                "UPDATE reports SET text = ?, card_dirty = card_dirty + 1, updated_at = ?"
                " WHERE id = ? AND status = 'pending' RETURNING id",
                (text, _ts(at), report_id),
            ) as cursor:
                changed = await cursor.fetchone()
            return await _report_in(tx, report_id) if changed else None

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
            return await _report_in(tx, report_id) if changed else None

    async def dirty_cards(self, limit: int = 1) -> list[Report]:
        rows = await self.db.fetch_all(
            f"{_REPORT_SELECT} WHERE reports.card_dirty > 0 AND reports.card_state = 'posted'"
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
                {"at": _ts(at), "text": text, "reason": retract_reason, "id": report_id},
            ) as cursor:
                changed = await cursor.fetchone()
            return await _report_in(tx, report_id) if changed else None

    async def due(self, now: datetime) -> list[Report]:
        """Approved reports whose time has come: urgent first, then by due time and the
        order in which they were approved."""
        rows = await self.db.fetch_all(
            f"{_REPORT_SELECT} WHERE reports.status = 'approved' AND reports.due_at <= ?"
            " ORDER BY reports.urgent DESC, reports.due_at, reports.approval_seq",
            (_ts(now),),
        )
        return [_report(row) for row in rows]

    async def next_due_at(self) -> datetime | None:
        row = await self.db.fetch_one("SELECT MIN(due_at) FROM reports WHERE status = 'approved'")
        return _dt(row[0]) if row else None

    async def in_queue(self) -> list[Report]:
        """Reports still to be decided or published, oldest first."""
        rows = await self.db.fetch_all(
            f"{_REPORT_SELECT} WHERE reports.status IN (?, ?) ORDER BY reports.id",
            UNPUBLISHED,
        )
        return [_report(row) for row in rows]

    async def by_card_message(self, chat_id: int, message_id: int) -> Report | None:
        row = await self.db.fetch_one(
            f"{_REPORT_SELECT} WHERE reports.id ="
            " (SELECT report_id FROM card_messages WHERE chat_id = ? AND message_id = ?)",
            (chat_id, message_id),
        )
        return _report(row) if row else None

    async def unacknowledged(self) -> list[Report]:
        rows = await self.db.fetch_all(
            f"{_REPORT_SELECT} WHERE reports.acknowledged = 0"
            " AND reports.status != 'collecting' ORDER BY reports.id"
        )
        return [_report(row) for row in rows]

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


async def _join_album_captions(conn: aiosqlite.Connection, report_id: int, at: datetime) -> None:
    """An album's text is its items' captions, in the order the contact sent them."""
    async with conn.execute(
        "SELECT caption FROM report_media WHERE report_id = ? AND caption != ''"
        " ORDER BY message_id",
        (report_id,),
    ) as cursor:
        captions = [row[0] for row in await cursor.fetchall()]
    await conn.execute(
        "UPDATE reports SET text = ?, updated_at = ? WHERE id = ?",
        ("\n\n".join(captions), _ts(at), report_id),
    )


async def _report_in_or_none(conn: aiosqlite.Connection, report_id: int) -> Report | None:
    async with conn.execute(f"{_REPORT_SELECT} WHERE reports.id = ?", (report_id,)) as cursor:
        row = await cursor.fetchone()
    return _report(row) if row else None


async def _report_in(conn: aiosqlite.Connection, report_id: int) -> Report:
    report = await _report_in_or_none(conn, report_id)
    assert report is not None
    return report


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
                "INSERT INTO audit_log (at, actor_telegram_id, actor, action, report_id,"
                " before, after, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (_ts(at), actor_telegram_id, actor, action, report_id, before, after, detail),
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
        at=_req_dt(row["at"]),
        actor=row["actor"],
        action=row["action"],
        report_id=row["report_id"],
        before=row["before"],
        after=row["after"],
        detail=row["detail"],
    )


class Inbox:
    """Raw updates kept from the moment they are fetched until they are handled."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def store(self, updates: Sequence[tuple[int, str]], at: datetime) -> None:
        async with self.db.transaction() as conn:
            await conn.executemany(
                "INSERT OR IGNORE INTO inbox (update_id, payload, received_at) VALUES (?, ?, ?)",
                [(update_id, payload, _ts(at)) for update_id, payload in updates],
            )
            if updates:
                await conn.execute(
                    "INSERT INTO state (key, value) VALUES ('last_update_id', ?)"
                    " ON CONFLICT (key) DO UPDATE SET value = MAX(CAST(value AS INTEGER),"
                    " excluded.value)",
                    (str(max(update_id for update_id, _ in updates)),),
                )

    async def unhandled(self) -> list[tuple[int, str]]:
        rows = await self.db.fetch_all("SELECT update_id, payload FROM inbox ORDER BY update_id")
        return [(row[0], row[1]) for row in rows]

    async def handled(self, update_id: int) -> None:
        """Forget a handled update: nothing of an unknown sender's message stays behind."""
        await self.db.execute("DELETE FROM inbox WHERE update_id = ?", (update_id,))

    async def last_update_id(self) -> int | None:
        row = await self.db.fetch_one("SELECT value FROM state WHERE key = 'last_update_id'")
        return int(row[0]) if row else None


class StateStore:
    """Small named values that must survive restarts."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def get(self, key: str) -> str | None:
        row = await self.db.fetch_one("SELECT value FROM state WHERE key = ?", (key,))
        return str(row[0]) if row else None

    async def set(self, key: str, value: Any) -> None:
        await self.db.execute(
            "INSERT INTO state (key, value) VALUES (?, ?)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, str(value)),
        )


def _prompt(row: aiosqlite.Row) -> Prompt:
    return Prompt(
        chat_id=row["chat_id"],
        message_id=row["message_id"],
        report_id=row["report_id"],
        kind=row["kind"],
        editor_telegram_id=row["editor_telegram_id"],
        created_at=_req_dt(row["created_at"]),
        answered_at=_dt(row["answered_at"]),
    )


class Prompts:
    """Questions asked of one editor, answered by replying to them."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def add(
        self,
        *,
        chat_id: int,
        message_id: int,
        report_id: int,
        kind: str,
        editor_telegram_id: int,
        at: datetime,
    ) -> None:
        await self.db.execute(
            "INSERT INTO prompts (chat_id, message_id, report_id, kind, editor_telegram_id,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?)",
            (chat_id, message_id, report_id, kind, editor_telegram_id, _ts(at)),
        )

    async def get(self, chat_id: int, message_id: int) -> Prompt | None:
        row = await self.db.fetch_one(
            "SELECT * FROM prompts WHERE chat_id = ? AND message_id = ?", (chat_id, message_id)
        )
        return _prompt(row) if row else None

    async def open_for(self, report_id: int, editor_telegram_id: int, kind: str) -> Prompt | None:
        row = await self.db.fetch_one(
            "SELECT * FROM prompts WHERE report_id = ? AND editor_telegram_id = ? AND kind = ?"
            " AND answered_at IS NULL ORDER BY created_at DESC LIMIT 1",
            (report_id, editor_telegram_id, kind),
        )
        return _prompt(row) if row else None

    async def answer(
        self, prompt: Prompt, at: datetime, conn: aiosqlite.Connection | None = None
    ) -> bool:
        """Mark answered; False if it already was (a duplicate delivery of the reply)."""
        async with (
            self.db.unit(conn) as tx,
            tx.execute(
                "UPDATE prompts SET answered_at = ? WHERE chat_id = ? AND message_id = ?"
                " AND answered_at IS NULL",
                (_ts(at), prompt.chat_id, prompt.message_id),
            ) as cursor,
        ):
            return cursor.rowcount == 1


class ContactMessages:
    """Messages to contacts about their reports, kept until delivered."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def add(
        self,
        *,
        report_id: int,
        chat_id: int,
        text: str,
        reply_to: int | None,
        at: datetime,
        conn: aiosqlite.Connection | None = None,
    ) -> None:
        async with self.db.unit(conn) as tx:
            await tx.execute(
                "INSERT INTO contact_messages (report_id, chat_id, text, reply_to, created_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (report_id, chat_id, text, reply_to, _ts(at)),
            )

    async def unsent(self, limit: int = 1) -> list[ContactMessage]:
        rows = await self.db.fetch_all(
            "SELECT * FROM contact_messages WHERE sent_at IS NULL ORDER BY id LIMIT ?", (limit,)
        )
        return [
            ContactMessage(
                id=row["id"],
                report_id=row["report_id"],
                chat_id=row["chat_id"],
                text=row["text"],
                reply_to=row["reply_to"],
            )
            for row in rows
        ]

    async def mark_sent(self, message_id: int, at: datetime) -> None:
        await self.db.execute(
            "UPDATE contact_messages SET sent_at = ? WHERE id = ?", (_ts(at), message_id)
        )


def _story(row: aiosqlite.Row) -> Story:
    return Story(
        id=row["id"],
        title=row["title"],
        intro=row["intro"],
        status=row["status"],
        last_number=row["last_number"],
        opened_by=row["opened_by"],
        opened_at=_req_dt(row["opened_at"]),
        closed_at=_dt(row["closed_at"]),
    )


async def _open_story(conn: aiosqlite.Connection) -> Story | None:
    async with conn.execute("SELECT * FROM stories WHERE status = 'open'") as cursor:
        row = await cursor.fetchone()
    return _story(row) if row else None


class Stories:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def current(self) -> Story | None:
        async with self.db.read() as conn:
            return await _open_story(conn)

    async def get(self, story_id: int) -> Story | None:
        row = await self.db.fetch_one("SELECT * FROM stories WHERE id = ?", (story_id,))
        return _story(row) if row else None

    async def open_new(
        self,
        title: str,
        intro: str | None,
        by: str,
        at: datetime,
        channels: Sequence[str],
    ) -> tuple[Story, Story | None]:
        """Open a story (closing the current one); queue its opening post to every channel
        when it has an intro. Returns the new story and the one it closed, if any."""
        async with self.db.transaction() as conn:
            closed = await _close_open_story(conn, at)
            async with conn.execute(
                "INSERT INTO stories (title, intro, opened_by, opened_at) VALUES (?, ?, ?, ?)"
                " RETURNING *",
                (title, intro, by, _ts(at)),
            ) as cursor:
                row = await cursor.fetchone()
            assert row is not None
            story = _story(row)
            if intro:
                await conn.executemany(
                    "INSERT INTO posts (channel, story_id, action, created_at, updated_at)"
                    " VALUES (?, ?, 'send', ?, ?)",
                    [(channel, story.id, _ts(at), _ts(at)) for channel in channels],
                )
            return story, closed

    async def close(self, at: datetime) -> Story | None:
        async with self.db.transaction() as conn:
            return await _close_open_story(conn, at)


async def _close_open_story(conn: aiosqlite.Connection, at: datetime) -> Story | None:
    async with conn.execute(
        "UPDATE stories SET status = 'closed', closed_at = ? WHERE status = 'open' RETURNING *",
        (_ts(at),),
    ) as cursor:
        row = await cursor.fetchone()
    return _story(row) if row else None


def _post(row: aiosqlite.Row) -> Post:
    return Post(
        id=row["id"],
        channel=row["channel"],
        report_id=row["report_id"],
        story_id=row["story_id"],
        action=row["action"],
        state=row["state"],
        message_ids=row["message_ids"],
        attempts=row["attempts"],
        not_before=_dt(row["not_before"]),
        error=row["error"],
        created_at=_req_dt(row["created_at"]),
        notice_message_id=row["notice_message_id"],
    )


class Posts:
    """The channel outbox."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def publish(
        self,
        report_id: int,
        channels: Sequence[str],
        at: datetime,
        default_title: str,
    ) -> Report | None:
        """Give an approved report the next number of the current story and queue one send
        per channel, all in one transaction: a number is never skipped or used twice.

        Returns the published report, or None if it was no longer approved."""
        async with self.db.transaction() as conn:
            async with conn.execute(
                "SELECT 1 FROM reports WHERE id = ? AND status = 'approved'", (report_id,)
            ) as cursor:
                if await cursor.fetchone() is None:
                    return None
            story = await _open_story(conn)
            if story is None:
                async with conn.execute(
                    "INSERT INTO stories (title, opened_by, opened_at) VALUES (?, 'bot', ?)"
                    " RETURNING *",
                    (default_title, _ts(at)),
                ) as cursor:
                    row = await cursor.fetchone()
                assert row is not None
                story = _story(row)
            number = story.last_number + 1
            await conn.execute(
                "UPDATE stories SET last_number = ? WHERE id = ?", (number, story.id)
            )
            await conn.execute(
                "UPDATE reports SET status = 'published', story_id = ?, number = ?,"
                " published_at = ?, card_dirty = card_dirty + 1, updated_at = ? WHERE id = ?",
                (story.id, number, _ts(at), _ts(at), report_id),
            )
            await conn.executemany(
                "INSERT INTO posts (channel, report_id, action, created_at, updated_at)"
                " VALUES (?, ?, 'send', ?, ?)",
                [(channel, report_id, _ts(at), _ts(at)) for channel in channels],
            )
            return await _report_in(conn, report_id)

    async def queue_change(
        self,
        report_id: int,
        action: str,
        at: datetime,
        conn: aiosqlite.Connection | None = None,
    ) -> int:
        """Queue an edit or delete of every copy of a published report that was sent (or
        may still be). Returns how many channels get one."""
        async with (
            self.db.unit(conn) as tx,
            tx.execute(
                "INSERT INTO posts (channel, report_id, action, created_at, updated_at)"
                " SELECT channel, report_id, ?, ?, ? FROM posts"
                " WHERE report_id = ? AND action = 'send' AND state != 'failed'",
                (action, _ts(at), _ts(at), report_id),
            ) as cursor,
        ):
            return cursor.rowcount

    async def next_in(self, channel: str) -> Post | None:
        """The oldest unfinished row of a channel: channels are served strictly in order."""
        row = await self.db.fetch_one(
            "SELECT * FROM posts WHERE channel = ? AND state = 'queued' ORDER BY id LIMIT 1",
            (channel,),
        )
        return _post(row) if row else None

    async def channels_with_work(self) -> list[str]:
        rows = await self.db.fetch_all("SELECT DISTINCT channel FROM posts WHERE state = 'queued'")
        return [row[0] for row in rows]

    async def get(self, post_id: int) -> Post | None:
        row = await self.db.fetch_one("SELECT * FROM posts WHERE id = ?", (post_id,))
        return _post(row) if row else None

    async def sent_copy(
        self, report_id: int | None, story_id: int | None, channel: str
    ) -> Post | None:
        """The send row of a report (or of a story's opening post) in a channel."""
        column, value = (
            ("report_id", report_id) if report_id is not None else ("story_id", story_id)
        )
        row = await self.db.fetch_one(
            f"SELECT * FROM posts WHERE {column} = ? AND channel = ? AND action = 'send'"
            " ORDER BY id LIMIT 1",
            (value, channel),
        )
        return _post(row) if row else None

    async def of_report(self, report_id: int) -> list[Post]:
        rows = await self.db.fetch_all(
            "SELECT * FROM posts WHERE report_id = ? ORDER BY id", (report_id,)
        )
        return [_post(row) for row in rows]

    async def start_sending(self, post: Post, at: datetime) -> bool:
        """Record that the call is about to be made (state `sending`), before making it."""
        async with (
            self.db.transaction() as conn,
            conn.execute(
                "UPDATE posts SET state = 'sending', attempts = attempts + 1, updated_at = ?"
                " WHERE id = ? AND state = 'queued'",
                (_ts(at), post.id),
            ) as cursor,
        ):
            return cursor.rowcount == 1

    async def finish(
        self,
        post: Post,
        state: str,
        at: datetime,
        *,
        message_ids: str | None = None,
        error: str | None = None,
        not_before: datetime | None = None,
    ) -> None:
        await self.db.execute(
            "UPDATE posts SET state = ?, message_ids = COALESCE(?, message_ids), error = ?,"
            " not_before = ?, updated_at = ? WHERE id = ?",
            (
                state,
                message_ids,
                error,
                _ts(not_before) if not_before else None,
                _ts(at),
                post.id,
            ),
        )
        if post.report_id is not None:
            await self.db.execute(
                "UPDATE reports SET card_dirty = card_dirty + 1 WHERE id = ?", (post.report_id,)
            )

    async def mark_in_doubt(self) -> list[Post]:
        """At start: rows left `sending` by a crash. Nobody knows whether they went out."""
        async with (
            self.db.transaction() as conn,
            conn.execute(
                "UPDATE posts SET state = 'in_doubt' WHERE state = 'sending' RETURNING *"
            ) as cursor,
        ):
            rows = await cursor.fetchall()
        return [_post(row) for row in rows]

    async def in_doubt(self) -> list[Post]:
        rows = await self.db.fetch_all("SELECT * FROM posts WHERE state = 'in_doubt' ORDER BY id")
        return [_post(row) for row in rows]

    async def resolve(self, post_id: int, resend: bool, at: datetime) -> Post | None:
        """An editor decided an in-doubt row: send it again, or take it as sent."""
        async with (
            self.db.transaction() as conn,
            conn.execute(
                "UPDATE posts SET state = ?, updated_at = ? WHERE id = ? AND state = 'in_doubt'"
                " RETURNING *",
                ("queued" if resend else "sent", _ts(at), post_id),
            ) as cursor,
        ):
            row = await cursor.fetchone()
        return _post(row) if row else None

    async def needing_notice(self) -> list[Post]:
        """Rows editors must hear about (in doubt, or failed for good) and have not yet."""
        rows = await self.db.fetch_all(
            "SELECT * FROM posts WHERE state IN ('in_doubt', 'failed')"
            " AND notice_message_id IS NULL ORDER BY id LIMIT 5"
        )
        return [_post(row) for row in rows]

    async def set_notice(self, post_id: int, message_id: int) -> None:
        await self.db.execute(
            "UPDATE posts SET notice_message_id = ? WHERE id = ?", (message_id, post_id)
        )

    async def counts(self) -> dict[str, int]:
        rows = await self.db.fetch_all("SELECT state, COUNT(*) FROM posts GROUP BY state")
        return {row[0]: row[1] for row in rows}
