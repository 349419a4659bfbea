"""Telegram-free formatting: the two clocks, and splitting long text cleanly."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_time

from bot.settings import Settings

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024


def clock_time(at: datetime, language: str = "en") -> str:
    """3:30 pm (in English; other languages as their locale writes a 12-hour time)."""
    if language != "en":
        return format_time(at, "h:mm a", locale=language)
    hour = at.hour % 12 or 12
    return f"{hour}:{at.minute:02d} {'am' if at.hour < 12 else 'pm'}"


def both_clocks(at: datetime, settings: Settings, language: str = "en") -> str:
    """`10/21, 3:30 pm Iraq / 8:30 am EST`: the date and time where it happens and where
    supporters are. The audience label defaults to the zone's abbreviation at that moment."""
    local = at.astimezone(ZoneInfo(settings.local_tz))
    audience = at.astimezone(ZoneInfo(settings.audience_tz))
    audience_label = settings.audience_tz_label or audience.tzname() or settings.audience_tz
    return (
        f"{local:%m/%d}, {clock_time(local, language)} {settings.local_tz_label}"
        f" / {clock_time(audience, language)} {audience_label}"
    )


def shortened(text: str, limit: int) -> str:
    """`text` on one line (its whitespace collapsed), cut to `limit` characters with "…"."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def split_text(text: str, limit: int = TEXT_LIMIT) -> list[str]:
    """Split text into parts of at most `limit` characters, preferring paragraph breaks,
    then line breaks, then sentence ends, then spaces; never losing a character."""
    if limit < 1:
        raise ValueError("limit must be positive")
    parts: list[str] = []
    rest = text
    while len(rest) > limit:
        window = rest[:limit]
        cut = -1
        for separator in ("\n\n", "\n", ". ", " "):
            position = window.rfind(separator)
            if position > limit // 3:
                cut = position + len(separator)
                break
        if cut <= 0:
            cut = limit
        parts.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip("\n ")
    if rest or not parts:
        parts.append(rest)
    return [part for part in parts if part] or [""]
