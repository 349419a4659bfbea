"""Storage: the only place with SQL. One Database, numbered migrations, small repositories."""

from storage.audit import AuditLog
from storage.chatlog import ChatLog
from storage.database import Database, SchemaTooNewError, StorageError, backup
from storage.editorial import ContactMessages, Prompts
from storage.inbox import Inbox, StateStore
from storage.models import (
    AuditEntry,
    CardMessage,
    ContactMessage,
    Invite,
    MediaItem,
    NewMedia,
    NewMessage,
    Person,
    Post,
    Prompt,
    RedeemOutcome,
    Report,
    StoredMessage,
    Story,
    Unacknowledged,
)
from storage.outbox import Posts, Stories
from storage.people import Invites, People, PseudonymTakenError
from storage.reports import Reports
from storage.rows import UNPUBLISHED, Transaction

__all__ = [
    "UNPUBLISHED",
    "AuditEntry",
    "AuditLog",
    "CardMessage",
    "ChatLog",
    "ContactMessage",
    "ContactMessages",
    "Database",
    "Inbox",
    "Invite",
    "Invites",
    "MediaItem",
    "NewMedia",
    "NewMessage",
    "People",
    "Person",
    "Post",
    "Posts",
    "Prompt",
    "Prompts",
    "PseudonymTakenError",
    "RedeemOutcome",
    "Report",
    "Reports",
    "SchemaTooNewError",
    "StateStore",
    "StorageError",
    "StoredMessage",
    "Stories",
    "Story",
    "Transaction",
    "Unacknowledged",
    "backup",
]
