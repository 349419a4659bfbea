"""The courier: the workers that show reports to editors and answer contacts.

(Words: a *desk* is a chat where editors review — the editors chat, or an editor's private
desk opened with /desk, kept in the `desks` table; the *courier* delivers what each desk
and each contact is owed.)

They acknowledge reports to contacts, tell them of decisions, send what the bot owes the
editors chat (answers, questions to one editor), keep the queue messages current, and post
and edit the cards. All of it is read from the database, so a crash or an outage only
delays it, and a restart picks up where it stopped. Handlers never wait for any of it.

Three lanes, each its own worker, so that nothing waits behind Telegram's pace for the
editors chat (about 20 messages a minute, edits included):
- acknowledgements, to contacts' private chats;
- the editors chat: its shared 20 a minute go first to what editors wait for (answers and
  questions), then to decisions showing on cards, urgent reports, cards asked for, the
  queue message, and last to new cards, newest first;
- private desks: each editor's own chat, at its own pace.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from functools import partial

from bot import texts
from bot.alerts import AdminAlerts
from bot.clock import Clock
from bot.i18n import say, translate
from bot.review.callbacks import Action, CallbackData
from bot.review.owed import OwedMessages
from bot.review.posting import CardPoster
from bot.review.queue import MAX_BUTTONS, QueueView, render_queue
from bot.sender import Button, Sender, SendError
from bot.settings import Settings
from bot.strikes import Strikes
from bot.tasks import cancel_and_wait
from bot.verification.corroboration import Corroboration
from bot.verification.questions import AnswerShowing
from storage import (
    CardState,
    Desk,
    Report,
    Repositories,
    Unacknowledged,
)

log = logging.getLogger(__name__)

# Acknowledgements read per turn of the desk: one read for a burst's worth, and their
# bookkeeping is committed together (sending them concurrently was measured slower: every
# extra connection makes each request of httpcore's pool dearer).
ACK_BATCH = 100

Work = Callable[[], Awaitable[bool]]


class Courier:
    """Acknowledges reports, tells contacts of decisions, and keeps the editors' desks."""

    def __init__(
        self, store: Repositories, sender: Sender, settings: Settings, clock: Clock
    ) -> None:
        self.store = store
        self.sender = sender
        self.settings = settings
        self.clock = clock
        self.chat_id = settings.editors_chat_id
        self.corroboration = Corroboration(store, settings, clock)
        self.cards = CardPoster(store, sender, settings, clock, self.corroboration)
        self._lanes: dict[str, tuple[Work, asyncio.Event]] = {
            "courier-acknowledgements": (self.acknowledge_once, asyncio.Event()),
            "courier-editors": (self.work_once, asyncio.Event()),
            "courier-private": (self.private_once, asyncio.Event()),
        }
        self._tasks: list[asyncio.Task[None]] = []
        self._timers: dict[int, asyncio.TimerHandle] = {}
        self.private_desks_open = False
        self.max_backoff = settings.retry_backoff_max_seconds
        # Admins are told through the private chats' lane; every service shares these alerts.
        self.alerts = AdminAlerts(store, settings.admin_ids, clock, lambda: self.wake(private=True))
        self.strikes = Strikes(settings.work_retries, self.alerts.tell_once)
        answers = AnswerShowing(store, sender, settings, self.cards.cleaner)
        self.owed = OwedMessages(store, sender, clock, self.strikes, answers, self.chat_id)
        # Queue messages whose refresh was set aside (until the next start).
        self._queues_set_aside: set[int] = set()

    def wake(self, *, private: bool = False) -> None:
        """There may be work. The private chats' lane is woken only when asked (something
        was queued for an editor's private chat) or while a private desk is open: a burst
        of reports wakes the desk for each, and an idle lane's reads would cost intake."""
        self._lanes["courier-acknowledgements"][1].set()
        self._lanes["courier-editors"][1].set()
        if private or self.private_desks_open:
            self._lanes["courier-private"][1].set()

    async def desks_changed(self) -> None:
        """A private desk was opened or closed."""
        self.private_desks_open = bool(await self.store.desks.private())
        self.wake(private=True)

    async def start(self) -> None:
        await self.corroboration.load()
        await self.store.desks.open(self.chat_id, None, self.clock.now())
        self.private_desks_open = bool(await self.store.desks.private())
        loop = asyncio.get_running_loop()
        self._tasks = [
            loop.create_task(self.run(work, event), name=name)
            for name, (work, event) in self._lanes.items()
        ]
        self.wake(private=True)

    async def stop(self) -> None:
        for timer in self._timers.values():
            timer.cancel()
        for task in self._tasks:
            await cancel_and_wait(task)
        self._tasks = []

    async def run(self, work: Work, wake: asyncio.Event) -> None:
        """Do `work` until there is none left, each time `wake` is set."""
        backoff = 0.5
        while True:
            await wake.wait()
            wake.clear()
            try:
                while await work():
                    self.strikes.succeeded()
                backoff = 0.5
            except SendError as exc:
                if exc.permanent and await self.strikes.failed(exc):
                    wake.set()
                    continue
                log.warning("courier: %s; retrying in %.1f s", exc, backoff)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, self.max_backoff)
                wake.set()
            except Exception as exc:
                # The same piece failing the same way WORK_RETRIES times is set aside.
                if await self.strikes.failed(exc):
                    wake.set()
                    continue
                log.exception("courier failed; retrying in %.1f s", backoff)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, self.max_backoff)
                wake.set()

    # ------------------------------------------------------------------ the lanes

    async def acknowledge_once(self) -> bool:
        """Acknowledge the reports not yet acknowledged (a frightened contact wants to know
        it arrived), oldest first; False when there were none."""
        unacknowledged = await self.store.acknowledgements.waiting(limit=ACK_BATCH)
        for report in unacknowledged:
            self.strikes.on(
                f"the acknowledgement of {report.code}", partial(self._unacknowledgeable, report.id)
            )
            await self.acknowledge(report)
        return bool(unacknowledged)

    async def work_once(self) -> bool:
        """Do the most important piece of work of the editors chat's lane; False when
        there is none (or only a queue refresh not yet due: a timer wakes the lane)."""
        store = self.store
        for message in await store.contact_messages.unsent(limit=1):
            await self.owed.tell_contact(message)
            return True
        for owed in await store.desk_messages.unsent(limit=1, private=False):
            await self.owed.send_owed(owed)
            return True
        for post in await store.outbox.needing_notice():
            await self.owed.post_notice(post)
            return True
        for report in await store.cards.dirty(limit=1):
            self.strikes.on(
                f"the card refresh of {report.code}", partial(store.cards.refreshed, report)
            )
            await self.cards.refresh_card(report)
            return True
        desk = await store.desks.get(self.chat_id)
        for report in await store.cards.urgent_to_post(limit=1):
            # In a burst one edit of the queue message puts it in front of editors at once
            # (a card with media takes two of the chat's slots); its card follows.
            if await self._list_first(desk, report.code):
                return True
            await self._post_card(report)
            return True
        if await self._serve_card_request(self.chat_id):
            return True
        if desk is not None and await self.refresh_queue(desk):
            return True
        for report in await store.cards.to_post(limit=1):
            await self._post_card(report)
            return True
        if self.corroboration.links_to_show:
            # Last: a later report was found like this one (links coalesce meanwhile).
            for report in await store.cards.similar_stale(limit=1):
                aside = partial(store.cards.similar_shown, report.id)
                self.strikes.on(f"the similar links of {report.code}", aside)
                await self.cards.refresh_card(report)
                await store.cards.similar_shown(report.id)
                return True
            self.corroboration.links_to_show = False  # read only while there may be some
        return False

    async def _post_card(self, report: Report) -> None:
        """A report's card into the editors chat; one that cannot be made is set aside
        (marked failed: the queue message still lists the report)."""
        aside = partial(self.store.cards.set_state, report.id, CardState.FAILED)
        self.strikes.on(f"the card of {report.code}", aside)
        await self.cards.post_card(report, self.chat_id)

    async def private_once(self) -> bool:
        """Private chats of editors: what is owed there, cards asked for, then each private
        desk's queue message."""
        for owed in await self.store.desk_messages.unsent(limit=1, private=True):
            await self.owed.send_owed(owed)
            return True
        if await self._serve_card_request(None):
            return True
        for desk in await self.store.desks.private():
            if await self.refresh_queue(desk):
                return True
        return False

    # ------------------------------------------------------------------ contacts

    async def acknowledge(self, report: Unacknowledged) -> None:
        language = report.language
        buttons = [
            [
                Button(
                    translate(language, texts.BUTTON_WITHDRAW),
                    CallbackData(Action.WITHDRAW, report.id).encode(),
                ),
                Button(
                    translate(language, texts.BUTTON_URGENT),
                    CallbackData(Action.FLAG_URGENT, report.id).encode(),
                ),
            ]
        ]
        ack_id = None
        try:
            ack_id = await self.sender.send_text(
                report.chat_id,
                say(language, texts.RECEIVED, code=report.code),
                reply_to=report.message_id,
                keyboard=buttons,
            )
        except SendError as exc:
            if not exc.permanent:
                raise
            # The contact blocked the bot or deleted the chat: nothing more to do.
            log.warning("could not acknowledge %s to its contact: %s", report.code, exc)
        self.store.acknowledgements.mark_later(report.id, ack_id)

    async def _unacknowledgeable(self, report_id: int) -> None:
        self.store.acknowledgements.mark_later(report_id, None)

    async def _serve_card_request(self, chat_id: int | None) -> bool:
        """A full card an editor asked for from a queue message (in `chat_id`, or in any
        private desk)."""
        request = await self.store.card_requests.next(chat_id)
        if request is None:
            return False
        report_id, target = request
        aside = partial(self.store.card_requests.done, report_id, target)
        self.strikes.on(f"the card of R-{report_id} asked for in a private desk", aside)
        report = await self.store.reports.get(report_id)
        already = bool(await self.store.cards.messages(report_id, target))
        try:
            if report is not None and not already:
                await self.cards.post_card(report, target)
        except SendError as exc:
            if not exc.permanent:
                raise
            # An admin who never opened a chat with the bot: nothing to send it to.
            log.warning("card of R-%s cannot be sent to an editor's chat: %s", report_id, exc)
        await self.store.card_requests.done(report_id, target)
        return True

    async def refresh_queue(self, desk: Desk, *, now: bool = False) -> bool:
        """Keep a desk's queue message current; True if a message was sent or edited.

        In the editors chat it appears once more cards wait than DESK_QUEUE_AFTER and stays
        until nothing waits; a private desk always has one. Edits are at most one every
        DESK_QUEUE_REFRESH_SECONDS in the editors chat (PRIVATE_DESK_REFRESH_SECONDS in a
        private desk) unless `now` (an urgent report), and only when what it shows
        changed."""
        store, at = self.store, self.clock.now()
        if desk.chat_id in self._queues_set_aside:
            return False
        self.strikes.on(
            f"the queue message in chat {desk.chat_id}", partial(self._queue_aside, desk.chat_id)
        )
        in_editors_chat = desk.editor_telegram_id is None
        shown = desk.queue_message_id is not None
        quiet = in_editors_chat and not shown  # no burst yet: the queue message is not up
        # The usual case, on every turn of the lane: one cheap count, nothing more.
        if quiet and await store.cards.count_queued() < self.settings.desk_queue_after:
            return False
        total, urgent, oldest = await store.reports.waiting_summary()
        if quiet and total == 0:
            return False
        interval = (
            self.settings.desk_queue_refresh_seconds
            if in_editors_chat
            else self.settings.private_desk_refresh_seconds
        )
        if shown and desk.queue_updated_at is not None and not now:
            wait = (desk.queue_updated_at + timedelta(seconds=interval) - at).total_seconds()
            if wait > 0:
                self._wake_later(desk.chat_id, wait, in_editors_chat)
                return False
        waiting = await store.reports.waiting(MAX_BUTTONS)
        kinds = await store.media.kinds_of([report.id for report in waiting])
        view = render_queue(
            waiting,
            kinds,
            total=total,
            urgent=urgent,
            oldest=oldest,
            now=at,
            listed=self.settings.desk_queue_size,
            floods=await store.reports.floods(),
            alike=await store.similar.of_reports([report.id for report in waiting]),
        )
        if view.text == desk.queue_text:
            return False
        # The burst is over in the editors chat: the next one gets a fresh message at the end.
        await self._show_queue(desk, view, keep=not (in_editors_chat and total == 0))
        return True

    async def _show_queue(self, desk: Desk, view: QueueView, *, keep: bool) -> None:
        """Edit the desk's queue message in place, or post one; remember it if `keep`."""
        at, message_id = self.clock.now(), desk.queue_message_id
        if message_id is not None:
            try:
                await self.sender.edit_text(
                    desk.chat_id, message_id, view.text, keyboard=view.keyboard
                )
            except SendError as exc:
                if not exc.permanent or exc.forbidden:
                    raise
                # Deleted by someone in the chat: the next turn posts a fresh one.
                log.warning("the queue message in %s is gone (%s)", desk.chat_id, exc)
                await self.store.desks.queue_shown(desk.chat_id, None, None, at)
                return
        else:
            message_id = await self.sender.send_text(
                desk.chat_id, view.text, keyboard=view.keyboard
            )
        if keep:
            await self.store.desks.queue_shown(desk.chat_id, message_id, view.text, at)
        else:
            await self.store.desks.queue_shown(desk.chat_id, None, None, at)

    async def _queue_aside(self, chat_id: int) -> None:
        self._queues_set_aside.add(chat_id)

    async def _list_first(self, desk: Desk | None, code: str) -> bool:
        """Show a report on the queue message now, if one is up and does not list it yet."""
        if desk is None or desk.queue_message_id is None:
            return False
        if desk.queue_text is not None and f" {code} " in desk.queue_text:
            return False
        return await self.refresh_queue(desk, now=True)

    def _wake_later(self, chat_id: int, seconds: float, in_editors_chat: bool) -> None:
        if chat_id in self._timers and not self._timers[chat_id].cancelled():
            return
        lane = "courier-editors" if in_editors_chat else "courier-private"
        event = self._lanes[lane][1]

        def wake() -> None:
            self._timers.pop(chat_id, None)
            event.set()

        self._timers[chat_id] = asyncio.get_running_loop().call_later(seconds, wake)
