"""One SQLite connection with a single writer, explicit transactions and migrations.

Statements go through aiosqlite: `fetch`, `fetchrow`, `fetchval` and `execute` (the mautrix
`async_db` API), and `transaction()` as the unit of work (`unit(conn)` joins the caller's).
Work that must run many statements in one trip (`run`, and the group commit of deferred
writes) runs on the same connection in a thread of our own: the connection is made by our
connector, so we hold it without reaching into aiosqlite, and the database's one lock keeps
the two threads from ever using it at once."""

from __future__ import annotations

import asyncio
import json
import logging
import sqlite3
from collections.abc import AsyncIterator, Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import aiosqlite

from storage.errors import DatabaseUnavailable, StorageError, is_transient
from storage.schema import migrate, refuse_newer_schema, schema_version

log = logging.getLogger(__name__)

T = TypeVar("T")
# Work done on the plain sqlite3 connection in one trip to the database's own thread.
Work = Callable[[sqlite3.Connection], T]


# Work on many deferred items at once: one result per item, in order.
ManyWork = Callable[[sqlite3.Connection, list[Any]], list[Any]]


@dataclass(slots=True)
class _Batch:
    """Deferred items written by one piece of work, and what to call with each result."""

    what: str
    work: ManyWork
    items: list[Any]
    thens: list[Callable[[Any], None] | None]

    def one_by_one(self) -> list[_Batch]:
        return [
            _Batch(self.what, self.work, [item], [then])
            for item, then in zip(self.items, self.thens, strict=True)
        ]


@dataclass(frozen=True, slots=True)
class _Failed:
    error: Exception


