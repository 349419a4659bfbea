"""Keeps the live blog current: renders after every change, then runs SITE_SYNC_COMMAND.

The publisher wakes it after each pass (publishing, confirmations, corrections,
retractions, a story's opening post: all wake the publisher) and its sweep every
PUBLISH_SWEEP_SECONDS; a render that changes nothing writes nothing and syncs nothing. A
failed render or sync is logged and tried again; it never holds up Telegram."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from pathlib import Path

from bot import texts
from bot.alerts import AdminAlerts
from bot.tasks import cancel_and_wait
from bot.web.site import SiteBuilder

log = logging.getLogger(__name__)

RETRY_SECONDS = 5.0


class SiteWorker:
    def __init__(
        self,
        builder: SiteBuilder,
        site: Path,
        *,
        delay: float,
        sync_command: str = "",
        sync_timeout: float = 120.0,
        alerts: AdminAlerts | None = None,
    ) -> None:
        self.alerts = alerts
        self.builder = builder
        self.site = site
        self.delay = delay
        self.sync_command = sync_command
        self.sync_timeout = sync_timeout
        self._wake = asyncio.Event()
        self._idle = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run(), name="live blog")
        self.wake()  # on start: the site shows what the database holds

    async def stop(self) -> None:
        await cancel_and_wait(self._task)
        self._task = None

    def wake(self) -> None:
        self._idle.clear()
        self._wake.set()

    async def idle(self) -> None:
        """Return once every change asked for so far is rendered (and synced)."""
        await self._idle.wait()

    async def _run(self) -> None:
        while True:
            await self._wake.wait()
            await asyncio.sleep(self.delay)  # changes close together: one render
            self._wake.clear()
            try:
                changed = await self.builder.build(self.site)
                await self._tell_what_was_not_shown()
                if changed and self.sync_command:
                    await self._sync()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("the live blog could not be rendered; trying again")
                await asyncio.sleep(RETRY_SECONDS)
                self._wake.set()
                continue
            if not self._wake.is_set():
                self._idle.set()

    async def _tell_what_was_not_shown(self) -> None:
        if self.alerts is None:
            return
        for story_id, number in sorted(self.builder.unshown):
            await self.alerts.tell_once(
                f"site:{story_id}:{number}",
                texts.SITE_UPDATE_UNSHOWN.format(number=number, story=story_id),
            )
        for story_id in sorted(self.builder.unrendered):
            await self.alerts.tell_once(
                f"site-story:{story_id}", texts.SITE_STORY_UNRENDERED.format(story=story_id)
            )

    async def _sync(self) -> None:
        process = await asyncio.create_subprocess_shell(
            self.sync_command,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
            env={**os.environ, "SITE_DIR": str(self.site)},
        )
        try:
            _, stderr = await asyncio.wait_for(process.communicate(), self.sync_timeout)
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            await process.wait()
            log.error(
                "SITE_SYNC_COMMAND took longer than %.0f s and was stopped", self.sync_timeout
            )
            return
        if process.returncode != 0:
            tail = stderr.decode(errors="replace").strip()[-300:]
            log.error("SITE_SYNC_COMMAND failed with exit code %s: %s", process.returncode, tail)
