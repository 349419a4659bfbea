"""Editors, in the editors chat or their private desk: card and queue buttons, answers to
the bot's questions, commands.

The access guard has already checked that the sender is an editor or an admin. Nothing here
sends into the editors chat itself: it is paced at about one message every 3 s, and a
handler that waited for it would hold every later update. What is owed there is queued
(`reply`) and sent by the courier; presses are answered at once."""

from __future__ import annotations

from telegram import Message, Update

from bot import texts
from bot.review.callbacks import Action
from bot.review.decisions import Editor
from bot.review.writing import parse_request
from bot.rich import Rich
from bot.telegram.context import RelayContext
from handlers.common import answer_query, decode_press, message_rich, reply, report_id_argument
from handlers.contacts import not_a_contact


def _editor(context: RelayContext) -> Editor:
    return Editor(context.caller.telegram_user_id, context.caller.name)


async def card_button(update: Update, context: RelayContext) -> None:
    """Decide on a report, from its card or a queue message. The press is answered as soon
    as the decision is stored; cards and queue messages follow through the courier, and
    a question is asked there if one is needed."""
    query = update.callback_query
    if query is None:
        return
    data = await decode_press(query)
    if data is None:
        return
    editor = _editor(context)
    review, requests = context.services.review, context.services.requests
    chat_id = query.message.chat.id if query.message is not None else editor.telegram_user_id
    if data.action in (Action.RESEND, Action.MARK_SENT):
        outcome = await review.resolve_delivery(
            data.item_id, editor, resend=data.action is Action.RESEND
        )
        await answer_query(query, outcome.answer, alert=not outcome.changed)
        if outcome.changed and isinstance(query.message, Message):
            notice = query.message
            await requests.settled(
                outcome, editor, notice.chat_id, notice.message_id, notice.text or ""
            )
        return
    if data.action is Action.OPEN:
        answer = await requests.open_card(data.item_id, editor.telegram_user_id, chat_id)
        await answer_query(query, answer)
        return
    outcome = await review.press(
        data.action, data.item_id, editor, shown_version=data.shown_version
    )
    await answer_query(query, outcome.answer, alert=not outcome.changed and outcome.prompt is None)
    if outcome.prompt is not None and outcome.report is not None:
        await requests.ask(outcome, editor, chat_id)
    if isinstance(query.message, Message):
        await requests.retire_if_stale(
            query.message.chat_id, query.message.message_id, data.item_id
        )


async def prompt_reply(update: Update, context: RelayContext) -> None:
    """A reply to one of the bot's questions (in the editors chat or a private desk)."""
    message = update.effective_message
    if message is None or message.reply_to_message is None:
        return
    services = context.services
    replied_to = message.reply_to_message.message_id
    prompt = await services.requests.prompt_answered(message.chat_id, replied_to)
    if prompt is None:
        return
    outcome = await services.review.reply_to_prompt(prompt, _editor(context), message_rich(message))
    if outcome is not None:
        await reply(update, context, outcome.answer)


async def private_message(update: Update, context: RelayContext) -> None:
    """An editor or admin writes to the bot: an answer to its question, or a hint."""
    message = update.effective_message
    if message is not None and message.reply_to_message is not None:
        replied_to = message.reply_to_message.message_id
        prompt = await context.services.requests.prompt_answered(message.chat_id, replied_to)
        if prompt is not None:
            await prompt_reply(update, context)
            return
    await not_a_contact(update, context)


async def desk(update: Update, context: RelayContext) -> None:
    """/desk opens the editor's private desk (the queue, cards on demand, the same buttons);
    /desk off closes it."""
    message = update.effective_message
    if message is None:
        return
    requests = context.services.requests
    args = [arg.lower() for arg in context.args or []]
    if args == ["off"]:
        closed = await requests.close_desk(message.chat_id)
        await message.reply_text(texts.DESK_CLOSED if closed else texts.DESK_NOT_OPEN)
    elif args:
        await message.reply_text(texts.DESK_USAGE)
    else:
        opened = await requests.open_desk(message.chat_id, _editor(context))
        await message.reply_text(texts.DESK_OPENED if opened else texts.DESK_ALREADY_OPEN)


async def queue(update: Update, context: RelayContext) -> None:
    """/queue: reports still to decide or to publish, oldest first, with links to cards."""
    if update.effective_message is not None:
        await reply(update, context, await context.services.listings.queue())


async def history(update: Update, context: RelayContext) -> None:
    """/history R-42: every decision, label, edit and refusal, oldest first."""
    if update.effective_message is None:
        return
    report_id = report_id_argument(context.args)
    if report_id is None:
        await reply(update, context, texts.HISTORY_USAGE)
        return
    await reply(update, context, await context.services.listings.history(report_id))