class Database:
    """The bot's SQLite database.

    One connection; every statement runs under one lock, so a transaction is never
    interleaved with another coroutine's statements. Writes use BEGIN IMMEDIATE.

    Hot writes can be deferred (`defer`, `defer_many`, `defer_row`): they are committed
    together, in one transaction and one trip to the database's thread, before anything else
    touches the database, when someone calls `flush` (the polling loop, after each batch of
    updates), or `commit_delay` seconds after the first of them, whichever comes first.
    Every read therefore sees them; a crash can lose only what was deferred since the last
    commit, and each deferred write says why that is safe.
    """

    def __init__(
        self, path: Path | str, *, commit_delay: float = 0.0, busy_timeout: float = 5.0
    ) -> None:
        self.path = Path(path)
        self.commit_delay = commit_delay
        # How long a write waits for another process's lock before it is DatabaseUnavailable.
        self.busy_timeout = busy_timeout
        self._conn: aiosqlite.Connection | None = None
        # The same connection, unwrapped, and the thread that runs work in one trip on it.
        self._raw: sqlite3.Connection | None = None
        self._worker: ThreadPoolExecutor | None = None
        self._lock = asyncio.Lock()
        self._owner: asyncio.Task[object] | None = None
        self._deferred: list[_Batch] = []
        self._batches: dict[ManyWork, _Batch] = {}  # the batches of defer_many, by work
        self._row_statements: dict[str, ManyWork] = {}
        self._flushing: asyncio.Task[None] | None = None

    async def open(self) -> None:
        """Open (creating if needed), set the pragmas and apply pending migrations."""
        if self.path.exists() and not _writable(self.path):
            raise StorageError(f"database {self.path} is read-only; nothing was changed")

        def connector() -> sqlite3.Connection:
            # Used from two threads (aiosqlite's and ours), never at once: see _exclusive.
            raw = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            self._raw = raw
            return raw

        try:
            conn = await aiosqlite.Connection(connector, iter_chunk_size=64)
        except sqlite3.Error as exc:
            raise StorageError(f"cannot open database {self.path}: {exc}") from exc
        conn.row_factory = aiosqlite.Row
        self._conn = conn
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="database")
        try:
            await conn.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout * 1000)}")
            # Refuse a newer schema before anything (even the journal mode) is written.
            await refuse_newer_schema(conn, self.path)
            await conn.execute("PRAGMA journal_mode = WAL")
            await conn.execute("PRAGMA synchronous = FULL")
            await conn.execute("PRAGMA foreign_keys = ON")
            # 16 MB of page cache (the default is 2 MB): a long crisis's indexes stay in memory.
            await conn.execute("PRAGMA cache_size = -16000")
            # Deleted rows (a stranger's handled update) are overwritten, not left in free pages.
            await conn.execute("PRAGMA secure_delete = ON")
            await migrate(conn)
        except sqlite3.DatabaseError as exc:
            await self.close()
            raise StorageError(f"cannot use database {self.path}: {exc}") from exc
        except StorageError:
            await self.close()
            raise

    async def close(self) -> None:
        if self._conn is not None:
            await self.flush()
            if self._flushing is not None:
                self._flushing.cancel()  # its work is done
            conn, self._conn, self._raw = self._conn, None, None
            await conn.close()
        if self._worker is not None:
            self._worker.shutdown(wait=True)
            self._worker = None

    async def __aenter__(self) -> Database:
        await self.open()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @property
    def conn(self) -> aiosqlite.Connection:
        if self._conn is None:
            raise StorageError("database is not open")
        return self._conn

    async def schema_version(self) -> int:
        async with self.read() as conn:
            return await schema_version(conn)

    @asynccontextmanager
    async def _exclusive(self) -> AsyncIterator[aiosqlite.Connection]:
        # The lock is not re-entrant: a task that already holds it would wait for itself
        # forever. Say so at once instead (the fix is to pass the open transaction along).
        task = asyncio.current_task()
        if self._owner is not None and self._owner is task:
            raise StorageError("database used again inside its own transaction; pass conn=")
        async with self._lock:
            self._owner = task
            try:
                if self._deferred:
                    await self._commit_deferred()
                yield self.conn
            finally:
                self._owner = None

    def defer(self, what: str, work: Work[T], then: Callable[[T], None] | None = None) -> None:
        """Queue `work` (run later in the database's thread, inside a transaction shared with
        the other deferred writes) and call `then` with its result once it is committed.

        For writes on the hot path whose loss in a crash is repaired by a replay (the update
        stays in the inbox until its deletion is committed after its effects) or costs only a
        repeat (an acknowledgement sent twice). A failing `work` is rolled back alone, logged
        with `what`, and its `then` is not called; the others still commit."""
        self._deferred.append(_Batch(what, lambda conn, _: [work(conn)], [None], [then]))
        self._flush_later()

    def defer_many(
        self,
        what: str,
        work: ManyWork,
        item: Any,
        then: Callable[[Any], None] | None = None,
    ) -> None:
        """Like `defer`, for many items written by the same `work` in one go: it gets every
        item queued for it and returns one result per item. The items are written together,
        where the first of them stands among the deferred writes: use it only for writes
        that no later deferred write of another kind depends on. If the batch fails, each
        item is tried alone, so that only the bad one is lost."""
        batch = self._batches.get(work)
        if batch is None:
            batch = self._batches[work] = _Batch(what, work, [], [])
            self._deferred.append(batch)
        batch.items.append(item)
        batch.thens.append(then)
        self._flush_later()

    def defer_row(self, what: str, statement: str, row: Any) -> None:
        """`defer_many` for one statement that takes a single parameter: the JSON array of
        all the rows queued for it (read with json_each), so a burst is one step."""
        work = self._row_statements.get(statement)
        if work is None:

            def work(conn: sqlite3.Connection, rows: list[Any]) -> list[Any]:
                conn.execute(statement, (json.dumps(rows),))
                return [None] * len(rows)

            self._row_statements[statement] = work
        self.defer_many(what, work, row)

    def _flush_later(self) -> None:
        if self._flushing is None or self._flushing.done():
            self._flushing = asyncio.get_running_loop().create_task(self._flush_soon())

    async def _flush_soon(self) -> None:
        delay = self.commit_delay
        while True:
            await asyncio.sleep(delay)
            try:
                await self.flush()
                return
            except DatabaseUnavailable:
                # Kept, not dropped: the next flush (this one, or any write) tries again.
                delay = min(max(delay * 2, 0.5), 10.0)

    async def flush(self) -> None:
        """Commit the deferred writes now."""
        if self._deferred and self._conn is not None:
            async with self._exclusive():
                pass  # _exclusive commits them first

    async def checkpoint(self) -> None:
        """Copy the WAL into the database file and empty it. With secure_delete on, the
        pages of deleted rows are zeroed in the file; emptying the WAL takes their old
        copies off the disk too (after a wipe, a revocation)."""
        await self.flush()
        async with self.read() as conn:
            await conn.execute_fetchall("PRAGMA wal_checkpoint(TRUNCATE)")

    async def run(self, work: Work[T]) -> T:
        """`work` as one transaction (BEGIN IMMEDIATE ... COMMIT) in one trip to the thread."""
        async with self._exclusive():
            return await self._in_thread(lambda conn: _in_transaction(conn, work))

    async def _in_thread(self, work: Work[T]) -> T:
        """`work` on the plain connection, in one trip to the database's own thread.

        aiosqlite has no public way to run several statements in one trip (each call is one
        trip to its thread, and each trip hands the GIL back and forth with a busy event
        loop), so this runs on the connection our connector made, in our own thread. Only
        inside _exclusive: the lock keeps aiosqlite's thread off the connection meanwhile."""
        if self._raw is None or self._worker is None or self._conn is None:
            raise StorageError("database is not open")
        raw = self._raw
        return await asyncio.get_running_loop().run_in_executor(self._worker, work, raw)

    async def _commit_deferred(self) -> None:
        deferred, self._deferred, self._batches = self._deferred, [], {}
        try:
            outcomes = await self._in_thread(lambda conn: _apply_all(conn, deferred))
        except sqlite3.Error as exc:
            count = sum(len(batch.items) for batch in deferred)
            if is_transient(exc):
                # Put back, ahead of anything deferred since: retried, never dropped.
                self._deferred = deferred + self._deferred
                for batch in deferred:
                    if batch.work not in self._batches:
                        self._batches[batch.work] = batch
                log.warning("%d deferred write(s) wait for the database: %s", count, exc)
                raise DatabaseUnavailable(str(exc)) from exc
            # The updates they came from stay in the inbox: handled again on the next start.
            log.error("%d deferred write(s) could not be committed: %s", count, exc)
            return
        for batch, results in zip(deferred, outcomes, strict=True):
            for then, result in zip(batch.thens, results, strict=True):
                if isinstance(result, _Failed):
                    log.error("could not store %s: %s", batch.what, result.error)
                elif then is not None:
                    try:
                        then(result)
                    except Exception:
                        log.exception("after storing %s", batch.what)

    @asynccontextmanager
    async def read(self) -> AsyncIterator[aiosqlite.Connection]:
        """The connection, for reads, while no transaction of another task is open."""
        async with self._exclusive() as conn:
            yield conn

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """BEGIN IMMEDIATE ... COMMIT, rolled back on any exception."""
        async with self._exclusive() as conn:
            await conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                await conn.rollback()
                raise
            else:
                await conn.commit()

    @asynccontextmanager
    async def unit(
        self, conn: aiosqlite.Connection | None = None
    ) -> AsyncIterator[aiosqlite.Connection]:
        """Join the caller's open transaction `conn`, or run in a transaction of its own.

        Lets a service make several repository writes atomic (a decision, its audit entry
        and the message to the contact) while each repository stays usable on its own."""
        if conn is not None:
            yield conn
        else:
            async with self.transaction() as own:
                yield own

    # The read API is mautrix-python's async_db one: fetch (every row), fetchrow (the first
    # or None), fetchval (the first column of the first row, or None). execute_fetchall
    # runs the statement and fetches in one trip to aiosqlite's thread, where execute +
    # fetch + close would take three.
    async def fetch(self, sql: str, params: Iterable[Any] = ()) -> list[aiosqlite.Row]:
        async with self.read() as conn:
            return list(await conn.execute_fetchall(sql, tuple(params)))

    async def fetchrow(self, sql: str, params: Iterable[Any] = ()) -> aiosqlite.Row | None:
        return next(iter(await self.fetch(sql, params)), None)

    async def fetchval(self, sql: str, params: Iterable[Any] = ()) -> Any:
        row = await self.fetchrow(sql, params)
        return row[0] if row is not None else None

    async def execute(self, sql: str, params: Iterable[Any] = ()) -> int:
        """One write statement, atomic on its own (SQLite's autocommit takes the write lock
        for the statement and commits it durably); returns the number of rows changed."""
        async with self._exclusive() as conn, conn.execute(sql, tuple(params)) as cursor:
            return cursor.rowcount


