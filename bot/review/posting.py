"""Cards into chats: a report's full card (media cleaned first, then its text and buttons)
posted into the editors chat or an editor's private desk, and every copy kept current."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace

from bot.clock import Clock
from bot.intake.media import MediaCleaner
from bot.publishing.albums import send_media_set
from bot.review.cards import CardView, render_card
from bot.sender import Keyboard, Sender, SendError
from bot.settings import Settings
from bot.verification.checks import Checks
from bot.verification.corroboration import Corroboration
from storage import CardMessage, CardState, MediaItem, OutboxRow, Report, Repositories

log = logging.getLogger(__name__)


class CardPoster:
    def __init__(
        self,
        store: Repositories,
        sender: Sender,
        settings: Settings,
        clock: Clock,
        corroboration: Corroboration,
    ) -> None:
        self.store = store
        self.corroboration = corroboration
        self.clock = clock
        self.sender = sender
        self.settings = settings
        self.editors_chat = settings.editors_chat_id
        self.cleaner = MediaCleaner(store, sender, settings, clock)
        self.checks = Checks(store)

    async def post_card(self, report: Report, chat_id: int) -> None:
        """Post the report's card into `chat_id`: the editors chat (the card every report
        gets) or a private desk (a copy an editor asked for)."""
        in_editors_chat = chat_id == self.editors_chat
        media = await self.store.media.of_item(report)
        try:
            sent, withheld = await self._post_media(chat_id, report, media)
        except SendError as exc:
            if not exc.permanent or exc.forbidden:
                raise
            # The card matters more than its media: post it saying the media is missing.
            log.error("media of %s cannot be shown to editors: %s", report.code, exc)
            sent, withheld = [], len(media)
        media = await self.store.media.of_item(report)  # as cleaning found it
        if in_editors_chat:  # its photos are hashed by now
            await self.corroboration.compare(report, media)
        waiting = max(0, await self.store.cards.count_queued() - 1) if in_editors_chat else 0
        shown = replace(report, media_withheld=withheld)
        view = await self._view(shown, media, waiting=waiting)
        try:
            card_id = await self.sender.send_text(
                chat_id,
                view.parts[0],
                reply_to=sent[0][0] if sent else None,
                keyboard=view.keyboard,
            )
            messages = [*sent, (card_id, "card")]
            for part in view.parts[1:]:
                part_id = await self.sender.send_text(chat_id, part, reply_to=card_id)
                messages.append((part_id, "text"))
        except SendError as exc:
            # Not in the chat (yet): keep the card queued and retry with backoff.
            if not exc.permanent or exc.forbidden:
                raise SendError(str(exc), permanent=False) from exc
            log.error("card of %s cannot be posted: %s", report.code, exc)
            if in_editors_chat:
                await self.store.cards.set_state(report.id, CardState.FAILED)
            return
        await self.store.cards.record(
            report.id, chat_id, messages, withheld, editors_chat=in_editors_chat
        )

    async def refresh_card(self, report: Report) -> None:
        """Show a report's current state on every copy of its card, editing in place:
        private desks first (their own pace), then the editors chat (its shared one)."""
        copies: dict[int, list[CardMessage]] = {}
        for message in await self.store.cards.messages(report.id):
            copies.setdefault(message.chat_id, []).append(message)
        if copies:
            media = await self.store.media.of_item(report)
            deliveries = await self.store.outbox.of_report(report.id)
            view = await self._view(report, media, deliveries=deliveries)
            for chat_id in sorted(copies, key=lambda chat: chat == self.editors_chat):
                await self._edit_copy(report, chat_id, copies[chat_id], view.parts, view.keyboard)
        await self.store.cards.refreshed(report)

    async def _view(
        self,
        report: Report,
        media: Sequence[MediaItem],
        *,
        waiting: int = 0,
        deliveries: Sequence[OutboxRow] = (),
    ) -> CardView:
        """The card with what only editors see: a written update's sources, or the updates
        that used a report; what verification found."""
        written = self.store.written
        return render_card(
            report,
            media,
            self.settings,
            waiting=waiting,
            deliveries=deliveries,
            sources=await written.sources(report.id) if report.written else (),
            uses=() if report.written else await written.uses(report.id),
            checks=await self.checks.of(report),
        )

    async def _edit_copy(
        self,
        report: Report,
        chat_id: int,
        existing: Sequence[CardMessage],
        parts: Sequence[str],
        keyboard: Keyboard,
    ) -> None:
        media_messages = [(m.message_id, m.part) for m in existing if m.part == "media"]
        text_ids = [m.message_id for m in existing if m.part in ("card", "text")]
        if not text_ids:
            return
        card_id = text_ids[0]
        await self.sender.edit_text(chat_id, card_id, parts[0], keyboard=keyboard)
        messages = [*media_messages, (card_id, "card")]
        for index, part in enumerate(parts[1:], start=1):
            if index < len(text_ids):
                await self.sender.edit_text(chat_id, text_ids[index], part)
                messages.append((text_ids[index], "text"))
            else:
                new_id = await self.sender.send_text(chat_id, part, reply_to=card_id)
                messages.append((new_id, "text"))
        for surplus in text_ids[len(parts) :]:
            await self.sender.delete(chat_id, surplus)
        await self.store.cards.record(
            report.id, chat_id, messages, editors_chat=chat_id == self.editors_chat
        )

    async def _post_media(
        self, chat_id: int, report: Report, media: Sequence[MediaItem]
    ) -> tuple[list[tuple[int, str]], int]:
        """Send the report's media, each cleaned by its content first; return (message id,
        part) and the number of items withheld because they could not be cleaned."""
        ready, withheld = await self.cleaner.prepare(report, media)
        sent: list[tuple[int, str]] = []
        for index, result in await send_media_set(self.sender, chat_id, [o for _, o in ready]):
            item, outgoing = ready[index]
            await self.cleaner.sent(item, outgoing, result.file_id)
            sent.append((result.message_id, "media"))
        return sent, withheld
