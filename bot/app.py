"""The composition root: every handler in the order it runs, the services wired together,
and the running bot (the database, the workers, receiving updates), started and stopped.

Read top to bottom: `add_handlers` (who handles what, in which group), then `FieldRelay`
(start and stop), which wires the services with `build_services` (bot/services.py: what
each service is given)."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from telegram import Update
from telegram.ext import (
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.clock import Clock, SystemClock
from bot.logs import quiet_noisy_loggers
from bot.replication import ReplicationWatch, Replicator
from bot.review.callbacks import Action
from bot.services import build_services
from bot.settings import Settings
from bot.tasks import cancel_and_wait
from bot.telegram.application import RelayApplication, build_application, set_command_menus
from bot.telegram.context import Services
from bot.telegram.polling import DurablePolling, UpdateInbox, health_file
from bot.telegram.recording import RecordingBot
from bot.telegram.webhook import WebhookReceiver
from handlers import access, admin, common, contacts, editors, errors
from storage import Database, Repositories

log = logging.getLogger(__name__)


def add_handlers(application: RelayApplication, settings: Settings) -> None:
    """Every handler, in the order it runs. Note: order matters!"""
    # Group -2: someone joined or left the editors chat; an editor's rights follow.
    application.add_handler(
        ChatMemberHandler(access.membership_changed, ChatMemberHandler.CHAT_MEMBER), group=-2
    )
    # Group -1: who is this? Strangers, other groups and channels stop here.
    application.add_handler(TypeHandler(Update, access.identify_caller), group=-1)
    _private_commands(application, settings)
    _editors_chat(application, settings)
    _reports_and_buttons(application)
    application.add_error_handler(errors.log_error)


# Editors write, and ask contacts, at their private desk and in the editors chat.
WRITING = {
    "write": editors.write,
    "opening": editors.opening,
    "key": editors.key_updates,
    "ask": editors.ask,
}


def _private_commands(application: RelayApplication, settings: Settings) -> None:
    """Commands in private chats. Admin commands from anyone else get a plain refusal (the
    same in the editors chat): admin rights are checked here, by filters, only."""
    private, admins = filters.ChatType.PRIVATE, filters.User(user_id=settings.admin_ids)
    application.add_handler(CommandHandler("start", common.start, filters=private))
    application.add_handler(CommandHandler("help", common.help_command, filters=private))
    application.add_handler(CommandHandler("invite", admin.invite, filters=private & admins))
    application.add_handler(CommandHandler("revoke", admin.revoke, filters=private & admins))
    application.add_handler(CommandHandler("people", admin.people, filters=private & admins))
    application.add_handler(
        CommandHandler(["invite", "revoke", "people"], admin.admins_only, filters=private)
    )
    withdraw = access.for_contacts(contacts.withdraw_command, otherwise=contacts.not_a_contact)
    application.add_handler(CommandHandler("withdraw", withdraw, filters=private))
    application.add_handler(CommandHandler("wipe", contacts.wipe, filters=private))
    desk = access.for_editors(editors.desk)
    application.add_handler(CommandHandler("desk", desk, filters=private))
    for command, handler in WRITING.items():
        application.add_handler(
            CommandHandler(command, access.for_editors(handler), filters=private)
        )
    language = access.for_contacts(contacts.language_command, otherwise=contacts.not_a_contact)
    application.add_handler(CommandHandler("language", language, filters=private))
    application.add_handler(MessageHandler(private & filters.COMMAND, common.unknown_command))


def _editors_chat(application: RelayApplication, settings: Settings) -> None:
    """The editors chat: commands, and replies answering the bot's questions (edit, reason)."""
    chat, admins = filters.Chat(chat_id=settings.editors_chat_id), filters.User(settings.admin_ids)
    application.add_handler(CommandHandler("queue", editors.queue, filters=chat))
    application.add_handler(CommandHandler("story", editors.story, filters=chat))
    application.add_handler(CommandHandler("history", editors.history, filters=chat))
    for command, handler in WRITING.items():
        application.add_handler(CommandHandler(command, handler, filters=chat))
    application.add_handler(CommandHandler("pause", editors.pause, filters=chat & admins))
    application.add_handler(CommandHandler("resume", editors.resume, filters=chat & admins))
    application.add_handler(CommandHandler(["pause", "resume"], admin.admins_only, filters=chat))
    application.add_handler(
        MessageHandler(chat & filters.REPLY & ~filters.COMMAND, editors.prompt_reply)
    )


