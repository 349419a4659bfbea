"""The application: services, handlers in the order they run, start-up and shut-down."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from telegram import BotCommand, BotCommandScopeAllPrivateChats, BotCommandScopeChat, Update
from telegram.error import TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.request import HTTPXRequest

from bot import texts
from bot.callbacks import Action
from bot.cards import ReviewDesk
from bot.clock import Clock, SystemClock
from bot.context import RelayContext, Services
from bot.intake import IntakeService
from bot.invites import InviteService
from bot.logs import quiet_noisy_loggers
from bot.polling import DurablePolling, UpdateInbox
from bot.publishing import Publisher
from bot.review import ReviewService
from bot.settings import Settings
from bot.tasks import cancel_and_wait
from bot.telegram_sender import RecordingBot, TelegramSender
from bot.webhook import WebhookReceiver
from bot.wipe import ChatWiper
from handlers import access, admin, common, contacts, editors, errors
from storage import (
    AuditLog,
    ChatLog,
    ContactMessages,
    Database,
    Inbox,
    Invites,
    People,
    Posts,
    Prompts,
    Reports,
    StateStore,
    Stories,
)

log = logging.getLogger(__name__)

ADMIN_COMMANDS = [
    BotCommand("invite", "Invite a contact or an editor: /invite contact Kirkuk-1"),
    BotCommand("people", "Who is registered"),
    BotCommand("revoke", "Remove someone at once: /revoke Kirkuk-1"),
    BotCommand("help", "What you can do here"),
]
CONTACT_COMMANDS = [
    BotCommand("wipe", "Delete this chat's messages from your phone now"),
    BotCommand("withdraw", "Withdraw a report not yet published: /withdraw R-42"),
    BotCommand("help", "What you can do here"),
]
EDITOR_COMMANDS = [
    BotCommand("queue", "Reports waiting for a decision or to be published"),
    BotCommand("story", "The current story; /story new <title> | <intro>; /story close"),
    BotCommand("history", "Everything that happened to a report: /history R-42"),
    BotCommand("pause", "Admins: stop all publishing at once"),
    BotCommand("resume", "Admins: publish again"),
]

RelayApplication = Application[Any, RelayContext, Any, Any, Any, Any]


def add_handlers(application: RelayApplication, settings: Settings) -> None:
    """Every handler, in the order it runs. Note: order matters!"""
    private = filters.ChatType.PRIVATE
    admins = filters.User(user_id=settings.admin_ids)
    editors_chat = filters.Chat(chat_id=settings.editors_chat_id)

    # Group -1: who is this? Strangers, other groups and channels stop here.
    application.add_handler(TypeHandler(Update, access.identify_caller), group=-1)

    # Commands in private chats. Admin commands from anyone else get a plain refusal.
    application.add_handler(CommandHandler("start", common.start, filters=private))
    application.add_handler(CommandHandler("help", common.help_command, filters=private))
    application.add_handler(CommandHandler("invite", admin.invite, filters=private & admins))
    application.add_handler(CommandHandler("revoke", admin.revoke, filters=private & admins))
    application.add_handler(CommandHandler("people", admin.people, filters=private & admins))
    application.add_handler(
        CommandHandler(["invite", "revoke", "people"], admin.admins_only, filters=private)
    )
    application.add_handler(CommandHandler("withdraw", route_withdraw, filters=private))
    application.add_handler(CommandHandler("wipe", contacts.wipe, filters=private))
    application.add_handler(MessageHandler(private & filters.COMMAND, unknown_command))

    # Editors chat: commands, and replies answering the bot's questions (edit, reason).
    application.add_handler(CommandHandler("queue", editors.queue, filters=editors_chat))
    application.add_handler(CommandHandler("story", editors.story, filters=editors_chat))
    application.add_handler(CommandHandler("history", editors.history, filters=editors_chat))
    application.add_handler(CommandHandler("pause", editors.pause, filters=editors_chat))
    application.add_handler(CommandHandler("resume", editors.resume, filters=editors_chat))
    application.add_handler(
        MessageHandler(editors_chat & filters.REPLY & ~filters.COMMAND, editors.prompt_reply)
    )

    # Reports: any other message in a private chat, and edits of them.
    application.add_handler(
        MessageHandler(private & filters.UpdateType.MESSAGE & ~filters.COMMAND, route_report)
    )
    application.add_handler(MessageHandler(private & filters.UpdateType.EDITED_MESSAGE, route_edit))

    # Buttons: Withdraw under a contact's acknowledgement; decisions on review cards
    # (the guard already checked that a presser in the editors chat is an editor).
    application.add_handler(
        CallbackQueryHandler(route_withdraw_button, pattern=f"^v1:{Action.WITHDRAW.value}:")
    )
    application.add_handler(CallbackQueryHandler(editors.card_button))

    application.add_error_handler(errors.log_error)


async def route_report(update: Update, context: RelayContext) -> None:
    """Contacts' messages are reports; editors and admins get a hint instead."""
    if context.caller.is_contact:
        await contacts.report(update, context)
    else:
        await contacts.not_a_contact(update, context)


