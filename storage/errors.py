"""What storage raises, and which faults pass (weather, not bugs)."""

from __future__ import annotations

import sqlite3


class StorageError(Exception):
    """The database cannot be used as it is; the message says why."""


class DatabaseUnavailable(StorageError):
    """The database cannot be written for now (locked by another process, busy, an I/O
    error, a full disk): weather, not a bug. Nothing was lost; try again later."""


# What SQLite says when the fault is outside the bot and passes.
TRANSIENT = ("locked", "busy", "disk i/o error", "full", "unable to open")


def is_transient(exc: BaseException) -> bool:
    return isinstance(exc, DatabaseUnavailable) or (
        isinstance(exc, sqlite3.OperationalError)
        and any(word in str(exc).lower() for word in TRANSIENT)
    )


class SchemaTooNewError(StorageError):
    """The database was written by a newer Field Relay; it is left untouched."""
