"""Stories: the current run of numbered updates, opened and closed by editors."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.clock import Clock
from bot.settings import Settings
from storage import AuditLog, Stories, Story

TITLE_MAX = 200


@dataclass(frozen=True, slots=True)
class Opened:
    story: Story
    closed: Story | None  # the story it replaced, if one was open


class StoryService:
    def __init__(
        self,
        stories: Stories,
        audit: AuditLog,
        clock: Clock,
        settings: Settings,
        *,
        wake_publisher: Callable[[], None],
    ) -> None:
        self.stories = stories
        self.audit = audit
        self.clock = clock
        self.channels = settings.channel_keys
        self.wake_publisher = wake_publisher

    async def current(self) -> Story | None:
        return await self.stories.current()

    async def open(self, title: str, intro: str | None, by: str) -> Opened:
        """Open a story (closing the current one); its opening post, if any, is queued for
        every channel."""
        now = self.clock.now()
        opened, closed = await self.stories.open_new(
            title.strip()[:TITLE_MAX], (intro or "").strip() or None, by, now, self.channels
        )
        await self.audit.record(at=now, actor=by, action="story.open", detail=opened.title)
        self.wake_publisher()
        return Opened(opened, closed)

    async def close(self, by: str) -> Story | None:
        """Close the current story; None if none was open."""
        now = self.clock.now()
        closed = await self.stories.close(now)
        if closed is not None:
            await self.audit.record(at=now, actor=by, action="story.close", detail=closed.title)
        return closed
