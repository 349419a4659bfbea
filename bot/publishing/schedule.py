"""When approved reports go out: the next publishing slot."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo


def next_slot(now: datetime, slots: list[time], zone: str) -> datetime:
    """The first slot strictly after `now`, in UTC; `now` itself when there are no slots.

    Slots are wall-clock times in `zone`, so "08:00" stays 8 am across DST changes."""
    if not slots:
        return now
    tz = ZoneInfo(zone)
    local = now.astimezone(tz)
    for days in range(2):
        day = local.date() + timedelta(days=days)
        for slot in sorted(slots):
            candidate = datetime.combine(day, slot, tzinfo=tz)
            if candidate > local:
                return candidate.astimezone(UTC)
    raise AssertionError("unreachable: a slot always exists within two days")