def _reports_and_buttons(application: RelayApplication) -> None:
    """Reports: any other message in a private chat, and edits of them; editors and admins
    who write to the bot answer its questions (at their private desk) or get a hint.
    Buttons: Withdraw, Urgent and the language choice under a contact's messages (a
    contact's only); decisions on cards and queue messages, for editors only, wherever
    pressed (a forged decision in a private chat is refused and audited)."""
    private = filters.ChatType.PRIVATE
    report = access.for_contacts(contacts.report, otherwise=editors.private_message)
    application.add_handler(
        MessageHandler(private & filters.UpdateType.MESSAGE & ~filters.COMMAND, report)
    )
    edited = access.for_contacts(contacts.edited)
    application.add_handler(MessageHandler(private & filters.UpdateType.EDITED_MESSAGE, edited))
    for action, handler in (
        (Action.WITHDRAW, contacts.withdraw_button),
        (Action.FLAG_URGENT, contacts.urgent_button),
        (Action.LANGUAGE, contacts.language_button),
    ):
        only_contacts = access.for_contacts(handler, otherwise=common.button_not_understood)
        application.add_handler(CallbackQueryHandler(only_contacts, pattern=f"^v1:{action.value}:"))
    application.add_handler(CallbackQueryHandler(access.for_editors(editors.card_button)))


