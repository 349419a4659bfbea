"""The Bot API methods the fake Telegram answers, with Telegram's limits where they matter;
the state they read and change is the `Sandbox`'s."""

from __future__ import annotations

import asyncio
import contextlib
import html
import json
import re
import time
from typing import TYPE_CHECKING, Any

from sandbox.models import KIND_META, ApiError, Chat, Json, StoredFile

if TYPE_CHECKING:
    from sandbox.server import Sandbox

BOT_DOWNLOAD_LIMIT = 20 * 1024 * 1024


class BotApi:
    """`api_<method>` answers the Bot API method of that name (case-insensitive)."""

    def __init__(self, world: Sandbox) -> None:
        self.world = world

    async def api_getme(self, params: Json, files: dict[str, bytes]) -> Json:
        return self.world.bot_user

    async def api_getupdates(self, params: Json, files: dict[str, bytes]) -> list[Json]:
        if self.world.webhook is not None:
            raise ApiError(409, "Conflict: can't use getUpdates method while webhook is active")
        offset = int(params.get("offset") or 0)
        timeout = float(params.get("timeout") or 0)
        limit = int(params.get("limit") or 100)
        if offset:
            self.world.updates = [u for u in self.world.updates if u["update_id"] >= offset]
        if not self.world.updates and timeout > 0:
            self.world._new_update.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.world._new_update.wait(), timeout)
        return self.world.updates[:limit]

    async def api_deletewebhook(self, params: Json, files: dict[str, bytes]) -> bool:
        self.world.webhook = None
        return True

    async def api_setwebhook(self, params: Json, files: dict[str, bytes]) -> bool:
        url = str(params.get("url") or "")
        if not url:
            return await self.api_deletewebhook(params, files)
        self.world.webhook = (url, str(params.get("secret_token") or ""))
        self.world._start_webhook_delivery()
        # Updates that were waiting for getUpdates now go to the webhook.
        for update in self.world.updates:
            self.world._webhook_queue.put_nowait(update)
        self.world.updates = []
        return True

    async def api_setmycommands(self, params: Json, files: dict[str, bytes]) -> bool:
        scope = params.get("scope") or {"type": "default"}
        key = json.dumps(scope, sort_keys=True)
        if params.get("language_code"):
            key += f" {params['language_code']}"
        self.world.commands[key] = params.get("commands") or []
        return True

    def _target(self, params: Json) -> Chat:
        raw = params.get("chat_id")
        if raw is None:
            raise ApiError(400, "Bad Request: chat_id is empty")
        chat_id = int(raw)
        chat = self.world.chats.get(chat_id)
        if chat is None:
            raise ApiError(400, "Bad Request: chat not found")
        bot_status = chat.members.get(self.world.bot_id)
        if chat.type != "private" and bot_status in (None, "left", "kicked"):
            raise ApiError(403, "Forbidden: bot is not a member of the chat")
        if chat.type == "channel" and bot_status != "administrator":
            raise ApiError(400, "Bad Request: need administrator rights in the channel chat")
        return chat

    def _reply_fields(self, chat: Chat, params: Json) -> Json:
        fields: Json = {}
        reply = params.get("reply_parameters")
        reply_id = reply.get("message_id") if isinstance(reply, dict) else None
        reply_id = reply_id or params.get("reply_to_message_id")
        if reply_id:
            original = self.world.messages[chat.id].get(int(reply_id))
            if original is None:
                raise ApiError(400, "Bad Request: message to be replied not found")
            fields["reply_to_message"] = {
                key: original[key] for key in ("message_id", "date", "chat") if key in original
            }
        markup = params.get("reply_markup")
        if isinstance(markup, dict) and "inline_keyboard" in markup:
            _check_keyboard(markup)
            fields["reply_markup"] = markup
        return fields

    def _bot_message(self, chat: Chat, params: Json, **content: Any) -> Json:
        sender = None if chat.type == "channel" else self.world.bot_user
        return self.world.new_message(
            chat.id, sender, **content, **self._reply_fields(chat, params)
        )

    async def api_sendmessage(self, params: Json, files: dict[str, bytes]) -> Json:
        chat = self._target(params)
        text = str(params.get("text") or "")
        if not text.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if params.get("parse_mode") == "HTML":
            text = _strip_html(text)
        if len(text) > 4096:
            raise ApiError(400, "Bad Request: message is too long")
        entities = _entities(text, params.get("entities"))
        return self._bot_message(chat, params, text=text, **entities)

    def _input_media(self, value: Any, files: dict[str, bytes], kind: str) -> StoredFile:
        """A file given by file id, or uploaded (as `attach://name` or under the param name)."""
        if isinstance(value, str) and value.startswith("attach://"):
            data = files.get(value.removeprefix("attach://"))
            if data is None:
                raise ApiError(400, "Bad Request: file attachment not found")
            return self._uploaded(data, kind, value.removeprefix("attach://"))
        if isinstance(value, bytes):
            return self._uploaded(value, kind, kind)
        stored = self.world.files.get(str(value))
        if stored is None:
            raise ApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")
        if stored.kind != kind and not (kind == "document" and stored.kind != "photo"):
            raise ApiError(400, f"Bad Request: can't use file of type {stored.kind} as {kind}")
        return stored

    def _uploaded(self, data: bytes, kind: str, part: str) -> StoredFile:
        stored = self.world.upload(data, kind)
        name = self.world.upload_names.get(part)
        if name and kind != "photo":
            stored.meta["file_name"] = name
        return stored

    def _media_content(self, kind: str, stored: StoredFile) -> Any:
        if kind == "photo":
            return self.world._photo_sizes(stored.data)
        return {
            **KIND_META.get(kind, {}),
            **stored.meta,
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": stored.size,
        }

    def _caption(self, params: Json) -> str | None:
        caption = params.get("caption")
        if caption is not None and len(str(caption)) > 1024:
            raise ApiError(400, "Bad Request: message caption is too long")
        return str(caption) if caption is not None else None

    def _caption_entities(self, caption: str | None, raw: Any) -> Json:
        found = _entities(caption or "", raw)
        return {"caption_entities": found["entities"]} if found else {}

    async def _send_media(self, kind: str, params: Json, files: dict[str, bytes]) -> Json:
        chat = self._target(params)
        value = params.get(kind, files.get(kind))
        if value is None:
            raise ApiError(400, f"Bad Request: there is no {kind} in the request")
        stored = self._input_media(value, files, kind)
        caption = self._caption(params)
        return self._bot_message(
            chat,
            params,
            caption=caption,
            **self._caption_entities(caption, params.get("caption_entities")),
            **{kind: self._media_content(kind, stored)},
        )

    async def api_sendphoto(self, params: Json, files: dict[str, bytes]) -> Json:
        return await self._send_media("photo", params, files)

    async def api_senddocument(self, params: Json, files: dict[str, bytes]) -> Json:
        return await self._send_media("document", params, files)

    async def api_sendvideo(self, params: Json, files: dict[str, bytes]) -> Json:
        return await self._send_media("video", params, files)

    async def api_sendvoice(self, params: Json, files: dict[str, bytes]) -> Json:
        return await self._send_media("voice", params, files)

    async def api_sendaudio(self, params: Json, files: dict[str, bytes]) -> Json:
        return await self._send_media("audio", params, files)

    async def api_sendmediagroup(self, params: Json, files: dict[str, bytes]) -> list[Json]:
        chat = self._target(params)
        media = params.get("media")
        if not isinstance(media, list) or not 2 <= len(media) <= 10:
            raise ApiError(400, "Bad Request: media group must include 2-10 items")
        group = f"sent-{next(self.world._file_ids)}"
        sent = []
        for item in media:
            kind = item.get("type", "photo")
            stored = self._input_media(item.get("media"), files, kind)
            caption = item.get("caption")
            if caption is not None and len(caption) > 1024:
                raise ApiError(400, "Bad Request: message caption is too long")
            sent.append(
                self._bot_message(
                    chat,
                    params,
                    caption=caption,
                    **self._caption_entities(caption, item.get("caption_entities")),
                    media_group_id=group,
                    **{kind: self._media_content(kind, stored)},
                )
            )
        return sent

    async def api_copymessage(self, params: Json, files: dict[str, bytes]) -> Json:
        chat = self._target(params)
        source = self.world.messages.get(int(params["from_chat_id"]), {}).get(
            int(params["message_id"])
        )
        if source is None:
            raise ApiError(400, "Bad Request: message to copy not found")
        content = {
            key: value
            for key, value in source.items()
            if key in {"text", "caption", "photo", "video", "voice", "document", "audio"}
        }
        if "caption" in params:
            content["caption"] = self._caption(params)
        message = self._bot_message(chat, params, **content)
        return {"message_id": message["message_id"]}

    def _existing(self, params: Json) -> Json:
        chat = self._target(params)
        message_id = int(params.get("message_id") or 0)
        message = self.world.messages[chat.id].get(message_id)
        if message is None or message_id in self.world.deleted[chat.id]:
            raise ApiError(400, "Bad Request: message to edit not found")
        return message

    def _apply_edit(self, message: Json, params: Json, key: str, value: Any) -> Json:
        markup = params.get("reply_markup")
        if isinstance(markup, dict):
            _check_keyboard(markup)
        new_markup = markup if isinstance(markup, dict) else None
        if message.get(key) == value and message.get("reply_markup") == new_markup:
            raise ApiError(
                400,
                "Bad Request: message is not modified: specified new message content and reply"
                " markup are exactly the same as a current content and reply markup of the"
                " message",
            )
        if value is not None:
            message[key] = value
        if new_markup is None:
            message.pop("reply_markup", None)
        else:
            message["reply_markup"] = new_markup
        message["edit_date"] = self.world._now()
        self.world._changed.set()
        return message

    async def api_editmessagetext(self, params: Json, files: dict[str, bytes]) -> Json:
        message = self._existing(params)
        text = str(params.get("text") or "")
        if not text.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if len(text) > 4096:
            raise ApiError(400, "Bad Request: message is too long")
        if "text" not in message:
            raise ApiError(400, "Bad Request: there is no text in the message to edit")
        entities = _entities(text, params.get("entities")).get("entities")
        if message.get("text") == text and message.get("entities") != entities:
            message["text"] = None  # only the formatting changed: still a change
        edited = self._apply_edit(message, params, "text", text)
        _set_or_drop(edited, "entities", entities)
        return edited

    async def api_editmessagecaption(self, params: Json, files: dict[str, bytes]) -> Json:
        message = self._existing(params)
        if "text" in message:
            raise ApiError(400, "Bad Request: there is no caption in the message to edit")
        caption = self._caption(params)
        entities = self._caption_entities(caption, params.get("caption_entities"))
        if message.get("caption") == caption and message.get("caption_entities") != entities.get(
            "caption_entities"
        ):
            message["caption"] = None  # only the formatting changed: still a change
        edited = self._apply_edit(message, params, "caption", caption)
        _set_or_drop(edited, "caption_entities", entities.get("caption_entities"))
        return edited

    async def api_pinchatmessage(self, params: Json, files: dict[str, bytes]) -> bool:
        chat = self._target(params)
        message_id = int(params.get("message_id") or 0)
        if (
            message_id not in self.world.messages[chat.id]
            or message_id in self.world.deleted[chat.id]
        ):
            raise ApiError(400, "Bad Request: message to pin not found")
        if chat.id in self.world.no_pin_rights:
            raise ApiError(
                400, "Bad Request: not enough rights to manage pinned messages in the chat"
            )
        self.world.pinned[chat.id] = message_id
        self.world._changed.set()
        return True

    async def api_editmessagereplymarkup(self, params: Json, files: dict[str, bytes]) -> Json:
        message = self._existing(params)
        return self._apply_edit(message, params, "reply_markup", params.get("reply_markup"))

    async def api_deletemessage(self, params: Json, files: dict[str, bytes]) -> bool:
        message = self._existing(params)
        self.world.deleted[message["chat"]["id"]].add(message["message_id"])
        self.world._changed.set()
        return True

    async def api_deletemessages(self, params: Json, files: dict[str, bytes]) -> bool:
        chat = self._target(params)
        for message_id in params.get("message_ids") or []:
            if int(message_id) in self.world.messages[chat.id]:
                self.world.deleted[chat.id].add(int(message_id))
        self.world._changed.set()
        return True

    async def api_answercallbackquery(self, params: Json, files: dict[str, bytes]) -> bool:
        query_id = str(params.get("callback_query_id"))
        if query_id in self.world.callback_answers:
            raise ApiError(400, "Bad Request: query is too old and response timeout expired")
        self.world.answered_at[query_id] = time.monotonic()
        self.world.callback_answers[query_id] = {
            "text": params.get("text"),
            "show_alert": bool(params.get("show_alert")),
        }
        self.world._changed.set()
        return True

    async def api_getfile(self, params: Json, files: dict[str, bytes]) -> Json:
        stored = self.world.files.get(str(params.get("file_id")))
        if stored is None:
            raise ApiError(400, "Bad Request: invalid file_id")
        if stored.size > BOT_DOWNLOAD_LIMIT:
            raise ApiError(400, "Bad Request: file is too big")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": stored.size,
            "file_path": f"{stored.kind}s/{stored.file_unique_id}",
        }

    async def api_getchat(self, params: Json, files: dict[str, bytes]) -> Json:
        chat = self.world.chats.get(int(params.get("chat_id") or 0))
        if chat is None:
            raise ApiError(400, "Bad Request: chat not found")
        data = chat.as_json()
        data.update(accent_color_id=0, max_reaction_count=11, accepted_gift_types=_NO_GIFTS)
        return data

    async def api_getchatmember(self, params: Json, files: dict[str, bytes]) -> Json:
        chat = self.world.chats.get(int(params.get("chat_id") or 0))
        if chat is None:
            raise ApiError(400, "Bad Request: chat not found")
        user_id = int(params.get("user_id") or 0)
        status = chat.members.get(user_id, "left")
        user = (
            self.world.bot_user if user_id == self.world.bot_id else self.world.users.get(user_id)
        )
        member: Json = {"status": status, "user": user or {"id": user_id, "is_bot": False}}
        if status == "administrator":
            member.update(_ADMIN_RIGHTS)
        return member

    async def api_leavechat(self, params: Json, files: dict[str, bytes]) -> bool:
        chat = self.world.chats.get(int(params.get("chat_id") or 0))
        if chat is None:
            raise ApiError(400, "Bad Request: chat not found")
        chat.members[self.world.bot_id] = "left"
        return True