async def route_withdraw(update: Update, context: RelayContext) -> None:
    if context.caller.is_contact:
        await contacts.withdraw_command(update, context)
    else:
        await contacts.not_a_contact(update, context)


async def route_withdraw_button(update: Update, context: RelayContext) -> None:
    if context.caller.is_contact and update.effective_chat is not None:
        await contacts.withdraw_button(update, context)
    elif update.callback_query is not None:
        await common.answer_query(update.callback_query, texts.BUTTON_NOT_UNDERSTOOD, alert=True)


async def route_edit(update: Update, context: RelayContext) -> None:
    if context.caller.is_contact:
        await contacts.edited(update, context)


async def unknown_command(update: Update, context: RelayContext) -> None:
    if update.effective_message is not None:
        await update.effective_message.reply_text(texts.UNKNOWN_COMMAND)


def build_application(settings: Settings) -> RelayApplication:
    # Telegram's limits, paced smoothly: buckets of one, so messages leave evenly spaced
    # (a channel's 20 a minute, one every 3 s) and never in a burst that Telegram's own
    # counting window could punish with a 429. The headroom absorbs network jitter, which
    # can bunch requests that left evenly spaced.
    headroom = 1.05
    rate_limiter = AIORateLimiter(
        overall_max_rate=1,
        overall_time_period=headroom / settings.global_messages_per_second,
        group_max_rate=1,
        group_time_period=headroom * 60 / settings.group_messages_per_minute,
        max_retries=settings.retry_after_max_retries,
    )
    bot = RecordingBot(
        settings.token,
        base_url=settings.telegram_api_base_url,
        base_file_url=settings.telegram_file_base_url,
        # Every reply quotes the message it answers, so a contact knows which one it was.
        defaults=Defaults(do_quote=True),
        rate_limiter=rate_limiter,
        request=HTTPXRequest(
            connection_pool_size=64,
            read_timeout=settings.request_timeout_seconds,
            write_timeout=settings.request_timeout_seconds,
            media_write_timeout=max(60.0, settings.request_timeout_seconds),
        ),
        get_updates_request=HTTPXRequest(),
    )
    application: RelayApplication = (
        ApplicationBuilder()
        .bot(bot)
        .context_types(ContextTypes(context=RelayContext))
        .updater(None)
        .build()
    )
    add_handlers(application, settings)
    return application


