"""Commands anyone may use in a private chat: /start (with or without an invite code), /help."""

from __future__ import annotations

import logging

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest

from bot import i18n, texts
from bot.formatting import split_text
from bot.i18n import say
from bot.review.callbacks import Action, BadCallbackData, CallbackData
from bot.rich import Rich, entities_from
from bot.telegram.context import RelayContext
from storage import Person, RedeemOutcome

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
    caller = context.caller
    if not context.args:
        await help_command(update, context)
        return
    services = context.services
    # A new contact is first spoken to in their app's language (the guard's guess), and
    # offered the choice at once; editors keep the organisation's language.
    outcome, person = await services.invites.redeem(
        context.args[0], update.effective_user.id, caller.language
    )
    if outcome is RedeemOutcome.JOINED and person is not None:
        # The /start message carries the invite code: it goes with the next wipe.
        services.people.remember_message(message.chat_id, message.message_id)
        if person.role == "contact":
            await offer_languages(message, person, welcome=True)
        else:
            language = services.settings.org_language
            await message.reply_text(
                say(language, texts.WELCOME_EDITOR, pseudonym=person.pseudonym)
            )
    elif outcome is RedeemOutcome.ALREADY_MEMBER and person is not None:
        await message.reply_text(
            say(caller.language, texts.INVITE_ALREADY_MEMBER, pseudonym=person.pseudonym)
        )
    else:
        await message.reply_text(say(caller.language, _REFUSALS[outcome]))


async def help_command(update: Update, context: RelayContext) -> None:
    """Say what this person can do here."""
    message = update.effective_message
    if message is None:
        return
    caller = context.caller
    if caller.is_admin:
        await message.reply_text(say(caller.language, texts.WELCOME_ADMIN))
    elif caller.is_contact:
        await message.reply_text(
            say(caller.language, texts.WELCOME_BACK_CONTACT, pseudonym=caller.name)
        )
    elif caller.person is not None:
        await message.reply_text(
            say(caller.language, texts.WELCOME_BACK_EDITOR, pseudonym=caller.name)
        )


async def offer_languages(message: Message, person: Person, *, welcome: bool) -> None:
    """The one-tap choice of the languages the bot speaks (buttons carry an index only),
    under the welcome when a contact has just joined."""
    text = say(person.language, texts.LANGUAGE_CHOOSE)
    if welcome:
        welcome_text = say(person.language, texts.WELCOME_CONTACT, pseudonym=person.pseudonym)
        text = f"{welcome_text}\n\n{text}"
    buttons = [
        InlineKeyboardButton(
            ("✓ " if code == person.language else "") + i18n.NAMES[code],
            callback_data=CallbackData(Action.LANGUAGE, index).encode(),
        )
        for index, code in enumerate(i18n.LANGUAGES)
    ]
    await message.reply_text(text, reply_markup=InlineKeyboardMarkup([buttons[:2], buttons[2:]]))


async def answer_query(query: CallbackQuery, text: str, *, alert: bool = False) -> None:
    """Answer a button press. A press delivered twice was already answered the first time,
    and Telegram refuses a second answer: that is not an error."""
    try:
        await query.answer(text[:200], show_alert=alert)
    except BadRequest as exc:
        if "query is too old" not in exc.message and "query id is invalid" not in exc.message:
            raise
        log.info("button press already answered or expired")


async def decode_press(query: CallbackQuery, language: str = "en") -> CallbackData | None:
    """The press's callback data, or None after telling the presser it is not understood
    (old, damaged or forged): such a press never changes anything."""
    try:
        return CallbackData.decode(query.data)
    except BadCallbackData:
        await answer_query(query, say(language, texts.BUTTON_NOT_UNDERSTOOD), alert=True)
        return None


def message_rich(message: Message) -> Rich:
    """A message's text (or caption) with its formatting, as the bot keeps it."""
    text = message.text if message.text is not None else (message.caption or "")
    raw = message.entities if message.text is not None else message.caption_entities
    return Rich(text, entities_from(entity.to_dict() for entity in raw))


def report_id_argument(args: list[str] | None) -> int | None:
    """The report a command names: `R-42`, `r42`, `#42` or `42`, in any script's digits and
    with or without the direction marks a right-to-left chat adds; None when it names none."""
    return i18n.report_id_in(args[0]) if args and len(args) == 1 else None


async def unknown_command(update: Update, context: RelayContext) -> None:
    """A command this chat does not know."""
    if update.effective_message is not None:
        await update.effective_message.reply_text(
            say(context.caller.language, texts.UNKNOWN_COMMAND)
        )


async def button_not_understood(update: Update, context: RelayContext) -> None:
    """A button press meant for someone else (a contact's Withdraw, pressed by a non-contact)."""
    if update.callback_query is not None:
        refusal = say(context.caller.language, texts.BUTTON_NOT_UNDERSTOOD)
        await answer_query(update.callback_query, refusal, alert=True)


async def reply(update: Update, context: RelayContext, text: str) -> None:
    """Answer a message: in the editors chat through the courier's paced lane (durable,
    in order), anywhere else at once."""
    message = update.effective_message
    if message is None:
        return
    services = context.services
    for chunk in split_text(text):
        if message.chat_id == services.settings.editors_chat_id:
            await services.requests.say(message.chat_id, chunk, reply_to=message.message_id)
        else:
            await message.reply_text(chunk, disable_web_page_preview=True)
