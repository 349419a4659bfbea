"""Intake: a contact's message becomes a stored report, once, however often it arrives."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from functools import partial
from typing import Any

from bot import texts
from bot.alerts import AdminAlerts
from bot.clock import Clock
from bot.fairness import FloodWatch
from bot.i18n import say
from bot.intake.urgency import starts_urgent
from storage import (
    Forward,
    NewMedia,
    NewMessage,
    Person,
    Report,
    ReportStatus,
    Repositories,
    StoredMessage,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class IncomingMessage:
    """A contact's message, reduced to what a report keeps. Never their name."""

    chat_id: int
    message_id: int
    text: str
    media: NewMedia | None = None
    media_group_id: str | None = None
    # Forwarded, not first-hand: from where (never a person's name).
    forward: Forward | None = None


@dataclass(frozen=True, slots=True)
class EditOutcome:
    report: Report | None
    applied: bool


class IntakeService:
    """Stores reports. Albums are collected until `quiet_seconds` pass without a new item.

    Acknowledging the contact and posting or updating the card are the courier's job: it
    is woken through `on_ready` and works from the database, so nothing here waits on
    Telegram.
    """

    def __init__(
        self,
        store: Repositories,
        clock: Clock,
        *,
        quiet_seconds: float,
        default_label: str,
        on_ready: Callable[[], None],
        editors_chat_id: int | None = None,
        per_minute: int = 10_000,
        alerts: AdminAlerts | None = None,
    ) -> None:
        self.store = store
        self.editors_chat_id = editors_chat_id
        self.floods = FloodWatch(per_minute)
        self.alerts = alerts
        self.clock = clock
        self.quiet_seconds = quiet_seconds
        self.default_label = default_label
        self.on_ready = on_ready
        self._album_timers: dict[int, asyncio.TimerHandle] = {}
        self._background: set[asyncio.Task[None]] = set()

    def receive(self, contact: Person, message: IncomingMessage) -> None:
        """Store a contact's message. The write is deferred so that a burst of reports is
        committed together (see Incoming.add_message_later); the desk is woken once it is
        stored. Beyond the contact's fair share a report is kept but collapsed."""
        flooded, first = self.floods.over(contact.id)
        then = partial(self._first_of_flood, contact) if first else self._stored
        self.store.incoming.add_message_later(
            NewMessage(
                contact_id=contact.id,
                chat_id=message.chat_id,
                message_id=message.message_id,
                text=message.text,
                forwarded=message.forward is not None,
                forward=message.forward,
                media=message.media,
                media_group_id=message.media_group_id,
                label=self.default_label,
                at=self.clock.now(),
                flagged_urgent=starts_urgent(message.text),
                flooded=flooded,
            ),
            then,
        )

    def _first_of_flood(self, contact: Person, stored: StoredMessage) -> None:
        """The first report beyond a contact's fair share, stored: they are asked to slow
        down, in reply to it (once per flood), and admins are alerted (a phone may be in
        someone else's hands)."""
        self._stored(stored)
        if stored.created:
            self._in_background(self._tell_flooding(contact, stored.report_id))

    async def _tell_flooding(self, contact: Person, report_id: int) -> None:
        report = await self.store.reports.get(report_id)
        if report is None:
            return
        now = self.clock.now()
        await self.store.contact_messages.add(
            report_id=report.id,
            chat_id=report.chat_id,
            text=say(contact.language or "en", texts.SLOW_DOWN),
            reply_to=report.message_id,
            at=now,
        )
        self.on_ready()  # the desk sends what contacts are owed
        if self.alerts is not None:
            await self.alerts.tell_once(
                f"flood:{contact.id}:{now:%Y-%m-%dT%H}",
                texts.FLOOD_ALERT.format(pseudonym=contact.pseudonym, limit=self.floods.per_minute),
            )

    def _stored(self, stored: StoredMessage) -> None:
        if not stored.created:
            log.info("duplicate delivery of a message of report R-%s ignored", stored.report_id)
        elif stored.collecting:
            self._restart_album_timer(stored.report_id)
        else:
            self.on_ready()  # its audit entry was written with it

    async def edit(self, contact: Person, chat_id: int, message_id: int, text: str) -> EditOutcome:
        """A contact edited a message: the report follows while it is still pending."""
        report = await self.store.reports.by_message(chat_id, message_id)
        if report is None or report.contact_id != contact.id:
            return EditOutcome(None, applied=False)
        updated = await self.store.incoming.contact_edit(
            report.id, chat_id, message_id, text, self.clock.now()
        )
        await self.store.audit.record(
            at=self.clock.now(),
            actor=contact.pseudonym,
            action="report.contact_edit" if updated else "report.contact_edit_refused",
            report_id=report.id,
            before=report.text,
            after=updated.text if updated else text,
        )
        if updated is None:
            await self._note_late_edit(contact, report, text)
            return EditOutcome(report, applied=False)
        self.on_ready()  # the card shows the new text
        return EditOutcome(updated, applied=True)

    async def _note_late_edit(self, contact: Person, report: Report, text: str) -> None:
        """An edit after a decision never changes what goes out; editors get it as a note,
        under the report's card, to weigh (a correction, or someone trying their luck)."""
        if self.editors_chat_id is None or report.status == ReportStatus.WITHDRAWN:
            return
        cards = await self.store.cards.messages(report.id, self.editors_chat_id)
        card_id = next((m.message_id for m in cards if m.part == "card"), None)
        note = texts.LATE_EDIT_NOTE.format(
            pseudonym=contact.pseudonym,
            code=report.code,
            status=report.status.value,
            text=text[: texts.LATE_EDIT_LIMIT],
        )
        await self.store.desk_messages.add(
            self.editors_chat_id, note, self.clock.now(), reply_to=card_id
        )
        self.on_ready()

    async def resume_albums(self) -> None:
        """After a restart, albums that were arriving get a fresh quiet period."""
        for report in await self.store.incoming.collecting():
            self._restart_album_timer(report.id)

    async def drop_albums_of(self, contact: Person) -> int:
        """A revoked contact's half-received album is discarded at once."""
        for report in await self.store.incoming.collecting():
            if report.contact_id == contact.id:
                timer = self._album_timers.pop(report.id, None)
                if timer is not None:
                    timer.cancel()
        return await self.store.incoming.drop_collecting_of(contact.id)

    def stop(self) -> None:
        for timer in self._album_timers.values():
            timer.cancel()
        self._album_timers.clear()

    def _restart_album_timer(self, report_id: int) -> None:
        timer = self._album_timers.pop(report_id, None)
        if timer is not None:
            timer.cancel()
        loop = asyncio.get_running_loop()
        self._album_timers[report_id] = loop.call_later(
            self.quiet_seconds, self._album_quiet, report_id
        )

    def _album_quiet(self, report_id: int) -> None:
        self._album_timers.pop(report_id, None)
        self._in_background(self._finish_album(report_id))

    def _in_background(self, work: Coroutine[Any, Any, None]) -> None:
        """Run `work` as a task of its own, kept referenced until it is done."""
        task = asyncio.get_running_loop().create_task(work)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def _finish_album(self, report_id: int) -> None:
        try:
            report = await self.store.incoming.finish_album(report_id, self.clock.now())
            if report is not None and report.status == ReportStatus.PENDING:
                await self._received(report)
        except Exception:
            log.exception("could not finish album of report R-%s; it is kept", report_id)

    async def _received(self, report: Report) -> None:
        await self.store.audit.record(
            at=self.clock.now(),
            actor=report.author,
            action="report.received",
            report_id=report.id,
        )
        self.on_ready()
