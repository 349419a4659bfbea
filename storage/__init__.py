"""Storage: the only place with SQL. One Database, numbered migrations, small repositories."""

from storage.database import Database, SchemaTooNewError, StorageError
from storage.models import (
    AuditEntry,
    CardMessage,
    Invite,
    MediaItem,
    NewMedia,
    Person,
    RedeemOutcome,
    Report,
)
from storage.repositories import (
    AuditLog,
    Inbox,
    Invites,
    People,
    PseudonymTakenError,
    Reports,
    StateStore,
)

__all__ = [
    "AuditEntry",
    "AuditLog",
    "CardMessage",
    "Database",
    "Inbox",
    "Invite",
    "Invites",
    "MediaItem",
    "NewMedia",
    "People",
    "Person",
    "PseudonymTakenError",
    "RedeemOutcome",
    "Report",
    "Reports",
    "SchemaTooNewError",
    "StateStore",
    "StorageError",
]
