"""Editors, in the editors chat: the buttons of review cards."""

from __future__ import annotations

from telegram import Update

from bot import texts
from bot.callbacks import BadCallbackData, CallbackData
from bot.context import RelayContext


async def card_button(update: Update, context: RelayContext) -> None:
    """Answer every press at once; a press the bot did not make changes nothing."""
    query = update.callback_query
    if query is None:
        return
    try:
        data = CallbackData.decode(query.data)
    except BadCallbackData:
        await query.answer(texts.BUTTON_NOT_UNDERSTOOD, show_alert=True)
        return
    report = await context.services.reports.get(data.report_id)
    if report is None:
        await query.answer(texts.BUTTON_UNKNOWN_REPORT, show_alert=True)
        return
    # Decisions (approve, publish now, label, edit, reject) are the editorial issue's work.
    await query.answer(texts.BUTTONS_NOT_YET, show_alert=True)
