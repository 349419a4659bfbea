"""Where one update sits in a channel, as the outbox records it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from bot.sender import ChatId


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

    @property
    def first(self) -> int | None:
        ids = self.media + self.text
        return ids[0] if ids else None

    @property
    def all(self) -> list[int]:
        return self.media + self.text
