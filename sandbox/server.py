"""A local fake of the Telegram Bot API, over real HTTP.

The bot talks to it exactly as it talks to Telegram, through `TELEGRAM_API_BASE_URL` and
`TELEGRAM_FILE_BASE_URL`. Tests and the demo act as users through its Python methods (or the
same actions over HTTP under `/_sandbox/`), read what each chat shows, and inject faults.

It implements the methods Field Relay uses, with Telegram's limits where they matter
(text 4096, caption 1024, albums 2-10, callback data 64 bytes, 20 MB downloads).
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import itertools
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import tornado.web
from tornado.httpserver import HTTPServer
from tornado.netutil import bind_sockets

from bot.settings import Settings
from sandbox.bot_api import MEDIA_KINDS, BotApi
from sandbox.http import ApiHandler, ControlHandler, FileHandler
from sandbox.limits import Faults, FloodControl
from sandbox.models import (
    METHOD_NAMES,
    ApiError,
    Call,
    Chat,
    Fault,
    Json,
    StoredFile,
    dimensions,
    image_bytes,
)
from sandbox.users import UserActions

__all__ = ["Sandbox", "image_bytes"]


class Sandbox(UserActions):
    """State of the fake Telegram: users, chats, messages, files and pending updates."""

    def __init__(
        self,
        token: str,
        *,
        bot_username: str = "fieldrelay_sandbox_bot",
        bot_name: str = "Field Relay",
    ) -> None:
        self.token = token
        self.api = BotApi(self)
        self.bot_id = int(token.partition(":")[0])
        self.bot_user: Json = {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": bot_name,
            "username": bot_username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }
        self.users: dict[int, Json] = {}
        self.chats: dict[int, Chat] = {}
        self.messages: dict[int, dict[int, Json]] = {}
        self.deleted: dict[int, set[int]] = {}
        # The pinned message of each chat, and chats where the bot may not pin.
        self.pinned: dict[int, int] = {}
        self.no_pin_rights: set[int] = set()
        self.files: dict[str, StoredFile] = {}
        # The file names of the current request's uploads, by part (see http.py).
        self.upload_names: dict[str, str] = {}
        self.updates: list[Json] = []
        self.delivered: list[Json] = []
        self.webhook: tuple[str, str] | None = None
        self.webhook_responses: list[int] = []
        self._webhook_queue: asyncio.Queue[Json] = asyncio.Queue()
        self._webhook_task: asyncio.Task[None] | None = None
        self.calls: list[Call] = []
        self.callback_answers: dict[str, Json] = {}
        self.faults = Faults()
        self.commands: dict[str, list[Json]] = {}
        self._update_ids = itertools.count(1)
        self._message_ids: dict[int, itertools.count[int]] = {}
        self._file_ids = itertools.count(1)
        self._callback_ids = itertools.count(1)
        self._new_update = asyncio.Event()
        self._changed = asyncio.Event()
        self._server: HTTPServer | None = None
        self.port = 0
        # When each message appeared and each button press was answered (monotonic seconds).
        self.created_at: dict[tuple[int, int], float] = {}
        # How many messages the bot has sent into each chat: cheap to check in a tight loop.
        self.sent_by_bot: collections.Counter[int] = collections.Counter()
        self.answered_at: dict[str, float] = {}
        self.flood = FloodControl()

    @property
    def flood_limits(self) -> tuple[float, int, float] | None:
        """Telegram's flood control, when enabled: (messages per second overall, messages
        per window in a group or channel, that window in seconds). 429 when exceeded."""
        return self.flood.limits

    @flood_limits.setter
    def flood_limits(self, limits: tuple[float, int, float] | None) -> None:
        self.flood.limits = limits

    @property
    def flood_refusals(self) -> int:
        return self.flood.refusals

    # ------------------------------------------------------------------ server

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        app = tornado.web.Application(
            [
                (r"/bot([^/]+)/(\w+)", ApiHandler, {"sandbox": self}),
                (r"/file/bot([^/]+)/(.+)", FileHandler, {"sandbox": self}),
                (r"/_sandbox/(\w+)", ControlHandler, {"sandbox": self}),
            ],
            log_function=lambda handler: None,
        )
        sockets = bind_sockets(port, host)
        self.port = sockets[0].getsockname()[1]
        self._server = HTTPServer(app, max_buffer_size=64 * 1024 * 1024)
        self._server.add_sockets(sockets)
        self.host = host
        if self.webhook is not None:
            self._start_webhook_delivery()

    async def outage(self, seconds: float) -> None:
        """Telegram unreachable: connections refused for `seconds`, then back, state kept."""
        port = self.port
        await self.stop()
        await asyncio.sleep(seconds)
        await self.start(self.host, port)

    async def stop(self) -> None:
        if self._webhook_task is not None:
            self._webhook_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._webhook_task
            self._webhook_task = None
        if self._server is not None:
            self._server.stop()
            self._new_update.set()
            await self._server.close_all_connections()
            self._server = None

    @property
    def api_url(self) -> str:
        return f"http://{self.host}:{self.port}/bot"

    @property
    def file_url(self) -> str:
        return f"http://{self.host}:{self.port}/file/bot"

    def bot_settings(
        self,
        *,
        admin_ids: list[int],
        editors_chat_id: int,
        channel_ids: list[int | str],
        database: Path,
        **overrides: Any,
    ) -> Settings:
        """Settings for the bot in this process against this sandbox, ignoring any .env."""
        return Settings(
            _env_file=None,
            telegram_bot_token=self.token,
            telegram_api_base_url=self.api_url,
            telegram_file_base_url=self.file_url,
            admin_ids=admin_ids,
            editors_chat_id=editors_chat_id,
            channel_ids=channel_ids,
            database_path=database,
            **overrides,
        )

    def bot_environment(
        self,
        *,
        admin_ids: list[int],
        editors_chat_id: int,
        channel_ids: list[int],
        database: str,
        **settings: str,
    ) -> dict[str, str]:
        """The environment for running `fieldrelay run` against this sandbox in a subprocess
        (crash tests, benchmarks); more settings by name, e.g. POLL_TIMEOUT_SECONDS="1"."""
        return {
            "PATH": os.environ.get("PATH", ""),
            "PYTHONPATH": str(Path(__file__).parents[1]),
            "TELEGRAM_BOT_TOKEN": self.token,
            "TELEGRAM_API_BASE_URL": self.api_url,
            "TELEGRAM_FILE_BASE_URL": self.file_url,
            "ADMIN_IDS": ",".join(map(str, admin_ids)),
            "EDITORS_CHAT_ID": str(editors_chat_id),
            "CHANNEL_IDS": ",".join(map(str, channel_ids)),
            "DATABASE_PATH": database,
        } | settings

    # ------------------------------------------------------------------ world

    def add_user(
        self,
        user_id: int,
        first_name: str,
        username: str | None = None,
        language_code: str | None = None,
    ) -> Json:
        """A Telegram user; `language_code` is the language of their app, as Telegram says."""
        user: Json = {"id": user_id, "is_bot": False, "first_name": first_name}
        if username:
            user["username"] = username
        if language_code:
            user["language_code"] = language_code
        self.users[user_id] = user
        self._chat(user_id, "private", first_name=first_name, username=username)
        return user

    def add_group(self, chat_id: int, title: str, members: dict[int, str] | None = None) -> Chat:
        chat = self._chat(chat_id, "supergroup", title=title)
        chat.members.update(members or {})
        chat.members.setdefault(self.bot_id, "member")
        return chat

    def add_channel(self, chat_id: int, title: str, bot_status: str = "administrator") -> Chat:
        chat = self._chat(chat_id, "channel", title=title)
        chat.members[self.bot_id] = bot_status
        return chat

    def _chat(self, chat_id: int, kind: str, **names: Any) -> Chat:
        chat = self.chats.get(chat_id)
        if chat is None:
            chat = Chat(id=chat_id, type=kind, **names)
            self.chats[chat_id] = chat
            self.messages[chat_id] = {}
            self.deleted[chat_id] = set()
            self._message_ids[chat_id] = itertools.count(1)
        return chat

    def inject(
        self,
        method: str,
        code: int = 429,
        *,
        retry_after: int | None = None,
        times: int = 1,
        chat_id: int | None = None,
        delay: float = 0.0,
    ) -> None:
        """Make the next `times` calls of `method` ("*" for any), to `chat_id` if given,
        fail with `code` (or, with code 200 and a delay, succeed but answer late; with an
        error code and a delay, answer late having done nothing: a request lost in a
        timeout)."""
        if code == 429 and retry_after is None:
            retry_after = 1
        self.faults.add(Fault(method, code, retry_after, times, chat_id, delay))

    # ------------------------------------------------------------------ acting as users

    def _now(self) -> int:
        return int(time.time())

    def push_update(self, kind: str, payload: Json) -> Json:
        update = {"update_id": next(self._update_ids), kind: payload}
        self.delivered.append(update)
        if self.webhook is not None:
            self._webhook_queue.put_nowait(update)
        else:
            self.updates.append(update)
            self._new_update.set()
        return update

    def _start_webhook_delivery(self) -> None:
        if self._webhook_task is None:
            self._webhook_task = asyncio.get_running_loop().create_task(self._deliver_webhooks())

    async def _deliver_webhooks(self) -> None:
        """Post each update to the bot's webhook, in order, retrying until it answers 200."""
        async with httpx.AsyncClient(timeout=10) as client:
            while True:
                update = await self._webhook_queue.get()
                while self.webhook is not None:
                    url, secret = self.webhook
                    try:
                        response = await client.post(
                            url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": secret}
                        )
                        self.webhook_responses.append(response.status_code)
                        if response.status_code == 200:
                            break
                    except httpx.HTTPError:
                        self.webhook_responses.append(0)
                    await asyncio.sleep(0.2)

    def new_message(self, chat_id: int, sender: Json | None, **content: Any) -> Json:
        chat = self.chats[chat_id]
        message: Json = {
            "message_id": next(self._message_ids[chat_id]),
            "date": self._now(),
            "chat": chat.as_json(),
        }
        if sender is not None:
            message["from"] = sender
            if sender.get("id") == self.bot_id:
                self.sent_by_bot[chat_id] += 1
        elif chat.type == "channel":
            message["sender_chat"] = chat.as_json()
        message.update({key: value for key, value in content.items() if value is not None})
        self.messages[chat_id][message["message_id"]] = message
        self.created_at[(chat_id, message["message_id"])] = time.monotonic()
        self._changed.set()
        return message

    def upload(self, data: bytes, kind: str, declared_size: int | None = None) -> StoredFile:
        number = next(self._file_ids)
        stored = StoredFile(
            file_id=f"{kind}-{number}-{'x' * 20}",
            file_unique_id=f"u{number}",
            data=data,
            kind=kind,
            declared_size=declared_size,
        )
        self.files[stored.file_id] = stored
        return stored

    def _photo_sizes(self, data: bytes) -> list[Json]:
        """A thumbnail and the full picture, as Telegram lists them (largest last)."""
        width, height = dimensions(data)
        thumb = self.upload(data[: max(1, len(data) // 4)], "photo")
        full = self.upload(data, "photo")
        return [
            {
                "file_id": thumb.file_id,
                "file_unique_id": thumb.file_unique_id,
                "width": max(1, width // 4),
                "height": max(1, height // 4),
                "file_size": thumb.size,
            },
            {
                "file_id": full.file_id,
                "file_unique_id": full.file_unique_id,
                "width": width,
                "height": height,
                "file_size": full.size,
            },
        ]

    # ------------------------------------------------------------------ reading

    def chat_messages(self, chat_id: int) -> list[Json]:
        """What the chat shows now, oldest first."""
        return [
            message
            for message_id, message in sorted(self.messages.get(chat_id, {}).items())
            if message_id not in self.deleted.get(chat_id, set())
        ]

    def bot_messages(self, chat_id: int) -> list[Json]:
        return [
            message
            for message in self.chat_messages(chat_id)
            if message.get("from", {}).get("id") == self.bot_id or "sender_chat" in message
        ]

    def transcript(self, chat_id: int, names: dict[int, str] | None = None) -> str:
        """The chat as a reader would see it, one block per message."""
        names = names or {}
        lines = []
        for message in self.chat_messages(chat_id):
            sender = message.get("from", {})
            if sender.get("id") == self.bot_id or "sender_chat" in message:
                who = "bot"
            else:
                who = names.get(sender.get("id", 0), sender.get("first_name", "?"))
            media = [kind for kind in MEDIA_KINDS if kind in message]
            head = f"#{message['message_id']} {who}"
            if "reply_to_message" in message:
                head += f" (reply to #{message['reply_to_message']['message_id']})"
            if message.get("media_group_id"):
                head += " [album]"
            body = message.get("text") or message.get("caption") or ""
            if media:
                body = f"[{media[0]}] {body}".rstrip()
            lines.append(f"{head}: {body}".replace("\n", "\n    "))
            for row in message.get("reply_markup", {}).get("inline_keyboard", []):
                lines.append("    " + " ".join(f"[ {button['text']} ]" for button in row))
        return "\n".join(lines) if lines else "(empty)"

    def calls_of(self, method: str) -> list[Call]:
        return [call for call in self.calls if call.method == method]

    def file_data(self, file_id: str) -> bytes:
        return self.files[file_id].data

    async def wait_for(
        self, predicate: Callable[[], Any], timeout: float = 10.0, what: str = "condition"
    ) -> Any:
        """Wait until predicate() is truthy and return its value."""
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            self._changed.clear()
            value = predicate()
            if value:
                return value
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0:
                raise TimeoutError(f"sandbox: timed out waiting for {what}")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), min(remaining, 0.05))

    # ------------------------------------------------------------------ Bot API

    async def call(self, method: str, params: Json, files: dict[str, bytes]) -> Any:
        # Bot API method names are case-insensitive: calls are recorded, and faults matched,
        # under the documented spelling whichever one the bot used.
        method = METHOD_NAMES.get(method.lower(), method)
        self.calls.append(Call(method, params, files, time.monotonic()))
        self._changed.set()
        fault = self.faults.take(method, params)
        if fault is not None and fault.code == 200:
            handler = getattr(self.api, f"api_{method.lower()}")
            result = await handler(params, files)
            await asyncio.sleep(fault.delay)
            return result
        if fault is not None:
            # A request lost in a timeout: the answer comes too late, and nothing was done.
            await asyncio.sleep(fault.delay)
            if fault.code == 429:
                raise ApiError(
                    429,
                    f"Too Many Requests: retry after {fault.retry_after}",
                    {"retry_after": fault.retry_after},
                )
            raise ApiError(fault.code, "Internal Server Error" if fault.code >= 500 else "Error")
        self.flood.check(method, params)
        handler = getattr(self.api, f"api_{method.lower()}", None)
        if handler is None:
            raise ApiError(404, "Not Found: method not found")
        return await handler(params, files)
