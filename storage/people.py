"""People (contacts and editors) and the invites that let them in."""

from __future__ import annotations

import time
from datetime import datetime

import aiosqlite

from storage.database import Database
from storage.models import (
    Invite,
    Person,
    RedeemOutcome,
)
from storage.times import dt, req_dt, ts


class PseudonymTakenError(Exception):
    """An active person or an open invite already uses this pseudonym."""


def _person(row: aiosqlite.Row) -> Person:
    return Person(
        id=row["id"],
        telegram_user_id=row["telegram_user_id"],
        role=row["role"],
        pseudonym=row["pseudonym"],
        status=row["status"],
        created_at=req_dt(row["created_at"]),
        revoked_at=dt(row["revoked_at"]),
        language=row["language"],
        away_since=dt(row["away_since"]),
    )


class People:
    """People, with the active ones kept in memory for a moment: every update starts with a
    look-up of its sender, and a burst of reports must not pay a database trip for each.

    Only people found active are remembered, for at most `remember_seconds`; `revoke`
    forgets at once, so a revoked person is refused from their very next message. (The CLI
    never changes people; a change made by hand in the database counts after
    `remember_seconds`.) Strangers are looked up every time: nothing is kept about them."""

    def __init__(self, db: Database, *, remember_seconds: float = 2.0) -> None:
        self.db = db
        self.remember_seconds = remember_seconds
        self._active: dict[int, tuple[float, Person]] = {}

    async def active_by_telegram_id(self, telegram_user_id: int) -> Person | None:
        remembered = self._active.get(telegram_user_id)
        if remembered is not None and time.monotonic() < remembered[0]:
            return remembered[1]
        row = await self.db.fetchrow(
            "SELECT * FROM people WHERE telegram_user_id = ? AND status = 'active'",
            (telegram_user_id,),
        )
        if row is None:
            self._active.pop(telegram_user_id, None)
            return None
        person = _person(row)
        self._active[telegram_user_id] = (time.monotonic() + self.remember_seconds, person)
        return person

    async def active_telegram_ids(self) -> list[int]:
        """Everyone registered now, by Telegram id (for the in-memory admission check)."""
        rows = await self.db.fetch(
            "SELECT telegram_user_id FROM people WHERE status = 'active'"
            " AND telegram_user_id IS NOT NULL"
        )
        return [int(row[0]) for row in rows]

    async def get(self, person_id: int) -> Person | None:
        row = await self.db.fetchrow("SELECT * FROM people WHERE id = ?", (person_id,))
        return _person(row) if row else None

    async def active_by_pseudonym(self, pseudonym: str) -> Person | None:
        row = await self.db.fetchrow(
            "SELECT * FROM people WHERE pseudonym = ? AND status = 'active'", (pseudonym,)
        )
        return _person(row) if row else None

    async def contact_pseudonyms(self) -> list[str]:
        """Every contact's pseudonym, revoked ones too (the safety scan looks for them)."""
        rows = await self.db.fetch("SELECT pseudonym FROM people WHERE role = 'contact'")
        return [str(row[0]) for row in rows]

    async def all(self) -> list[Person]:
        rows = await self.db.fetch("SELECT * FROM people ORDER BY status, role, pseudonym")
        return [_person(row) for row in rows]

    async def revoke(self, pseudonym: str, at: datetime) -> Person | None:
        row = await self.db.run(
            lambda conn: conn.execute(
                "UPDATE people SET status = 'revoked', revoked_at = ?"
                " WHERE pseudonym = ? AND status = 'active' RETURNING *",
                (ts(at), pseudonym),
            ).fetchone()
        )
        # After the commit: a look-up that read the person before it cannot linger.
        self._active.clear()
        return _person(row) if row else None

    async def set_away(self, person_id: int, since: datetime | None) -> None:
        """An editor left the editors chat (`since`), or is back in it (None)."""
        await self.db.execute(
            "UPDATE people SET away_since = ? WHERE id = ?",
            (ts(since) if since is not None else None, person_id),
        )
        self._active.clear()

    async def set_language(self, person_id: int, language: str) -> Person | None:
        """The language the bot speaks to an active person in, from now on."""
        async with (
            self.db.transaction() as conn,
            conn.execute(
                "UPDATE people SET language = ? WHERE id = ? AND status = 'active' RETURNING *",
                (language, person_id),
            ) as cursor,
        ):
            row = await cursor.fetchone()
        self._active.clear()
        return _person(row) if row else None


def _invite(row: aiosqlite.Row) -> Invite:
    return Invite(
        id=row["id"],
        role=row["role"],
        pseudonym=row["pseudonym"],
        created_by=row["created_by"],
        created_at=req_dt(row["created_at"]),
        expires_at=req_dt(row["expires_at"]),
        used_at=dt(row["used_at"]),
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
                (code_hash, role, pseudonym, created_by, ts(created_at), ts(expires_at)),
            ) as cursor:
                row = await cursor.fetchone()
            assert row is not None
            return _invite(row)

    async def redeem(
        self, *, code_hash: str, telegram_user_id: int, now: datetime, language: str
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
                "INSERT INTO people (telegram_user_id, role, pseudonym, created_at, language)"
                " VALUES (?, ?, ?, ?, ?) RETURNING *",
                (telegram_user_id, invite.role, invite.pseudonym, ts(now), language),
            ) as cursor:
                person_row = await cursor.fetchone()
            assert person_row is not None
            person = _person(person_row)
            await conn.execute(
                "UPDATE invites SET used_at = ?, used_by = ? WHERE id = ?",
                (ts(now), person.id, invite.id),
            )
            return RedeemOutcome.JOINED, person

    async def open_invites(self, now: datetime) -> list[Invite]:
        rows = await self.db.fetch(
            "SELECT * FROM invites WHERE used_at IS NULL AND expires_at > ? ORDER BY id",
            (ts(now),),
        )
        return [_invite(row) for row in rows]


async def _pseudonym_in_use(conn: aiosqlite.Connection, pseudonym: str, now: datetime) -> bool:
    async with conn.execute(
        "SELECT 1 FROM people WHERE pseudonym = ? AND status = 'active'"
        " UNION ALL SELECT 1 FROM invites WHERE pseudonym = ? AND used_at IS NULL"
        " AND expires_at > ?",
        (pseudonym, pseudonym, ts(now)),
    ) as cursor:
        return await cursor.fetchone() is not None
