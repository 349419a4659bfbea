"""What editors ask to read: /queue (what waits, with links to the cards) and /history R-42
(everything that happened to a report). Pure reads of the database, rendered as text."""

from __future__ import annotations

from bot import texts
from bot.clock import Clock
from bot.formatting import both_clocks, shortened
from bot.review.cards import message_link, use_text, written_lines
from bot.review.queue import age
from bot.settings import Settings
from storage import Repositories


class Listings:
    def __init__(self, store: Repositories, settings: Settings, clock: Clock) -> None:
        self.store = store
        self.settings = settings
        self.clock = clock

    async def queue(self) -> str:
        """Reports still to decide or to publish, oldest first, each with a link to its card
        (one read for all the links), then the queue message's summary line."""
        store = self.store
        waiting = await store.reports.in_queue()
        lines = []
        if await store.state.publishing_paused():
            lines.append(texts.QUEUE_PAUSED)
        cards_waiting = await store.cards.count_queued()
        if cards_waiting:
            lines.append(texts.QUEUE_CARDS_WAITING.format(count=cards_waiting))
        if not waiting:
            lines.append(texts.QUEUE_EMPTY)
        else:
            lines.append(texts.QUEUE_HEADER.format(count=len(waiting)))
            cards = await store.cards.first_cards([report.id for report in waiting])
            for report in waiting:
                card = cards.get(report.id)
                link = f" {message_link(str(card[0]), card[1])}" if card else ""
                state = texts.STATUS_URGENT if report.urgent else report.status
                preview = " ".join(report.text.split())[:60] or texts.CARD_NO_TEXT
                lines.append(f"• {report.code} · {state} · {report.author} — {preview}{link}")
        total, urgent, oldest = await store.reports.waiting_summary()
        if total:
            line = texts.QUEUE_MESSAGE_HEADER.format(
                count=total, oldest=age(oldest, self.clock.now()) if oldest else "—"
            )
            lines.append(line + (texts.QUEUE_MESSAGE_URGENT.format(count=urgent) if urgent else ""))
        return "\n".join(lines)

    async def history(self, report_id: int) -> str:
        """Every decision, label, edit and refusal of a report, oldest first."""
        store = self.store
        report = await store.reports.get(report_id)
        if report is None:
            return texts.HISTORY_UNKNOWN.format(code=f"R-{report_id}")
        lines = [texts.HISTORY_HEADER.format(code=report.code, status=report.status)]
        if report.written:
            lines += written_lines(report, await store.written.sources(report.id))
        else:
            uses = await store.written.uses(report.id)
            if uses:
                lines.append(texts.CARD_USED_IN.format(uses=", ".join(use_text(u) for u in uses)))
        for entry in await store.audit.for_report(report.id):
            line = f"• {both_clocks(entry.at, self.settings)} — {entry.actor}: {entry.action}"
            if entry.before is not None or entry.after is not None:
                line += f"\n    before: {_short(entry.before)}\n    after: {_short(entry.after)}"
            if entry.detail:
                line += f"\n    ({entry.detail})"
            lines.append(line)
        return "\n".join(lines)


def _short(value: str | None, limit: int = 300) -> str:
    return "—" if value is None else shortened(value, limit)
