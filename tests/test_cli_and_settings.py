"""Settings errors, `fieldrelay check`, `invite` and `people`, run as a user runs them."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from sandbox import Sandbox
from tests.conftest import ADMIN, CHANNEL, EDITORS_CHAT, TOKEN

GOOD = {
    "TELEGRAM_BOT_TOKEN": TOKEN,
    "ADMIN_IDS": str(ADMIN),
    "EDITORS_CHAT_ID": str(EDITORS_CHAT),
    "CHANNEL_IDS": str(CHANNEL),
}


def _env(**values: str) -> dict[str, str]:
    """A clean environment: nothing of the developer's shell leaks into the test."""
    keep = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "SYSTEMROOT")}
    return {**keep, **values}


def fieldrelay(cwd: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        cwd=cwd,
        env=_env(PYTHONPATH=str(Path(__file__).parents[1]), **env),
        capture_output=True,
        text=True,
        timeout=60,
    )


async def afieldrelay(cwd: Path, *args: str, **env: str) -> tuple[int, str, str]:
    """The CLI as a subprocess while the sandbox keeps serving in this event loop."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.cli",
        *args,
        cwd=cwd,
        env=_env(PYTHONPATH=str(Path(__file__).parents[1]), **env),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), 60)
    return process.returncode or 0, out.decode(), err.decode()


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, "fieldrelay: setting TELEGRAM_BOT_TOKEN is missing (see .env.example)"),
        ({**GOOD, "ADMIN_IDS": "alice"}, "fieldrelay: setting ADMIN_IDS is malformed"),
        ({**GOOD, "ADMIN_IDS": ""}, "fieldrelay: setting ADMIN_IDS is malformed"),
        (
            {**GOOD, "EDITORS_CHAT_ID": "editors"},
            "fieldrelay: setting EDITORS_CHAT_ID is malformed",
        ),
        ({**GOOD, "CHANNEL_IDS": "kirkuk_live"}, "fieldrelay: setting CHANNEL_IDS is malformed"),
        ({**GOOD, "TELEGRAM_BOT_TOKEN": "nonsense"}, "setting TELEGRAM_BOT_TOKEN is malformed"),
        ({**GOOD, "LOCAL_TZ": "Mars/Olympus"}, "setting LOCAL_TZ is malformed: unknown time zone"),
        ({**GOOD, "ALBUM_QUIET_SECONDS": "-1"}, "setting ALBUM_QUIET_SECONDS is malformed"),
        ({**GOOD, "MAX_FILE_MB": "50"}, "setting MAX_FILE_MB is malformed"),
    ],
)
def test_bad_settings_give_one_clear_line_and_exit_code_2(
    tmp_path: Path, env: dict[str, str], expected: str
) -> None:
    result = fieldrelay(tmp_path, "check", **env)
    assert result.returncode == 2
    assert expected in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert TOKEN not in result.stderr + result.stdout


def test_a_broken_env_file_is_reported_the_same_way(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(
        f"TELEGRAM_BOT_TOKEN={TOKEN}\nthis line is not a setting\nADMIN_IDS=1,two,3\n"
        f"EDITORS_CHAT_ID={EDITORS_CHAT}\nCHANNEL_IDS={CHANNEL}\n"
    )
    result = fieldrelay(tmp_path, "people")
    assert result.returncode == 2
    assert (
        result.stderr.strip()
        .splitlines()[-1]
        .startswith("fieldrelay: setting ADMIN_IDS is malformed")
    )
    assert "Traceback" not in result.stderr


async def test_check_says_plainly_what_is_right_and_wrong(sandbox: Sandbox, tmp_path: Path) -> None:
    sandbox.add_channel(-100901, "Second channel", bot_status="member")
    env = {
        **GOOD,
        "CHANNEL_IDS": f"{CHANNEL},-100901,-100902",
        "TELEGRAM_API_BASE_URL": sandbox.api_url,
        "TELEGRAM_FILE_BASE_URL": sandbox.file_url,
        "DATABASE_PATH": str(tmp_path / "check.db"),
    }
    code, out, err = await afieldrelay(tmp_path, "check", **env)
    assert code == 1, out + err
    assert "ok  token accepted: the bot is @fieldrelay_sandbox_bot" in out
    assert "ok  editors chat Editors: bot is member" in out
    assert "ok  channel Kirkuk Live: admin, may post and edit" in out
    assert "FAIL channel Second channel: bot is member, not an admin allowed to post" in out
    assert "FAIL channel -100902: Chat not found" in out
    assert "2 problem(s) to fix" in out
    assert TOKEN not in out + err

    code, out, _ = await afieldrelay(tmp_path, "check", **{**env, "CHANNEL_IDS": str(CHANNEL)})
    assert code == 0 and out.strip().endswith("All good.")


async def test_check_reports_a_refused_token(sandbox: Sandbox, tmp_path: Path) -> None:
    env = {
        **GOOD,
        "TELEGRAM_BOT_TOKEN": "123456:wrong",
        "TELEGRAM_API_BASE_URL": sandbox.api_url,
        "DATABASE_PATH": str(tmp_path / "check.db"),
    }
    code, out, err = await afieldrelay(tmp_path, "check", **env)
    assert code == 1
    assert "FAIL Telegram refused" in out
    assert "wrong" not in out + err


async def test_cli_invite_prints_the_link_last_and_people_lists(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    env = {
        **GOOD,
        "TELEGRAM_API_BASE_URL": sandbox.api_url,
        "DATABASE_PATH": str(tmp_path / "cli.db"),
    }
    code, out, err = await afieldrelay(
        tmp_path, "invite", "--role", "contact", "--name", "Kirkuk-1", **env
    )
    assert code == 0, err
    last = out.strip().splitlines()[-1]
    assert last.startswith("https://t.me/fieldrelay_sandbox_bot?start=")
    code, out, err = await afieldrelay(
        tmp_path, "invite", "--role", "contact", "--name", "Kirkuk-1", **env
    )
    assert code == 1 and "already in use" in err
    code, out, _ = await afieldrelay(tmp_path, "people", **env)
    assert code == 0 and "Nobody is registered yet" in out


def test_a_database_from_a_newer_version_is_refused_untouched(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "future.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, name, applied_at)")
        conn.execute("INSERT INTO schema_version VALUES (999, 'future', 'x')")
    before = path.read_bytes()
    result = fieldrelay(tmp_path, "people", **GOOD, DATABASE_PATH=str(path))
    assert result.returncode == 2
    assert "schema version 999, newer than this Field Relay knows" in result.stderr
    assert path.read_bytes() == before


async def test_run_serves_users_and_stops_cleanly_on_sigterm(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    import signal

    env = _env(
        PYTHONPATH=str(Path(__file__).parents[1]),
        **GOOD,
        TELEGRAM_API_BASE_URL=sandbox.api_url,
        TELEGRAM_FILE_BASE_URL=sandbox.file_url,
        DATABASE_PATH=str(tmp_path / "run.db"),
        POLL_TIMEOUT_SECONDS="5",
        LOG_LEVEL="DEBUG",
    )
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.cli",
        "run",
        cwd=tmp_path,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        sent = sandbox.send_text(ADMIN, "/help")
        await sandbox.wait_for(
            lambda: any(m["message_id"] > sent["message_id"] for m in sandbox.bot_messages(ADMIN)),
            timeout=30,
            what="the running bot's reply",
        )
        process.send_signal(signal.SIGTERM)
        _, err = await asyncio.wait_for(process.communicate(), 10)
    finally:
        if process.returncode is None:
            process.kill()
    assert process.returncode == 0
    log = err.decode()
    assert "Field Relay is running as @fieldrelay_sandbox_bot" in log
    assert TOKEN not in log and TOKEN.partition(":")[2] not in log
    assert "Traceback" not in log


async def test_status_and_backup_while_the_bot_runs(world: Any, tmp_path: Path) -> None:
    import sqlite3

    contact = await world.join("contact", "Kirkuk-1")
    world.sandbox.send_text(contact, "One")
    await world.card_of("R-1")
    database = str(world.relay.settings.database_path)
    env = {**GOOD, "DATABASE_PATH": database}
    code, out, err = await afieldrelay(tmp_path, "status", **env)
    assert code == 0, err
    assert "Publishing: running" in out
    assert "Reports: 1 pending, 0 approved, 0 published, 0 closed" in out
    assert "Deliveries in doubt: 0" in out

    copy = tmp_path / "backup.db"
    code, out, err = await afieldrelay(tmp_path, "backup", str(copy), **env)
    assert code == 0, err
    with sqlite3.connect(copy) as conn:
        assert conn.execute("SELECT COUNT(*) FROM reports").fetchone()[0] == 1
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    code, _, err = await afieldrelay(tmp_path, "backup", str(copy), **env)
    assert code == 2 and "already exists" in err


WEBHOOK_SECRET = "s3cret-0123456789abcdef"


async def test_webhook_mode_checks_the_secret_and_stores_before_answering(
    sandbox: Sandbox, tmp_path: Path, start_relay: Any
) -> None:
    import httpx

    from tests.conftest import World

    settings = webhook_settings(sandbox, tmp_path)
    relay = await start_relay(settings, receive="webhook")
    world = World(sandbox, relay)
    assert sandbox.webhook == (settings.webhook_url, WEBHOOK_SECRET)
    assert TOKEN not in settings.webhook_url and TOKEN.partition(":")[2] not in sandbox.webhook[0]
    reply = await world.ask(ADMIN, "/help", "admin")
    assert "/invite" in reply
    assert set(sandbox.webhook_responses) == {200}

    async with httpx.AsyncClient() as client:
        forged = {
            "update_id": 999,
            "message": {
                "message_id": 1,
                "date": 0,
                "chat": {"id": ADMIN, "type": "private"},
                "text": "/people",
            },
        }
        for headers in ({}, {"X-Telegram-Bot-Api-Secret-Token": "wrong-secret-guess"}):
            response = await client.post(settings.webhook_url, json=forged, headers=headers)
            assert response.status_code == 403
        response = await client.post(
            settings.webhook_url,
            content=b"not json",
            headers={"X-Telegram-Bot-Api-Secret-Token": WEBHOOK_SECRET},
        )
        assert response.status_code == 400
    row = await relay.services.store.db.fetchrow("SELECT COUNT(*) FROM inbox WHERE update_id = 999")
    assert row[0] == 0

    # An update answered with 200 is already stored: a crash before handling loses nothing.
    assert relay.webhook is not None

    async def inbox_empty() -> bool:
        row = await relay.services.store.db.fetchrow("SELECT COUNT(*) FROM inbox")
        return bool(row[0] == 0)

    await world.eventually(inbox_empty, what="earlier updates handled")
    relay.webhook._worker.cancel()  # the bot "dies" between answering and handling
    sent = sandbox.send_text(ADMIN, "/people")
    await sandbox.wait_for(
        lambda: sandbox.webhook_responses[-1:] == [200] and len(sandbox.webhook_responses) > 1,
        what="the webhook's 200",
    )
    rows = await relay.services.store.db.fetch("SELECT update_id FROM inbox")
    assert [row[0] for row in rows] == [sandbox.delivered[-1]["update_id"]]
    await relay.stop()
    world.relay = await start_relay(settings, receive="webhook")
    listing = await world.bot_says(ADMIN, "Nobody is registered yet", after=sent["message_id"])
    assert listing["reply_to_message"]["message_id"] == sent["message_id"]


def webhook_settings(sandbox: Sandbox, tmp_path: Path, **extra: Any) -> Any:
    """Webhook mode on a free local port, with the test's secret."""
    from tests.conftest import make_settings

    port = _free_port()
    return make_settings(
        sandbox,
        tmp_path / "hook.db",
        webhook_url=f"http://127.0.0.1:{port}/hook/field-relay",
        webhook_port=port,
        webhook_secret=WEBHOOK_SECRET,
        **extra,
    )


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_webhook_mode_needs_its_settings(tmp_path: Path) -> None:
    result = fieldrelay(tmp_path, "run", "--webhook", **GOOD, DATABASE_PATH=str(tmp_path / "x.db"))
    assert result.returncode == 2
    assert "setting WEBHOOK_URL is missing" in result.stderr
    result = fieldrelay(
        tmp_path,
        "run",
        "--webhook",
        **GOOD,
        WEBHOOK_URL="https://relay.example.org/hook",
        WEBHOOK_SECRET="short",
    )
    assert result.returncode == 2 and "setting WEBHOOK_SECRET is malformed" in result.stderr


