"""The database survives the loss of the machine: Litestream replicates it, `fieldrelay
restore` brings it back, and the bot goes on with nothing lost or posted twice."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from sandbox import Sandbox
from tests.conftest import ADMIN, CHANNEL, EDITORS_CHAT
from tests.test_crash import CONTACT, EDITOR, ROOT, SECOND_CHANNEL, BotProcess

# Slow (seconds each, processes killed and restarted): `make test-fast` leaves them out.
pytestmark = pytest.mark.slow

# Litestream ships changes every second (its sync interval); the drill waits three before
# the machine is "lost", so it checks the restore, not a race with that second. What a real
# loss can cost is the last second or so of writes: see README, "Running it for real".
REPLICATION_LAG_ALLOWED = 3.0


class MachineProcess(BotProcess):
    """`fieldrelay run` in its own process group, so that killing the group is the machine
    going away: the bot and the Litestream it started die together, with kill -9."""

    def __init__(self, sandbox: Sandbox, database: Path, log: Path, replica: str) -> None:
        super().__init__(sandbox, database, log)
        self.env["REPLICA_URL"] = replica

    async def start(self) -> None:
        polls = len(self.sandbox.calls_of("getUpdates"))
        with self.log.open("a") as log:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot.cli", "run", cwd=ROOT, env=self.env,
                stdout=log, stderr=log, start_new_session=True,
            )  # fmt: skip
        await self.sandbox.wait_for(
            lambda: len(self.sandbox.calls_of("getUpdates")) > polls, timeout=30, what="polling"
        )

    async def lose_machine(self) -> None:
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        await self.process.wait()


def _restore(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", "restore", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _acknowledged(sandbox: Sandbox) -> set[str]:
    return {
        match.group(1)
        for message in sandbox.bot_messages(CONTACT)
        if (match := re.match(r"Received — report (R-\d+)\.", message.get("text", "")))
    }


async def _press_now(sandbox: Sandbox, report_id: int) -> None:
    def card() -> dict[str, Any] | None:
        for message in sandbox.bot_messages(EDITORS_CHAT):
            if message.get("text", "").startswith(f"🆕 Report R-{report_id} "):
                return message
        return None

    message = await sandbox.wait_for(card, timeout=30, what=f"card of R-{report_id}")
    sandbox.press(EDITOR, EDITORS_CHAT, message["message_id"], f"v1:now:{report_id}")


def _channel_headers(sandbox: Sandbox) -> list[str]:
    return [m.get("text", "").split(" (")[0] for m in sandbox.bot_messages(CHANNEL)]


async def test_restore_drill_the_machine_is_lost_and_the_bot_comes_back_on_a_fresh_disk(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    sandbox.add_user(CONTACT, "Contact")
    sandbox.add_user(EDITOR, "Editor")
    sandbox.add_group(EDITORS_CHAT, "Editors", {ADMIN: "administrator", EDITOR: "member"})
    sandbox.add_channel(SECOND_CHANNEL, "Second")
    database = tmp_path / "disk" / "relay.db"
    database.parent.mkdir()
    replica = f"file://{tmp_path / 'replica'}"
    machine = MachineProcess(sandbox, database, tmp_path / "bot.log", replica)
    with sqlite3.connect(database) as conn:  # the people an admin invited, as in test_crash
        conn.execute("PRAGMA journal_mode = WAL")
    await machine.start()
    await machine.stop()
    with sqlite3.connect(database) as conn:
        conn.executemany(
            "INSERT INTO people (telegram_user_id, role, pseudonym, created_at)"
            " VALUES (?, ?, ?, '2026-01-01T00:00:00+00:00')",
            [(CONTACT, "contact", "Kirkuk-1"), (EDITOR, "editor", "Desk-1")],
        )
    await machine.start()
    for index in range(10):
        sandbox.send_text(CONTACT, f"Report {index + 1} before the machine is lost")
    await sandbox.wait_for(lambda: len(_acknowledged(sandbox)) == 10, timeout=30, what="acks")
    await _press_now(sandbox, 1)
    await sandbox.wait_for(lambda: "UPDATE #1" in _channel_headers(sandbox), timeout=30)
    acknowledged = _acknowledged(sandbox)
    await asyncio.sleep(REPLICATION_LAG_ALLOWED)
    await machine.lose_machine()

    # A fresh disk: nothing of the database is left.
    shutil.rmtree(database.parent)
    database.parent.mkdir()
    restored = _restore(machine.env)
    assert restored.returncode == 0, restored.stderr
    assert f"Restored {database}" in restored.stdout
    with sqlite3.connect(database) as conn:
        stored = {f"R-{row[0]}" for row in conn.execute("SELECT id FROM reports")}
        number = conn.execute("SELECT number FROM reports WHERE id = 1").fetchone()[0]
    assert acknowledged <= stored  # every acknowledged report is back
    assert number == 1

    # The bot starts on the restored database: numbering goes on, nothing is posted twice.
    await machine.start()
    await _press_now(sandbox, 2)
    await sandbox.wait_for(lambda: "UPDATE #2" in _channel_headers(sandbox), timeout=30)
    await machine.stop()
    assert _channel_headers(sandbox).count("UPDATE #1") == 1
    assert _channel_headers(sandbox).count("UPDATE #2") == 1


def test_restore_refuses_without_a_replica_an_empty_one_or_over_a_database(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    env = sandbox.bot_environment(
        admin_ids=[ADMIN],
        editors_chat_id=EDITORS_CHAT,
        channel_ids=[CHANNEL],
        database=str(tmp_path / "relay.db"),
    )
    env.pop("REPLICA_URL", None)
    result = _restore(env)
    assert result.returncode == 2
    assert "REPLICA_URL is not set" in result.stderr

    env["REPLICA_URL"] = f"file://{tmp_path / 'empty-replica'}"
    result = _restore(env)
    assert result.returncode == 2
    assert "cannot restore from file://" in result.stderr and "no matching backup" in result.stderr
    assert not (tmp_path / "relay.db").exists()

    env["REPLICA_URL"] = "sftp://nobody@127.0.0.1:1/replica"  # nothing listens there
    result = _restore(env)
    assert result.returncode == 2
    assert "cannot restore from sftp://***@127.0.0.1:1/replica" in result.stderr

    (tmp_path / "relay.db").write_bytes(b"")
    result = _restore(env)
    assert result.returncode == 2
    assert "already exists" in result.stderr and "--force" in result.stderr


async def test_admins_are_told_once_when_the_replica_fails_and_once_when_it_is_back(
    tmp_path: Path,
) -> None:
    from datetime import UTC, datetime, timedelta

    from bot import texts
    from bot.replication import ReplicationWatch, Replicator

    database = tmp_path / "relay.db"
    with sqlite3.connect(database) as conn:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("CREATE TABLE t (x)")
    told: list[str] = []

    async def notify(text: str) -> None:
        told.append(text)

    # A replica nothing answers for: every check fails.
    broken = Replicator(database, "sftp://nobody@127.0.0.1:1/replica")
    watch = ReplicationWatch(broken, alert_seconds=60, notify=notify)
    start = datetime.now(UTC)
    await watch.check(start)
    assert told == []  # not yet longer than the alert time
    await watch.check(start + timedelta(seconds=61))
    await watch.check(start + timedelta(seconds=120))
    assert len(told) == 1 and told[0].startswith("⚠️ The off-machine copy of the database")

    # Replication works again (a replica it can write): one word that it is back.
    working = Replicator(database, f"file://{tmp_path / 'replica'}")
    await working.start()
    try:
        with sqlite3.connect(database) as conn:
            conn.execute("INSERT INTO t VALUES (1)")
        await _eventually_replicated(working)
        watch.replicator = working
        await watch.check(start + timedelta(seconds=180))
        await watch.check(start + timedelta(seconds=240))
    finally:
        await working.stop()
    assert told[1:] == [texts.REPLICATION_RECOVERED]


async def _eventually_replicated(replicator: Any) -> None:
    for _ in range(100):
        status = await replicator.status()
        if status.last_replicated is not None:
            return
        await asyncio.sleep(0.1)
    raise AssertionError("nothing reached the replica")
