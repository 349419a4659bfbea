"""The burst: reports of an explosion arrive at once, under Telegram's real limits.

The sandbox enforces Telegram's flood control (30 messages a second overall, 20 a minute in
a group or channel, album items counted) and the bot keeps Telegram's default pace. The
quick run (CI) compresses time tenfold: 20 messages per 6 s, and every duration is reported
back in real seconds. Nothing here lifts a limit.

Measured against the physical ceiling of the old design, one card per report at the
editors chat's 20 messages a minute: report i (in arrival order) could be in front of an
editor no sooner than 3 s x i after the first.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.run import (
    ADMIN,
    EDITORS_CHAT,
    Result,
    percentile,
    prepare_database,
    run_until,
    seed_contacts,
    settings_for,
    world,
)
from bot.app import FieldRelay
from sandbox import Sandbox, image_bytes

CHANNEL = -1009301
# How long the editor takes to read a report's line and decide: a human pace, and also the
# channel's own (20 posts a minute), so that press -> post measures the bot, not a backlog
# of posts the channel could not take faster on any design.
EDITOR_SECONDS_PER_DECISION = 4.0
ONE_CARD_SECONDS = 3.0 * 1.05  # the editors chat's pace: 20 a minute, with the bot's headroom


def _actionable_ids(sandbox: Sandbox) -> set[int]:
    """Reports an editor can act on in the editors chat now: a button naming them."""
    found: set[int] = set()
    for message in sandbox.bot_messages(EDITORS_CHAT):
        for row in message.get("reply_markup", {}).get("inline_keyboard", []):
            for button in row:
                parts = button.get("callback_data", "").split(":")
                if parts[1:2] in (["open"], ["now"], ["approve"]) and parts[2].isdigit():
                    found.add(int(parts[2]))
    return found


def _button(
    sandbox: Sandbox, chat_id: int, action: str, target: int
) -> tuple[dict[str, Any], str] | None:
    """The newest message in the chat with a button for `action` on report `target`, and
    that button's callback data (it names the version of the report the button shows)."""
    for message in reversed(sandbox.bot_messages(chat_id)):
        for row in message.get("reply_markup", {}).get("inline_keyboard", []):
            for button in row:
                data = button.get("callback_data", "")
                if data.split(":")[1:3] == [action, str(target)]:
                    return message, data
    return None


def _group_calls_per_window(sandbox: Sandbox, window: float) -> int:
    """The most messages (album items counted) the bot sent, edited or deleted in the
    editors chat within any `window` seconds."""
    times: list[float] = []
    for call in sandbox.calls:
        if str(call.params.get("chat_id")) != str(EDITORS_CHAT):
            continue
        if not call.method.lower().startswith(("send", "edit", "delete", "copy")):
            continue
        weight = len(call.params.get("media") or []) if call.method == "sendMediaGroup" else 1
        times += [call.at] * max(1, weight)
    times.sort()
    best, start = 0, 0
    for end, at in enumerate(times):
        while at - times[start] >= window:
            start += 1
        best = max(best, end - start + 1)
    return best


