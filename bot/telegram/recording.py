"""The bot as Field Relay runs it: python-telegram-bot's ExtBot, remembering every message it
sends into a private chat (for the wipe), with a lean sendMessage for the busiest sends."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from telegram import Message
from telegram.constants import ChatType
from telegram.error import TelegramError
from telegram.ext import ExtBot

from bot.rich import Rich
from bot.sender import ChatId, Keyboard


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
