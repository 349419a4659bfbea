"""The error handler: log what failed, never the update's content (it may name a contact)."""

from __future__ import annotations

import logging

from telegram import Update

from bot.telegram.context import RelayContext

log = logging.getLogger(__name__)


async def log_error(update: object, context: RelayContext) -> None:
    update_id = update.update_id if isinstance(update, Update) else None
    log.error(
        "handling update %s failed: %s",
        update_id,
        type(context.error).__name__,
        exc_info=context.error,
    )
