"""The schema: numbered migrations, applied in order and atomically, and online backups.

Migrations only ever add a new numbered file (storage/migrations/NNNN_name.sql): data that
exists keeps its meaning."""

from __future__ import annotations

import re
import sqlite3
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

import aiosqlite

from storage.errors import SchemaTooNewError, StorageError

_MIGRATION_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")


def migrations() -> list[tuple[int, str, str]]:
    """(version, name, sql) of every bundled migration, in order."""
    found = []
    for entry in resources.files("storage.migrations").iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append((int(match.group(1)), match.group(2), entry.read_text("utf-8")))
    return sorted(found)


async def schema_version(conn: aiosqlite.Connection) -> int:
    """The newest migration applied (0 for a new database)."""
    async with conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'"
    ) as cursor:
        if await cursor.fetchone() is None:
            return 0
    async with conn.execute("SELECT COALESCE(MAX(version), 0) FROM schema_version") as cursor:
        row = await cursor.fetchone()
    return int(row[0]) if row else 0


async def refuse_newer_schema(conn: aiosqlite.Connection, path: Path) -> None:
    """Refuse a database written by a newer Field Relay, before anything is written."""
    current = await schema_version(conn)
    bundled = migrations()
    newest = bundled[-1][0] if bundled else 0
    if current > newest:
        raise SchemaTooNewError(
            f"database {path} has schema version {current}, newer than this "
            f"Field Relay knows ({newest}); upgrade Field Relay. Nothing was changed."
        )


async def migrate(conn: aiosqlite.Connection) -> None:
    """Apply every bundled migration newer than the database, each atomically."""
    await conn.execute(
        "CREATE TABLE IF NOT EXISTS schema_version ("
        " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
    )
    current = await schema_version(conn)
    pending = [m for m in migrations() if m[0] > current]
    if not pending:
        return
    # A migration may rebuild a table (SQLite's documented way to change a column:
    # new table, copy, drop, rename), which must not cascade deletes into the tables
    # that reference it: foreign keys are off while migrating (it cannot change inside
    # a transaction) and every reference is checked before each migration commits.
    await conn.execute("PRAGMA foreign_keys = OFF")
    try:
        for version, name, sql in pending:
            await _apply(conn, version, name, sql)
    finally:
        await conn.execute("PRAGMA foreign_keys = ON")


async def _apply(conn: aiosqlite.Connection, version: int, name: str, sql: str) -> None:
    applied_at = datetime.now(UTC).isoformat()
    # executescript runs the whole file; the explicit BEGIN makes it atomic.
    script = (
        f"BEGIN IMMEDIATE;\n{sql}\n"
        f"INSERT INTO schema_version (version, name, applied_at) "
        f"VALUES ({version}, '{name}', '{applied_at}');"
    )
    try:
        await conn.executescript(script)
        async with conn.execute("PRAGMA foreign_key_check") as cursor:
            broken = list(await cursor.fetchall())
        if broken:
            raise StorageError(
                f"migration {version} ({name}) would break {len(broken)} references "
                f"(first: {tuple(broken[0])}); nothing was changed"
            )
        await conn.commit()
    except (sqlite3.Error, StorageError):
        if conn.in_transaction:
            await conn.rollback()
        raise


def backup(source: Path, target: Path) -> int:
    """An online, consistent copy of the database (SQLite's backup API), safe while the bot
    runs. Refuses to overwrite an existing file. Returns the copy's schema version."""
    if not source.exists():
        raise StorageError(f"database {source} does not exist")
    if target.exists():
        raise StorageError(f"{target} already exists; choose a new file for the backup")
    with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as src:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
            row = dst.execute("SELECT COALESCE(MAX(version), 0) FROM schema_version").fetchone()
        finally:
            dst.close()
    return int(row[0])
