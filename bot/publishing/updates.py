"""What supporters read: a numbered update, and a story's opening post and summary."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from bot import texts
from bot.formatting import CAPTION_LIMIT, TEXT_LIMIT, both_clocks, clock_time
from bot.i18n import RLM, say, text_direction
from bot.intake.urgency import urgent_word_end
from bot.rich import Entity, Rich, utf16_len
from bot.settings import Settings
from storage import Label, Report, Story


@dataclass(frozen=True, slots=True)
class UpdateText:
    """The text of an update, and how it is carried: as the caption of its media, or as
    text messages (the first replying to the media, if any)."""

    caption: Rich | None
    messages: list[Rich]


def header(report: Report, settings: Settings) -> str:
    """UPDATE #4 (10/21, 4:25 pm Iraq / 9:25 am EST)"""
    assert report.number is not None and report.published_at is not None
    language = settings.post_language
    when = both_clocks(report.published_at, settings, language)
    return say(language, texts.UPDATE_HEADER, number=report.number, when=when)


def _local_time(at: datetime, settings: Settings) -> str:
    local = at.astimezone(ZoneInfo(settings.local_tz))
    return f"{clock_time(local, settings.post_language)} {settings.local_tz_label}"


def bold(text: str) -> Rich:
    return Rich(text, (Entity("bold", 0, utf16_len(text)),) if text else ())


def update_body(report: Report, settings: Settings) -> Rich:
    """The update as published: its label marker, text (with the editor's formatting), and
    any correction note. Never who sent it: no pseudonym, no report id."""
    language = settings.post_language
    if report.retracted_at is not None:
        reason = report.retract_reason or say(language, texts.RETRACTED_NO_REASON)
        return Rich(say(language, texts.RETRACTED, reason=reason))
    text = Rich.stored(report.text, report.entities).strip()
    if not report.written:  # the contact's "URGENT:" was for the editors
        text = text.slice(urgent_word_end(text.text), len(text.text)).strip()
    # A marker in Latin letters first would turn an Arabic update left to right (Telegram
    # and the page's dir="auto" go by the first strong letter): a mark keeps its direction.
    keep = RLM if text_direction(text.text) == "rtl" else ""
    if report.label == Label.UNCONFIRMED:
        text = keep + (bold(say(language, texts.MARK_UNCONFIRMED)) + " " + text).strip()
    elif report.confirmed_at is not None:
        when = _local_time(report.confirmed_at, settings)
        marker = bold(say(language, texts.MARK_CONFIRMED, when=when))
        text = keep + (marker + " " + text).strip()
    if report.corrected_at is not None:
        when = _local_time(report.corrected_at, settings)
        text += " " + say(language, texts.CORRECTED, when=when)
    return text


def render_update(report: Report, settings: Settings, *, has_media: bool) -> UpdateText:
    """Header and body, split so that nothing passes Telegram's limits."""
    full = (bold(header(report, settings)) + "\n\n" + update_body(report, settings)).strip()
    if has_media and len(full) <= CAPTION_LIMIT:
        return UpdateText(caption=full, messages=[])
    return UpdateText(caption=None, messages=full.split(TEXT_LIMIT))


def intro_text(story: Story) -> Rich:
    """A story's opening post: its title in bold, then the editors' intro as written."""
    return bold(story.title) + "\n\n" + Rich.stored(story.intro or "", story.intro_entities)


SUMMARY_LINE_LIMIT = 140


def summary_text(story: Story, updates: list[Report], settings: Settings) -> Rich:
    """The pinned summary of a story's key updates, each as it stands now: its number,
    its label, its first words; retracted ones say so."""
    language = settings.post_language
    text = bold(say(language, texts.SUMMARY_HEADER, title=story.title))
    for report in updates:
        body = update_body(report, settings)
        first = " ".join(body.text.split())
        if len(first) > SUMMARY_LINE_LIMIT:
            first = first[: SUMMARY_LINE_LIMIT - 1].rstrip() + "…"
        line = say(language, texts.SUMMARY_LINE, number=report.number, text=first)
        text = text + "\n" + line
    if not updates:
        text = text + "\n" + say(language, texts.SUMMARY_EMPTY)
    return text
