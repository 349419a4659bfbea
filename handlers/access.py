"""The guard that runs before every other handler (group -1): who is this, may they be here?"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from dataclasses import replace
from typing import Any

from telegram import Update
from telegram.constants import ChatType
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop

from bot import texts
from bot.i18n import guess_language, say
from bot.telegram.context import Caller, RelayContext
from bot.telegram.sender import in_chat
from handlers.common import answer_query

log = logging.getLogger(__name__)

Handler = Callable[[Update, RelayContext], Coroutine[Any, Any, None]]


async def identify_caller(update: Update, context: RelayContext) -> None:
    """Resolve the sender's role; stop updates the bot must not act on.

    Strangers in a private chat get one polite line and nothing about them is stored (an
    invite redemption `/start <code>` is let through). In the editors chat only editors
    count. Any other group or channel the bot finds itself in, it leaves.
    """
    services = context.services
    chat = update.effective_chat
    user = update.effective_user
    if update.channel_post or update.edited_channel_post or chat is None or user is None:
        raise ApplicationHandlerStop
    editors_chat = chat.id == services.settings.editors_chat_id
    if chat.type != ChatType.PRIVATE and not editors_chat:
        await _leave(context, chat.id)
        raise ApplicationHandlerStop
    person = await services.people.who(user.id)
    is_admin = user.id in services.settings.admin_ids
    at_private_desk = person is not None and person.role == "editor" and not editors_chat
    # At a private desk, an editor acts only while in the editors chat (Telegram asked).
    if at_private_desk and person is not None and not await services.membership.present(person):
        person = replace(person, away_since=person.away_since or services.clock.now())
    if person is not None and person.role == "contact":
        language = person.language or guess_language(user.language_code)
    elif person is not None or is_admin:
        language = services.settings.org_language
    else:
        language = guess_language(user.language_code)
    caller = Caller(user.id, person, is_admin, language)
    context.caller = caller
    if editors_chat:
        if caller.is_editor:
            return
        if update.callback_query:
            await refuse_non_editor(update, context)
        raise ApplicationHandlerStop
    if caller.person is not None and update.effective_message is not None:
        # Remembered so the chat can be wiped from their phone later (/wipe, auto-wipe).
        services.people.remember_message(chat.id, update.effective_message.message_id)
    if caller.is_known:
        return
    message = update.effective_message
    redeeming = message is not None and (message.text or "").startswith("/start ")
    if redeeming and services.refusals.may_try_invite(user.id):
        return
    if not services.refusals.may_answer(user.id):
        raise ApplicationHandlerStop  # answered within the hour, or a crowd: silence
    refusal = say(caller.language, texts.NOT_INVITED if not redeeming else texts.INVITE_TOO_MANY)
    if update.callback_query:
        await answer_query(update.callback_query, refusal, alert=True)
    elif message is not None and update.message is not None:
        await message.reply_text(refusal)
    raise ApplicationHandlerStop


async def _leave(context: RelayContext, chat_id: int) -> None:
    try:
        await context.bot.leave_chat(chat_id)
        log.info("left a chat the bot was added to without being asked")
    except TelegramError as exc:
        log.warning("could not leave an unexpected chat: %s", exc.message)


def for_contacts(handler: Handler, otherwise: Handler | None = None) -> Handler:
    """`handler` for contacts; `otherwise` (or nothing) for admins and editors, whom the
    guard has already let through."""

    async def routed(update: Update, context: RelayContext) -> None:
        if context.caller.is_contact:
            await handler(update, context)
        elif otherwise is not None:
            await otherwise(update, context)

    routed.__doc__ = handler.__doc__
    return routed


def for_editors(handler: Handler, otherwise: Handler | None = None) -> Handler:
    """`handler` for editors and admins, wherever they are (the editors chat or their
    private desk); for anyone else `otherwise`, by default: a press refused and audited."""

    async def guarded(update: Update, context: RelayContext) -> None:
        if context.caller.is_editor:
            await handler(update, context)
        else:
            await (otherwise or refuse_non_editor)(update, context)

    guarded.__doc__ = handler.__doc__
    return guarded


async def refuse_non_editor(update: Update, context: RelayContext) -> None:
    """Someone who is not an editor pressed a decision button (forged or forwarded, in any
    chat) or asked for an editor's command (/desk): audited, then refused."""
    query, message = update.callback_query, update.effective_message
    if update.effective_user is None or (query is None and message is None):
        return
    services = context.services
    if query is not None:
        asked = query.data or ""
    else:
        assert message is not None
        asked = ((message.text or "").split(maxsplit=1) or [""])[0]
    person = context.caller.person
    await services.people.refused(
        person.pseudonym if person is not None else "non-editor",
        # A stranger's Telegram id is never written down: only a registered person's.
        update.effective_user.id if context.caller.is_known else None,
        asked,
    )
    away = person is not None and person.role == "editor" and person.away_since is not None
    if query is not None:
        await answer_query(query, texts.EDITOR_AWAY if away else texts.ONLY_EDITORS, alert=True)
    elif message is not None:
        refusal = (
            texts.EDITOR_AWAY if away else say(context.caller.language, texts.ONLY_EDITORS_DESK)
        )
        await message.reply_text(refusal)


async def membership_changed(update: Update, context: RelayContext) -> None:
    """Someone joined or left the editors chat (Telegram's chat_member update): an editor's
    rights follow at once. Updates about any other chat are ignored."""
    change = update.chat_member
    if change is not None and change.chat.id == context.services.settings.editors_chat_id:
        member = change.new_chat_member
        present = in_chat(member)
        await context.services.membership.changed(member.user.id, present)
    raise ApplicationHandlerStop