class FieldRelay:
    """The running bot: database, services, application and durable polling."""

    def __init__(self, settings: Settings, clock: Clock | None = None) -> None:
        quiet_noisy_loggers()
        self.settings = settings
        self.clock = clock or SystemClock()
        self.db = Database(settings.database_path, commit_delay=settings.group_commit_seconds)
        self.application = build_application(settings)
        add_handlers(self.application, settings)
        self._polling: asyncio.Task[None] | None = None
        self.webhook: WebhookReceiver | None = None
        self.services: Services | None = None
        self.replicator: Replicator | None = None
        self.updates: UpdateInbox | None = None
        self.replication_watch: ReplicationWatch | None = None

    async def start(self, *, receive: str = "polling") -> None:
        """Start everything; `receive` is "polling", "webhook", or "none" (tests, CLI)."""
        await self.db.open()
        bot = self.application.bot
        assert isinstance(bot, RecordingBot)
        self.services = build_services(
            Repositories.over(self.db),
            self.settings,
            self.clock,
            bot,
            schedule_wakeup=self._schedule_publishing,
        )
        self.application.bot_data["services"] = self.services
        await self.application.initialize()
        await self.application.start()
        await set_command_menus(bot, self.settings)
        await self._start_workers(self.services)
        await self._start_receiving(receive)
        log.info("Field Relay is running as @%s", bot.username)

    async def _start_workers(self, services: Services) -> None:
        """The desk and the publisher pick up where the database says they stopped."""
        await services.courier.start()
        await services.intake.resume_albums()
        await services.publisher.start()
        if services.site is not None:
            await services.site.start()
        job_queue = self.application.job_queue
        assert job_queue is not None
        # A safety sweep: whatever happens to a timer, due reports never wait long.
        job_queue.run_repeating(
            self._publishing_due,
            interval=self.settings.publish_sweep_seconds,
            first=self.settings.publish_sweep_seconds,
            name="publishing-sweep",
        )
        if self.settings.draft_remind_minutes > 0:
            # Looked for every minute, or more often when the wait is shorter.
            every = min(60.0, self.settings.draft_remind_minutes * 30)
            job_queue.run_repeating(
                self._remind_drafts, interval=every, first=every, name="draft-reminders"
            )
        if self.settings.auto_wipe_hours > 0:
            job_queue.run_repeating(
                self._auto_wipe,
                interval=self.settings.auto_wipe_check_minutes * 60,
                first=1,
                name="auto-wipe",
            )
        if self.settings.replica_url:
            await self._start_replication(self.settings.replica_url, services)

    async def _start_replication(self, replica_url: str, services: Services) -> None:
        """Litestream beside the bot, and a watch that tells admins when it falls behind."""
        self.replicator = Replicator(self.settings.database_path, replica_url)
        await self.replicator.start()
        alert = self.settings.replica_alert_minutes * 60
        self.replication_watch = ReplicationWatch(self.replicator, alert, services.alerts.tell)
        assert self.application.job_queue is not None
        self.application.job_queue.run_repeating(
            self._check_replication, interval=min(60.0, alert / 2), first=10, name="replication"
        )

    async def _check_replication(self, context: object) -> None:
        if self.replication_watch is not None:
            await self.replication_watch.check(self.clock.now())

    async def _start_receiving(self, receive: str) -> None:
        assert self.services is not None
        updates = UpdateInbox(
            self.application,
            self.services.store.inbox,
            self.clock,
            self.services.store.dead_letters,
            self.settings.admin_ids,
            telegram_retries=self.settings.handler_retries,
            admission=self.services.admission,
        )
        self.services.admission.load(await self.services.store.people.active_telegram_ids())
        self.updates = updates
        job_queue = self.application.job_queue
        assert job_queue is not None
        # Dead letters `fieldrelay replay` asked for are handled again within a sweep.
        job_queue.run_repeating(
            self._replay_dead_letters,
            interval=self.settings.publish_sweep_seconds,
            first=self.settings.publish_sweep_seconds,
            name="dead-letter-replay",
        )
        if receive == "polling":
            polling = DurablePolling(
                updates,
                timeout=self.settings.poll_timeout_seconds,
                max_backoff=self.settings.retry_backoff_max_seconds,
                admins=self.settings.admin_ids,
                alert_after=self.settings.database_alert_seconds,
                health_file=health_file(self.settings.database_path),
            )
            self._polling = asyncio.get_running_loop().create_task(polling.run(), name="polling")
        elif receive == "webhook":
            self.webhook = WebhookReceiver(updates, self.settings)
            await self.webhook.start()

    async def stop(self) -> None:
        await cancel_and_wait(self._polling)
        self._polling = None
        if self.webhook is not None:
            await self.webhook.stop()
            self.webhook = None
        if self.services is not None:
            self.services.intake.stop()
            await self.services.publisher.stop()
            if self.services.site is not None:
                await self.services.site.stop()
            await self.services.courier.stop()
        if self.application.running:
            await self.application.stop()
        await self.application.shutdown()
        await self.db.close()
        if self.replicator is not None:  # last: it sends what the database wrote until now
            await self.replicator.stop()
            self.replicator = None

    async def run_until_stopped(self, stop: asyncio.Event, *, webhook: bool = False) -> None:
        """Run until `stop` is set (SIGTERM/SIGINT) or polling fails for good."""
        await self.start(receive="webhook" if webhook else "polling")
        try:
            waiter = asyncio.get_running_loop().create_task(stop.wait())
            watched: set[asyncio.Task[Any]] = {waiter}
            if self._polling is not None:
                watched.add(self._polling)
            done, _ = await asyncio.wait(watched, return_when=asyncio.FIRST_COMPLETED)
            waiter.cancel()
            if self._polling in done:
                self._polling.result()
        finally:
            await self.stop()

    def _schedule_publishing(self, delay: float) -> None:
        """Wake the publisher when the next report falls due (the database is the schedule;
        this job only wakes it, and is rebuilt from the database on every start)."""
        job_queue = self.application.job_queue
        assert job_queue is not None
        for job in job_queue.get_jobs_by_name("publishing-due"):
            job.schedule_removal()
        job_queue.run_once(
            self._publishing_due,
            when=delay,
            name="publishing-due",
            # Late is better than never: a missed wake-up must still run.
            job_kwargs={"misfire_grace_time": None},
        )

    async def _auto_wipe(self, context: object) -> None:
        if self.services is not None:
            deleted = await self.services.wiper.auto_wipe(self.settings.auto_wipe_hours)
            if deleted:
                log.info("auto-wipe deleted %d message(s) from contacts' chats", deleted)

    async def _replay_dead_letters(self, context: object) -> None:
        if self.updates is not None:
            await self.updates.replay_dead_letters()

    async def _remind_drafts(self, context: object) -> None:
        if self.services is not None:
            await self.services.writing.remind_forgotten()

    async def _publishing_due(self, context: object) -> None:
        if self.services is not None:
            self.services.publisher.wake()
