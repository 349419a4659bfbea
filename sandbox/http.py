"""The fake Telegram over HTTP: the Bot API, file downloads and user actions under /_sandbox/."""

from __future__ import annotations

import hmac
import json
from typing import TYPE_CHECKING, Any

import tornado.web

from sandbox.models import ApiError, Json

if TYPE_CHECKING:
    from sandbox.server import Sandbox


def _parse_value(raw: str) -> Any:
    """Bot API parameters arrive as strings; objects and arrays are JSON-encoded."""
    if raw[:1] in "[{":
        try:
            return json.loads(raw)
        except ValueError:
            return raw
    return raw


class _SandboxHandler(tornado.web.RequestHandler):
    sandbox: Sandbox

    def initialize(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox

    def check_xsrf_cookie(self) -> None:
        return None

    def _params(self) -> tuple[Json, dict[str, bytes]]:
        params: Json = {}
        content_type = self.request.headers.get("Content-Type", "")
        if content_type.startswith("application/json") and self.request.body:
            params.update(json.loads(self.request.body))
        else:
            for key, values in self.request.arguments.items():
                params[key] = _parse_value(values[-1].decode("utf-8"))
        files = {name: parts[0].body for name, parts in self.request.files.items() if parts}
        # The names uploads travel under, as Telegram shows a document's file_name.
        self.sandbox.upload_names = {
            name: parts[0].filename for name, parts in self.request.files.items() if parts
        }
        return params, files

    def _reply(self, status: int, body: Json) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(body))


class ApiHandler(_SandboxHandler):
    async def post(self, token: str, method: str) -> None:
        if not hmac.compare_digest(token, self.sandbox.token):
            self._reply(401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
            return
        params, files = self._params()
        try:
            result = await self.sandbox.call(method, params, files)
        except ApiError as exc:
            body: Json = {"ok": False, "error_code": exc.code, "description": exc.description}
            if exc.parameters:
                body["parameters"] = exc.parameters
            self._reply(exc.code, body)
            return
        self._reply(200, {"ok": True, "result": result})

    get = post


class FileHandler(_SandboxHandler):
    async def get(self, token: str, path: str) -> None:
        if not hmac.compare_digest(token, self.sandbox.token):
            self.send_error(401)
            return
        unique_id = path.rsplit("/", 1)[-1]
        for stored in self.sandbox.files.values():
            if stored.file_unique_id == unique_id:
                self.set_header("Content-Type", "application/octet-stream")
                self.finish(stored.data)
                return
        self.send_error(404)


class ControlHandler(_SandboxHandler):
    """Act as a user over HTTP: POST /_sandbox/<action> with a JSON body."""

    async def post(self, action: str) -> None:
        params, _ = self._params()
        sandbox = self.sandbox
        try:
            if action == "send_text":
                result: Any = sandbox.send_text(int(params["user_id"]), params["text"])
            elif action == "press":
                result = sandbox.press(
                    int(params["user_id"]),
                    int(params["chat_id"]),
                    int(params["message_id"]),
                    params["data"],
                )
            elif action == "inject":
                sandbox.inject(
                    params["method"],
                    int(params.get("code", 429)),
                    retry_after=params.get("retry_after"),
                    times=int(params.get("times", 1)),
                )
                result = True
            elif action == "messages":
                result = sandbox.chat_messages(int(params["chat_id"]))
            else:
                self._reply(404, {"ok": False, "description": f"unknown action {action}"})
                return
        except (KeyError, ValueError) as exc:
            self._reply(400, {"ok": False, "description": f"bad request: {exc}"})
            return
        self._reply(200, {"ok": True, "result": result})


def _tornado_quiet() -> None:
    """Tornado logs every 4xx the fake API answers; those are expected, not news."""
    import logging

    logging.getLogger("tornado.access").setLevel(logging.ERROR)


_tornado_quiet()
