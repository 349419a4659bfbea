"""Editors are members of the editors chat.

Telegram tells the bot when someone joins or leaves the group (`chat_member` updates): an
editor who leaves or is removed loses their rights at once, and gets them back on
rejoining; both are audited and admins are told. Where an editor acts outside the group (a
press or a command at their private desk), their membership is also asked of Telegram
(getChatMember) through a short-lived cache, in case the bot missed a change."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable

from bot import texts
from bot.alerts import AdminAlerts
from bot.clock import Clock
from storage import Person, Repositories

# Whether a Telegram user is in the editors chat now; None when Telegram cannot say.
Lookup = Callable[[int], Awaitable[bool | None]]


class EditorMembership:
    def __init__(
        self,
        store: Repositories,
        clock: Clock,
        alerts: AdminAlerts,
        lookup: Lookup,
        *,
        cache_seconds: float,
    ) -> None:
        self.store = store
        self.clock = clock
        self.alerts = alerts
        self.lookup = lookup
        self.cache_seconds = cache_seconds
        self._checked: dict[int, tuple[float, bool]] = {}

    async def changed(self, telegram_user_id: int, present: bool) -> Person | None:
        """Telegram says a user joined or left the editors chat; the editor concerned, if
        their standing changed."""
        self._checked[telegram_user_id] = (time.monotonic(), present)
        person = await self.store.people.active_by_telegram_id(telegram_user_id)
        if person is None or person.role != "editor":
            return None
        if (person.away_since is None) == present:
            return None
        now = self.clock.now()
        await self.store.people.set_away(person.id, None if present else now)
        await self.store.audit.record(
            at=now,
            actor=person.pseudonym,
            actor_telegram_id=telegram_user_id,
            action="editor.rejoined" if present else "editor.left_chat",
            detail="rights restored" if present else "rights suspended",
        )
        text = texts.EDITOR_BACK if present else texts.EDITOR_LEFT
        # Told every time it happens: each departure matters on its own.
        await self.alerts.tell(text.format(pseudonym=person.pseudonym))
        return person

    async def present(self, person: Person) -> bool:
        """Whether an editor may act now: in the editors chat, as far as the bot knows, and
        as Telegram says (asked at most every `cache_seconds`)."""
        user_id = person.telegram_user_id
        cached = self._checked.get(user_id)
        if cached is not None and time.monotonic() - cached[0] < self.cache_seconds:
            member = cached[1]
        else:
            answer = await self.lookup(user_id)
            if answer is None:  # Telegram cannot say now: what the bot last knew stands
                return person.away_since is None
            member = answer
            self._checked[user_id] = (time.monotonic(), member)
        if member != (person.away_since is None):
            await self.changed(user_id, member)
        return member
