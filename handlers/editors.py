"""Editors, in the editors chat: card buttons, answers to the bot's questions, commands.

The access guard has already checked that the sender is an editor or an admin."""

from __future__ import annotations

from telegram import Message, Update

from bot import texts
from bot.formatting import split_text
from bot.review.callbacks import Action
from bot.review.cards import message_link
from bot.review.decisions import Editor, Outcome
from bot.telegram.context import RelayContext
from handlers.common import answer_query, decode_press, report_id_argument
from storage import PromptKind

PROMPTS = {
    PromptKind.EDIT: (texts.PROMPT_EDIT, texts.PROMPT_EDIT_PLACEHOLDER),
    PromptKind.REJECT_REASON: (texts.PROMPT_REASON, texts.PROMPT_REASON_PLACEHOLDER),
    PromptKind.CORRECT: (texts.PROMPT_CORRECT, texts.PROMPT_CORRECT_PLACEHOLDER),
    PromptKind.RETRACT: (texts.PROMPT_RETRACT, texts.PROMPT_RETRACT_PLACEHOLDER),
}


def _editor(context: RelayContext) -> Editor:
    return Editor(context.caller.telegram_user_id, context.caller.name)


async def card_button(update: Update, context: RelayContext) -> None:
    """Decide on a report. The press is answered as soon as the decision is stored; the
    card is then updated by the review desk, and a question asked if one is needed."""
    query = update.callback_query
    if query is None:
        return
    data = await decode_press(query)
    if data is None:
        return
    editor = _editor(context)
    review = context.services.review
    if data.action in (Action.RESEND, Action.MARK_SENT):
        outcome = await review.resolve_delivery(
            data.item_id, editor, resend=data.action is Action.RESEND
        )
        await answer_query(query, outcome.answer, alert=not outcome.changed)
        if outcome.changed and isinstance(query.message, Message):
            notice = query.message
            await context.services.sender.edit_text(
                notice.chat_id, notice.message_id, f"{notice.text}\n\n{outcome.answer}"
            )
        return
    outcome = await review.press(data.action, data.item_id, editor)
    await answer_query(query, outcome.answer, alert=not outcome.changed and outcome.prompt is None)
    if outcome.prompt is not None and outcome.report is not None:
        await ask(context, outcome, editor)


async def ask(context: RelayContext, outcome: Outcome, editor: Editor) -> None:
    """Ask the editor who pressed for the text or reason, replying to the card."""
    assert outcome.report is not None and outcome.prompt is not None
    services = context.services
    report = outcome.report
    cards = await services.store.cards.messages(report.id)
    card_id = next((m.message_id for m in cards if m.part == "card"), None)
    template, placeholder = PROMPTS[outcome.prompt]
    message_id = await services.sender.send_prompt(
        services.settings.editors_chat_id,
        template.format(mention="{mention}", code=report.code),
        reply_to=card_id or 0,
        mention=(editor.telegram_user_id, editor.name),
        placeholder=placeholder.format(code=report.code),
    )
    await services.review.prompt_sent(
        outcome.prompt, report, editor, services.settings.editors_chat_id, message_id
    )


async def prompt_reply(update: Update, context: RelayContext) -> None:
    """A reply in the editors chat: if it answers one of the bot's questions, apply it."""
    message = update.effective_message
    if message is None or message.reply_to_message is None:
        return
    services = context.services
    prompt = await services.store.prompts.get(message.chat_id, message.reply_to_message.message_id)
    if prompt is None:
        return
    outcome = await services.review.reply_to_prompt(
        prompt, _editor(context), message.text or message.caption or ""
    )
    if outcome is not None:
        await message.reply_text(outcome.answer)


async def queue(update: Update, context: RelayContext) -> None:
    """/queue: reports still to decide or to publish, oldest first, with links to cards."""
    message = update.effective_message
    if message is None:
        return
    services = context.services
    waiting = await services.store.reports.in_queue()
    lines = []
    if await services.review.paused():
        lines.append(texts.QUEUE_PAUSED)
    cards_waiting = await services.store.cards.count_queued()
    if cards_waiting:
        lines.append(texts.QUEUE_CARDS_WAITING.format(count=cards_waiting))
    if not waiting:
        lines.append(texts.QUEUE_EMPTY)
    else:
        lines.append(texts.QUEUE_HEADER.format(count=len(waiting)))
        for report in waiting:
            cards = await services.store.cards.messages(report.id)
            card = next((m for m in cards if m.part == "card"), None)
            link = f" {message_link(str(card.chat_id), card.message_id)}" if card else ""
            state = texts.STATUS_URGENT if report.urgent else report.status
            preview = " ".join(report.text.split())[:60] or texts.CARD_NO_TEXT
            lines.append(f"• {report.code} · {state} · {report.pseudonym} — {preview}{link}")
    for chunk in split_text("\n".join(lines)):
        await message.reply_text(chunk, disable_web_page_preview=True)


async def history(update: Update, context: RelayContext) -> None:
    """/history R-42: every decision, label, edit and refusal, oldest first."""
    message = update.effective_message
    if message is None:
        return
    report_id = report_id_argument(context.args)
    if report_id is None:
        await message.reply_text(texts.HISTORY_USAGE)
        return
    services = context.services
    report = await services.store.reports.get(report_id)
    if report is None:
        await message.reply_text(texts.HISTORY_UNKNOWN.format(code=f"R-{report_id}"))
        return
    lines = [texts.HISTORY_HEADER.format(code=report.code, status=report.status)]
    for entry in await services.store.audit.for_report(report.id):
        line = f"• {services.review.when(entry.at)} — {entry.actor}: {entry.action}"
        if entry.before is not None or entry.after is not None:
            line += f"\n    before: {_short(entry.before)}\n    after: {_short(entry.after)}"
        if entry.detail:
            line += f"\n    ({entry.detail})"
        lines.append(line)
    for chunk in split_text("\n".join(lines)):
        await message.reply_text(chunk)


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
        await message.reply_text(texts.ALREADY_PAUSED if paused else texts.ALREADY_RESUMED)
        return
    template = texts.PAUSED if paused else texts.RESUMED
    await message.reply_text(
        template.format(who=context.caller.name, when=services.review.when(services.clock.now()))
    )


def _short(value: str | None, limit: int = 300) -> str:
    if value is None:
        return "—"
    flat = " ".join(value.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


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
        reply = (
            texts.STORY_CURRENT.format(
                title=current.title, count=current.last_number, when=review.when(current.opened_at)
            )
            if current is not None
            else texts.STORY_NONE
        )
    elif command == "close" and len(args) == 1:
        closed = await stories.close(context.caller.name)
        reply = (
            texts.STORY_CLOSED.format(title=closed.title, count=closed.last_number)
            if closed
            else texts.STORY_NONE
        )
    else:
        rest = (message.text or "").split(maxsplit=2)[2:] if command == "new" else []
        title, _, intro = (rest[0] if rest else "").partition("|")
        if command != "new" or not title.strip():
            reply = texts.STORY_USAGE
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
            reply = "\n".join(lines)
    await message.reply_text(reply)
