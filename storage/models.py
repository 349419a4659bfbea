"""Plain dataclasses returned by the repositories. No Telegram types here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from storage.statuses import (
    CardState,
    Label,
    Origin,
    PostAction,
    PostState,
    ReportStatus,
    StoryPart,
)


def report_code(report_id: int) -> str:
    """The reference contacts and editors use for a report: R-42."""
    return f"R-{report_id}"


@dataclass(frozen=True, slots=True)
class Person:
    id: int
    telegram_user_id: int
    role: str
    pseudonym: str
    status: str
    created_at: datetime
    revoked_at: datetime | None
    language: str | None = None  # None: never chosen (people from before languages)
    # An editor who left the editors chat, since when: no editor's rights meanwhile.
    away_since: datetime | None = None


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
class Forward:
    """Where a forwarded message came from, as editors may see it: a public channel's or
    chat's name, never a person's. kind: channel, chat, user or hidden_user."""

    kind: str
    name: str | None = None


@dataclass(frozen=True, slots=True)
class NewMessage:
    """A contact's message as it arrives, before it is stored. Never their name."""

    contact_id: int
    chat_id: int
    message_id: int
    text: str
    forwarded: bool
    media: NewMedia | None
    media_group_id: str | None
    label: str
    at: datetime
    flagged_urgent: bool = False
    # Beyond its contact's fair share: kept, collapsed (no acknowledgement, no card each).
    flooded: bool = False
    forward: Forward | None = None


@dataclass(frozen=True, slots=True)
class Unacknowledged:
    """A report its contact has not been told about yet."""

    id: int
    chat_id: int
    message_id: int
    language: str | None = None  # the contact's

    @property
    def code(self) -> str:
        return report_code(self.id)


@dataclass(frozen=True, slots=True)
class StoredMessage:
    """What storing a contact's message did."""

    report_id: int
    created: bool  # False: a duplicate delivery, nothing was stored
    collecting: bool  # an album's item: the report waits for the album to be complete


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
    # How it was cleaned: clean, unclean (needs an editor's check), refused; None: before
    # cleaning by content (photos re-encoded, other kinds checked by an editor).
    clean_state: str | None = None
    clean_note: str | None = None  # what was found and removed, or why it was not
    # Evidence: when it arrived, the SHA-256 of the file as received and of its clean copy.
    received_at: datetime | None = None
    received_sha256: str | None = None
    clean_sha256: str | None = None
    phash: str | None = None  # a cleaned photo's perceptual hash (similar reports)


@dataclass(frozen=True, slots=True)
class Report:
    """An item editors review and the bot numbers: a contact's report, or an update an
    editor wrote at the desk (`origin` desk: no contact, `written_by` the editor)."""

    id: int
    contact_id: int | None
    pseudonym: str | None  # the contact's; None for a written update
    chat_id: int
    message_id: int
    media_group_id: str | None
    text: str
    forwarded: bool
    status: ReportStatus
    label: Label
    received_at: datetime
    updated_at: datetime
    acknowledged: bool
    card_state: CardState
    due_at: datetime | None = None
    urgent: bool = False
    decided_by: str | None = None
    decided_at: datetime | None = None
    reject_reason: str | None = None
    ack_message_id: int | None = None
    media_withheld: int = 0
    # Changes not yet shown on the card (a counter, so a change during an edit is not lost).
    card_dirty: int = 0
    story_id: int | None = None
    number: int | None = None
    published_at: datetime | None = None
    confirmed_at: datetime | None = None
    corrected_at: datetime | None = None
    retracted_at: datetime | None = None
    retract_reason: str | None = None
    media_checked_by: str | None = None
    media_checked_at: datetime | None = None
    contact_language: str | None = None  # the language the bot speaks to the contact in
    flagged_urgent: bool = False  # marked urgent by the contact
    origin: Origin = Origin.CONTACT
    written_by: str | None = None
    entities: str | None = None  # the text's formatting, Telegram entities as JSON
    reminded_at: datetime | None = None
    # Counts changes of the content (text, formatting, captions); a decision names it.
    version: int = 1
    # Forwarded by its contact: from what (channel, chat, user, hidden_user), and the
    # public channel's or chat's name when it has one.
    forward_kind: str | None = None
    forwarded_from: str | None = None
    # The version an editor pressed "Publish anyway" on, despite the safety scan.
    safety_cleared_version: int | None = None
    safety_cleared_by: str | None = None

    @property
    def code(self) -> str:
        """The reference contacts and editors use: R-42."""
        return report_code(self.id)

    @property
    def reference(self) -> str:
        """How editors know it: "UPDATE #3 (R-2)" once it has a number, else "R-2"."""
        return f"UPDATE #{self.number} ({self.code})" if self.number is not None else self.code

    @property
    def written(self) -> bool:
        """Written at the desk by an editor, not sent by a contact."""
        return self.origin == Origin.DESK

    @property
    def author(self) -> str:
        """Who it is from, for editors only: the contact's pseudonym, or the writer."""
        return (self.pseudonym if not self.written else self.written_by) or "?"


@dataclass(frozen=True, slots=True)
class Source:
    """A report a written update draws on, as editors see it (never public)."""

    report_id: int
    pseudonym: str | None
    status: ReportStatus

    @property
    def code(self) -> str:
        return report_code(self.report_id)


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


@dataclass(frozen=True, slots=True)
class Prompt:
    """A question the bot asked one editor in the editors chat (answered by replying)."""

    chat_id: int
    message_id: int
    report_id: int
    kind: str
    editor_telegram_id: int
    created_at: datetime
    answered_at: datetime | None
    post_id: int | None = None  # for a post link: the outbox row it is about


@dataclass(frozen=True, slots=True)
class ContactMessage:
    id: int
    report_id: int
    chat_id: int
    text: str
    reply_to: int | None
    question_id: int | None = None  # an editor's question: sent with ForceReply


@dataclass(frozen=True, slots=True)
class Story:
    id: int
    title: str
    intro: str | None
    status: str
    last_number: int
    opened_by: str
    opened_at: datetime
    closed_at: datetime | None
    intro_entities: str | None = None
    key_numbers: tuple[int, ...] = ()  # the updates its pinned summary lists


@dataclass(frozen=True, slots=True)
class OutboxRow:
    """One send, edit or delete owed to a channel (the channel outbox)."""

    id: int
    channel: str
    report_id: int | None
    story_id: int | None
    action: PostAction
    state: PostState
    message_ids: str | None
    attempts: int
    not_before: datetime | None
    error: str | None
    created_at: datetime
    notice_message_id: int | None = None
    part: StoryPart = StoryPart.OPENING  # for a story's row: its opening post or summary


@dataclass(frozen=True, slots=True)
class DeskMessage:
    """A message owed to the editors chat: an answer, or a question to one editor."""

    id: int
    chat_id: int
    text: str
    reply_to: int | None
    edit_message_id: int | None
    prompt_kind: str | None
    report_id: int | None
    editor_telegram_id: int | None
    editor_name: str | None
    placeholder: str | None
    post_id: int | None = None
    delete_message_id: int | None = None  # set: delete this message (text says why, if not)
    answer_id: int | None = None  # a contact's answer to show (its text is made when sent)


@dataclass(frozen=True, slots=True)
class Desk:
    """Where editors review: the editors chat (no editor), or one editor's private chat."""

    chat_id: int
    editor_telegram_id: int | None
    queue_message_id: int | None
    queue_text: str | None
    queue_updated_at: datetime | None
