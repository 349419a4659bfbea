"""The states a row can be in, shared by storage and the services.

They are `StrEnum`s: stored as the same text as before, equal to it, and spelled once."""

from __future__ import annotations

from enum import StrEnum


class ReportStatus(StrEnum):
    COLLECTING = "collecting"  # an album still arriving
    PENDING = "pending"
    APPROVED = "approved"
    PUBLISHED = "published"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    USED = "used"  # a source of a published written update, not published itself


# Statuses in which a report has not gone out and may still be decided on.
UNPUBLISHED = (ReportStatus.PENDING, ReportStatus.APPROVED)


class Origin(StrEnum):
    CONTACT = "contact"  # sent by a contact
    DESK = "desk"  # written by an editor


class StoryPart(StrEnum):
    """Which of a story's own posts an outbox row is about."""

    OPENING = "opening"
    SUMMARY = "summary"


class Label(StrEnum):
    UNCONFIRMED = "unconfirmed"
    CONFIRMED = "confirmed"


class CardState(StrEnum):
    WAITING = "waiting"  # its album is still arriving
    QUEUED = "queued"
    POSTED = "posted"
    FAILED = "failed"


class PostAction(StrEnum):
    SEND = "send"
    EDIT = "edit"
    DELETE = "delete"


class PostState(StrEnum):
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    IN_DOUBT = "in_doubt"
    FAILED = "failed"


class PromptKind(StrEnum):
    """A question the bot asked an editor, answered by replying to it."""

    EDIT = "edit"
    REJECT_REASON = "reject_reason"
    CORRECT = "correct"
    RETRACT = "retract"
    POST_LINK = "post_link"  # where a post marked as sent sits in its channel
    ASK = "ask"  # the question to send a report's contact
    CONFIRM_TEXT = "confirm_text"  # the new text of a published update, confirmed with it
