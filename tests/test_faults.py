"""Faults are weather: a database locked by another process stops nothing and loses nothing."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from pathlib import Path
from typing import Any

import pytest

from bot import texts
from bot.telegram.polling import health_file
from sandbox import Sandbox
from storage import Database, DatabaseUnavailable
from tests.conftest import ADMIN, CHANNEL, EDITORS_CHAT, World, make_settings


def hold_write_lock(path: Path, seconds: float, locked: threading.Event) -> None:
    """Another process's writer (a backup tool, an admin's sqlite3 shell) holding the
    database's write lock for `seconds`, longer than the busy timeout."""
    conn = sqlite3.connect(path, timeout=30)
    try:
        conn.execute("BEGIN EXCLUSIVE")
        locked.set()
        threading.Event().wait(seconds)
        conn.rollback()
    finally:
        conn.close()


async def test_a_database_locked_by_another_process_for_8_s_stops_nothing_and_loses_nothing(
    world: World,
) -> None:
    sandbox = world.sandbox
    contact = await world.join("contact", "Kirkuk-1")
    await world.sync()
    polls = len(sandbox.calls_of("getUpdates"))
    await sandbox.wait_for(lambda: len(sandbox.calls_of("getUpdates")) > polls + 1)  # idle
    locked = threading.Event()
    holder = threading.Thread(
        target=hold_write_lock, args=(world.relay.settings.database_path, 8.0, locked)
    )
    holder.start()
    await asyncio.to_thread(locked.wait, 10)
    sent = [sandbox.send_text(contact, f"Report {i} during the lock") for i in range(1, 11)]
    # The bot has met the lock: it says so beside the database (what fieldrelay status reads).
    refusing = health_file(world.relay.settings.database_path)
    await world.eventually(lambda: _exists(refusing), timeout=15, what="the lock met")
    polling = world.relay._polling
    assert polling is not None and not polling.done()  # it waits; it did not exit
    acknowledged = [m for m in sandbox.bot_messages(contact) if "Received" in m.get("text", "")]
    assert acknowledged == []  # nothing is confirmed that is not stored
    await asyncio.to_thread(holder.join)

    # The lock is gone: every report is stored and acknowledged, without a restart.
    for message in sent:
        await world.bot_says(contact, "Received", after=message["message_id"] - 1, timeout=30)
    texts_stored = {r.text for r in await world.services.store.reports.in_queue()}
    assert texts_stored == {f"Report {i} during the lock" for i in range(1, 11)}
    assert not polling.done()


async def test_deferred_writes_that_meet_a_lock_are_kept_and_committed_later(
    tmp_path: Path,
) -> None:
    path = tmp_path / "relay.db"
    async with Database(path, busy_timeout=0.5) as db:
        locked = threading.Event()
        holder = threading.Thread(target=hold_write_lock, args=(path, 3.0, locked))
        holder.start()
        await asyncio.to_thread(locked.wait, 10)
        db.defer_row(
            "a state row",
            "INSERT INTO state (key, value) SELECT json_extract(value, '$[0]'),"
            " json_extract(value, '$[1]') FROM json_each(?)",
            ["k", "v"],
        )
        try:
            await db.flush()
        except DatabaseUnavailable:
            pass
        else:
            raise AssertionError("the flush should have met the lock")
        await asyncio.to_thread(holder.join)
        await db.flush()
        row = await db.fetchrow("SELECT value FROM state WHERE key = 'k'")
        assert row is not None and row[0] == "v"


