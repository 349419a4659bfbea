"""Who is registered, as handlers need to know it: looked up, listed, their language set,
their messages remembered for the wipe, a refused attempt audited. Never a Telegram name."""

from __future__ import annotations

from bot.clock import Clock
from storage import Invite, Person, Repositories


class PeopleDirectory:
    def __init__(self, store: Repositories, clock: Clock) -> None:
        self.store = store
        self.clock = clock

    async def who(self, telegram_user_id: int) -> Person | None:
        """The active person with this Telegram id (looked up in memory for a moment)."""
        return await self.store.people.active_by_telegram_id(telegram_user_id)

    async def everyone(self) -> tuple[list[Person], list[Invite]]:
        """Everyone registered, and the invites still open."""
        people = await self.store.people.all()
        return people, await self.store.invites.open_invites(self.clock.now())

    async def set_language(self, person_id: int, language: str) -> None:
        await self.store.people.set_language(person_id, language)

    def remember_message(self, chat_id: int, message_id: int) -> None:
        """A message of a registered person's private chat: wiped with the rest later."""
        self.store.chat_log.record(chat_id, message_id, self.clock.now())

    async def refused(self, actor: str, telegram_user_id: int | None, asked: str) -> None:
        """Someone who is not an editor asked for an editor's action: audited (a stranger's
        Telegram id is never written: `telegram_user_id` is None for them)."""
        await self.store.audit.record(
            at=self.clock.now(),
            actor=actor,
            actor_telegram_id=telegram_user_id,
            action="refused.not_editor",
            detail=asked[:64],
        )
