"""Logging that never shows the bot token."""

from __future__ import annotations

import logging


def redact(text: str, token: str) -> str:
    """The text with the token (and its secret half alone) replaced by <token>."""
    if not token:
        return text
    text = text.replace(token, "<token>")
    secret = token.partition(":")[2]
    return text.replace(secret, "<token>") if len(secret) >= 4 else text


class RedactToken(logging.Filter):
    """Replace the token wherever it appears in a record (message, arguments, traceback)."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.token:
            return True
        message = record.getMessage()
        clean = redact(message, self.token)
        if clean != message:
            record.msg, record.args = clean, None
        if record.exc_info and record.exc_info[1] is not None:
            trace = logging.Formatter().formatException(record.exc_info)
            clean_trace = redact(trace, self.token)
            if clean_trace != trace:
                # The traceback itself names the token: log it as redacted text instead.
                record.msg, record.args = f"{record.getMessage()}\n{clean_trace}", None
                record.exc_info, record.exc_text = None, None
        return True


def configure_logging(level: str, token: str) -> None:
    """Plain logs to stderr, the token redacted, noisy libraries only from WARNING."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    install_redaction(handler, token)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    quiet_noisy_loggers()


def quiet_noisy_loggers() -> None:
    """httpx/httpcore log request URLs (with the token) at INFO; aiosqlite logs every
    statement with its parameters, and python-telegram-bot every API result, at DEBUG: both
    carry raw updates, which name people. Pillow logs every EXIF tag it reads (an Artist's
    name, GPS) at DEBUG. None of that may reach a log, even at DEBUG."""
    for name in ("httpx", "httpcore", "aiosqlite", "telegram.Bot", "telegram.ext.ExtBot"):
        logging.getLogger(name).setLevel(logging.WARNING)
    logging.getLogger("PIL").setLevel(logging.INFO)


def install_redaction(handler: logging.Handler, token: str) -> None:
    handler.addFilter(RedactToken(token))
