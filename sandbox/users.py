"""What a test or the demo does as a Telegram user: send, edit, press, and redelivery.

A mixin of `Sandbox`, whose state these methods change; the declarations below are what
they use of it."""

from __future__ import annotations

import itertools
from typing import Any

from sandbox.models import KIND_META, Chat, Json, StoredFile


class UserActions:
    users: dict[int, Json]
    chats: dict[int, Chat]
    messages: dict[int, dict[int, Json]]
    delivered: list[Json]
    _file_ids: itertools.count[int]
    _callback_ids: itertools.count[int]

    def _now(self) -> int:
        raise NotImplementedError

    def push_update(self, kind: str, payload: Json) -> Json:
        raise NotImplementedError

    def new_message(self, chat_id: int, sender: Json | None, **content: Any) -> Json:
        raise NotImplementedError

    def upload(self, data: bytes, kind: str, declared_size: int | None = None) -> StoredFile:
        raise NotImplementedError

    def _photo_sizes(self, data: bytes) -> list[Json]:
        raise NotImplementedError

    def user_sends(self, user_id: int, chat_id: int | None = None, **content: Any) -> Json:
        """A user sends any message (text, sticker, location...) to the bot."""
        target = user_id if chat_id is None else chat_id
        message = self.new_message(target, self.users[user_id], **content)
        kind = "channel_post" if self.chats[target].type == "channel" else "message"
        self.push_update(kind, message)
        return message

    def send_text(
        self,
        user_id: int,
        text: str,
        chat_id: int | None = None,
        formatting: list[Json] | None = None,
        **extra: Any,
    ) -> Json:
        """A text message; `formatting` is the entities the user's app adds (bold, links)."""
        entities = list(formatting or [])
        if text.startswith("/"):
            command = text.split()[0]
            entities.insert(0, {"type": "bot_command", "offset": 0, "length": len(command)})
        return self.user_sends(user_id, chat_id, text=text, entities=entities or None, **extra)

    def send_photo(
        self, user_id: int, data: bytes, caption: str | None = None, **extra: Any
    ) -> Json:
        return self.user_sends(user_id, photo=self._photo_sizes(data), caption=caption, **extra)

    def send_album(
        self, user_id: int, photos: list[bytes], caption: str | None = None
    ) -> list[Json]:
        """Several photos sharing one media_group_id, each its own update, caption on the first."""
        group = f"album-{next(self._file_ids)}"
        return [
            self.send_photo(
                user_id, data, caption=caption if index == 0 else None, media_group_id=group
            )
            for index, data in enumerate(photos)
        ]

    def send_file(
        self,
        user_id: int,
        kind: str,
        data: bytes,
        *,
        caption: str | None = None,
        declared_size: int | None = None,
        mime_type: str | None = None,
        file_name: str | None = None,
        **extra: Any,
    ) -> Json:
        """A document, video, voice or audio message; declared_size fakes a large file."""
        stored = self.upload(data, kind, declared_size)
        media: Json = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": stored.size,
        }
        if mime_type:
            media["mime_type"] = mime_type
        if file_name:
            media["file_name"] = file_name
        media.update(KIND_META.get(kind, {}))
        stored.meta = {k: v for k, v in media.items() if k not in ("file_id", "file_unique_id")}
        content: dict[str, Any] = {kind: media, "caption": caption, **extra}
        return self.user_sends(user_id, None, **content)

    def set_member(self, chat_id: int, user_id: int, status: str, by: int | None = None) -> Json:
        """`user_id` joins ("member"), leaves ("left") or is removed ("kicked", by `by`):
        the chat's members change, and the bot gets Telegram's chat_member update."""
        chat = self.chats[chat_id]
        old = chat.members.get(user_id, "left")
        chat.members[user_id] = status
        user = self.users[user_id]

        def member(state: str) -> Json:
            return {"status": state, "user": user} | (
                {"until_date": 0} if state == "kicked" else {}
            )

        return self.push_update(
            "chat_member",
            {
                "chat": chat.as_json(),
                "from": self.users[by] if by is not None else user,
                "date": self._now(),
                "old_chat_member": member(old),
                "new_chat_member": member(status),
            },
        )

    def edit_text(self, user_id: int, message_id: int, text: str) -> Json:
        """The user edits a message they sent (text, or caption of a media message)."""
        message = self.messages[user_id][message_id]
        key = "text" if "text" in message else "caption"
        message[key] = text
        message["edit_date"] = self._now()
        self.push_update("edited_message", dict(message))
        return message

    def redeliver(self, message_id: int, chat_id: int) -> Json:
        """Deliver an update about this message again, under a new update id, as Telegram
        may after a lost confirmation."""
        for update in reversed(self.delivered):
            payload = update.get("message") or update.get("edited_message") or {}
            if payload.get("message_id") == message_id and payload["chat"]["id"] == chat_id:
                kind = "message" if "message" in update else "edited_message"
                return self.push_update(kind, dict(payload))
        raise KeyError(f"no update about message {message_id} in chat {chat_id}")

    def redeliver_update(self, update: Json) -> Json:
        """Deliver the same update (same payload, same callback query id) once more."""
        kind = next(key for key in update if key != "update_id")
        return self.push_update(kind, update[kind])

    def press(self, user_id: int, chat_id: int, message_id: int, data: str) -> str:
        """The user presses an inline button; returns the callback query id."""
        message = self.messages[chat_id][message_id]
        query_id = str(next(self._callback_ids))
        self.push_update(
            "callback_query",
            {
                "id": query_id,
                "from": self.users[user_id],
                "message": message,
                "chat_instance": str(chat_id),
                "data": data,
            },
        )
        return query_id
