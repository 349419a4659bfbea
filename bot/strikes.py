"""No poison pill: work that fails the same way N times is set aside, so it never blocks
the work behind it, and admins are told once.

A worker names the piece of work it is on (`Strikes.on`, with what setting it aside means
for it); when the worker's turn raises, `Strikes.failed` counts a strike against that piece
for that kind of error. A different error starts the count again; a success clears it."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from dataclasses import dataclass

log = logging.getLogger(__name__)

SetAside = Callable[[], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class Piece:
    key: str  # e.g. "card R-12"
    set_aside: SetAside


# The piece of work each worker task is on (each task has its own context).
_CURRENT: ContextVar[Piece | None] = ContextVar("current_work", default=None)


class Strikes:
    def __init__(self, limit: int, tell: Callable[[str, str], Awaitable[object]]) -> None:
        """`limit`: failures of the same kind before a piece is set aside; `tell(key,
        text)`: tells admins once per key."""
        self.limit = limit
        self.tell = tell
        self._counts: dict[str, tuple[str, int]] = {}

    @staticmethod
    def on(key: str, set_aside: SetAside) -> None:
        """The current task is now working on `key`."""
        _CURRENT.set(Piece(key, set_aside))

    async def failed(self, error: BaseException) -> bool:
        """Count a strike against the current piece of work; True when it was set aside."""
        work = _CURRENT.get()
        if work is None:
            return False
        kind = type(error).__name__
        previous, count = self._counts.get(work.key, (kind, 0))
        count = count + 1 if previous == kind else 1
        self._counts[work.key] = (kind, count)
        if count < self.limit:
            return False
        del self._counts[work.key]
        _CURRENT.set(None)
        log.error("%s failed %d times (%s); set aside", work.key, count, kind)
        await work.set_aside()
        await self.tell(
            f"set-aside:{work.key}",
            f"⚠️ {work.key} failed {count} times the same way ({kind}) and was set aside, so"
            " that the work behind it goes on. The log has the details.",
        )
        return True

    def succeeded(self) -> None:
        work = _CURRENT.get()
        if work is not None:
            self._counts.pop(work.key, None)
        _CURRENT.set(None)
