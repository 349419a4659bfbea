"""Callback data of inline buttons: `v1:<action>:<id>`, at most 64 bytes.

The id is a report's, except for the buttons on a delivery-in-doubt notice (a post's) and
the language choice (an index). Never text: no direction mark can end up in callback data."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

VERSION = "v1"
MAX_BYTES = 64  # Telegram's limit; python-telegram-bot does not check it


class Action(StrEnum):
    APPROVE = "approve"
    PUBLISH_NOW = "now"
    CONFIRM = "confirm"
    UNCONFIRM = "unconfirm"
    EDIT = "edit"
    REJECT = "reject"
    UNDO = "undo"
    MEDIA_CHECKED = "checked"
    # On a queue message: send the report's full card into this chat.
    OPEN = "open"
    # On a published report's card.
    CORRECT = "correct"
    RETRACT = "retract"
    # On a contact's acknowledgement, in their private chat.
    WITHDRAW = "withdraw"
    FLAG_URGENT = "urgent"
    # The choice of language in a contact's private chat: the id is an index of LANGUAGES.
    LANGUAGE = "lang"
    # On a "delivery in doubt" notice: the id is the post's.
    RESEND = "resend"
    MARK_SENT = "marksent"


class BadCallbackData(ValueError):
    """Callback data this version of the bot did not make."""


@dataclass(frozen=True, slots=True)
class CallbackData:
    action: Action
    item_id: int

    def encode(self) -> str:
        data = f"{VERSION}:{self.action.value}:{self.item_id}"
        if len(data.encode()) > MAX_BYTES:
            raise BadCallbackData(f"callback data over {MAX_BYTES} bytes: {data!r}")
        return data

    @classmethod
    def decode(cls, data: str | None) -> CallbackData:
        if not data or len(data.encode()) > MAX_BYTES:
            raise BadCallbackData("empty or oversized callback data")
        parts = data.split(":")
        if len(parts) != 3 or parts[0] != VERSION:
            raise BadCallbackData(f"unknown callback data version in {data[:16]!r}")
        try:
            action = Action(parts[1])
        except ValueError:
            raise BadCallbackData(f"unknown action {parts[1][:16]!r}") from None
        if not parts[2].isdigit() or len(parts[2]) > 18:
            raise BadCallbackData("malformed report id")
        return cls(action, int(parts[2]))
