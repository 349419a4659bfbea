"""The error handler: log what failed, never the update's content (it may name a contact)."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import NetworkError, RetryAfter

from bot.telegram.context import RelayContext

log = logging.getLogger(__name__)


async def log_error(update: object, context: RelayContext) -> None:
    """Log the failure (its type and traceback, not the update). The durable inbox gets the
    error from its own error handler, and keeps the update as a dead letter or, for a
    transient database error, handles it again."""
    update_id = update.update_id if isinstance(update, Update) else None
    if isinstance(context.error, NetworkError | RetryAfter):
        # Telegram is unreachable or busy: the update is handled again (polling.py).
        log.warning(
            "handling update %s: Telegram refused a reply for now (%s: %s)",
            update_id,
            type(context.error).__name__,
            context.error,
        )
        return
    log.error(
        "handling update %s failed: %s",
        update_id,
        type(context.error).__name__,
        exc_info=context.error,
    )
