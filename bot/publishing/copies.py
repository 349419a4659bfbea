"""Where one update sits in a channel, as the outbox records it."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from bot.sender import ChatId
from storage import OutboxRow, PostState


def chat_ref(channel: str) -> ChatId:
    """Channels are stored as text; numeric ids go back to Telegram as numbers."""
    return int(channel) if channel.lstrip("-").isdigit() else channel


@dataclass(frozen=True, slots=True)
class Copy:
    """Where one update sits in a channel: its media messages, the message whose caption
    carries the text (if any), and its text messages."""

    media: list[int]
    caption_id: int | None
    text: list[int]

    def to_json(self) -> str:
        return json.dumps({"media": self.media, "caption_id": self.caption_id, "text": self.text})

    @classmethod
    def from_json(cls, raw: str | None) -> Copy | None:
        if not raw:
            return None
        data: dict[str, Any] = json.loads(raw)
        return cls(list(data["media"]), data["caption_id"], list(data["text"]))

    @classmethod
    def delivered(cls, post: OutboxRow | None) -> Copy | None:
        """Where a send row's copy sits, once it is known to be sent."""
        sent = post is not None and post.state == PostState.SENT
        return cls.from_json(post.message_ids) if sent and post is not None else None

    @property
    def first(self) -> int | None:
        ids = self.media + self.text
        return ids[0] if ids else None

    @property
    def all(self) -> list[int]:
        return self.media + self.text


_LINK = re.compile(
    r"^(?:https?://)?(?:t\.me|telegram\.me)/(?:c/(?P<id>\d+)|(?P<name>[A-Za-z0-9_]{4,}))"
    r"/(?P<message>\d+)(?:[/?#].*)?$"
)


def message_in_link(link: str, channel: str) -> int | None:
    """The message id in a link to a post of `channel` (Telegram's "Copy link": t.me/c/900/7
    for channel -100900, t.me/name/7 for @name); None if it is not a link into that
    channel."""
    match = _LINK.match(link.strip())
    if match is None:
        return None
    if match["id"] is not None:
        ours = channel == f"-100{match['id']}"
    else:
        ours = channel.lower() == f"@{match['name'].lower()}"
    return int(match["message"]) if ours else None


def copy_at(first: int, media: int, caption: bool, text_parts: int) -> Copy:
    """Where an update sent in one go sits, from its first message's id: a channel numbers
    its messages one after another, so its media, then its text messages, follow."""
    media_ids = list(range(first, first + media))
    if media and caption:
        return Copy(media_ids, first, [])
    start = first + media
    return Copy(media_ids, None, list(range(start, start + text_parts)))
