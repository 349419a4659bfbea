"""Contacts, in their private chat with the bot: every message becomes a report."""

from __future__ import annotations

from telegram import (
    Audio,
    CallbackQuery,
    Chat,
    Document,
    Message,
    MessageOriginChannel,
    MessageOriginChat,
    MessageOriginHiddenUser,
    PhotoSize,
    Update,
    Video,
    Voice,
)

from bot import i18n, texts
from bot.i18n import Translatable, say
from bot.intake.service import IncomingMessage
from bot.review.callbacks import CallbackData
from bot.telegram.context import RelayContext
from handlers.common import answer_query, decode_press, offer_languages, report_id_argument
from storage import Forward, NewMedia, Person
from storage.questions import NewAnswer

# Content that is never a report, with the reason given to the contact.
_REFUSED = (
    ("sticker", texts.REFUSED_STICKER),
    ("poll", texts.REFUSED_POLL),
    ("contact", texts.REFUSED_CONTACT),
    ("venue", texts.REFUSED_LOCATION),
    ("location", texts.REFUSED_LOCATION),
    ("dice", texts.REFUSED_DICE),
    ("game", texts.REFUSED_GAME),
    ("animation", texts.REFUSED_UNSUPPORTED),
    ("video_note", texts.REFUSED_UNSUPPORTED),
    ("story", texts.REFUSED_UNSUPPORTED),
)


def parse_report(message: Message) -> IncomingMessage | Translatable:
    """A message as a report, or the reason it cannot be one (checked before any download)."""
    for attribute, refusal in _REFUSED:
        if getattr(message, attribute, None):
            return refusal
    text = message.text or message.caption or ""
    media = _media(message)
    if media is not None and not isinstance(media, NewMedia):
        return media  # a refusal
    if media is None and not text.strip():
        return texts.REFUSED_EMPTY if message.text is not None else texts.REFUSED_UNSUPPORTED
    return IncomingMessage(
        chat_id=message.chat_id,
        message_id=message.message_id,
        text=text,
        media=media,
        media_group_id=message.media_group_id,
        forward=forward_of(message),
    )


def forward_of(message: Message) -> Forward | None:
    """Where a forwarded message came from, named only when it is public: a channel or a
    group with a public @username. A person is never named (hidden or not), nor a private
    channel or group."""
    origin = message.forward_origin
    if origin is None:
        return None
    if isinstance(origin, MessageOriginChannel):
        return Forward("channel", _public_name(origin.chat))
    if isinstance(origin, MessageOriginChat):
        return Forward("chat", _public_name(origin.sender_chat))
    if isinstance(origin, MessageOriginHiddenUser):
        return Forward("hidden_user")
    return Forward("user")


def _public_name(chat: Chat) -> str | None:
    if not chat.username:
        return None
    title = " ".join((chat.title or "").split())[:80]
    return f"{title} (@{chat.username})" if title else f"@{chat.username}"


def _media(message: Message) -> NewMedia | Translatable | None:
    """The message's media as stored, or a refusal; None when there is none."""
    item: PhotoSize | Document | Video | Voice | Audio
    if message.photo:
        kind, item, mime = "photo", message.photo[-1], "image/jpeg"
    elif message.document:
        # What it really is comes from its bytes, when it is cleaned (bot/intake/cleaning.py).
        kind, item, mime = "document", message.document, message.document.mime_type or ""
    elif message.video:
        kind, item, mime = "video", message.video, message.video.mime_type or ""
    elif message.voice:
        kind, item, mime = "voice", message.voice, message.voice.mime_type or ""
    elif message.audio:
        kind, item, mime = "audio", message.audio, message.audio.mime_type or ""
    else:
        return None
    size = item.file_size
    if size == 0:
        return texts.REFUSED_EMPTY_FILE
    return NewMedia(
        message_id=message.message_id,
        kind=kind,
        file_id=item.file_id,
        file_unique_id=item.file_unique_id,
        file_size=size,
        mime_type=mime or None,
        caption=message.caption or "",
    )


def too_big(message: Message, max_bytes: int) -> float | None:
    """The size in MB of an attachment over the limit, else None. Checked from file_size,
    before any download is attempted."""
    attachment = message.effective_attachment
    size = getattr(attachment, "file_size", None)
    if message.photo:
        size = message.photo[-1].file_size
    if isinstance(size, int) and size > max_bytes:
        return size / (1024 * 1024)
    return None


async def report(update: Update, context: RelayContext) -> None:
    """A contact's message: store it as a report (or refuse it, storing nothing)."""
    message = update.message
    if message is None:
        return
    services = context.services
    settings = services.settings
    language = context.caller.language
    size_mb = too_big(message, settings.max_file_bytes)
    if size_mb is not None:
        await message.reply_text(
            say(language, texts.REFUSED_TOO_BIG, size_mb=size_mb, limit_mb=settings.max_file_mb)
        )
        return
    parsed = parse_report(message)
    if not isinstance(parsed, IncomingMessage):
        await message.reply_text(say(language, parsed))
        return
    person = context.caller.person
    assert person is not None  # the contacts filter guarantees it
    if message.reply_to_message is not None and await _answered(message, parsed, person, context):
        return
    services.intake.receive(person, parsed)


