"""Commands anyone may use in a private chat: /start (with or without an invite code), /help."""

from __future__ import annotations

import logging

from telegram import CallbackQuery, Update
from telegram.error import BadRequest

from bot import texts
from bot.review.callbacks import BadCallbackData, CallbackData
from bot.telegram.context import RelayContext
from storage import RedeemOutcome

log = logging.getLogger(__name__)

_REFUSALS = {
    RedeemOutcome.UNKNOWN: texts.INVITE_UNKNOWN,
    RedeemOutcome.USED: texts.INVITE_USED,
    RedeemOutcome.EXPIRED: texts.INVITE_EXPIRED,
    RedeemOutcome.PSEUDONYM_TAKEN: texts.INVITE_PSEUDONYM_TAKEN,
}


async def start(update: Update, context: RelayContext) -> None:
    """Redeem an invite code, or greet someone already known."""
    message = update.effective_message
    if message is None or update.effective_user is None:
        return
    if context.args:
        outcome, person = await context.services.invites.redeem(
            context.args[0], update.effective_user.id
        )
        if outcome is RedeemOutcome.JOINED and person is not None:
            # The /start message carries the invite code: it goes with the next wipe.
            context.services.store.chat_log.record(
                message.chat_id, message.message_id, context.services.clock.now()
            )
            welcome = texts.WELCOME_CONTACT if person.role == "contact" else texts.WELCOME_EDITOR
            await message.reply_text(welcome.format(pseudonym=person.pseudonym))
        elif outcome is RedeemOutcome.ALREADY_MEMBER and person is not None:
            await message.reply_text(texts.INVITE_ALREADY_MEMBER.format(pseudonym=person.pseudonym))
        else:
            await message.reply_text(_REFUSALS[outcome])
        return
    await help_command(update, context)


async def help_command(update: Update, context: RelayContext) -> None:
    """Say what this person can do here."""
    message = update.effective_message
    if message is None:
        return
    caller = context.caller
    if caller.is_admin:
        await message.reply_text(texts.WELCOME_ADMIN)
    elif caller.person is not None and caller.person.role == "contact":
        await message.reply_text(texts.WELCOME_BACK_CONTACT.format(pseudonym=caller.name))
    elif caller.person is not None:
        await message.reply_text(texts.WELCOME_BACK_EDITOR.format(pseudonym=caller.name))


async def answer_query(query: CallbackQuery, text: str, *, alert: bool = False) -> None:
    """Answer a button press. A press delivered twice was already answered the first time,
    and Telegram refuses a second answer: that is not an error."""
    try:
        await query.answer(text[:200], show_alert=alert)
    except BadRequest as exc:
        if "query is too old" not in exc.message and "query id is invalid" not in exc.message:
            raise
        log.info("button press already answered or expired")


async def decode_press(query: CallbackQuery) -> CallbackData | None:
    """The press's callback data, or None after telling the presser it is not understood
    (old, damaged or forged): such a press never changes anything."""
    try:
        return CallbackData.decode(query.data)
    except BadCallbackData:
        await answer_query(query, texts.BUTTON_NOT_UNDERSTOOD, alert=True)
        return None


def report_id_argument(args: list[str] | None) -> int | None:
    """The report a command names: `R-42` or `42`; None when it names none."""
    raw = args[0].upper().removeprefix("R-") if args and len(args) == 1 else ""
    return int(raw) if raw.isdigit() and len(raw) <= 18 else None


async def unknown_command(update: Update, context: RelayContext) -> None:
    """A command this chat does not know."""
    if update.effective_message is not None:
        await update.effective_message.reply_text(texts.UNKNOWN_COMMAND)


async def button_not_understood(update: Update, context: RelayContext) -> None:
    """A button press meant for someone else (a contact's Withdraw, pressed by a non-contact)."""
    if update.callback_query is not None:
        await answer_query(update.callback_query, texts.BUTTON_NOT_UNDERSTOOD, alert=True)