async def test_admins_are_told_once_when_the_database_is_down_and_once_when_it_is_back(
    sandbox: Sandbox, tmp_path: Path, start_relay: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot.cli import show_status

    settings = make_settings(sandbox, tmp_path / "relay.db", database_alert_seconds=2)
    world = World(sandbox, await start_relay(settings))
    contact = await world.join("contact", "Kirkuk-1")
    await world.sync()
    polls = len(sandbox.calls_of("getUpdates"))
    await sandbox.wait_for(lambda: len(sandbox.calls_of("getUpdates")) > polls + 1)
    locked = threading.Event()
    holder = threading.Thread(target=hold_write_lock, args=(settings.database_path, 9.0, locked))
    holder.start()
    await asyncio.to_thread(locked.wait, 10)
    sent = sandbox.send_text(contact, "A report while the database is locked")
    down = await world.bot_says(ADMIN, "refused writes", timeout=20)
    assert "Nothing is lost" in down["text"]
    assert await show_status(settings) == 0  # another process: it reads while the bot waits
    assert "Database: REFUSING WRITES since" in capsys.readouterr().out
    await asyncio.to_thread(holder.join)
    await world.bot_says(ADMIN, texts.DATABASE_BACK, timeout=20)
    assert await show_status(settings) == 0
    assert "Database: taking writes" in capsys.readouterr().out
    await world.bot_says(contact, "Received", after=sent["message_id"], timeout=20)
    notices = [m for m in sandbox.bot_messages(ADMIN) if "database" in m.get("text", "")]
    assert len(notices) == 2  # once down, once back: not once per retry


async def test_a_handler_that_raises_keeps_its_update_and_a_replay_runs_it_after_a_fix(
    sandbox: Sandbox, tmp_path: Path, start_relay: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot.cli import request_replay, show_status

    settings = make_settings(sandbox, tmp_path / "relay.db", publish_sweep_seconds=0.5)
    world = World(sandbox, await start_relay(settings))
    editor = await world.join("editor", "Desk-1")
    stories = world.services.stories
    real, broken = stories.current, [True]

    async def current() -> Any:  # a bug, until it is fixed
        if broken[0]:
            raise RuntimeError("the story table moved")
        return await real()

    stories.current = current
    first = sandbox.send_text(editor, "/story", chat_id=EDITORS_CHAT)
    second = sandbox.send_text(editor, "/story", chat_id=EDITORS_CHAT)
    other = sandbox.send_text(editor, "/queue", chat_id=EDITORS_CHAT)
    await world.bot_says(EDITORS_CHAT, "", after=other["message_id"])  # the rest go on
    told = await world.bot_says(ADMIN, "could not be handled")
    assert "RuntimeError in handlers.editors.story" in told["text"]
    assert "the story table moved" not in told["text"]  # an error may quote a contact
    letters = await world.services.store.dead_letters.all()
    assert [letter.update_id for letter in letters] == sorted(
        letter.update_id for letter in letters
    )
    assert len(letters) == 2 and {letter.kind for letter in letters} == {
        "RuntimeError in handlers.editors.story"
    }
    notices = [m for m in sandbox.bot_messages(ADMIN) if "could not be handled" in m["text"]]
    assert len(notices) == 1  # once per kind, not once per update
    assert await show_status(settings) == 0
    assert (
        "Failed updates kept: 2 (2 × RuntimeError in handlers.editors.story)"
        in capsys.readouterr().out
    )

    broken[0] = False  # the fix is deployed
    assert await request_replay(settings) == 0
    assert "2 update(s) marked for replay" in capsys.readouterr().out
    for message in (first, second):
        answer = await sandbox.wait_for(
            lambda m=message: next(  # type: ignore[misc]  # a lambda binding a loop variable
                (
                    b
                    for b in sandbox.bot_messages(EDITORS_CHAT)
                    if b.get("reply_to_message", {}).get("message_id") == m["message_id"]
                ),
                None,
            ),
            what="the replayed /story answered",
        )
        assert texts.STORY_NONE in answer["text"]
    await world.eventually(lambda: _none_kept(world), what="the dead letters gone after the replay")
    assert await request_replay(settings) == 0
    assert "nothing to replay" in capsys.readouterr().out


async def _none_kept(world: World) -> bool:
    return bool(await world.services.store.dead_letters.all() == [])


async def test_500s_then_timeouts_then_recovery_every_owed_message_arrives_once(
    sandbox: Sandbox, tmp_path: Path, start_relay: Any
) -> None:
    settings = make_settings(
        sandbox, tmp_path / "relay.db", request_timeout_seconds=0.5, retry_backoff_max_seconds=1
    )
    world = World(sandbox, await start_relay(settings))
    contact = await world.join("contact", "Kirkuk-1")
    editor = await world.join("editor", "Desk-1")
    sandbox.send_text(contact, "Smoke over the citadel")
    card = await world.card_of("R-1")

    # Telegram answers every message with 500s, then loses requests in timeouts.
    sandbox.inject("sendMessage", 500, times=6)
    sandbox.inject("sendMessage", 504, times=6, delay=1.0)
    sandbox.send_text(contact, "Gunfire near the market")  # owed: an ack and a card
    sandbox.press(editor, EDITORS_CHAT, card["message_id"], "v1:now:1")  # a post, a notice
    queue = sandbox.send_text(editor, "/queue", chat_id=EDITORS_CHAT)  # owed: an answer

    def count(chat: int, text: str) -> int:
        return sum(text in (m.get("text") or "") for m in sandbox.bot_messages(chat))

    def settled() -> bool:
        return (
            count(contact, "Received — report R-2") > 0
            and count(EDITORS_CHAT, "Report R-2 ·") > 0
            and (bool(sandbox.bot_messages(CHANNEL)) or count(EDITORS_CHAT, "is in doubt") > 0)
        )

    await sandbox.wait_for(settled, timeout=60, what="the owed messages after recovery")
    if not sandbox.bot_messages(CHANNEL):
        # The post's request was lost in a timeout: nobody can know whether it went out, so
        # an editor decides (here: it did not, resend).
        notice = next(m for m in sandbox.bot_messages(EDITORS_CHAT) if "is in doubt" in m["text"])
        resend = notice["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
        sandbox.press(editor, EDITORS_CHAT, notice["message_id"], resend)
    await sandbox.wait_for(
        lambda: sandbox.bot_messages(CHANNEL) and count(contact, "went out as UPDATE #1"),
        timeout=30,
        what="the update and the contact's notice",
    )
    await world.eventually(lambda: _nothing_owed(world), timeout=30, what="nothing left to send")
    await world.desk_idle()
    answered = [
        m for m in sandbox.bot_messages(EDITORS_CHAT)
        if m.get("reply_to_message", {}).get("message_id") == queue["message_id"]
    ]  # fmt: skip
    assert len(answered) == 1
    assert count(contact, "Received — report R-2") == 1
    assert count(contact, "went out as UPDATE #1") == 1
    assert len(sandbox.bot_messages(CHANNEL)) == 1
    cards = [
        m for m in sandbox.bot_messages(EDITORS_CHAT)
        if (m.get("text") or "").startswith("🆕 Report R-2 ")
    ]  # fmt: skip
    assert len(cards) == 1


async def _nothing_owed(world: World) -> bool:
    store = world.services.store
    return (
        await store.desk_messages.count_unsent() == 0
        and await store.cards.count_queued() == 0
        and not await store.acknowledgements.waiting(10)
        and not await store.contact_messages.unsent(10)
        and (await store.outbox.counts()).get("queued", 0) == 0
    )


async def test_a_full_disk_during_a_burst_loses_no_report_and_the_bot_recovers(
    world: World,
) -> None:
    """SQLite's own limit on the database's size (max_page_count) makes every write fail
    with SQLITE_FULL, "database or disk is full": the error a full disk gives."""
    sandbox, db = world.sandbox, world.relay.db
    contacts = [await world.join("contact", f"Kirkuk-{n}") for n in range(1, 4)]
    await world.sync()
    async with db.read() as conn, conn.execute("PRAGMA page_count") as cursor:
        row = await cursor.fetchone()
    assert row is not None
    await db.execute(f"PRAGMA max_page_count = {int(row[0])}")  # the disk is full
    for n in range(30):
        sandbox.send_text(contacts[n % 3], f"Burst report {n} " + "x" * 2000)
    refusing = health_file(world.relay.settings.database_path)
    await world.eventually(lambda: _exists(refusing), timeout=15, what="the full disk met")
    assert world.relay._polling is not None and not world.relay._polling.done()
    assert not [m for m in sandbox.bot_messages(contacts[0]) if "Burst" in m.get("text", "")]
    await db.execute("PRAGMA max_page_count = 1073741823")  # space is freed

    def acknowledged() -> list[str]:
        return [
            m["text"] for c in contacts for m in sandbox.bot_messages(c)
            if m.get("text", "").startswith("Received")
        ]  # fmt: skip

    await sandbox.wait_for(lambda: len(acknowledged()) >= 30, timeout=30, what="30 acks")
    stored = sorted(r.text.split(" x")[0] for r in await world.services.store.reports.in_queue())
    assert stored == sorted(f"Burst report {n}" for n in range(30))
    await world.sync()
    assert sorted(acknowledged()) == sorted(
        f"Received — report R-{n}. Editors will review it." for n in range(1, 31)
    )  # each once


async def test_a_reply_telegram_refuses_goes_out_once_it_takes_it_or_is_kept(
    sandbox: Sandbox, tmp_path: Path, start_relay: Any
) -> None:
    settings = make_settings(
        sandbox, tmp_path / "relay.db", publish_sweep_seconds=0.3, handler_retries=3
    )
    world = World(sandbox, await start_relay(settings))
    contact = await world.join("contact", "Kirkuk-1")
    sandbox.inject("sendMessage", 502, times=1, chat_id=contact)
    sent = sandbox.send_text(contact, "/help")
    after = sandbox.send_text(contact, "/language")  # not held up behind it
    await world.bot_says(contact, "Choose the language", after=after["message_id"], timeout=20)
    await world.bot_says(contact, "Kirkuk-1", after=sent["message_id"], timeout=20)
    await world.eventually(lambda: _none_kept(world), what="the retried update handled")
    answers = [m for m in sandbox.bot_messages(contact) if m["message_id"] > sent["message_id"]]
    assert len(answers) == 2  # each reply once, though /help's handler ran twice
    assert not [m for m in sandbox.bot_messages(ADMIN) if "could not be handled" in m["text"]]

    # Refused for longer than HANDLER_RETRIES allow: kept as a failed update, not lost.
    sandbox.inject("sendMessage", 502, times=50, chat_id=contact)
    sandbox.send_text(contact, "/help")
    told = await world.bot_says(ADMIN, "could not be handled", timeout=30)
    assert "NetworkError in handlers.common.help_command" in told["text"]
    letters = await world.services.store.dead_letters.all()
    assert len(letters) == 1 and letters[0].kind == "NetworkError in handlers.common.help_command"
    assert letters[0].attempts == 4  # the first try and three more
    assert await world.services.store.dead_letters.to_replay() == []  # waits for a replay


async def _exists(path: Path) -> bool:
    return await asyncio.to_thread(path.exists)
