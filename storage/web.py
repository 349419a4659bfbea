"""The live blog's photos: which cleaned copy is which file on the site."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from storage.database import Database
from storage.times import ts


@dataclass(frozen=True, slots=True)
class WebPhoto:
    name: str  # the file's name under the site's media/ folder
    width: int | None
    height: int | None


class WebMedia:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def get(self, file_id: str) -> WebPhoto | None:
        row = await self.db.fetchrow(
            "SELECT name, width, height FROM web_media WHERE file_id = ?", (file_id,)
        )
        return WebPhoto(row[0], row[1], row[2]) if row else None

    async def add(self, file_id: str, photo: WebPhoto, at: datetime) -> None:
        await self.db.execute(
            "INSERT OR REPLACE INTO web_media (file_id, name, width, height, created_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (file_id, photo.name, photo.width, photo.height, ts(at)),
        )
