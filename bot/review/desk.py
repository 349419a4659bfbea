"""The review desk: the worker that shows reports to editors and answers contacts.

It acknowledges reports to contacts, tells them of decisions, posts review cards and keeps
them current. It works from the database (acknowledged flag, card state), so a crash or an
outage only delays it, and a restart picks up where it stopped.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace

from bot import texts
from bot.clock import Clock
from bot.i18n import say, translate
from bot.intake.media import UnsafeImageError, clean_image
from bot.publishing.albums import send_media_set
from bot.review.callbacks import Action, CallbackData
from bot.review.cards import render_card
from bot.sender import Button, Keyboard, OutgoingMedia, Sender, SendError
from bot.settings import Settings
from bot.tasks import cancel_and_wait
from storage import (
    CardState,
    ContactMessage,
    MediaItem,
    OutboxRow,
    PostState,
    Report,
    Repositories,
    Unacknowledged,
)

log = logging.getLogger(__name__)

# Acknowledgements read per turn of the desk: one read for a burst's worth, and their
# bookkeeping is committed together (sending them concurrently was measured slower: every
# extra connection makes each request of httpcore's pool dearer).
ACK_BATCH = 100


class ReviewDesk:
    """Acknowledges reports to contacts, tells them of decisions, and keeps the cards in the
    editors chat. Everything it does is read from the database, so nothing is lost to a
    crash or an outage: it is only delayed."""

    def __init__(
        self,
        store: Repositories,
        sender: Sender,
        settings: Settings,
        clock: Clock,
    ) -> None:
        self.store = store
        self.sender = sender
        self.settings = settings
        self.clock = clock
        self.chat_id = settings.editors_chat_id
        # Two lanes, each its own worker: acknowledgements, and everything else. An
        # acknowledgement never waits behind a card, which Telegram's limit for the editors
        # chat (about one message every 3 s) can hold for seconds.
        self._lanes = {
            "review-desk-acknowledgements": (self.acknowledge_once, asyncio.Event()),
            "review-desk": (self.work_once, asyncio.Event()),
        }
        self._tasks: list[asyncio.Task[None]] = []
        self.max_backoff = settings.retry_backoff_max_seconds

    def wake(self) -> None:
        for _, event in self._lanes.values():
            event.set()

    def start(self) -> None:
        loop = asyncio.get_running_loop()
        self._tasks = [
            loop.create_task(self.run(work, event), name=name)
            for name, (work, event) in self._lanes.items()
        ]
        self.wake()

    async def stop(self) -> None:
        for task in self._tasks:
            await cancel_and_wait(task)
        self._tasks = []

    async def run(self, work: Callable[[], Awaitable[bool]], wake: asyncio.Event) -> None:
        """Do `work` until there is none left, each time `wake` is set."""
        backoff = 0.5
        while True:
            await wake.wait()
            wake.clear()
            try:
                while await work():
                    pass
                backoff = 0.5
            except SendError as exc:
                log.warning("review desk: %s; retrying in %.1f s", exc, backoff)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, self.max_backoff)
                wake.set()
            except Exception:
                log.exception("review desk failed; retrying in %.1f s", backoff)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, self.max_backoff)
                wake.set()

    async def acknowledge_once(self) -> bool:
        """Acknowledge the reports not yet acknowledged (a frightened contact wants to know
        it arrived), oldest first; False when there were none."""
        unacknowledged = await self.store.acknowledgements.waiting(limit=ACK_BATCH)
        for report in unacknowledged:
            await self.acknowledge(report)
        return bool(unacknowledged)

    async def work_once(self) -> bool:
        """Do the most important pending piece of work but acknowledgements (their own lane);
        False when there is none.

        Messages to contacts first, then notices of deliveries in doubt or failed, then cards
        whose report changed (a decision must show at once), then new cards, newest first so a
        burst never hides fresh news.
        """
        for message in await self.store.contact_messages.unsent(limit=1):
            await self.tell_contact(message)
            return True
        for post in await self.store.outbox.needing_notice():
            await self.post_notice(post)
            return True
        for report in await self.store.cards.dirty(limit=1):
            await self.refresh_card(report)
            return True
        for report in await self.store.cards.to_post(limit=1):
            await self.post_card(report)
            return True
        return False

    async def acknowledge(self, report: Unacknowledged) -> None:
        withdraw = [
            [
                Button(
                    translate(report.language, texts.BUTTON_WITHDRAW),
                    CallbackData(Action.WITHDRAW, report.id).encode(),
                )
            ]
        ]
        ack_id = None
        try:
            ack_id = await self.sender.send_text(
                report.chat_id,
                say(report.language, texts.RECEIVED, code=report.code),
                reply_to=report.message_id,
                keyboard=withdraw,
            )
        except SendError as exc:
            if not exc.permanent:
                raise
            # The contact blocked the bot or deleted the chat: nothing more to do.
            log.warning("could not acknowledge %s to its contact: %s", report.code, exc)
        self.store.acknowledgements.mark_later(report.id, ack_id)

    async def tell_contact(self, message: ContactMessage) -> None:
        try:
            await self.sender.send_text(message.chat_id, message.text, reply_to=message.reply_to)
        except SendError as exc:
            if not exc.permanent:
                raise
            log.warning("could not tell the contact of R-%s: %s", message.report_id, exc)
        await self.store.contact_messages.mark_sent(message.id, self.clock.now())

    async def post_card(self, report: Report) -> None:
        media = await self.store.media.of_report(report.id)
        try:
            sent, withheld = await self._post_media(media)
        except SendError as exc:
            if not exc.permanent or exc.forbidden:
                raise
            # The card matters more than its media: post it saying the media is missing.
            log.error("media of %s cannot be shown to editors: %s", report.code, exc)
            sent, withheld = [], len(media)
        waiting = max(0, await self.store.cards.count_queued() - 1)
        shown = replace(report, media_withheld=withheld)
        view = render_card(shown, media, self.settings, waiting=waiting)
        try:
            card_id = await self.sender.send_text(
                self.chat_id,
                view.parts[0],
                reply_to=sent[0][0] if sent else None,
                keyboard=view.keyboard,
            )
            messages = [*sent, (card_id, "card")]
            for part in view.parts[1:]:
                part_id = await self.sender.send_text(self.chat_id, part, reply_to=card_id)
                messages.append((part_id, "text"))
        except SendError as exc:
            # Not in the editors chat (yet): keep the card queued and retry with backoff.
            if not exc.permanent or exc.forbidden:
                raise SendError(str(exc), permanent=False) from exc
            log.error("card of %s cannot be posted: %s", report.code, exc)
            await self.store.cards.set_state(report.id, CardState.FAILED)
            return
        await self.store.cards.record(report.id, self.chat_id, messages, withheld)

    async def post_notice(self, post: OutboxRow) -> None:
        """Tell editors that a delivery is in doubt (with Resend / Mark as sent) or failed."""
        report = await self.store.reports.get(post.report_id) if post.report_id else None
        what = (
            texts.NOTICE_UPDATE.format(number=report.number, code=report.code)
            if report is not None
            else texts.NOTICE_OPENING
        )
        if post.state == PostState.IN_DOUBT:
            text = texts.NOTICE_IN_DOUBT.format(what=what, channel=post.channel)
            keyboard: Keyboard = [
                [
                    Button(texts.BUTTON_RESEND, CallbackData(Action.RESEND, post.id).encode()),
                    Button(
                        texts.BUTTON_MARK_SENT, CallbackData(Action.MARK_SENT, post.id).encode()
                    ),
                ]
            ]
        else:
            text = texts.NOTICE_FAILED.format(
                what=what, channel=post.channel, error=post.error or "?"
            )
            keyboard = []
        message_id = await self.sender.send_text(self.chat_id, text, keyboard=keyboard)
        await self.store.outbox.set_notice(post.id, message_id)

    async def refresh_card(self, report: Report) -> None:
        """Show a report's current state on its card, editing its messages in place."""
        media = await self.store.media.of_report(report.id)
        deliveries = await self.store.outbox.of_report(report.id)
        view = render_card(report, media, self.settings, deliveries=deliveries)
        existing = await self.store.cards.messages(report.id)
        media_messages = [(m.message_id, m.part) for m in existing if m.part == "media"]
        text_ids = [m.message_id for m in existing if m.part in ("card", "text")]
        if not text_ids:  # no card was ever recorded: nothing to edit
            await self.store.cards.refreshed(report)
            return
        card_id = text_ids[0]
        await self.sender.edit_text(self.chat_id, card_id, view.parts[0], keyboard=view.keyboard)
        messages = [*media_messages, (card_id, "card")]
        for index, part in enumerate(view.parts[1:], start=1):
            if index < len(text_ids):
                await self.sender.edit_text(self.chat_id, text_ids[index], part)
                messages.append((text_ids[index], "text"))
            else:
                new_id = await self.sender.send_text(self.chat_id, part, reply_to=card_id)
                messages.append((new_id, "text"))
        for surplus in text_ids[len(view.parts) :]:
            await self.sender.delete(self.chat_id, surplus)
        await self.store.cards.record(report.id, self.chat_id, messages)
        await self.store.cards.refreshed(report)

    async def _post_media(self, media: Sequence[MediaItem]) -> tuple[list[tuple[int, str]], int]:
        """Send the report's media (images cleaned first); return (message id, part) and the
        number of items withheld because they could not be cleaned."""
        ready: list[tuple[MediaItem, OutgoingMedia]] = []
        withheld = 0
        for item in media:
            outgoing = await self._outgoing(item)
            if outgoing is None:
                withheld += 1
            else:
                ready.append((item, outgoing))
        sent: list[tuple[int, str]] = []
        for index, result in await send_media_set(self.sender, self.chat_id, [o for _, o in ready]):
            item, outgoing = ready[index]
            await self._remember_clean_copy(item, outgoing, result.file_id)
            sent.append((result.message_id, "media"))
        return sent, withheld

    async def _outgoing(self, item: MediaItem) -> OutgoingMedia | None:
        if item.kind != "photo":
            return OutgoingMedia(item.kind, file_id=item.file_id)
        if item.clean_file_id:
            return OutgoingMedia("photo", file_id=item.clean_file_id)
        try:
            data = await self.sender.download(item.file_id)
            return OutgoingMedia("photo", data=await asyncio.to_thread(clean_image, data))
        except UnsafeImageError as exc:
            log.warning("image of report R-%s withheld: %s", item.report_id, exc)
            return None
        except SendError as exc:
            if exc.permanent:
                log.warning("image of report R-%s cannot be downloaded: %s", item.report_id, exc)
                return None
            raise

    async def _remember_clean_copy(
        self, item: MediaItem, outgoing: OutgoingMedia, file_id: str
    ) -> None:
        if item.kind == "photo" and outgoing.data is not None:
            await self.store.media.set_clean_file_id(item.id, file_id)
