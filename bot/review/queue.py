"""The queue message: in a burst, one message that makes many reports actionable at once.

The editors chat takes about 20 bot messages a minute, edits included: one card per report
cannot keep up with fifty reports in a minute. The queue message lists the reports waiting
for a decision (urgent ones first, then oldest first) with buttons for each: open its full
card, approve it, publish it now, reject it. When more wait than that can list (four
buttons a report, 100 under a message), it turns compact: a line and one 📖 button a
report, up to a hundred, the full card of each sent on demand. The courier edits it in
place as reports come and are decided. Pure view: reports in, text and buttons out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from bot import texts
from bot.formatting import TEXT_LIMIT
from bot.review.callbacks import Action, CallbackData
from bot.review.cards import describe_kinds
from bot.sender import Button, Keyboard
from bot.verification.corroboration import first_hand
from storage import Report
from storage.similar import Likeness

# Telegram allows 100 buttons under a message: four a report when it lists few, one a
# report (📖, five a row) when the queue is deep.
MAX_BUTTONS = 100
BUTTONS_PER_REPORT = 4
MAX_LISTED = MAX_BUTTONS // BUTTONS_PER_REPORT
COMPACT_ROW = 5
PREVIEW, COMPACT_PREVIEW = 60, 18
SIMILAR_LISTED = 3
# A compact line marks media by a sign, so a hundred lines fit in one message.
MEDIA_SIGNS = {"photo": "📷", "video": "🎞", "voice": "🎙", "audio": "🎵", "document": "📄"}


@dataclass(frozen=True, slots=True)
class QueueView:
    text: str
    keyboard: Keyboard


def age(since: datetime, now: datetime) -> str:
    """How long a report has waited, as editors read it at a glance: <1m, 3m, 2h. In
    minutes, so that a queue message is not edited (a slot of the chat's 20 a minute) only
    because seconds passed."""
    seconds = max(0, int((now - since).total_seconds()))
    if seconds < 60:
        return "<1m"
    if seconds < 3600:
        return f"{seconds // 60}m"
    return f"{seconds // 3600}h"


def report_line(
    report: Report, kinds: Sequence[str], now: datetime, alike: Likeness | None = None
) -> str:
    icon = "⚡" if report.flagged_urgent else "🆕"
    what = describe_kinds(kinds) if kinds else texts.QUEUE_KIND_TEXT
    first = " ".join(report.text.split())
    cut = first[:PREVIEW] + ("…" if len(first) > PREVIEW else "")
    preview = cut or texts.CARD_NO_TEXT
    similar = (
        texts.QUEUE_SIMILAR.format(
            reports=", ".join(a.code for a in alike.shown[:SIMILAR_LISTED])
            + ("…" if alike.total > SIMILAR_LISTED else ""),
            contacts=first_hand(report, alike),
        )
        if alike is not None
        else ""
    )
    return f"{icon} {report.code} · {age(report.received_at, now)} · {what}{similar} — {preview}"


def compact_line(report: Report, kinds: Sequence[str], now: datetime) -> str:
    icon = "⚡" if report.flagged_urgent else "🆕"
    signs = "".join(
        MEDIA_SIGNS.get(kind, "📎") + (f"×{kinds.count(kind)}" if kinds.count(kind) > 1 else "")
        for kind in dict.fromkeys(kinds)
    )
    first = " ".join(report.text.split())
    cut = first[:COMPACT_PREVIEW] + ("…" if len(first) > COMPACT_PREVIEW else "")
    return " ".join(
        part for part in (icon, report.code, age(report.received_at, now), signs, cut) if part
    )


def report_buttons(report: Report) -> list[Button]:
    def button(label: str, action: Action) -> Button:
        return Button(label, CallbackData.for_report(action, report.id, report.version).encode())

    return [
        button(texts.QUEUE_BUTTON_OPEN.format(code=report.code), Action.OPEN),
        button(texts.QUEUE_BUTTON_APPROVE, Action.APPROVE),
        button(texts.QUEUE_BUTTON_NOW, Action.PUBLISH_NOW),
        button(texts.QUEUE_BUTTON_REJECT, Action.REJECT),
    ]


# Contacts whose flood is collapsed, one line each (the rest are counted in the header).
MAX_FLOOD_LINES = 10


def render_queue(
    waiting: Sequence[Report],
    kinds: Mapping[int, Sequence[str]],
    *,
    total: int,
    urgent: int,
    oldest: datetime | None,
    now: datetime,
    listed: int = MAX_LISTED,
    floods: Sequence[tuple[str, int, int, int]] = (),
    alike: Mapping[int, Likeness] | None = None,
) -> QueueView:
    """The queue as one message: within Telegram's 4,096 characters and 100 buttons however
    deep the queue; what does not fit is counted. `waiting` may hold up to 100 reports:
    with more than `listed` of them (at most 25) it is shown compact."""
    if total == 0:
        return QueueView(texts.QUEUE_MESSAGE_EMPTY, [])
    head = texts.QUEUE_MESSAGE_HEADER.format(
        count=total, oldest=age(oldest, now) if oldest else "—"
    )
    if urgent:
        head += texts.QUEUE_MESSAGE_URGENT.format(count=urgent)
    compact = len(waiting) > min(listed, MAX_LISTED)
    if compact:
        head += "\n" + texts.QUEUE_MESSAGE_COMPACT
    lines: list[str] = []
    keyboard: Keyboard = []
    room = TEXT_LIMIT - len(head) - len(texts.QUEUE_MESSAGE_MORE) - 20
    for report in waiting[: MAX_BUTTONS if compact else min(listed, MAX_LISTED)]:
        media = kinds.get(report.id, ())
        similar = (alike or {}).get(report.id)
        line = (
            compact_line(report, media, now)
            if compact
            else report_line(report, media, now, similar)
        )
        if len(line) + 1 > room:
            break
        room -= len(line) + 1
        lines.append(line)
        if not compact:
            keyboard.append(report_buttons(report))
        elif not keyboard or len(keyboard[-1]) == COMPACT_ROW:
            keyboard.append([report_buttons(report)[0]])
        else:
            keyboard[-1].append(report_buttons(report)[0])
    parts = [head, "", *lines]
    collapsed = sum(count for _, count, _, _ in floods)
    if total - collapsed > len(lines):
        parts.append(texts.QUEUE_MESSAGE_MORE.format(count=total - collapsed - len(lines)))
    for pseudonym, count, first, last in floods[:MAX_FLOOD_LINES]:
        parts.append(
            texts.QUEUE_MESSAGE_FLOOD.format(
                pseudonym=pseudonym, count=count, first=f"R-{first}", last=f"R-{last}"
            )
        )
    return QueueView("\n".join(parts), keyboard)