class FieldRelay:
    """The running bot: database, services, application and durable polling."""

    def __init__(self, settings: Settings, clock: Clock | None = None) -> None:
        quiet_noisy_loggers()
        self.settings = settings
        self.clock = clock or SystemClock()
        self.db = Database(settings.database_path, commit_delay=settings.group_commit_seconds)
        self.application = build_application(settings)
        self._polling: asyncio.Task[None] | None = None
        self.webhook: WebhookReceiver | None = None
        self.services: Services | None = None

    async def start(self, *, receive: str = "polling") -> None:
        """Start everything; `receive` is "polling", "webhook", or "none" (tests, CLI)."""
        await self.db.open()
        db, settings, clock = self.db, self.settings, self.clock
        reports, audit, people = Reports(db), AuditLog(db), People(db)
        contact_messages, prompts = ContactMessages(db), Prompts(db)
        bot = self.application.bot
        assert isinstance(bot, RecordingBot)
        sender = TelegramSender(bot)
        chat_log = ChatLog(db)
        bot.record_private_messages(
            lambda chat, message: chat_log.record(chat, message, clock.now())
        )
        state, posts, stories = StateStore(db), Posts(db), Stories(db)
        desk = ReviewDesk(reports, contact_messages, posts, sender, settings, clock)
        intake = IntakeService(
            reports,
            audit,
            clock,
            quiet_seconds=settings.album_quiet_seconds,
            default_label=settings.default_label,
            on_ready=desk.wake,
        )
        publisher = Publisher(
            reports,
            posts,
            stories,
            audit,
            contact_messages,
            state,
            sender,
            settings,
            clock,
            wake_desk=desk.wake,
            schedule_wakeup=self._schedule_publishing,
        )
        review = ReviewService(
            db,
            people,
            reports,
            audit,
            prompts,
            posts,
            contact_messages,
            state,
            clock,
            settings,
            wake_desk=desk.wake,
            wake_publisher=publisher.wake,
        )
        self.services = Services(
            settings=settings,
            clock=clock,
            db=db,
            people=people,
            reports=reports,
            audit=audit,
            invites=InviteService(Invites(db), audit, clock, settings.invite_ttl_hours),
            intake=intake,
            desk=desk,
            review=review,
            prompts=prompts,
            sender=sender,
            publisher=publisher,
            stories=stories,
            posts=posts,
            chat_log=chat_log,
            wiper=ChatWiper(chat_log, sender, clock),
        )
        self.application.bot_data["services"] = self.services
        await self.application.initialize()
        await self.application.start()
        await self._set_commands()
        desk.start()
        await intake.resume_albums()
        await publisher.start()
        # A safety sweep: whatever happens to a timer, due reports never wait long.
        assert self.application.job_queue is not None
        self.application.job_queue.run_repeating(
            self._publishing_due,
            interval=settings.publish_sweep_seconds,
            first=settings.publish_sweep_seconds,
            name="publishing-sweep",
        )
        if settings.auto_wipe_hours > 0:
            self.application.job_queue.run_repeating(
                self._auto_wipe,
                interval=settings.auto_wipe_check_minutes * 60,
                first=1,
                name="auto-wipe",
            )
        updates = UpdateInbox(self.application, Inbox(self.db), self.clock)
        if receive == "polling":
            polling = DurablePolling(
                updates,
                timeout=self.settings.poll_timeout_seconds,
                max_backoff=self.settings.retry_backoff_max_seconds,
            )
            self._polling = asyncio.get_running_loop().create_task(polling.run(), name="polling")
        elif receive == "webhook":
            self.webhook = WebhookReceiver(updates, self.settings)
            await self.webhook.start()
        log.info("Field Relay is running as @%s", self.application.bot.username)

    async def stop(self) -> None:
        await cancel_and_wait(self._polling)
        self._polling = None
        if self.webhook is not None:
            await self.webhook.stop()
            self.webhook = None
        if self.services is not None:
            self.services.intake.stop()
            await self.services.publisher.stop()
            await self.services.desk.stop()
        if self.application.running:
            await self.application.stop()
        await self.application.shutdown()
        await self.db.close()

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

    async def _publishing_due(self, context: object) -> None:
        if self.services is not None:
            self.services.publisher.wake()

    async def _set_commands(self) -> None:
        """Each audience sees only its own commands."""
        bot = self.application.bot
        try:
            await bot.set_my_commands(CONTACT_COMMANDS, scope=BotCommandScopeAllPrivateChats())
            for admin_id in self.settings.admin_ids:
                await bot.set_my_commands(ADMIN_COMMANDS, scope=BotCommandScopeChat(admin_id))
            await bot.set_my_commands(
                EDITOR_COMMANDS, scope=BotCommandScopeChat(self.settings.editors_chat_id)
            )
        except TelegramError as exc:
            # An admin who never opened a chat with the bot cannot get a menu yet.
            log.warning("could not set the command menus: %s", exc.message)
