"""Invites: single-use, expiring links that let a contact or an editor in."""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta

from bot.clock import Clock
from storage import AuditLog, Invite, Invites, Person, RedeemOutcome

ROLES = ("contact", "editor")
PSEUDONYM = re.compile(r"^[\w-]{1,32}$")
# 32 random bytes, URL-safe: 256 bits, far above the 128 the design asks for, and within
# Telegram's 64-character limit for a /start parameter.
CODE_BYTES = 32


class InviteError(ValueError):
    """An invite that cannot be made; the message is for the admin."""


# Outcomes of a code that did not work: counted (fieldrelay status), and throttled per sender.
FAILED = frozenset({RedeemOutcome.UNKNOWN, RedeemOutcome.USED, RedeemOutcome.EXPIRED})


def hash_code(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def invite_link(bot_username: str, code: str) -> str:
    return f"https://t.me/{bot_username}?start={code}"


@dataclass(frozen=True, slots=True)
class NewInvite:
    invite: Invite
    code: str


class InviteService:
    def __init__(
        self,
        invites: Invites,
        audit: AuditLog,
        clock: Clock,
        ttl_hours: float,
        on_joined: Callable[[int], None] = lambda telegram_id: None,
        on_failed: Callable[[int], Awaitable[None]] | None = None,
    ) -> None:
        self.on_joined = on_joined
        self.on_failed = on_failed
        self.invites = invites
        self.audit = audit
        self.clock = clock
        self.ttl = timedelta(hours=ttl_hours)

    async def create(self, role: str, pseudonym: str, created_by: int) -> NewInvite:
        """Make an invite; raises InviteError for a bad role or pseudonym and
        storage.PseudonymTakenError when the pseudonym is in use."""
        if role not in ROLES:
            raise InviteError(f"role must be one of {', '.join(ROLES)}")
        if not PSEUDONYM.match(pseudonym):
            raise InviteError("bad pseudonym")
        code = secrets.token_urlsafe(CODE_BYTES)
        now = self.clock.now()
        invite = await self.invites.create(
            code_hash=hash_code(code),
            role=role,
            pseudonym=pseudonym,
            created_by=created_by,
            created_at=now,
            expires_at=now + self.ttl,
        )
        await self.audit.record(
            at=now,
            actor="admin",
            actor_telegram_id=created_by,
            action="invite.create",
            after=f"{role} {pseudonym}",
        )
        return NewInvite(invite, code)

    async def redeem(
        self, code: str, telegram_user_id: int, language: str = "en"
    ) -> tuple[RedeemOutcome, Person | None]:
        """Use an invite; the new person is spoken to in `language` until they choose."""
        now = self.clock.now()
        if not code or len(code) > 128:
            outcome, person = RedeemOutcome.UNKNOWN, None
        else:
            outcome, person = await self.invites.redeem(
                code_hash=hash_code(code),
                telegram_user_id=telegram_user_id,
                now=now,
                language=language,
            )
        if outcome in FAILED and self.on_failed is not None:
            await self.on_failed(telegram_user_id)
        if outcome is RedeemOutcome.JOINED and person is not None:
            self.on_joined(telegram_user_id)
            await self.audit.record(
                at=now,
                actor=person.pseudonym,
                action="invite.redeem",
                after=f"{person.role} {person.pseudonym}",
            )
        return outcome, person
