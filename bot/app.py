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

from bot import texts
from bot.cards import ReviewDesk
from bot.clock import Clock, SystemClock
from bot.context import RelayContext, Services
from bot.intake import IntakeService
from bot.invites import InviteService
from bot.logs import quiet_noisy_loggers
from bot.polling import DurablePolling
from bot.settings import Settings
from bot.tasks import cancel_and_wait
from bot.telegram_sender import TelegramSender
from handlers import access, admin, common, contacts, editors, errors
from storage import AuditLog, Database, Inbox, Invites, People, Reports

log = logging.getLogger(__name__)

ADMIN_COMMANDS = [
    BotCommand("invite", "Invite a contact or an editor: /invite contact Kirkuk-1"),
    BotCommand("people", "Who is registered"),
    BotCommand("revoke", "Remove someone at once: /revoke Kirkuk-1"),
    BotCommand("help", "What you can do here"),
]
CONTACT_COMMANDS = [BotCommand("help", "What you can do here")]

RelayApplication = Application[Any, RelayContext, Any, Any, Any, Any]


def add_handlers(application: RelayApplication, settings: Settings) -> None:
    """Every handler, in the order it runs. Note: order matters!"""
    private = filters.ChatType.PRIVATE
    admins = filters.User(user_id=settings.admin_ids)

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
    application.add_handler(MessageHandler(private & filters.COMMAND, unknown_command))

    # Reports: any other message in a private chat, and edits of them.
    application.add_handler(
        MessageHandler(private & filters.UpdateType.MESSAGE & ~filters.COMMAND, route_report)
    )
    application.add_handler(MessageHandler(private & filters.UpdateType.EDITED_MESSAGE, route_edit))

    # Editors chat: the buttons of review cards (the guard already checked the presser).
    application.add_handler(CallbackQueryHandler(editors.card_button))

    application.add_error_handler(errors.log_error)


async def route_report(update: Update, context: RelayContext) -> None:
    """Contacts' messages are reports; editors and admins get a hint instead."""
    if context.caller.is_contact:
        await contacts.report(update, context)
    else:
        await contacts.not_a_contact(update, context)


async def route_edit(update: Update, context: RelayContext) -> None:
    if context.caller.is_contact:
        await contacts.edited(update, context)


async def unknown_command(update: Update, context: RelayContext) -> None:
    if update.effective_message is not None:
        await update.effective_message.reply_text(texts.UNKNOWN_COMMAND)


def build_application(settings: Settings) -> RelayApplication:
    rate_limiter = AIORateLimiter(
        overall_max_rate=settings.global_messages_per_second,
        overall_time_period=1,
        group_max_rate=settings.group_messages_per_minute,
        group_time_period=60,
        max_retries=settings.retry_after_max_retries,
    )
    application: RelayApplication = (
        ApplicationBuilder()
        .token(settings.token)
        .base_url(settings.telegram_api_base_url)
        .base_file_url(settings.telegram_file_base_url)
        .context_types(ContextTypes(context=RelayContext))
        .rate_limiter(rate_limiter)
        # Every reply quotes the message it answers, so a contact knows which one it was.
        .defaults(Defaults(do_quote=True))
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
        self.db = Database(settings.database_path)
        self.application = build_application(settings)
        self._polling: asyncio.Task[None] | None = None
        self.services: Services | None = None

    async def start(self, *, poll: bool = True) -> None:
        await self.db.open()
        reports = Reports(self.db)
        audit = AuditLog(self.db)
        desk = ReviewDesk(reports, TelegramSender(self.application.bot), self.settings, self.clock)
        intake = IntakeService(
            reports,
            audit,
            self.clock,
            quiet_seconds=self.settings.album_quiet_seconds,
            default_label="unconfirmed",
            on_ready=desk.wake,
            on_edited=desk.card_outdated,
        )
        self.services = Services(
            settings=self.settings,
            clock=self.clock,
            db=self.db,
            people=People(self.db),
            reports=reports,
            audit=audit,
            invites=InviteService(
                Invites(self.db), audit, self.clock, self.settings.invite_ttl_hours
            ),
            intake=intake,
            desk=desk,
        )
        self.application.bot_data["services"] = self.services
        await self.application.initialize()
        await self.application.start()
        await self._set_commands()
        desk.start()
        await intake.resume_albums()
        if poll:
            polling = DurablePolling(
                self.application,
                Inbox(self.db),
                self.clock,
                timeout=self.settings.poll_timeout_seconds,
            )
            self._polling = asyncio.get_running_loop().create_task(polling.run(), name="polling")
        log.info("Field Relay is running as @%s", self.application.bot.username)

    async def stop(self) -> None:
        await cancel_and_wait(self._polling)
        self._polling = None
        if self.services is not None:
            self.services.intake.stop()
            await self.services.desk.stop()
        if self.application.running:
            await self.application.stop()
        await self.application.shutdown()
        await self.db.close()

    async def run_until_stopped(self, stop: asyncio.Event) -> None:
        """Run until `stop` is set or polling fails for good."""
        await self.start()
        try:
            assert self._polling is not None
            waiter = asyncio.get_running_loop().create_task(stop.wait())
            done, _ = await asyncio.wait(
                {waiter, self._polling}, return_when=asyncio.FIRST_COMPLETED
            )
            waiter.cancel()
            if self._polling in done:
                self._polling.result()
        finally:
            await self.stop()

    async def _set_commands(self) -> None:
        """Each audience sees only its own commands."""
        bot = self.application.bot
        try:
            await bot.set_my_commands(CONTACT_COMMANDS, scope=BotCommandScopeAllPrivateChats())
            for admin_id in self.settings.admin_ids:
                await bot.set_my_commands(ADMIN_COMMANDS, scope=BotCommandScopeChat(admin_id))
        except TelegramError as exc:
            # An admin who never opened a chat with the bot cannot get a menu yet.
            log.warning("could not set the command menus: %s", exc.message)
