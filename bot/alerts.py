"""Telling admins that something needs them, once per thing, through the durable desk lane.

Each alert has a key (`site:1:7`: UPDATE #7 of story 1 cannot be shown on the site). An
admin hears of a key once, across restarts, until it is cleared (the thing recovered): a
failure that repeats every few seconds never becomes a message every few seconds."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from bot.clock import Clock
from storage import Repositories

ALERT_PREFIX = "alerted:"


class AdminAlerts:
    def __init__(
        self,
        store: Repositories,
        admin_ids: Sequence[int],
        clock: Clock,
        wake: Callable[[], None],
    ) -> None:
        self.store = store
        self.admin_ids = list(admin_ids)
        self.clock = clock
        self.wake = wake

    async def tell_once(self, key: str, text: str) -> bool:
        """Queue `text` for every admin unless they were already told of `key`; whether
        they are told now."""
        if await self.store.state.get(ALERT_PREFIX + key) is not None:
            return False
        await self.store.state.set(ALERT_PREFIX + key, self.clock.now().isoformat())
        await self.tell(text)
        return True

    async def tell(self, text: str) -> None:
        """Queue `text` for every admin, every time (something each time worth knowing)."""
        now = self.clock.now()
        for admin_id in self.admin_ids:
            await self.store.desk_messages.add(admin_id, text, now)
        self.wake()

    async def clear(self, key: str) -> None:
        """The thing recovered: a new failure of the same key is told again."""
        await self.store.state.delete(ALERT_PREFIX + key)
