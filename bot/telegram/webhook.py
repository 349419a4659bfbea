"""Webhook mode: Telegram posts each update to us; it is stored before Telegram gets its 200.

The path comes from WEBHOOK_URL (never the token); every request must carry WEBHOOK_SECRET in
Telegram's X-Telegram-Bot-Api-Secret-Token header, compared in constant time. Put it behind a
TLS-terminating reverse proxy, or use a self-hosted Bot API server.

Nothing is read before it is checked: the secret header is compared as soon as the headers
are in, and only then is the body read, up to WEBHOOK_MAX_BODY_BYTES. Slow headers or bodies,
idle connections and connections beyond WEBHOOK_MAX_CONNECTIONS are closed."""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
from typing import Any
from urllib.parse import urlparse

import tornado.netutil
import tornado.web
from telegram import Update
from tornado.httpserver import HTTPServer
from tornado.iostream import IOStream

from bot.settings import Settings
from bot.tasks import cancel_and_wait
from bot.telegram.polling import UpdateInbox

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


class WebhookReceiver:
    def __init__(self, updates: UpdateInbox, settings: Settings) -> None:
        assert settings.webhook_url and settings.webhook_secret
        self.updates = updates
        self.settings = settings
        self.url = settings.webhook_url
        self.secret = settings.webhook_secret.get_secret_value()
        self._queue: asyncio.Queue[tuple[int, dict[str, Any]]] = asyncio.Queue()
        self._server: HTTPServer | None = None
        self._worker: asyncio.Task[None] | None = None
        self.port = settings.webhook_port

    async def start(self) -> None:
        await self.updates.replay()
        path = urlparse(self.url).path or "/"
        app = tornado.web.Application(
            [(path, _UpdateHandler, {"receiver": self})], log_function=lambda handler: None
        )
        timeout = self.settings.webhook_timeout_seconds
        self._server = _BoundedServer(
            app,
            self.settings.webhook_max_connections,
            xheaders=True,
            max_body_size=self.settings.webhook_max_body_bytes,
            max_header_size=16 * 1024,
            idle_connection_timeout=timeout,
            body_timeout=timeout,
        )
        sockets = tornado.netutil.bind_sockets(self.port, self.settings.webhook_listen)
        self.port = sockets[0].getsockname()[1]
        self._server.add_sockets(sockets)
        self._worker = asyncio.get_running_loop().create_task(self._work(), name="webhook")
        await self.updates.application.bot.set_webhook(
            self.url, secret_token=self.secret, allowed_updates=Update.ALL_TYPES
        )
        log.info("receiving updates by webhook on port %d", self.port)

    async def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            await self._server.close_all_connections()
            self._server = None
        await cancel_and_wait(self._worker)

    def secret_matches(self, given: str) -> bool:
        return hmac.compare_digest(given.encode(), self.secret.encode())

    async def receive(self, raw: dict[str, Any]) -> None:
        """Store the update (durably) and queue it for handling in arrival order."""
        for screened in await self.updates.store([raw]):
            await self._queue.put((int(screened["update_id"]), screened))

    async def _work(self) -> None:
        while True:
            update_id, raw = await self._queue.get()
            try:
                # One the database refused is handled again before anything later.
                await self.updates.handle_all([raw], self._commit_when_idle)
            except Exception:
                log.exception("update %s could not be handled; it stays in the inbox", update_id)

    async def _commit_when_idle(self) -> None:
        if self._queue.empty():  # a burst is committed together
            await self.updates.commit()


class _BoundedServer(HTTPServer):
    """An HTTP server that closes a new connection at once when `max_connections` are open."""

    def __init__(self, app: tornado.web.Application, max_connections: int, **kwargs: Any):
        super().__init__(app, **kwargs)
        self.max_connections = max_connections
        self.open_connections = 0

    def handle_stream(self, stream: IOStream, address: tuple[Any, ...]) -> None:
        if self.open_connections >= self.max_connections:
            log.warning("webhook: %d connections open; refusing another", self.open_connections)
            stream.close()
            return
        self.open_connections += 1
        super().handle_stream(stream, address)

    def on_close(self, server_conn: object) -> None:
        self.open_connections -= 1
        super().on_close(server_conn)


@tornado.web.stream_request_body
class _UpdateHandler(tornado.web.RequestHandler):
    """Checks the secret and the declared size from the headers alone, then reads the body
    in chunks up to the cap."""

    receiver: WebhookReceiver

    def initialize(self, receiver: WebhookReceiver) -> None:
        self.receiver = receiver
        self.chunks: list[bytes] = []
        self.size = 0

    def check_xsrf_cookie(self) -> None:
        return None

    def prepare(self) -> None:
        if self.request.method != "POST":
            raise tornado.web.HTTPError(405)
        if not self.receiver.secret_matches(self.request.headers.get(SECRET_HEADER, "")):
            raise tornado.web.HTTPError(403)
        declared = self.request.headers.get("Content-Length", "0")
        if not declared.isdigit() or int(declared) > self.receiver.settings.webhook_max_body_bytes:
            raise tornado.web.HTTPError(413)

    def data_received(self, chunk: bytes) -> None:
        self.size += len(chunk)
        if self.size > self.receiver.settings.webhook_max_body_bytes:
            raise tornado.web.HTTPError(413)
        self.chunks.append(chunk)

    def on_finish(self) -> None:
        if self.get_status() >= 400 and self.request.connection is not None:
            # Whatever of a refused body is still on its way is not read.
            self.request.connection.close()  # type: ignore[attr-defined]

    async def post(self) -> None:
        try:
            raw = json.loads(b"".join(self.chunks))
            int(raw["update_id"])
        except (ValueError, KeyError, TypeError):
            self.set_status(400)
            self.finish()
            return
        await self.receiver.receive(raw)
        self.set_status(200)
        self.finish()