def test_a_read_only_database_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "locked.db"
    first = fieldrelay(tmp_path, "people", **GOOD, DATABASE_PATH=str(path))
    assert first.returncode == 0, first.stderr
    path.chmod(0o444)
    before = path.read_bytes()
    result = fieldrelay(tmp_path, "people", **GOOD, DATABASE_PATH=str(path))
    assert result.returncode == 2
    assert f"database {path} is read-only; nothing was changed" in result.stderr
    assert "Traceback" not in result.stderr
    assert path.read_bytes() == before


async def _raw_post(port: int, headers: dict[str, str], body: bytes) -> bytes:
    """Send a request's headers and the first bytes of its body; the server's answer."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    head = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
    writer.write(f"POST /hook/field-relay HTTP/1.1\r\nHost: x\r\n{head}\r\n".encode() + body)
    await writer.drain()
    try:
        return await asyncio.wait_for(reader.read(200), 5)
    finally:
        writer.close()


async def test_webhook_checks_the_secret_and_size_before_reading_a_body(
    sandbox: Sandbox, tmp_path: Path, start_relay: Any
) -> None:
    """A 90 MB post is answered from its headers: never read, never stored."""
    settings = webhook_settings(
        sandbox, tmp_path, webhook_max_connections=3, webhook_timeout_seconds=1
    )
    port = settings.webhook_port
    relay = await start_relay(settings, receive="webhook")
    huge = str(90 * 1024 * 1024)
    # Only a kilobyte of the announced 90 MB is sent: the answer comes without the rest.
    answer = await _raw_post(port, {"Content-Length": huge}, b"x" * 1024)
    assert answer.startswith(b"HTTP/1.1 403"), answer
    secret = {"X-Telegram-Bot-Api-Secret-Token": WEBHOOK_SECRET}
    answer = await _raw_post(port, {**secret, "Content-Length": huge}, b"x" * 1024)
    assert answer.startswith(b"HTTP/1.1 413"), answer
    # A body that trickles in and stops is cut off after the timeout.
    answer = await _raw_post(port, {**secret, "Content-Length": "100"}, b"{")
    assert not answer.startswith(b"HTTP/1.1 200"), answer
    # Connections beyond the cap are closed at once; the ones within still work.
    idle = [await asyncio.open_connection("127.0.0.1", port) for _ in range(3)]
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    assert await asyncio.wait_for(reader.read(10), 5) == b""
    writer.close()
    for _, w in idle:
        w.close()
    row = await relay.services.store.db.fetchrow("SELECT COUNT(*) FROM inbox")
    assert row[0] == 0


def test_replay_runs_as_a_module(tmp_path: Path) -> None:
    """`python -m bot.cli replay` reaches its command (its main guard once ran too early)."""
    result = fieldrelay(tmp_path, "replay", **GOOD, DATABASE_PATH=str(tmp_path / "r.db"))
    assert result.returncode == 0, result.stderr
    assert "nothing to replay" in result.stdout
