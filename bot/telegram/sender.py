"""The Sender services use, implemented with python-telegram-bot."""

from __future__ import annotations

import html
import logging
import warnings
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any, TypeVar

from telegram import (
    ChatMember,
    ForceReply,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputMediaPhoto,
    InputMediaVideo,
    LinkPreviewOptions,
    Message,
    MessageEntity,
    ReplyParameters,
)
from telegram.constants import ChatMemberStatus, ParseMode
from telegram.error import BadRequest, Forbidden, InvalidToken, RetryAfter, TelegramError, TimedOut
from telegram.helpers import mention_html
from telegram.warnings import PTBDeprecationWarning

from bot.rich import Rich
from bot.sender import ChatId, Keyboard, OutgoingMedia, SendError, SentMedia
from bot.telegram.recording import RecordingBot

T = TypeVar("T")


def _plain(value: str | Rich) -> tuple[str, list[MessageEntity] | None]:
    """A text and its entities as python-telegram-bot takes them (None: no formatting)."""
    if isinstance(value, str):
        return value, None
    entities = [MessageEntity(**e.as_dict()) for e in value.entities]
    return value.text, entities or None


def markup(keyboard: Keyboard | None) -> InlineKeyboardMarkup | None:
    if not keyboard:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(b.label, callback_data=b.data) for b in row] for row in keyboard]
    )


def _reply(message_id: int | None) -> ReplyParameters | None:
    if message_id is None:
        return None
    return ReplyParameters(message_id=message_id, allow_sending_without_reply=True)


def _file_id(message: Message) -> str:
    if message.photo:
        return message.photo[-1].file_id
    attachment = message.effective_attachment
    file_id = getattr(attachment, "file_id", None)
    return str(file_id) if file_id else ""


def _not_modified(exc: SendError) -> bool:
    """Telegram refuses an edit that changes nothing; for us that edit is done."""
    return "message is not modified" in str(exc).lower()


