"""Who may touch the disk: raw updates are screened in memory before anything is stored.

Only updates from registered people (and admins), an invite being redeemed (`/start <code>`)
and membership changes of the editors chat are written to the inbox. Everything else (a
stranger's message, a revoked contact's, a random group's) is handled from memory: answered
once, never written, so none of it can reach the database, its WAL or a replica.

What is written is scrubbed first: no Telegram first name, last name or username of any
person, no name of a hidden forwarder, no phone number of a shared contact card. Handlers
never need them (people are known by pseudonym), and a failed update kept as a dead letter
is the scrubbed one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

Raw = dict[str, Any]

# Keys of a person's identity in Telegram's objects (a User, a private Chat, a shared
# contact, a hidden forwarder's name in forward_origin, the legacy forward fields).
_PERSONAL = ("first_name", "last_name", "username", "bio", "active_usernames")
_CONTACT_CARD = ("phone_number", "first_name", "last_name", "vcard", "user_id")


def scrub(value: Any) -> Any:
    """The update with every person's Telegram name, username and phone number removed
    (a User keeps an empty first_name, which python-telegram-bot needs)."""
    if isinstance(value, list):
        return [scrub(item) for item in value]
    if not isinstance(value, dict):
        return value
    clean = {key: scrub(item) for key, item in value.items()}
    if "is_bot" in clean or clean.get("type") == "private":
        for key in _PERSONAL:
            clean.pop(key, None)
        if "is_bot" in clean:
            clean["first_name"] = ""
    if "phone_number" in clean:  # a shared contact card
        for key in _CONTACT_CARD:
            clean.pop(key, None)
        clean["phone_number"], clean["first_name"] = "", ""
    if "sender_user_name" in clean:  # forwarded from a hidden account
        clean["sender_user_name"] = ""
    clean.pop("forward_sender_name", None)
    return clean


def _sender(raw: Raw) -> tuple[int | None, Raw]:
    """The sender's id and the update's message-like part (or the update itself)."""
    for key in ("message", "edited_message", "callback_query", "my_chat_member", "chat_member"):
        part = raw.get(key)
        if isinstance(part, dict):
            sender = part.get("from")
            user_id = sender.get("id") if isinstance(sender, dict) else None
            return (user_id if isinstance(user_id, int) else None), part
    return None, raw


def _chat_id(part: Raw) -> int | None:
    chat = part.get("chat") or (part.get("message") or {}).get("chat")
    chat_id = chat.get("id") if isinstance(chat, dict) else None
    return chat_id if isinstance(chat_id, int) else None


class Admission:
    """The in-memory set of Telegram ids who may touch the disk: active people and admins.

    Loaded at start, and kept current by the invite and revocation services."""

    def __init__(
        self,
        admin_ids: Iterable[int],
        editors_chat_id: int,
        may_try_invite: Callable[[int], bool] = lambda sender: True,
    ) -> None:
        self.admins = frozenset(admin_ids)
        self.editors_chat_id = editors_chat_id
        self.may_try_invite = may_try_invite
        self._people: set[int] = set()

    def load(self, telegram_ids: Iterable[int]) -> None:
        self._people = set(telegram_ids)

    def add(self, telegram_id: int) -> None:
        self._people.add(telegram_id)

    def discard(self, telegram_id: int) -> None:
        self._people.discard(telegram_id)

    def registered(self, telegram_id: int | None) -> bool:
        return telegram_id is not None and (
            telegram_id in self._people or telegram_id in self.admins
        )

    def admits(self, raw: Raw) -> bool:
        """Whether this update may be written: from a registered person, an invite being
        redeemed, or a change of who is in the editors chat."""
        sender, part = _sender(raw)
        if self.registered(sender):
            return True
        if "chat_member" in raw or "my_chat_member" in raw:
            return _chat_id(part) == self.editors_chat_id
        message = raw.get("message")
        if isinstance(message, dict) and (message.get("chat") or {}).get("type") == "private":
            text = message.get("text")
            redeeming = isinstance(text, str) and text.startswith("/start ") and len(text) < 200
            # Too many wrong codes from one sender: not even read (answered from memory).
            return redeeming and sender is not None and self.may_try_invite(sender)
        return False
