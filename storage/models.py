"""Plain dataclasses returned by the repositories. No Telegram types here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


@dataclass(frozen=True, slots=True)
class Person:
    id: int
    telegram_user_id: int
    role: str
    pseudonym: str
    status: str
    created_at: datetime
    revoked_at: datetime | None


@dataclass(frozen=True, slots=True)
class Invite:
    id: int
    role: str
    pseudonym: str
    created_by: int
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None


class RedeemOutcome(StrEnum):
    JOINED = "joined"
    UNKNOWN = "unknown"
    USED = "used"
    EXPIRED = "expired"
    ALREADY_MEMBER = "already_member"
    PSEUDONYM_TAKEN = "pseudonym_taken"


@dataclass(frozen=True, slots=True)
class NewMedia:
    """A media item as it arrives from a contact, before it is stored."""

    message_id: int
    kind: str
    file_id: str
    file_unique_id: str
    file_size: int | None = None
    mime_type: str | None = None
    caption: str = ""


@dataclass(frozen=True, slots=True)
class MediaItem:
    id: int
    report_id: int
    message_id: int
    kind: str
    file_id: str
    file_unique_id: str
    file_size: int | None
    mime_type: str | None
    caption: str
    clean_file_id: str | None


@dataclass(frozen=True, slots=True)
class Report:
    id: int
    contact_id: int
    pseudonym: str
    chat_id: int
    message_id: int
    media_group_id: str | None
    text: str
    forwarded: bool
    status: str
    label: str
    received_at: datetime
    updated_at: datetime
    acknowledged: bool
    card_state: str

    @property
    def code(self) -> str:
        """The reference contacts and editors use: R-42."""
        return f"R-{self.id}"


@dataclass(frozen=True, slots=True)
class CardMessage:
    report_id: int
    chat_id: int
    message_id: int
    part: str
    position: int


@dataclass(frozen=True, slots=True)
class AuditEntry:
    id: int
    at: datetime
    actor: str
    action: str
    report_id: int | None
    before: str | None
    after: str | None
    detail: str | None
