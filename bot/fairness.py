"""Fair shares: nobody's flood delays anyone else, and strangers cost the bot next to nothing.

All of it is in memory, by design: a stranger is never written down (not even as a
counter of their own), and a contact's sending rate only matters for the minute at hand.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable

Clock = Callable[[], float]


class SlidingCount:
    """Events per key within the last `window` seconds (only those are kept)."""

    def __init__(self, window: float, clock: Clock = time.monotonic) -> None:
        self.window = window
        self.clock = clock
        self._seen: dict[object, deque[float]] = {}

    def add(self, key: object) -> int:
        """Count one event for `key` now; how many it has in the window, this one included."""
        earlier = self.count(key)
        self._seen.setdefault(key, deque()).append(self.clock())
        return earlier + 1

    def count(self, key: object) -> int:
        """How many events `key` has in the window (older ones are forgotten)."""
        now = self.clock()
        seen = self._seen.get(key)
        if not seen:
            return 0
        while seen and now - seen[0] > self.window:
            seen.popleft()
        if not seen:
            del self._seen[key]
        return len(seen)

    def forget_idle(self) -> None:
        """Drop keys with nothing in the window (bounded memory under a flood of keys)."""
        for key in list(self._seen):
            self.count(key)


class FloodWatch:
    """A contact sending more than `per_minute` reports a minute is flooding: the excess is
    kept but collapsed. `over` says whether this report is excess, and whether it is the
    first excess one of this flood (the contact is told to slow down, admins alerted)."""

    def __init__(self, per_minute: int, clock: Clock = time.monotonic) -> None:
        self.per_minute = per_minute
        self._recent = SlidingCount(60.0, clock)
        self._flooding: set[int] = set()

    def over(self, contact_id: int) -> tuple[bool, bool]:
        count = self._recent.add(contact_id)
        if count <= self.per_minute:
            self._flooding.discard(contact_id)
            return False, False
        first = contact_id not in self._flooding
        self._flooding.add(contact_id)
        return True, first


class Refusals:
    """How often the bot answers strangers: once per sender per `per_sender_seconds`, and at
    most `per_minute` answers a minute in all (a crowd of strangers, or one with many
    accounts, gets silence beyond it). Failed invite codes: `invite_attempts` per sender
    an hour, after which their /start is not even read."""

    def __init__(
        self,
        per_sender_seconds: float,
        per_minute: int,
        invite_attempts: int,
        clock: Clock = time.monotonic,
    ) -> None:
        self.per_minute = per_minute
        self.invite_attempts = invite_attempts
        self._answered = SlidingCount(per_sender_seconds, clock)
        self._all = SlidingCount(60.0, clock)
        self._invites = SlidingCount(3600.0, clock)
        self._sweeps = 0

    def may_answer(self, sender: int) -> bool:
        """Whether to answer this stranger now (counted as answered if so)."""
        self._sweep()
        if self._answered.count(sender) > 0 or self._all.count("all") >= self.per_minute:
            return False
        self._answered.add(sender)
        self._all.add("all")
        return True

    def failed_invite(self, sender: int) -> None:
        self._invites.add(sender)

    def may_try_invite(self, sender: int) -> bool:
        return self._invites.count(sender) < self.invite_attempts

    def _sweep(self) -> None:
        self._sweeps += 1
        if self._sweeps % 1000 == 0:
            self._answered.forget_idle()
            self._invites.forget_idle()
