"""Storage: the only place with SQL. One Database, numbered migrations, small repositories."""

from storage.acknowledgements import Acknowledgements
from storage.audit import AuditLog
from storage.cards import Cards
from storage.chatlog import ChatLog
from storage.conversations import ContactMessages, Prompts
from storage.database import Database
from storage.desks import CardRequests, DeskMessages, Desks
from storage.errors import DatabaseUnavailable, SchemaTooNewError, StorageError, is_transient
from storage.inbox import Inbox
from storage.incoming import Incoming
from storage.media import Media
from storage.models import (
    AuditEntry,
    CardMessage,
    ContactMessage,
    Desk,
    DeskMessage,
    Forward,
    Invite,
    MediaItem,
    NewMedia,
    NewMessage,
    OutboxRow,
    Person,
    Prompt,
    RedeemOutcome,
    Report,
    Source,
    StoredMessage,
    Story,
    Unacknowledged,
)
from storage.outbox import Outbox
from storage.people import Invites, People, PseudonymTakenError
from storage.reports import Reports
from storage.repositories import Repositories
from storage.schema import backup
from storage.state import StateStore
from storage.statuses import (
    UNPUBLISHED,
    CardState,
    Label,
    Origin,
    PostAction,
    PostState,
    PromptKind,
    ReportStatus,
    StoryPart,
)
from storage.stories import Stories
from storage.times import Transaction
from storage.written import Draft, Use, Written

__all__ = [
    "UNPUBLISHED",
    "Acknowledgements",
    "AuditEntry",
    "AuditLog",
    "CardMessage",
    "CardRequests",
    "CardState",
    "Cards",
    "ChatLog",
    "ContactMessage",
    "ContactMessages",
    "Database",
    "DatabaseUnavailable",
    "Desk",
    "DeskMessage",
    "DeskMessages",
    "Desks",
    "Draft",
    "Forward",
    "Inbox",
    "Incoming",
    "Invite",
    "Invites",
    "Label",
    "Media",
    "MediaItem",
    "NewMedia",
    "NewMessage",
    "Origin",
    "Outbox",
    "OutboxRow",
    "People",
    "Person",
    "PostAction",
    "PostState",
    "Prompt",
    "PromptKind",
    "Prompts",
    "PseudonymTakenError",
    "RedeemOutcome",
    "Report",
    "ReportStatus",
    "Reports",
    "Repositories",
    "SchemaTooNewError",
    "Source",
    "StateStore",
    "StorageError",
    "StoredMessage",
    "Stories",
    "Story",
    "StoryPart",
    "Transaction",
    "Unacknowledged",
    "Use",
    "Written",
    "backup",
    "is_transient",
]