MEDIA_KINDS = ("photo", "video", "voice", "audio", "document", "sticker", "location", "poll")

_NO_GIFTS = {
    "unlimited_gifts": False,
    "limited_gifts": False,
    "unique_gifts": False,
    "premium_subscription": False,
    "gifts_from_channels": False,
}

_ADMIN_RIGHTS = {
    "can_be_edited": False,
    "is_anonymous": False,
    "can_manage_chat": True,
    "can_delete_messages": True,
    "can_manage_video_chats": False,
    "can_restrict_members": False,
    "can_promote_members": False,
    "can_change_info": False,
    "can_invite_users": False,
    "can_post_messages": True,
    "can_edit_messages": True,
    "can_post_stories": False,
    "can_edit_stories": False,
    "can_delete_stories": False,
}


def _check_keyboard(markup: Json) -> None:
    for row in markup.get("inline_keyboard", []):
        for button in row:
            data = button.get("callback_data")
            if data is not None and not 1 <= len(data.encode()) <= 64:
                raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _entities(text: str, raw: Any) -> Json:
    """Entities as Telegram checks them: each inside the text (UTF-16 code units)."""
    if not raw:
        return {}
    if isinstance(raw, str):
        raw = json.loads(raw)
    size = _utf16_len(text)
    for entity in raw:
        offset, length = int(entity.get("offset", -1)), int(entity.get("length", 0))
        if offset < 0 or length <= 0 or offset + length > size:
            raise ApiError(400, "Bad Request: can't parse entities: entity beyond the text")
        if entity.get("type") == "text_link" and not entity.get("url"):
            raise ApiError(400, "Bad Request: can't parse entities: text_link without url")
    return {"entities": list(raw)}


def _set_or_drop(message: Json, key: str, value: Any) -> None:
    if value:
        message[key] = value
    else:
        message.pop(key, None)


def _strip_html(text: str) -> str:
    """What a reader sees of an HTML-formatted message: the text without its tags."""
    return html.unescape(re.sub(r"<[^>]+>", "", text))
