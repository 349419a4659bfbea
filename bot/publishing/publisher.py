"""Publishing: due reports become numbered updates, delivered to every channel.

Two parts. `publish_due` turns each approved report whose time has come into the next
`UPDATE #N` of the current story and queues one outbox row per channel, in one transaction.
One worker per channel then delivers that channel's rows strictly in order: a row is marked
`sending` before the call and `sent` (with the channel's message ids) after it. A row found
`sending` at start, or whose call timed out, is in doubt: editors decide (Resend / Mark as
sent), because the Bot API has no idempotency key and guessing could post twice or never.

The database is the schedule; timers only wake the publisher.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from bot import texts
from bot.clock import Clock
from bot.formatting import CAPTION_LIMIT, TEXT_LIMIT
from bot.i18n import say
from bot.intake.media import MediaCleaner, may_go_out
from bot.publishing.albums import send_media_set
from bot.publishing.copies import Copy, chat_ref
from bot.publishing.updates import intro_text, render_update, summary_text
from bot.sender import ChatId, Sender, SendError
from bot.settings import Settings
from bot.tasks import cancel_and_wait
from storage import (
    OutboxRow,
    PostAction,
    PostState,
    Report,
    ReportStatus,
    Repositories,
    StoryPart,
)

log = logging.getLogger(__name__)


class Publisher:
    def __init__(
        self,
        store: Repositories,
        sender: Sender,
        settings: Settings,
        clock: Clock,
        *,
        wake_courier: Callable[[], None],
        schedule_wakeup: Callable[[float], None],
        wake_site: Callable[[], None] = lambda: None,
    ) -> None:
        self.store = store
        self.sender = sender
        self.settings = settings
        self.clock = clock
        self.wake_courier = wake_courier
        self.schedule_wakeup = schedule_wakeup
        # The live blog renders what is published, as it stands, after every pass.
        self.wake_site = wake_site
        self.channels = settings.channel_keys
        self._wake = asyncio.Event()
        self._channel_wake = {channel: asyncio.Event() for channel in self.channels}
        self._tasks: list[asyncio.Task[None]] = []
        self.max_backoff = settings.retry_backoff_max_seconds
        self.cleaner = MediaCleaner(store, sender, settings, clock)

    # ------------------------------------------------------------------ lifecycle

    async def start(self) -> None:
        """Surface rows a crash left in doubt, then publish what fell due while down."""
        for post in await self.store.outbox.mark_in_doubt():
            log.warning("post %s to %s was being sent when the bot stopped", post.id, post.channel)
        self.wake_courier()  # the courier tells editors about rows in doubt
        loop = asyncio.get_running_loop()
        self._tasks = [loop.create_task(self._run(), name="publisher")]
        self._tasks += [
            loop.create_task(self._deliver_forever(channel), name=f"channel {channel}")
            for channel in self.channels
        ]
        self.wake()

    async def stop(self) -> None:
        for task in self._tasks:
            await cancel_and_wait(task)
        self._tasks = []

    def wake(self) -> None:
        """Publish what is due now (called on urgent approvals, resumes, and by timers)."""
        self._wake.set()

    def wake_channels(self) -> None:
        for event in self._channel_wake.values():
            event.set()

    # ------------------------------------------------------------------ publishing

    async def publish_due(self) -> list[Report]:
        """Number and queue every approved report whose time has come, urgent ones first,
        then by due time and approval order. Nothing goes out while publishing is paused."""
        if await self.store.state.publishing_paused():
            return []
        published = []
        for report in await self.store.reports.due(self.clock.now()):
            now = self.clock.now()
            done = await self.store.stories.publish_report(
                report.id,
                self.channels,
                now,
                say(self.settings.post_language, texts.DEFAULT_STORY_TITLE),
            )
            if done is None:
                continue
            update = done.report
            assert update.number is not None
            await self.store.audit.record(
                at=now,
                actor="bot",
                action="report.publish",
                report_id=update.id,
                before=ReportStatus.APPROVED,
                after=f"published as UPDATE #{update.number}",
            )
            for source in done.sources:
                await self.store.audit.record(
                    at=now,
                    actor="bot",
                    action="report.used",
                    report_id=source.id,
                    after=f"used in UPDATE #{update.number} ({update.code})",
                )
            if self.settings.notify_contacts:
                await self._tell_contacts(update, done.sources)
            published.append(update)
        if published:
            self.wake_channels()
            self.wake_courier()
        return published

    async def _tell_contacts(self, update: Report, sources: list[Report]) -> None:
        """A contact's report went out as it is, or was used in a written update: its
        contact is told the number, never the text an editor wrote."""
        template = texts.CONTACT_USED if update.written else texts.CONTACT_PUBLISHED
        for report in sources if update.written else [update]:
            if report.written or report.status == ReportStatus.WITHDRAWN:
                continue  # no contact, or one who took their report back
            await self.store.contact_messages.add(
                report_id=report.id,
                chat_id=report.chat_id,
                text=say(report.contact_language, template, code=report.code, number=update.number),
                reply_to=report.message_id,
                at=self.clock.now(),
            )

    async def _run(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            try:
                await self.publish_due()
                # Edits and deletes queued by editors, and resends, wait in the channels.
                self.wake_channels()
                self.wake_site()
                await self._plan_next_wakeup()
            except Exception:
                log.exception("publishing failed; trying again in 5 s")
                await asyncio.sleep(5)
                self._wake.set()

    async def _plan_next_wakeup(self) -> None:
        next_due = await self.store.reports.next_due_at()
        if next_due is not None and not await self.store.state.publishing_paused():
            delay = max(0.0, (next_due - self.clock.now()).total_seconds())
            self.schedule_wakeup(delay)

    # ------------------------------------------------------------------ delivery

    async def _deliver_forever(self, channel: str) -> None:
        event = self._channel_wake[channel]
        while True:
            try:
                post = await self.store.outbox.next_in(channel)
                if post is None:
                    await event.wait()
                    event.clear()
                    continue
                wait = _seconds_until(post.not_before, self.clock.now())
                if wait > 0:
                    # Keep order: nothing later in this channel goes before this row.
                    event.clear()
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(event.wait(), wait)
                    continue
                await self.deliver(post)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("delivery to %s failed unexpectedly; retrying in 5 s", channel)
                await asyncio.sleep(5)

    async def deliver(self, post: OutboxRow) -> None:
        """Make one outbox row's call, recording it before and after."""
        now = self.clock.now()
        if not await self.store.outbox.start_sending(post, now):
            return
        try:
            copy = await self._perform(post)
        except SendError as exc:
            await self._failed_call(post, exc)
            return
        except Exception as exc:
            # Not Telegram's refusal but the bot's own failure, part way or before the call:
            # whether anything arrived is unknown, and retrying it blindly would block the
            # channel behind it. Editors decide (Resend / Mark as sent), as after a crash.
            log.exception("post %s to %s failed in the bot", post.id, post.channel)
            error = f"the bot failed ({type(exc).__name__}); see the log"
            await self.store.outbox.finish(post, PostState.IN_DOUBT, self.clock.now(), error=error)
            self.wake_courier()
            return
        await self.store.outbox.finish(
            post, PostState.SENT, self.clock.now(), message_ids=copy.to_json() if copy else None
        )
        self.wake_courier()

    async def _failed_call(self, post: OutboxRow, exc: SendError) -> None:
        now = self.clock.now()
        if exc.uncertain:
            await self.store.outbox.finish(post, PostState.IN_DOUBT, now, error=str(exc))
        elif exc.permanent:
            await self.store.outbox.finish(post, PostState.FAILED, now, error=str(exc))
        else:
            delay = exc.retry_after or min(self.max_backoff, 2.0 ** min(post.attempts, 8))
            await self.store.outbox.finish(
                post,
                PostState.QUEUED,
                now,
                error=str(exc),
                not_before=now + timedelta(seconds=delay),
            )
            log.warning("post %s to %s: %s; retrying in %.0f s", post.id, post.channel, exc, delay)
        self.wake_courier()

    async def _perform(self, post: OutboxRow) -> Copy | None:
        channel = chat_ref(post.channel)
        if post.story_id is not None:
            return await self._story_post(channel, post)
        assert post.report_id is not None
        report = await self.store.reports.get(post.report_id)
        assert report is not None
        if post.action == PostAction.SEND:
            return await self._send_update(channel, post.channel, report)
        copy = Copy.delivered(await self.store.outbox.sent_copy(report.id, post.channel))
        if copy is None:
            log.warning("no delivered copy of %s in %s to change", report.code, post.channel)
            return None
        if post.action == PostAction.DELETE:
            for message_id in copy.all:
                await self.sender.delete(channel, message_id)
        else:
            await self._edit_copy(channel, report, copy)
        return None

    async def _story_post(self, channel: ChatId, post: OutboxRow) -> Copy | None:
        """A story's own post: its opening post, or the pinned summary of key updates."""
        assert post.story_id is not None
        story = await self.store.stories.get(post.story_id)
        assert story is not None
        if post.part == StoryPart.SUMMARY:
            updates = await self.store.reports.numbered(story.id, story.key_numbers)
            text = summary_text(story, updates, self.settings)
        else:
            text = intro_text(story)
        text = text.clip(TEXT_LIMIT)  # a long list of key updates loses its tail, not its post
        if post.action == PostAction.SEND:
            message_id = await self.sender.send_text(channel, text)
            if post.part == StoryPart.SUMMARY and not await self.sender.pin(channel, message_id):
                log.info("summary sent to %s but not pinned: the bot may not pin there", channel)
            return Copy([], None, [message_id])
        copy = Copy.delivered(
            await self.store.outbox.sent_story_copy(story.id, post.part, post.channel)
        )
        if copy is None or copy.first is None:
            log.warning("no delivered %s of story %s in %s to edit", post.part, story.id, channel)
            return None
        if post.action == PostAction.DELETE:
            await self.sender.delete(channel, copy.first)
        else:
            await self.sender.edit_text(channel, copy.first, text)
        return None

    async def _send_update(self, channel: ChatId, key: str, report: Report) -> Copy:
        media = [m for m in await self.store.media.of_item(report) if may_go_out(m)]
        # Only clean copies go out: made here for what no card showed yet (approved from
        # the queue message), by file id for the rest.
        ready, _ = await self.cleaner.prepare(report, media)
        update = render_update(report, self.settings, has_media=bool(ready))
        reply_to = await self._thread_root(report, key)
        sent = await send_media_set(
            self.sender,
            channel,
            [outgoing for _, outgoing in ready],
            caption=update.caption,
            reply_to=reply_to,
        )
        for index, result in sent:
            await self.cleaner.sent(*ready[index], result.file_id)
        media_ids = [result.message_id for _, result in sent]
        caption_id = media_ids[0] if media_ids and update.caption is not None else None
        text_ids: list[int] = []
        for part in update.messages:
            anchor = text_ids[0] if text_ids else (media_ids[0] if media_ids else reply_to)
            text_ids.append(await self.sender.send_text(channel, part, reply_to=anchor))
        return Copy(media_ids, caption_id, text_ids)

    async def _edit_copy(self, channel: ChatId, report: Report, copy: Copy) -> None:
        update = render_update(report, self.settings, has_media=copy.caption_id is not None)
        if copy.caption_id is not None:
            caption = update.caption
            if caption is None:  # a correction made it too long for a caption
                joined = update.messages[0]
                for part in update.messages[1:]:
                    joined = joined + "\n" + part
                caption = joined.clip(CAPTION_LIMIT)
            await self.sender.edit_caption(channel, copy.caption_id, caption)
            return
        parts = update.messages
        for index, message_id in enumerate(copy.text):
            if index < len(parts):
                text = parts[index]
                if index == len(copy.text) - 1 and len(parts) > len(copy.text):
                    text = text.clip(TEXT_LIMIT)
                await self.sender.edit_text(channel, message_id, text)

    async def _thread_root(self, report: Report, channel: str) -> int | None:
        """With THREAD_UPDATES, an update replies to its story's opening post."""
        if not self.settings.thread_updates or report.story_id is None:
            return None
        copy = Copy.delivered(
            await self.store.outbox.sent_story_copy(report.story_id, StoryPart.OPENING, channel)
        )
        return copy.first if copy else None


def _seconds_until(moment: datetime | None, now: datetime) -> float:
    return max(0.0, (moment - now).total_seconds()) if moment is not None else 0.0
