"""What services need from a messenger, without knowing it is Telegram."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from bot.rich import Rich


@dataclass(frozen=True, slots=True)
class Button:
    label: str
    data: str


Keyboard = list[list[Button]]
# A chat: a numeric id, or a public channel's @name.
ChatId = int | str


@dataclass(frozen=True, slots=True)
class OutgoingMedia:
    """A media item to send: by file id, or as fresh bytes (a cleaned image)."""

    kind: str
    file_id: str | None = None
    data: bytes | None = None
    name: str | None = None  # the neutral name fresh bytes travel under (R-42.pdf)


@dataclass(frozen=True, slots=True)
class SentMedia:
    message_id: int
    file_id: str


class Sender(Protocol):
    async def send_text(
        self,
        chat_id: ChatId,
        text: str | Rich,
        *,
        reply_to: int | None = None,
        keyboard: Keyboard | None = None,
    ) -> int:
        """Send a text message (with its formatting, if Rich); return its message id."""
        ...

    async def send_media(
        self,
        chat_id: ChatId,
        media: OutgoingMedia,
        *,
        reply_to: int | None = None,
        caption: str | Rich | None = None,
    ) -> SentMedia:
        """Send one media item; return its message id and file id."""
        ...

    async def send_album(
        self,
        chat_id: ChatId,
        media: list[OutgoingMedia],
        *,
        reply_to: int | None = None,
        caption: str | Rich | None = None,
    ) -> list[SentMedia]:
        """Send 2-10 items as one album, in order, the caption on the first."""
        ...

    async def edit_caption(self, chat_id: ChatId, message_id: int, caption: str | Rich) -> None:
        """Replace a media message's caption (no error when nothing changed)."""
        ...

    async def edit_text(
        self,
        chat_id: ChatId,
        message_id: int,
        text: str | Rich,
        *,
        keyboard: Keyboard | None = None,
    ) -> None:
        """Replace a text message's text and buttons (no error when nothing changed)."""
        ...

    async def send_prompt(
        self,
        chat_id: int,
        text: str,
        *,
        reply_to: int | None,
        mention: tuple[int, str] | None,
        placeholder: str | None = None,
    ) -> int:
        """Ask one person a question they answer by replying (a selective ForceReply).

        `{mention}` in the text becomes a mention of `mention` = (user id, name), so that
        only that person's app opens the reply field. Without one (a private chat), the
        whole text is the question."""
        ...

    async def edit_keyboard(self, chat_id: int, message_id: int, keyboard: Keyboard | None) -> None:
        """Replace (or, with None, remove) a message's buttons."""
        ...

    async def delete(self, chat_id: ChatId, message_id: int) -> None:
        """Delete a message; a message already gone is not an error."""
        ...

    async def delete_many(self, chat_id: ChatId, message_ids: list[int]) -> None:
        """Delete up to 100 messages of one chat; ones already gone are skipped."""
        ...

    async def pin(self, chat_id: ChatId, message_id: int) -> bool:
        """Pin a message silently; False when the bot may not pin in that chat."""
        ...

    async def download(self, file_id: str) -> bytes:
        """The bytes of a file the bot may download (at most 20 MB)."""
        ...


class SendError(Exception):
    """A send that failed. `permanent` means retrying the same call will not help as it is
    (bad request); otherwise it may succeed later (network, flood limits). `forbidden` means
    the bot may not write to that chat (removed from it, or blocked by the user) — permanent
    for a contact who blocked the bot, but mended by re-adding the bot to a group."""

    def __init__(
        self,
        message: str,
        *,
        permanent: bool,
        forbidden: bool = False,
        retry_after: float | None = None,
        uncertain: bool = False,
    ) -> None:
        super().__init__(message)
        self.permanent = permanent
        self.forbidden = forbidden
        # Telegram's flood control: do not call again in this chat before this many seconds.
        self.retry_after = retry_after
        # The call timed out: it may or may not have taken effect (no idempotency key).
        self.uncertain = uncertain
