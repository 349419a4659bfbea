"""What supporters read: a published report as a numbered update."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from bot import texts
from bot.formatting import CAPTION_LIMIT, TEXT_LIMIT, both_clocks, clock_time, split_text
from bot.i18n import say
from bot.settings import Settings
from storage import Label, Report


@dataclass(frozen=True, slots=True)
class UpdateText:
    """The text of an update, and how it is carried: as the caption of its media, or as
    text messages (the first replying to the media, if any)."""

    caption: str | None
    messages: list[str]


def header(report: Report, settings: Settings) -> str:
    """UPDATE #4 (10/21, 4:25 pm Iraq / 9:25 am EST)"""
    assert report.number is not None and report.published_at is not None
    language = settings.post_language
    when = both_clocks(report.published_at, settings, language)
    return say(language, texts.UPDATE_HEADER, number=report.number, when=when)


def _local_time(at: datetime, settings: Settings) -> str:
    local = at.astimezone(ZoneInfo(settings.local_tz))
    return f"{clock_time(local, settings.post_language)} {settings.local_tz_label}"


def update_body(report: Report, settings: Settings) -> str:
    """The report as published: its label marker, text, and any correction note."""
    language = settings.post_language
    if report.retracted_at is not None:
        reason = report.retract_reason or say(language, texts.RETRACTED_NO_REASON)
        return say(language, texts.RETRACTED, reason=reason)
    text = report.text.strip()
    if report.label == Label.UNCONFIRMED:
        text = f"{say(language, texts.MARK_UNCONFIRMED)} {text}".strip()
    elif report.confirmed_at is not None:
        when = _local_time(report.confirmed_at, settings)
        text = f"{say(language, texts.MARK_CONFIRMED, when=when)} {text}".strip()
    if report.corrected_at is not None:
        when = _local_time(report.corrected_at, settings)
        text += " " + say(language, texts.CORRECTED, when=when)
    return text


def render_update(report: Report, settings: Settings, *, has_media: bool) -> UpdateText:
    """Header and body, split so that nothing passes Telegram's limits."""
    full = f"{header(report, settings)}\n\n{update_body(report, settings)}".strip()
    if has_media and len(full) <= CAPTION_LIMIT:
        return UpdateText(caption=full, messages=[])
    return UpdateText(caption=None, messages=split_text(full, TEXT_LIMIT))


def intro_text(title: str, intro: str) -> str:
    return texts.STORY_OPENING.format(title=title, intro=intro)
