"""What the fake Telegram refuses: injected faults, and Telegram's flood limits."""

from __future__ import annotations

import collections
import time

from sandbox.models import ApiError, Fault, Json


class Faults:
    """Faults a test injected, matched against calls in order."""

    def __init__(self) -> None:
        self.pending: list[Fault] = []

    def add(self, fault: Fault) -> None:
        self.pending.append(fault)

    def clear(self) -> None:
        self.pending.clear()

    def take(self, method: str, params: Json) -> Fault | None:
        """The fault this call meets, if any (each fault is used `times` times)."""
        for fault in self.pending:
            if fault.chat_id is not None and str(params.get("chat_id")) != str(fault.chat_id):
                continue
            if fault.method in (method, "*") and fault.times > 0:
                fault.times -= 1
                if fault.times == 0:
                    self.pending.remove(fault)
                return fault
        return None


class FloodControl:
    """Answers 429 like Telegram when a send would pass the enabled limits."""

    def __init__(self) -> None:
        self.limits: tuple[float, int, float] | None = None
        self.refusals = 0
        self._overall: collections.deque[float] = collections.deque()
        self._by_chat: dict[int, collections.deque[float]] = {}

    def check(self, method: str, params: Json) -> None:
        if self.limits is None or not method.lower().startswith(("send", "copy")):
            return
        per_second, per_chat, window = self.limits
        now = time.monotonic()
        weight = len(params.get("media") or []) if method.lower() == "sendmediagroup" else 1
        overall = self._overall
        while overall and now - overall[0] >= 1:
            overall.popleft()
        retry = 0.0
        if len(overall) + weight > per_second:
            retry = 1 - (now - overall[0])
        chat_id = int(params.get("chat_id") or 0)
        chat_sends = self._by_chat.setdefault(chat_id, collections.deque())
        if chat_id < 0:
            while chat_sends and now - chat_sends[0] >= window:
                chat_sends.popleft()
            if len(chat_sends) + weight > per_chat:
                retry = max(retry, window - (now - chat_sends[0]))
        if retry > 0:
            self.refusals += 1
            seconds = max(1, int(retry + 0.999))
            raise ApiError(
                429, f"Too Many Requests: retry after {seconds}", {"retry_after": seconds}
            )
        overall.extend([now] * weight)
        if chat_id < 0:
            chat_sends.extend([now] * weight)