def retry_after_seconds(exc: RetryAfter) -> float:
    """Seconds to wait, whether python-telegram-bot gives an int or (from v23) a timedelta."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


async def _call(awaitable: Awaitable[T]) -> T:
    """Run one Bot API call and translate its failure for services."""
    try:
        return await awaitable
    except Forbidden as exc:
        raise SendError(f"Forbidden: {exc.message}", permanent=True, forbidden=True) from exc
    except (BadRequest, InvalidToken) as exc:
        forbidden = "chat not found" in exc.message.lower()
        raise SendError(
            f"{type(exc).__name__}: {exc.message}", permanent=True, forbidden=forbidden
        ) from exc
    except RetryAfter as exc:
        wait = retry_after_seconds(exc)
        raise SendError(f"RetryAfter: {wait:.0f} s", permanent=False, retry_after=wait) from exc
    except TimedOut as exc:
        raise SendError(f"TimedOut: {exc.message}", permanent=False, uncertain=True) from exc
    except TelegramError as exc:
        raise SendError(f"{type(exc).__name__}: {exc.message}", permanent=False) from exc


class TelegramSender:
    def __init__(
        self,
        bot: RecordingBot,
        protect: Callable[[ChatId], bool] = lambda _: False,
        *,
        link_previews: bool = False,
    ):
        self.bot = bot
        # Whether what goes into a chat may not be forwarded or saved (PROTECT_CONTENT): the
        # editors chat and people's private chats, never a channel.
        self.protect = protect
        # LINK_PREVIEWS: whether a link in a message shows Telegram's preview of the page.
        self.previews = LinkPreviewOptions(is_disabled=not link_previews)

    async def send_text(
        self,
        chat_id: ChatId,
        text: str | Rich,
        *,
        reply_to: int | None = None,
        keyboard: Keyboard | None = None,
    ) -> int:
        return await _call(
            self.bot.send_message_id(
                chat_id,
                text,
                reply_to,
                keyboard,
                self.protect(chat_id),
                previews=not self.previews.is_disabled,
            )
        )

    def _input(self, media: OutgoingMedia) -> str | bytes:
        # Raw bytes, not InputFile: python-telegram-bot then attaches them correctly both to
        # single sends and to media groups (which need attach:// URIs).
        if media.data is not None:
            return media.data
        if media.file_id is None:
            raise ValueError("media has neither data nor file id")
        return media.file_id

    async def is_member(self, chat_id: int, user_id: int) -> bool | None:
        """Whether the user is in the chat now; None when Telegram cannot say."""
        try:
            member = await self.bot.get_chat_member(chat_id, user_id)
        except TelegramError as exc:
            logging.getLogger(__name__).warning(
                "could not ask Telegram who is in the editors chat: %s", exc.message
            )
            return None
        return in_chat(member)

    async def send_media(
        self,
        chat_id: ChatId,
        media: OutgoingMedia,
        *,
        reply_to: int | None = None,
        caption: str | Rich | None = None,
    ) -> SentMedia:
        text, entities = _plain(caption) if caption is not None else (None, None)
        options: dict[str, Any] = {
            "caption": text,
            "caption_entities": entities,
            "reply_parameters": _reply(reply_to),
            "protect_content": self.protect(chat_id),
        }
        if media.data is not None and media.name:
            options["filename"] = media.name  # never the name the contact's file had
        file = self._input(media)
        sends = {
            "photo": lambda: self.bot.send_photo(chat_id, file, **options),
            "video": lambda: self.bot.send_video(chat_id, file, **options),
            "voice": lambda: self.bot.send_voice(chat_id, file, **options),
            "audio": lambda: self.bot.send_audio(chat_id, file, **options),
            "document": lambda: self.bot.send_document(chat_id, file, **options),
        }
        message = await _call(sends[media.kind]())
        return SentMedia(message.message_id, _file_id(message))

    async def send_album(
        self,
        chat_id: ChatId,
        media: list[OutgoingMedia],
        *,
        reply_to: int | None = None,
        caption: str | Rich | None = None,
    ) -> list[SentMedia]:
        text, entities = _plain(caption) if caption is not None else (None, None)
        items = [
            (InputMediaPhoto if m.kind == "photo" else InputMediaVideo)(
                self._input(m),
                caption=text if index == 0 else None,
                caption_entities=entities if index == 0 else None,
                filename=m.name if m.data is not None else None,
            )
            for index, m in enumerate(media)
        ]
        messages = await _call(
            self.bot.send_media_group(
                chat_id,
                items,
                reply_parameters=_reply(reply_to),
                protect_content=self.protect(chat_id),
            )
        )
        return [SentMedia(m.message_id, _file_id(m)) for m in messages]

    async def edit_caption(self, chat_id: ChatId, message_id: int, caption: str | Rich) -> None:
        text, entities = _plain(caption)
        try:
            await _call(
                self.bot.edit_message_caption(
                    chat_id=chat_id,
                    message_id=message_id,
                    caption=text,
                    caption_entities=entities,
                )
            )
        except SendError as exc:
            if not _not_modified(exc):
                raise

    async def edit_text(
        self,
        chat_id: ChatId,
        message_id: int,
        text: str | Rich,
        *,
        keyboard: Keyboard | None = None,
    ) -> None:
        plain, entities = _plain(text)
        try:
            await _call(
                self.bot.edit_message_text(
                    plain,
                    chat_id=chat_id,
                    message_id=message_id,
                    entities=entities,
                    link_preview_options=self.previews,
                    reply_markup=markup(keyboard),
                )
            )
        except SendError as exc:
            if not _not_modified(exc):
                raise

    async def send_prompt(
        self,
        chat_id: int,
        text: str,
        *,
        reply_to: int | None,
        mention: tuple[int, str] | None,
        placeholder: str | None = None,
    ) -> int:
        body = html.escape(text)
        if mention is not None:
            body = body.replace("{mention}", mention_html(mention[0], mention[1]))
        message = await _call(
            self.bot.send_message(
                chat_id,
                body,
                parse_mode=ParseMode.HTML,
                reply_parameters=_reply(reply_to),
                reply_markup=ForceReply(
                    selective=mention is not None,
                    input_field_placeholder=placeholder[:64] if placeholder else None,
                ),
                protect_content=self.protect(chat_id),
            )
        )
        return message.message_id

    async def edit_keyboard(self, chat_id: int, message_id: int, keyboard: Keyboard | None) -> None:
        try:
            await _call(
                self.bot.edit_message_reply_markup(
                    chat_id=chat_id, message_id=message_id, reply_markup=markup(keyboard)
                )
            )
        except SendError as exc:
            if not _not_modified(exc):
                raise

    async def delete(self, chat_id: ChatId, message_id: int) -> None:
        try:
            await _call(self.bot.delete_message(chat_id, message_id))
        except SendError as exc:
            if "not found" not in str(exc).lower():
                raise

    async def delete_many(self, chat_id: ChatId, message_ids: list[int]) -> None:
        if message_ids:
            await _call(self.bot.delete_messages(chat_id, message_ids))

    async def pin(self, chat_id: ChatId, message_id: int) -> bool:
        try:
            await _call(self.bot.pin_chat_message(chat_id, message_id, disable_notification=True))
        except SendError as exc:
            if exc.permanent or exc.forbidden:
                return False  # not an admin there, or without the right to pin
            raise
        return True

    async def download(self, file_id: str) -> bytes:
        file = await _call(self.bot.get_file(file_id))
        return bytes(await _call(file.download_as_bytearray()))


def in_chat(member: ChatMember) -> bool:
    """Whether a chat member (as Telegram describes them) is in the chat."""
    if member.status == ChatMemberStatus.RESTRICTED:
        return bool(getattr(member, "is_member", False))
    return member.status in (
        ChatMemberStatus.MEMBER,
        ChatMemberStatus.ADMINISTRATOR,
        ChatMemberStatus.OWNER,
    )