class Observer:
    """Watches the editors chat: when each report first became actionable."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox
        self.sent_at: dict[int, float] = {}
        self.actionable_at: dict[int, float] = {}

    async def run(self) -> None:
        while True:
            now = time.monotonic()
            for report_id in _actionable_ids(self.sandbox):
                self.actionable_at.setdefault(report_id, now)
            await asyncio.sleep(0.01)

    def latencies(self) -> list[float]:
        return [
            self.actionable_at[report_id] - sent
            for report_id, sent in self.sent_at.items()
            if report_id in self.actionable_at
        ]


async def _send(
    sandbox: Sandbox,
    contacts: list[int],
    count: int,
    seconds: float,
    observer: Observer,
    urgent_at: int | None = None,
) -> None:
    """`count` reports spread evenly over `seconds`; every fifth a photo."""
    for index in range(count):
        report_id = index + 1
        contact = contacts[index % len(contacts)]
        observer.sent_at[report_id] = time.monotonic()
        text = f"Explosion near the north gate, report {report_id}"
        if report_id == urgent_at:
            text = "URGENT: fighters at the dorm on the north road"
        if report_id % 5 == 0:
            sandbox.send_photo(contact, image_bytes(color=(report_id % 255, 0, 0)), caption=text)
        else:
            sandbox.send_text(contact, text)
        await asyncio.sleep(seconds / count)


async def _editor(
    sandbox: Sandbox, count: int, scale: float, answers: list[float], posts: list[float]
) -> None:
    """One editor, pressing Publish now on each report as soon as it can: from a card with
    buttons, or by opening it from the queue message (its card comes to their private chat)."""
    decided: set[int] = set()
    while len(decided) < count:
        pending = sorted(_actionable_ids(sandbox) - decided)
        target = pending[0] if pending else None
        if target is None:
            await asyncio.sleep(0.01)
            continue
        chat, found = EDITORS_CHAT, _button(sandbox, EDITORS_CHAT, "now", target)
        if found is None:
            chat, found = ADMIN, _button(sandbox, ADMIN, "now", target)
        if found is None:
            queue = _button(sandbox, EDITORS_CHAT, "open", target)
            if queue is not None:
                sandbox.press(ADMIN, EDITORS_CHAT, queue[0]["message_id"], queue[1])
                await run_until(
                    lambda t=target: _button(sandbox, ADMIN, "now", t) is not None, 60, "a card"
                )
            continue
        message, data = found
        posted_before = len(sandbox.bot_messages(CHANNEL))
        pressed = time.monotonic()
        query = sandbox.press(ADMIN, chat, message["message_id"], data)
        await run_until(lambda q=query: q in sandbox.answered_at, 30, "an answer", 0.002)
        answers.append(sandbox.answered_at[query] - pressed)
        await run_until(
            lambda n=posted_before: len(sandbox.bot_messages(CHANNEL)) > n, 120, "a post", 0.005
        )
        last = sandbox.bot_messages(CHANNEL)[-1]
        posts.append((sandbox.created_at[(CHANNEL, last["message_id"])] - pressed) * scale)
        decided.add(target)
        await asyncio.sleep(EDITOR_SECONDS_PER_DECISION / scale)


def one_card_ceiling(observer: Observer, scale: float) -> list[float]:
    """What one card per report at the editors chat's pace could give at best (in the
    run's own time, like the latencies)."""
    first = min(observer.sent_at.values())
    return [
        max(0.0, first + ONE_CARD_SECONDS / scale * index - sent)
        for index, sent in enumerate(sorted(observer.sent_at.values()))
    ]


async def paced_relay(
    sandbox: Sandbox, folder: Path, contacts: int, scale: float, channel: int
) -> tuple[FieldRelay, list[int]]:
    """The real bot at Telegram's default pace (the editors chat's time `scale`d), started,
    with `contacts` registered contacts the sandbox knows."""
    database = folder / "bench.db"
    await prepare_database(database)
    users = seed_contacts(database, contacts)
    for user in users:
        sandbox.add_user(user, "Contact")
    relay = FieldRelay(
        settings_for(
            sandbox,
            database,
            [channel],
            publish_slots=[],
            global_messages_per_second=25,
            group_messages_per_minute=20 * scale,
            desk_queue_refresh_seconds=6 / scale,
            private_desk_refresh_seconds=1 / scale,
        )
    )
    await relay.start()
    return relay, users


