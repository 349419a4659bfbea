"""Revoking a person: they can do nothing more, from this moment, and their chat is wiped."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.clock import Clock
from bot.intake.service import IntakeService
from bot.people.wipe import ChatWiper
from storage import AuditLog, Desks, People, Person


@dataclass(frozen=True, slots=True)
class Revoked:
    person: Person
    albums_dropped: int
    messages_wiped: int


class RevocationService:
    def __init__(
        self,
        people: People,
        audit: AuditLog,
        desks: Desks,
        intake: IntakeService,
        wiper: ChatWiper,
        clock: Clock,
        on_revoked: Callable[[int], None] = lambda telegram_id: None,
    ) -> None:
        self.on_revoked = on_revoked
        self.people = people
        self.desks = desks
        self.audit = audit
        self.intake = intake
        self.wiper = wiper
        self.clock = clock

    async def revoke(self, pseudonym: str, by: str, by_telegram_id: int) -> Revoked | None:
        """Revoke at once, drop any album still arriving, wipe their chat; None if nobody
        active has that pseudonym."""
        person = await self.people.revoke(pseudonym, self.clock.now())
        if person is None:
            return None
        self.on_revoked(person.telegram_user_id)
        dropped = await self.intake.drop_albums_of(person)
        await self.desks.close_for(person.telegram_user_id)  # an editor's private desk
        wiped = await self.wiper.wipe(person.telegram_user_id)
        await self.audit.record(
            at=self.clock.now(),
            actor=by,
            actor_telegram_id=by_telegram_id,
            action="person.revoke",
            before=f"{person.role} {person.pseudonym}",
            detail=f"dropped {dropped} album(s) in progress; wiped {wiped.deleted} message(s)",
        )
        return Revoked(person, dropped, wiped.deleted)
