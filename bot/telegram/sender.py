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
from telegram.constants import ChatMemberStatus, ChatType, ParseMode
from telegram.error import BadRequest, Forbidden, InvalidToken, RetryAfter, TelegramError, TimedOut
from telegram.ext import ExtBot
from telegram.helpers import mention_html
from telegram.warnings import PTBDeprecationWarning

from bot.rich import Rich
from bot.sender import ChatId, Keyboard, OutgoingMedia, SendError, SentMedia

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
        reply_to: int,
        mention: tuple[int, str],
        placeholder: str,
    ) -> int:
        body = html.escape(text).replace("{mention}", mention_html(mention[0], mention[1]))
        message = await _call(
            self.bot.send_message(
                chat_id,
                body,
                parse_mode=ParseMode.HTML,
                reply_parameters=_reply(reply_to),
                reply_markup=ForceReply(selective=True, input_field_placeholder=placeholder[:64]),
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


class RecordingBot(ExtBot[None]):
    """The bot, remembering every message it sends into a private chat (acknowledgements,
    replies, notices) so that the chat can be wiped later. Contacts only ever receive text
    messages from the bot, so send_message is the one place to watch."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._on_private_message: Callable[[int, int], None] | None = None

    def record_private_messages(self, callback: Callable[[int, int], None]) -> None:
        self._on_private_message = callback

    async def send_message(self, *args: Any, **kwargs: Any) -> Message:
        message = await super().send_message(*args, **kwargs)
        self._sent(message.chat.type, message.chat_id, message.message_id)
        return message

    async def send_message_id(
        self,
        chat_id: ChatId,
        text: str | Rich,
        reply_to: int | None,
        keyboard: Keyboard | None,
        protect: bool = False,
        *,
        previews: bool = False,
    ) -> int:
        """sendMessage, returning only the new message's id, for the bot's busiest sends
        (acknowledgements, cards). Neither the request nor the message Telegram sends back
        goes through python-telegram-bot's objects: with the quoted message nested in the
        answer, they were a fifth of the cost of an acknowledgement (docs/BENCHMARKS.md)."""
        kwargs: dict[str, Any] = {"chat_id": chat_id}
        if isinstance(text, Rich):
            kwargs["text"] = text.text
            if text.entities:
                kwargs["entities"] = [e.as_dict() for e in text.entities]
        else:
            kwargs["text"] = text
        if not previews:
            kwargs["link_preview_options"] = {"is_disabled": True}
        if protect:
            kwargs["protect_content"] = True
        if reply_to is not None:
            kwargs["reply_parameters"] = {
                "message_id": reply_to,
                "allow_sending_without_reply": True,
            }
        if keyboard:
            kwargs["reply_markup"] = {
                "inline_keyboard": [
                    [{"text": b.label, "callback_data": b.data} for b in row] for row in keyboard
                ]
            }
        # Bot API method names are case-insensitive; this spelling keeps python-telegram-bot
        # from suggesting Bot.send_message, which is the parsing call avoided here.
        sent = await self.do_api_request("sendmessage", api_kwargs=kwargs)
        if not isinstance(sent, dict):
            raise TelegramError(f"sendMessage returned {type(sent).__name__}, not a message")
        self._sent(sent["chat"]["type"], sent["chat"]["id"], sent["message_id"])
        return int(sent["message_id"])

    def _sent(self, chat_type: str, chat_id: int, message_id: int) -> None:
        if self._on_private_message is not None and chat_type == ChatType.PRIVATE:
            self._on_private_message(chat_id, message_id)


def in_chat(member: ChatMember) -> bool:
    """Whether a chat member (as Telegram describes them) is in the chat."""
    if member.status == ChatMemberStatus.RESTRICTED:
        return bool(getattr(member, "is_member", False))
    return member.status in (
        ChatMemberStatus.MEMBER,
        ChatMemberStatus.ADMINISTRATOR,
        ChatMemberStatus.OWNER,
    )
