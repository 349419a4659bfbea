"""Callback data of inline buttons: `v1:<action>:<id>`, or `v2:<action>:<id>:<version>` for a
decision on a report's content, at most 64 bytes.

The id is a report's, except for the buttons on a delivery-in-doubt notice (a post's) and
the language choice (an index). The version is the report's as the card or queue message
showed it: a press on a card whose report has changed since is refused (an editor approves
what they saw). Buttons made before versions existed (`v1`) stand for version 1. Never text:
no direction mark can end up in callback data."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

VERSION = "v1"
VERSIONED = "v2"
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
    # Verification: ask the contact; publish despite the safety scan; confirm with new text.
    ASK = "ask"
    PUBLISH_ANYWAY = "anyway"
    CONFIRM_NEW_TEXT = "confirmtext"
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


# Decisions that let a report's content go out: their buttons name the report's version, and
# a press made on an older one is refused.
RELEASING = frozenset(
    {Action.APPROVE, Action.PUBLISH_NOW, Action.MEDIA_CHECKED, Action.PUBLISH_ANYWAY}
)


class BadCallbackData(ValueError):
    """Callback data this version of the bot did not make."""


@dataclass(frozen=True, slots=True)
class CallbackData:
    action: Action
    item_id: int
    # The version of the report the button was made for (None: not about its content).
    version: int | None = None

    def encode(self) -> str:
        if self.version is None:
            data = f"{VERSION}:{self.action.value}:{self.item_id}"
        else:
            data = f"{VERSIONED}:{self.action.value}:{self.item_id}:{self.version}"
        if len(data.encode()) > MAX_BYTES:
            raise BadCallbackData(f"callback data over {MAX_BYTES} bytes: {data!r}")
        return data

    @classmethod
    def decode(cls, data: str | None) -> CallbackData:
        if not data or len(data.encode()) > MAX_BYTES:
            raise BadCallbackData("empty or oversized callback data")
        parts = data.split(":")
        versioned = len(parts) == 4 and parts[0] == VERSIONED
        if not versioned and (len(parts) != 3 or parts[0] != VERSION):
            raise BadCallbackData(f"unknown callback data version in {data[:16]!r}")
        try:
            action = Action(parts[1])
        except ValueError:
            raise BadCallbackData(f"unknown action {parts[1][:16]!r}") from None
        if not _digits(parts[2]) or len(parts[2]) > 18:
            raise BadCallbackData("malformed report id")
        if not versioned:
            return cls(action, int(parts[2]))
        if not _digits(parts[3]) or len(parts[3]) > 9:
            raise BadCallbackData("malformed version")
        return cls(action, int(parts[2]), int(parts[3]))

    @classmethod
    def for_report(cls, action: Action, report_id: int, version: int) -> CallbackData:
        """A button about a report: releasing decisions name the version it shows."""
        return cls(action, report_id, version if action in RELEASING else None)

    @property
    def shown_version(self) -> int:
        """The report's version the press was made on (buttons without one: version 1)."""
        return 1 if self.version is None else self.version


def _digits(text: str) -> bool:
    """ASCII digits only: str.isdigit also takes "²", which int() refuses."""
    return text.isascii() and text.isdigit()
