"""The queries the workers run on every turn use indexes: none scans a growing table."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path

from storage import (
    ChatLog,
    ContactMessages,
    Database,
    Inbox,
    NewMedia,
    NewMessage,
    People,
    Prompts,
    Repositories,
)

# Tables that grow with use; a full scan of one of them is a bug waiting for a busy night.
GROWING = (
    "reports",
    "report_media",
    "audit_log",
    "posts",
    "card_messages",
    "private_messages",
    "contact_messages",
    "desk_messages",
    "people",
    "invites",
    "prompts",
    "similar_reports",
    "questions",
    "answers",
)


def _message(message_id: int, media: NewMedia | None, at: datetime) -> NewMessage:
    """A single message of contact 1 in chat 7."""
    return NewMessage(
        contact_id=1,
        chat_id=7,
        message_id=message_id,
        text="t",
        forwarded=False,
        media=media,
        media_group_id=None,
        label="unconfirmed",
        at=at,
    )


async def test_hot_queries_use_indexes(tmp_path: Path) -> None:
    at = datetime(2026, 1, 1, tzinfo=UTC)
    async with Database(tmp_path / "plans.db") as db:
        async with db.transaction() as conn:
            await conn.execute(
                "INSERT INTO people (telegram_user_id, role, pseudonym, created_at)"
                " VALUES (7, 'contact', 'K-1', ?)",
                (at.isoformat(),),
            )
        store = Repositories.over(db)
        photo = NewMedia(message_id=2, kind="photo", file_id="f", file_unique_id="u")
        for message_id, media in ((1, None), (2, photo)):
            await store.incoming.add_message(_message(message_id, media, at))
        statements: list[str] = []
        await db.conn.set_trace_callback(statements.append)
        await _reads(store, db, at)
        await _verification_reads(store, at)
        await _group_commit_writes(store, db, at)
        await db.conn.set_trace_callback(None)  # type: ignore[arg-type]  # None clears it (sqlite3)
        selects = [
            s
            for s in statements
            if s.lstrip().upper().startswith(("SELECT", "INSERT", "UPDATE", "DELETE"))
        ]
        assert len(selects) >= 25
        for sql in selects:
            scans = await _scans_of_growing_tables(db, sql)
            assert not scans, f"{sql}\n -> {scans}"


async def _reads(store: Repositories, db: Database, at: datetime) -> None:
    """What the workers read on every turn, and a card, a decision or a delivery reads."""
    reports, posts, cards = store.reports, store.outbox, store.cards
    await People(db).active_by_telegram_id(7)
    await reports.by_message(7, 2)
    await store.acknowledgements.waiting(limit=1)
    await cards.to_post(limit=1)
    await cards.count_queued()
    await cards.dirty(limit=1)
    await reports.due(at)
    await reports.next_due_at()
    await reports.in_queue()
    await store.media.of_report(1)
    first = await reports.get(1)
    assert first is not None
    await store.media.of_items([first])  # a report's media, and a written update's
    await store.written.forgotten_drafts(at)
    await cards.messages(1)
    await posts.next_in("-100")
    await posts.channels_with_work()
    await posts.needing_notice()
    await posts.of_report(1)
    await posts.sent_copy(1, "-100")
    await posts.sent_story_copy(1, "opening", "-100")
    await ContactMessages(db).unsent(limit=1)
    await Prompts(db).get(-1, 1)
    await Prompts(db).open_for(1, 5, "edit")
    await ChatLog(db).chats_with_messages_before(at)
    await ChatLog(db).messages(7)
    await Inbox(db).unhandled()
    # The burst desk's reads, on every turn of its lanes.
    await reports.waiting(100)
    await reports.waiting_summary()
    await cards.urgent_to_post(limit=1)
    await store.media.kinds_of([1, 2])
    await store.desk_messages.unsent(limit=1, private=False)
    await store.desk_messages.unsent(limit=1, private=True)
    await store.desks.get(-100)
    await store.desks.private()
    await store.card_requests.next(-100)
    await store.card_requests.next(None)


async def _verification_reads(store: Repositories, at: datetime) -> None:
    """Similar reports (at start, on cards, on the queue message), questions and answers."""
    await store.similar.compared_since(at)
    await store.similar.of_reports([1, 2])
    await store.cards.similar_stale(limit=1)
    await store.questions.replied_to(7, 2)
    await store.questions.answers_of([1, 2])
    await store.questions.of_report(1)
    await store.chat_log.has(7, 1)


async def _group_commit_writes(store: Repositories, db: Database, at: datetime) -> None:
    """The group commit's writes (a burst of reports, the chat log, inbox and acknowledgement
    marks) join on JSON arrays: they must look rows up, not scan."""
    stored: list[object] = []
    photo = NewMedia(message_id=3, kind="photo", file_id="g", file_unique_id="v")
    store.incoming.add_message_later(_message(3, photo, at), stored.append)
    ChatLog(db).record(7, 3, at)
    Inbox(db).handled(1)
    store.acknowledgements.mark_later(1, 10)
    await db.flush()
    assert stored


async def _scans_of_growing_tables(db: Database, sql: str) -> list[str]:
    """The plan's full scans of tables that grow. Scanning a partial index is fine: it
    holds only the rows still to be worked on."""
    partial = {
        row[0]
        for row in await db.fetch(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND sql LIKE '% WHERE %'"
        )
    }
    details = [row[3] for row in await db.fetch(f"EXPLAIN QUERY PLAN {sql}")]
    return [
        d
        for d in details
        if d.startswith("SCAN ")
        and d.split()[1] in GROWING
        and not any(d.endswith(f"INDEX {name}") for name in partial)
    ]


async def test_hot_queries_stay_small_on_a_long_night(tmp_path: Path) -> None:
    """Counted in SQLite virtual-machine steps (deterministic, unlike time): with 5,000 old
    reports the workers' per-turn queries must not touch them. An index that matches but
    does not narrow (every posted card) is caught here, where a query plan looks fine."""
    at = datetime(2026, 1, 1, tzinfo=UTC).isoformat()
    async with Database(tmp_path / "night.db") as db:
        async with db.transaction() as conn:
            await conn.execute(
                "INSERT INTO people (telegram_user_id, role, pseudonym, created_at)"
                " VALUES (7, 'contact', 'K-1', ?)",
                (at,),
            )
            await conn.executemany(
                "INSERT INTO reports (contact_id, chat_id, message_id, text, status, received_at,"
                " updated_at, acknowledged, card_state) VALUES (1, 7, ?, 'old', 'rejected', ?,"
                " ?, 1, 'posted')",
                [(i, at, at) for i in range(1, 5001)],
            )
        store = Repositories.over(db)
        reports, posts = store.reports, store.outbox
        cards, acknowledgements = store.cards, store.acknowledgements
        steps = 0

        def count() -> int:
            nonlocal steps
            steps += 1
            return 0

        await db.conn.set_progress_handler(count, 100)
        hot: dict[str, Callable[[], Awaitable[object]]] = {
            "unacknowledged": lambda: acknowledgements.waiting(limit=1),
            "cards_to_post": lambda: cards.to_post(limit=1),
            "count_cards_queued": cards.count_queued,
            "dirty_cards": lambda: cards.dirty(limit=1),
            "due": lambda: reports.due(datetime(2026, 1, 2, tzinfo=UTC)),
            "next_due_at": reports.next_due_at,
            "needing_notice": posts.needing_notice,
            "unsent": lambda: ContactMessages(db).unsent(limit=1),
        }
        for name, call in hot.items():
            steps = 0
            await call()
            assert steps < 10, f"{name} ran {steps * 100}+ VM steps over 5,000 old reports"
        await db.conn.set_progress_handler(None, 0)  # type: ignore[arg-type]  # None clears it
