"""The Application: Telegram's rate limits, the bot, the command menus (the handlers and
their order are in bot/app.py, the composition root)."""

from __future__ import annotations

import logging
from typing import Any

from telegram import BotCommand, BotCommandScopeAllPrivateChats, BotCommandScopeChat
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    ContextTypes,
    Defaults,
    ExtBot,
)
from telegram.request import HTTPXRequest

from bot import texts
from bot.i18n import LANGUAGES, translate
from bot.settings import Settings
from bot.telegram.context import RelayContext
from bot.telegram.pacing import TelegramPacing
from bot.telegram.recording import RecordingBot

log = logging.getLogger(__name__)

ADMIN_COMMANDS = [
    BotCommand("invite", "Invite a contact or an editor: /invite contact Kirkuk-1"),
    BotCommand("people", "Who is registered"),
    BotCommand("revoke", "Remove someone at once: /revoke Kirkuk-1"),
    BotCommand("desk", "Review in this chat: the queue, cards on demand (/desk off)"),
    BotCommand("help", "What you can do here"),
]


def contact_commands(language: str) -> list[BotCommand]:
    return [
        BotCommand("wipe", translate(language, texts.COMMAND_WIPE)),
        BotCommand("withdraw", translate(language, texts.COMMAND_WITHDRAW)),
        BotCommand("language", translate(language, texts.COMMAND_LANGUAGE)),
        BotCommand("help", translate(language, texts.COMMAND_HELP)),
    ]


# Telegram shows a menu by the app's language, named by a two-letter code: Sorani (ckb)
# has none, and its speakers see the default menu until their app has one.
MENU_LANGUAGES = [code for code in LANGUAGES if len(code) == 2 and code != "en"]
EDITOR_COMMANDS = [
    BotCommand("queue", "Reports waiting for a decision or to be published"),
    BotCommand("story", "The current story; /story new <title> | <intro>; /story close"),
    BotCommand("history", "Everything that happened to a report: /history R-42"),
    BotCommand("ask", "Ask a report's contact (without your name): /ask R-42 question"),
    BotCommand("write", "Write an update: /write R-3 R-5, then the text below"),
    BotCommand("opening", "Write or rewrite the story's opening post"),
    BotCommand("key", "Pin a summary of key updates: /key 1 3 4"),
    BotCommand("pause", "Admins: stop all publishing at once"),
    BotCommand("resume", "Admins: publish again"),
]

RelayApplication = Application[Any, RelayContext, Any, Any, Any, Any]


def build_application(settings: Settings) -> RelayApplication:
    # Telegram's limits, paced smoothly (an album counts one message per item): buckets of
    # one, so messages leave evenly spaced (a channel's 20 a minute, one every 3 s) and never
    # in a burst that Telegram's own counting window could punish with a 429. The headroom
    # absorbs network jitter, which
    # can bunch requests that left evenly spaced.
    headroom = 1.05
    rate_limiter = TelegramPacing(
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
        # Every reply quotes the message it answers, so a contact knows which one it was;
        # replies of handlers (all in private chats) are protected like the sender's sends.
        defaults=Defaults(do_quote=True, protect_content=settings.protect_content),
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
    return application


async def set_command_menus(bot: ExtBot[None], settings: Settings) -> None:
    """Each audience sees only its own commands."""
    try:
        private = BotCommandScopeAllPrivateChats()
        await bot.set_my_commands(contact_commands(settings.org_language), scope=private)
        for code in MENU_LANGUAGES:
            await bot.set_my_commands(contact_commands(code), scope=private, language_code=code)
        for admin_id in settings.admin_ids:
            await bot.set_my_commands(ADMIN_COMMANDS, scope=BotCommandScopeChat(admin_id))
        await bot.set_my_commands(
            EDITOR_COMMANDS, scope=BotCommandScopeChat(settings.editors_chat_id)
        )
    except TelegramError as exc:
        # An admin who never opened a chat with the bot cannot get a menu yet.
        log.warning("could not set the command menus: %s", exc.message)