def _in_transaction(conn: sqlite3.Connection, work: Work[T]) -> T:
    conn.execute("BEGIN IMMEDIATE")
    try:
        result = work(conn)
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
    return result


def _apply_all(conn: sqlite3.Connection, deferred: list[_Batch]) -> list[list[Any]]:
    """Every deferred write in one transaction; returns each item's result, or _Failed.

    Few statements, on purpose: each one hands the GIL back and forth between aiosqlite's
    thread and a busy event loop, which costs both far more than the statement itself. So
    the writes run plainly, and only if one fails is the transaction rolled back and run
    again with each item in a savepoint of its own, so that the bad one is undone alone."""
    try:
        return _in_transaction(
            conn, lambda conn: [batch.work(conn, batch.items) for batch in deferred]
        )
    except Exception as exc:
        if is_transient(exc):
            raise  # the database, not a write, is at fault: keep them all for later
        log.warning("a deferred write failed (%s); writing them one by one to find it", exc)
    return _in_transaction(
        conn,
        lambda conn: [[_isolated(conn, one) for one in batch.one_by_one()] for batch in deferred],
    )


def _isolated(conn: sqlite3.Connection, one: _Batch) -> Any:
    conn.execute("SAVEPOINT deferred")
    try:
        [result] = one.work(conn, one.items)
    except Exception as exc:  # one bad write must not undo the others
        conn.execute("ROLLBACK TO deferred")
        if is_transient(exc):
            raise  # a full disk is no bad write: keep them all for later
        result = _Failed(exc)
    conn.execute("RELEASE deferred")
    return result


def _writable(path: Path) -> bool:
    """Writable, and not marked read-only by its owner (which root would otherwise ignore)."""
    if not path.stat().st_mode & 0o222:
        return False
    try:
        with path.open("r+b"):
            return True
    except OSError:
        return False