async def ask(update: Update, context: RelayContext) -> None:
    """/ask R-42 <question>: the report's contact gets the question (never who asked), and
    their answer comes back to this chat."""
    message = update.effective_message
    if message is None:
        return
    words = (message.text or "").split(maxsplit=2)
    report_id = report_id_argument(words[1:2])
    if report_id is None or len(words) < 3:
        await reply(update, context, texts.ASK_USAGE)
        return
    outcome = await context.services.review.ask(
        report_id, _editor(context), message.chat_id, words[2]
    )
    await reply(update, context, outcome.answer)


async def pause(update: Update, context: RelayContext) -> None:
    """/pause (admins): stop all publishing at once; survives restarts."""
    await _set_paused(update, context, paused=True)


async def resume(update: Update, context: RelayContext) -> None:
    """/resume (admins): publishing goes on, due reports first."""
    await _set_paused(update, context, paused=False)


async def _set_paused(update: Update, context: RelayContext, *, paused: bool) -> None:
    message = update.effective_message
    if message is None:
        return
    services = context.services
    changed = await services.review.set_paused(paused, _editor(context))
    if not changed:
        await reply(update, context, texts.ALREADY_PAUSED if paused else texts.ALREADY_RESUMED)
        return
    template = texts.PAUSED if paused else texts.RESUMED
    when = services.review.when(services.clock.now())
    await reply(update, context, template.format(who=context.caller.name, when=when))


async def story(update: Update, context: RelayContext) -> None:
    """/story, /story new <title> | <intro>, /story close"""
    message = update.effective_message
    if message is None:
        return
    stories, review = context.services.stories, context.services.review
    args = context.args or []
    command = args[0].lower() if args else ""
    if not args:
        current = await stories.current()
        answer = (
            texts.STORY_CURRENT.format(
                title=current.title, count=current.last_number, when=review.when(current.opened_at)
            )
            if current is not None
            else texts.STORY_NONE
        )
    elif command == "close" and len(args) == 1:
        closed = await stories.close(context.caller.name)
        answer = (
            texts.STORY_CLOSED.format(title=closed.title, count=closed.last_number)
            if closed
            else texts.STORY_NONE
        )
    else:
        rest = (message.text or "").split(maxsplit=2)[2:] if command == "new" else []
        title, _, intro = (rest[0] if rest else "").partition("|")
        if command != "new" or not title.strip():
            answer = texts.STORY_USAGE
        else:
            opened = await stories.open(title, intro, context.caller.name)
            lines = []
            if opened.closed is not None:
                lines.append(
                    texts.STORY_CLOSED.format(
                        title=opened.closed.title, count=opened.closed.last_number
                    )
                )
            lines.append(texts.STORY_OPENED.format(title=opened.story.title))
            if opened.story.intro:
                lines.append(texts.STORY_INTRO_QUEUED)
            answer = "\n".join(lines)
    await reply(update, context, answer)


def _command_and_body(message: Message) -> tuple[list[str], Rich]:
    """A command's first line (its words after the command) and the formatted text on the
    lines below it."""
    rich = message_rich(message)
    first, newline, _ = rich.text.partition("\n")
    body = rich.slice(len(first) + len(newline), len(rich.text)) if newline else Rich("")
    return first.split()[1:], body


async def write(update: Update, context: RelayContext) -> None:
    """/write [R-3 R-5] [photos] [quote R-3], the update's text on the lines below: a
    draft with a card. Replying to a report's card cites that report."""
    message = update.effective_message
    if message is None:
        return
    services = context.services
    words, body = _command_and_body(message)
    replied = None
    if message.reply_to_message is not None:
        replied = await services.requests.card_replied_to(
            message.chat_id, message.reply_to_message.message_id
        )
    outcome = await services.writing.write(
        _editor(context), message.chat_id, message.message_id, body, parse_request(words, replied)
    )
    await reply(update, context, outcome.answer)


async def opening(update: Update, context: RelayContext) -> None:
    """/opening, the text on the lines below: the current story's opening post, written or
    rewritten; every channel copy follows."""
    message = update.effective_message
    if message is None:
        return
    _, body = _command_and_body(message)
    outcome = await context.services.writing.set_opening(_editor(context), body)
    await reply(update, context, outcome.answer)


async def key_updates(update: Update, context: RelayContext) -> None:
    """/key 3 5 7: the story's pinned summary lists these updates; /key off empties it."""
    if update.effective_message is None:
        return
    outcome = await context.services.writing.set_key_updates(_editor(context), context.args or [])
    await reply(update, context, outcome.answer)