async def _answered(
    message: Message, parsed: IncomingMessage, person: Person, context: RelayContext
) -> bool:
    """A reply to an editors' question is its answer, never a new report."""
    assert message.reply_to_message is not None
    questions = context.services.review.questions
    question = await questions.question_replied_to(
        person, message.chat_id, message.reply_to_message.message_id
    )
    if question is None:
        return False
    media = parsed.media
    answer = NewAnswer(
        chat_id=message.chat_id,
        message_id=message.message_id,
        text=parsed.text,
        at=context.services.clock.now(),
        kind=media.kind if media else None,
        file_id=media.file_id if media else None,
        file_unique_id=media.file_unique_id if media else None,
    )
    await message.reply_text(await questions.answered(person, question, answer))
    return True


async def edited(update: Update, context: RelayContext) -> None:
    """A contact edited a message: the pending report and its card follow."""
    message = update.edited_message
    person = context.caller.person
    if message is None or person is None:
        return
    text = message.text or message.caption or ""
    if not text.strip():
        return
    outcome = await context.services.intake.edit(person, message.chat_id, message.message_id, text)
    if outcome.report is None:
        return
    reply = texts.UPDATED if outcome.applied else texts.EDIT_TOO_LATE
    await message.reply_text(say(context.caller.language, reply, code=outcome.report.code))


async def not_a_contact(update: Update, context: RelayContext) -> None:
    """Editors and admins do not send reports through their private chat."""
    if update.effective_message is None:
        return
    hint = texts.NOT_A_CONTACT_ADMIN if context.caller.is_admin else texts.NOT_A_CONTACT_EDITOR
    await update.effective_message.reply_text(say(context.caller.language, hint))


async def _contact_press(
    update: Update, context: RelayContext
) -> tuple[CallbackQuery, Person, CallbackData] | None:
    """A contact's press on one of the bot's buttons in their chat, decoded; None when
    there is nothing to do (damaged data is answered as such)."""
    query = update.callback_query
    person = context.caller.person
    if query is None or person is None:
        return None
    data = await decode_press(query, context.caller.language)
    return (query, person, data) if data is not None else None


async def withdraw_button(update: Update, context: RelayContext) -> None:
    """The Withdraw button under an acknowledgement."""
    press = await _contact_press(update, context)
    if press is None:
        return
    query, person, data = press
    outcome = await context.services.review.withdraw(data.item_id, person)
    await answer_query(query, outcome.answer, alert=True)
    if outcome.changed and isinstance(query.message, Message):
        await context.services.sender.edit_keyboard(
            query.message.chat_id, query.message.message_id, None
        )


async def urgent_button(update: Update, context: RelayContext) -> None:
    """The Urgent button under an acknowledgement: the report jumps the editors' queue."""
    press = await _contact_press(update, context)
    if press is None:
        return
    query, person, data = press
    outcome = await context.services.review.flag_urgent(data.item_id, person)
    await answer_query(query, outcome.answer, alert=not outcome.changed)


async def withdraw_command(update: Update, context: RelayContext) -> None:
    """/withdraw R-42"""
    message = update.effective_message
    person = context.caller.person
    if message is None or person is None:
        return
    report_id = report_id_argument(context.args)
    if report_id is None:
        await message.reply_text(say(context.caller.language, texts.WITHDRAW_USAGE))
        return
    outcome = await context.services.review.withdraw(report_id, person)
    await message.reply_text(outcome.answer)
    report = outcome.report
    if outcome.changed and report is not None and report.ack_message_id is not None:
        await context.services.sender.edit_keyboard(report.chat_id, report.ack_message_id, None)


async def wipe(update: Update, context: RelayContext) -> None:
    """/wipe: delete this chat's messages, both sides, from the person's phone now."""
    message = update.effective_message
    language = context.caller.language
    if message is None or context.caller.person is None:
        if message is not None:
            await message.reply_text(say(language, texts.NOT_A_CONTACT_ADMIN))
        return
    result = await context.services.wiper.wipe(message.chat_id)
    lines = [say(language, texts.WIPED, count=result.deleted)]
    if result.too_old:
        lines.append(say(language, texts.WIPED_TOO_OLD, count=result.too_old))
    lines.append(say(language, texts.WIPED_KEPT))
    await message.get_bot().send_message(message.chat_id, " ".join(lines))


async def language_command(update: Update, context: RelayContext) -> None:
    """/language: choose the language the bot speaks to you in."""
    message = update.effective_message
    person = context.caller.person
    if message is not None and person is not None:
        await offer_languages(message, person, welcome=False)


async def language_button(update: Update, context: RelayContext) -> None:
    """One of the language buttons: from now on the bot speaks that language."""
    press = await _contact_press(update, context)
    if press is None:
        return
    query, person, data = press
    if not 0 <= data.item_id < len(i18n.LANGUAGES):
        await answer_query(query, say(context.caller.language, texts.BUTTON_NOT_UNDERSTOOD))
        return
    language = i18n.LANGUAGES[data.item_id]
    await context.services.people.set_language(person.id, language)
    chosen = say(language, texts.LANGUAGE_SET)
    await answer_query(query, chosen)
    if isinstance(query.message, Message):
        # The choice becomes the welcome in that language: it is where a contact reads,
        # in words they understand, never to share their location.
        welcome = say(language, texts.WELCOME_CONTACT, pseudonym=person.pseudonym)
        await context.services.sender.edit_text(
            query.message.chat_id, query.message.message_id, f"{welcome}\n\n{chosen}"
        )
