"""Group commit (Database.defer / defer_row): deferred writes are seen by every later read,
committed together, durable once committed, and a bad one never takes the others down."""

from __future__ import annotations

import asyncio
import json
import logging
import sqlite3
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from storage import Database, Inbox, People

_INSERT_ROWS = (
    "INSERT INTO t (a, b) SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]')"
    " FROM json_each(?)"
)


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = Database(tmp_path / "relay.db", commit_delay=60)  # only explicit commits
    await database.open()
    await database.execute("CREATE TABLE t (a INTEGER PRIMARY KEY, b TEXT NOT NULL)")
    yield database
    await database.close()


def rows_on_disk(db: Database) -> list[tuple[int, str]]:
    """What another connection (another process, after a crash) would find."""
    with sqlite3.connect(db.path) as other:
        return [tuple(row) for row in other.execute("SELECT a, b FROM t ORDER BY a")]


def insert(a: int, b: str | None) -> Callable[[sqlite3.Connection], int]:
    return lambda conn: conn.execute("INSERT INTO t (a, b) VALUES (?, ?)", (a, b)).rowcount


async def test_a_read_sees_deferred_writes_and_they_are_durable_once_it_returns(
    db: Database,
) -> None:
    results: list[int] = []
    db.defer("row 1", insert(1, "x"), results.append)
    db.defer_row("row 2", _INSERT_ROWS, [2, "y"])
    assert rows_on_disk(db) == []  # not committed yet: the commit waits for a reason
    row = await db.fetchrow("SELECT COUNT(*) FROM t")
    assert row is not None and row[0] == 2
    assert results == [1]
    assert rows_on_disk(db) == [(1, "x"), (2, "y")]


async def test_a_burst_of_deferred_writes_is_one_commit(db: Database) -> None:
    statements: list[str] = []
    await db.conn.set_trace_callback(statements.append)
    for a in range(50):
        db.defer_row("a row", _INSERT_ROWS, [a, "x"])
        db.defer("a row", insert(1000 + a, "y"))
    await db.flush()
    await db.conn.set_trace_callback(None)  # type: ignore[arg-type]  # None clears it (sqlite3)
    assert [s for s in statements if s.startswith("COMMIT")] == ["COMMIT"]
    # The fifty rows of the same statement went in as one statement.
    assert len([s for s in statements if s.startswith("INSERT INTO t (a, b) SELECT")]) == 1
    assert len(rows_on_disk(db)) == 100


async def test_a_failing_write_is_undone_alone(
    db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    called: list[str] = []
    db.defer("good 1", insert(1, "x"), lambda _: called.append("good 1"))
    db.defer("the bad one", insert(2, None), lambda _: called.append("bad"))
    db.defer_row("rows", _INSERT_ROWS, [3, "z"])
    db.defer_row("rows", _INSERT_ROWS, [4, None])  # bad too, among good rows
    db.defer_row("rows", _INSERT_ROWS, [5, "w"])
    db.defer("good 2", insert(6, "v"), lambda _: called.append("good 2"))
    with caplog.at_level(logging.ERROR, logger="storage.database"):
        await db.flush()
    assert rows_on_disk(db) == [(1, "x"), (3, "z"), (5, "w"), (6, "v")]
    assert called == ["good 1", "good 2"]
    assert "could not store the bad one" in caplog.text
    assert "could not store rows" in caplog.text


async def test_deferred_writes_commit_by_themselves_after_the_delay(tmp_path: Path) -> None:
    async with Database(tmp_path / "relay.db", commit_delay=0.05) as db:
        await db.execute("CREATE TABLE t (a INTEGER PRIMARY KEY, b TEXT NOT NULL)")
        db.defer("row", insert(1, "x"))
        for _ in range(100):
            if rows_on_disk(db):
                break
            await asyncio.sleep(0.02)
        assert rows_on_disk(db) == [(1, "x")]


async def test_closing_commits_what_is_deferred(tmp_path: Path) -> None:
    db = Database(tmp_path / "relay.db", commit_delay=60)
    await db.open()
    await db.execute("CREATE TABLE t (a INTEGER PRIMARY KEY, b TEXT NOT NULL)")
    db.defer_row("row", _INSERT_ROWS, [7, "x"])
    await db.close()
    assert rows_on_disk(db) == [(7, "x")]


async def test_the_last_update_id_only_grows(db: Database) -> None:
    inbox = Inbox(db)
    at = datetime(2026, 1, 1, tzinfo=UTC)
    await inbox.store([(10, {"update_id": 10}), (12, {"update_id": 12, "text": "é"})], at)
    await inbox.store([(11, {"update_id": 11})], at)  # a late, lower one (a webhook retry)
    assert await inbox.last_update_id() == 12
    stored = await inbox.unhandled()
    assert [update_id for update_id, _ in stored] == [10, 11, 12]
    assert json.loads(stored[2][1]) == {"update_id": 12, "text": "é"}
    inbox.handled(10)
    inbox.handled(12)
    assert [update_id for update_id, _ in await inbox.unhandled()] == [11]


async def test_a_revoked_person_is_forgotten_at_once_though_people_are_remembered(
    db: Database,
) -> None:
    await db.execute(
        "INSERT INTO people (telegram_user_id, role, pseudonym, created_at)"
        " VALUES (5, 'contact', 'K-1', '2026-01-01T00:00:00+00:00')"
    )
    people = People(db, remember_seconds=3600)
    assert await people.active_by_telegram_id(5) is not None
    await db.execute("UPDATE people SET pseudonym = 'changed by hand'")
    remembered = await people.active_by_telegram_id(5)
    assert remembered is not None and remembered.pseudonym == "K-1"  # from memory
    await people.revoke("changed by hand", datetime(2026, 1, 2, tzinfo=UTC))
    assert await people.active_by_telegram_id(5) is None
