"""What the fake Telegram holds: errors, faults, files, calls and chats."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

import telegram
from PIL import Image

Json = dict[str, Any]


class ApiError(Exception):
    """An error answer of the Bot API: `{"ok": false, "error_code": ..., "description": ...}`."""

    def __init__(self, code: int, description: str, parameters: Json | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters


@dataclass
class Fault:
    """An injected failure for the next `times` calls of `method` (or of any method: "*")."""

    method: str
    code: int
    retry_after: int | None
    times: int
    chat_id: int | None = None
    # For a "slow" fault: do the call, but answer only after this many seconds (a timeout
    # on the bot's side, although the message was delivered).
    delay: float = 0.0


@dataclass
class StoredFile:
    file_id: str
    file_unique_id: str
    data: bytes
    kind: str
    declared_size: int | None = None
    meta: Json = field(default_factory=dict)

    @property
    def size(self) -> int:
        return self.declared_size if self.declared_size is not None else len(self.data)


# Every Bot API method under its documented spelling, by its lower-case one.
METHOD_NAMES = {
    name.lower(): name
    for name in dir(telegram.Bot)
    if name[:1].islower() and name != name.lower() and "_" not in name
}


@dataclass
class Call:
    """One request the bot made, as the sandbox understood it."""

    method: str
    params: Json
    files: dict[str, bytes]
    at: float


@dataclass
class Chat:
    id: int
    type: str
    title: str | None = None
    first_name: str | None = None
    username: str | None = None
    members: dict[int, str] = field(default_factory=dict)

    def as_json(self) -> Json:
        data: Json = {"id": self.id, "type": self.type}
        for key in ("title", "first_name", "username"):
            value = getattr(self, key)
            if value is not None:
                data[key] = value
        return data


def image_bytes(
    size: tuple[int, int] = (64, 48),
    color: str | tuple[int, int, int] = "red",
    fmt: str = "JPEG",
    **save: Any,
) -> bytes:
    """A small real image, for tests and the demo."""
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, fmt, **save)
    return out.getvalue()


def dimensions(data: bytes) -> tuple[int, int]:
    try:
        with Image.open(io.BytesIO(data)) as image:
            return image.size
    except Exception:
        return (0, 0)


# Fields Telegram always sends with a file of each kind.
KIND_META: dict[str, Json] = {
    "video": {"duration": 3, "width": 32, "height": 32},
    "video_note": {"duration": 3, "length": 32},
    "voice": {"duration": 3},
    "audio": {"duration": 3},
}
