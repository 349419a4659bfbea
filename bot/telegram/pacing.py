"""Telegram's limits as the bot keeps them: python-telegram-bot's AIORateLimiter, counting
an album as Telegram does.

Telegram counts each item of an album against the limits (about 20 messages a minute in a
group or channel, 30 a second overall); AIORateLimiter counts a sendMediaGroup call once,
so a 10-photo album could draw a 429. Here an album first takes one slot per extra item.
This reaches into AIORateLimiter's limiters (`_get_group_limiter`, `_base_limiter`),
which python-telegram-bot 22 has: the version is pinned, and `tests/test_pacing.py` holds it.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from telegram.ext import AIORateLimiter

JSONDict = dict[str, Any]


class TelegramPacing(AIORateLimiter):
    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | JSONDict | list[JSONDict]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | JSONDict | list[JSONDict]:
        if endpoint == "sendMediaGroup":
            await self._take_extra_slots(data.get("chat_id"), len(data.get("media") or []) - 1)
        return await super().process_request(
            callback, args, kwargs, endpoint, data, rate_limit_args
        )

    async def _take_extra_slots(self, chat_id: Any, extra: int) -> None:
        """Wait for `extra` more slots of the chat's limit (groups and channels) and of the
        overall one, as `process_request` itself takes one."""
        try:
            chat: int | str = int(chat_id)
        except (TypeError, ValueError):
            chat = str(chat_id)
        group = self._get_group_limiter(chat) if isinstance(chat, str) or chat < 0 else None
        for _ in range(max(0, extra)):
            if group is not None:
                await group.acquire()
            if self._base_limiter is not None:
                await self._base_limiter.acquire()
