"""Media: every file is cleaned by its content before anyone sees it, and only clean copies
(or, after an editor's explicit check, a copy under a neutral name) ever go out."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence

from bot import texts
from bot.clock import Clock
from bot.i18n import say
from bot.intake.cleaning import Cleaned, Limits, clean, clean_in_child
from bot.sender import OutgoingMedia, Sender, SendError
from bot.settings import Settings
from storage import MediaItem, Report, Repositories
from storage.media import FileHashes

log = logging.getLogger(__name__)

# Kinds an editor had to check by hand before cleaning by content existed (items stored
# before it, and not yet cleaned, keep that rule).
UNCLEANABLE = {"video": "Video", "document": "File", "audio": "Audio"}
# A voice identifies its speaker: publishing one always takes an explicit confirmation.
VOICES = frozenset({"voice", "audio"})

# The site's own copies are of photos the bot already re-encoded: far below this.
MAX_PIXELS = 40_000_000


class UnsafeImageError(ValueError):
    """The file is not an image Pillow can safely decode (corrupt, or absurdly large)."""


def clean_image(data: bytes, *, max_pixels: int = MAX_PIXELS) -> bytes:
    """A JPEG of an already cleaned picture, redrawn from its pixels once more, in this
    process (the live blog's copy): the cleaner's own image path, its refusals raised."""
    cleaned = clean(data, "photo", "site", max_pixels)
    if cleaned.kind != "photo" or not cleaned.clean or cleaned.data is None:
        raise UnsafeImageError(cleaned.problem or "not an image")
    return cleaned.data


def check_reason(item: MediaItem) -> str | None:
    """Why an editor must confirm this item by hand before it may go out, or None."""
    if item.clean_state == "refused":
        return None  # never goes out at all
    if item.kind in VOICES:
        return "voice"
    if item.clean_state == "unclean":
        return "unclean"
    if item.clean_state is None and item.kind in UNCLEANABLE:
        return "unclean"  # not cleaned yet (its card is not posted): opened first
    return None


def needs_media_check(report: Report, media: Sequence[MediaItem]) -> bool:
    """Media that needs an editor's explicit confirmation, not yet given."""
    return report.media_checked_at is None and any(check_reason(m) for m in media)


def may_go_out(item: MediaItem) -> bool:
    """An item the channels may get: not refused (its clean copy is made when missing)."""
    return item.clean_state != "refused"


class MediaCleaner:
    """Makes (once) and remembers each item's clean copy, for cards and for channels."""

    def __init__(
        self, store: Repositories, sender: Sender, settings: Settings, clock: Clock
    ) -> None:
        self.store = store
        self.sender = sender
        self.clock = clock
        self.limits = Limits(
            max_pixels=settings.max_image_pixels,
            memory_mb=settings.clean_memory_mb,
            seconds=settings.clean_timeout_seconds,
        )

    async def prepare(
        self, report: Report, media: Sequence[MediaItem]
    ) -> tuple[list[tuple[MediaItem, OutgoingMedia]], int]:
        """The items that may be passed on, as clean copies, and how many are withheld."""
        ready: list[tuple[MediaItem, OutgoingMedia]] = []
        for index, item in enumerate(media, start=1):
            stem = report.code if len(media) == 1 else f"{report.code}-{index}"
            outgoing = await self._outgoing(report, item, stem)
            if outgoing is not None:
                ready.append((item, outgoing))
        return ready, len(media) - len(ready)

    async def sent(self, item: MediaItem, outgoing: OutgoingMedia, file_id: str) -> None:
        """A clean copy was uploaded: later sends use it by file id."""
        if outgoing.data is not None:
            await self.store.media.set_clean_file_id(item.id, file_id)

    async def clean_file(
        self, file_id: str, kind: str, stem: str
    ) -> tuple[Cleaned, FileHashes] | None:
        """A contact's file downloaded and cleaned by its content, with the hashes of what
        was received and of the clean copy (the evidence). None: it cannot be downloaded."""
        try:
            data = await self.sender.download(file_id)
        except SendError as exc:
            if exc.permanent:
                log.warning("a file of %s cannot be downloaded: %s", stem, exc)
                return None
            raise
        cleaned = await clean_in_child(data, kind, stem, self.limits)
        hashes = FileHashes(
            received=hashlib.sha256(data).hexdigest(),
            clean=hashlib.sha256(cleaned.data).hexdigest() if cleaned.data else None,
            phash=cleaned.phash,  # made in the cleaning child, beside the pixels
        )
        return cleaned, hashes

    async def _outgoing(self, report: Report, item: MediaItem, stem: str) -> OutgoingMedia | None:
        if item.clean_file_id:
            return OutgoingMedia(item.kind, file_id=item.clean_file_id)
        if item.clean_state == "refused":
            return None
        made = await self.clean_file(item.file_id, item.kind, stem)
        if made is None:
            return None
        cleaned, hashes = made
        state = "refused" if cleaned.refused else "clean" if cleaned.clean else "unclean"
        await self.store.media.set_cleaned(item.id, cleaned.kind, state, note_of(cleaned), hashes)
        if cleaned.refused or cleaned.data is None:
            log.warning("a file of %s is withheld: %s", report.code, cleaned.problem)
            await self._tell_contact(report, item, cleaned)
            return None
        return OutgoingMedia(cleaned.kind, data=cleaned.data, name=cleaned.name)

    async def _tell_contact(self, report: Report, item: MediaItem, cleaned: Cleaned) -> None:
        """A picture the bot would not open: its contact learns why, once (the report is
        kept, and its card says so)."""
        if report.written or report.contact_id is None:
            return
        large = cleaned.problem is not None and "large" in cleaned.problem
        template = texts.MEDIA_REFUSED_TOO_LARGE if large else texts.MEDIA_REFUSED_DAMAGED
        await self.store.contact_messages.add(
            report_id=report.id,
            chat_id=report.chat_id,
            text=say(report.contact_language or "en", template, code=report.code),
            reply_to=item.message_id,
            at=self.clock.now(),
        )


def note_of(cleaned: Cleaned) -> str | None:
    """What the card says of an item: what was removed, or why it was not cleaned."""
    if cleaned.problem is not None:
        return cleaned.problem
    return ", ".join(cleaned.removed) + " removed" if cleaned.removed else "nothing to remove"
