"""How times are stored (ISO 8601 text, UTC), and the open transaction repositories share."""

from __future__ import annotations

from datetime import datetime

import aiosqlite

# An open transaction, for repository calls that must commit together.
Transaction = aiosqlite.Connection


def ts(value: datetime) -> str:
    """A time as stored: ISO 8601 with its UTC offset, so text order is time order."""
    return value.isoformat()


def dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def req_dt(value: str) -> datetime:
    return datetime.fromisoformat(value)