async def _burst(
    quick: bool, count: int, seconds: float, *, editor: bool, urgent_at: int | None = None
) -> tuple[Observer, list[float], list[float], int, int, float]:
    scale = 10.0 if quick else 1.0
    sandbox = await world([CHANNEL])
    sandbox.flood_limits = (30, 20, 60 / scale)
    with tempfile.TemporaryDirectory() as folder:
        relay, contacts = await paced_relay(sandbox, Path(folder), 3, scale, CHANNEL)
        observer = Observer(sandbox)
        watching = asyncio.create_task(observer.run())
        answers: list[float] = []
        posts: list[float] = []
        started = time.monotonic()
        sending = asyncio.create_task(
            _send(sandbox, contacts, count, seconds / scale, observer, urgent_at)
        )
        if editor:
            await _editor(sandbox, count, scale, answers, posts)
        await sending
        await run_until(lambda: len(observer.actionable_at) >= count, 300, "every report")
        elapsed = time.monotonic() - started
        watching.cancel()
        await relay.stop()
    await sandbox.stop()
    per_minute = _group_calls_per_window(sandbox, 60 / scale)
    return observer, answers, posts, per_minute, sandbox.flood_refusals, elapsed * scale


async def run(quick: bool) -> list[Result]:
    scale = 10.0 if quick else 1.0
    observer, answers, posts, per_minute, refusals, _ = await _burst(quick, 30, 5, editor=True)
    actionable = [latency * scale for latency in observer.latencies()]
    ceiling = one_card_ceiling(observer, scale)
    p95, ceiling_p95 = percentile(actionable, 0.95), percentile(ceiling, 0.95) * scale
    big, _, _, big_per_minute, big_refusals, _ = await _burst(
        quick, 100, 60, editor=False, urgent_at=50
    )
    big_actionable = [latency * scale for latency in big.latencies()]
    urgent = (big.actionable_at[50] - big.sent_at[50]) * scale
    big_p95 = percentile(big_actionable, 0.95)
    big_ceiling = percentile(one_card_ceiling(big, scale), 0.95) * scale
    clock = "time x10 compressed, reported in real seconds" if quick else "real time"
    return [
        Result(
            "burst of 30 in 5 s: send -> actionable, p95",
            round(p95, 1),
            "s",
            "<= 20 s",
            p95 <= 20,
            f"p50 {percentile(actionable, 0.5):.1f} s, max {max(actionable):.1f} s; "
            f"{p95 / ceiling_p95:.2f}x of one card per report at 20/min "
            f"(p95 {ceiling_p95:.0f} s); Telegram's limits on, {clock}",
        ),
        Result(
            "burst of 30: press -> answer, p95",
            round(percentile(answers, 0.95) * 1000),
            "ms",
            "< 300 ms",
            percentile(answers, 0.95) < 0.3,
            f"{len(answers)} presses of Publish now, the editors chat busy; "
            f"p50 {percentile(answers, 0.5) * 1000:.0f} ms",
        ),
        Result(
            "burst of 30: press -> post in the channel, p95",
            round(percentile(posts, 0.95), 2),
            "s",
            "<= 3 s",
            percentile(posts, 0.95) <= 3,
            f"an editor deciding every {EDITOR_SECONDS_PER_DECISION:.0f} s (the channel's "
            f"own pace is one post every 3 s); p50 {percentile(posts, 0.5):.2f} s",
        ),
        Result(
            "burst: bot messages into the editors chat per minute, max",
            max(per_minute, big_per_minute),
            "",
            "<= 20",
            max(per_minute, big_per_minute) <= 20,
            "sends, edits and deletes, album items counted, in any minute of both bursts",
        ),
        Result(
            "burst: 429s provoked",
            refusals + big_refusals,
            "",
            "0",
            refusals + big_refusals == 0,
            "answers 'Too Many Requests' from the sandbox's flood control",
        ),
        Result(
            "burst of 100 in 60 s: send -> actionable, p95",
            round(big_p95, 1),
            "s",
            "<= 60 s",
            big_p95 <= 60,
            f"p50 {percentile(big_actionable, 0.5):.1f} s; {big_p95 / big_ceiling:.2f}x of one "
            f"card per report (p95 {big_ceiling:.0f} s); {clock}",
        ),
        Result(
            "burst of 100: an urgent-marked report, send -> actionable",
            round(urgent, 1),
            "s",
            "<= 10 s",
            urgent <= 10,
            "report 50 of 100 starts with URGENT:",
        ),
    ]
