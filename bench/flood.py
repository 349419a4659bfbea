"""One contact floods while another keeps reporting, under Telegram's real limits.

The flooder sends 1,000 texts at once (200 in the quick run); meanwhile a second contact
sends one report a second. Measured for the second contact: send -> "Received" in their
chat, and send -> a button naming the report in the editors chat (the queue message or its
card). The sandbox enforces Telegram's flood control and the bot keeps Telegram's default
pace, as in the burst benchmark; the quick run compresses the editors chat's time tenfold
(the acknowledgements, in private chats, are not compressed).
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from pathlib import Path

from bench.burst import Observer, paced_relay
from bench.run import (
    Result,
    percentile,
    run_until,
    world,
)
from sandbox import Sandbox

CHANNEL = -1009302


def _ack_times(sandbox: Sandbox, user: int) -> dict[int, float]:
    """When each of the user's messages was acknowledged, by the message id it answers."""
    found = {}
    for message in sandbox.bot_messages(user):
        if message.get("text", "").startswith("Received") and "reply_to_message" in message:
            found[message["reply_to_message"]["message_id"]] = sandbox.created_at[
                (user, message["message_id"])
            ]
    return found


async def run(quick: bool) -> list[Result]:
    scale = 10.0 if quick else 1.0
    flood, steady = (200, 15) if quick else (1000, 30)
    sandbox = await world([CHANNEL])
    sandbox.flood_limits = (30, 20, 60 / scale)
    with tempfile.TemporaryDirectory() as folder:
        relay, (flooder, other) = await paced_relay(sandbox, Path(folder), 2, scale, CHANNEL)
        observer = Observer(sandbox)
        watching = asyncio.create_task(observer.run())
        sent_at: dict[int, float] = {}
        for index in range(flood):
            sandbox.send_text(flooder, f"flood {index}")
        for index in range(steady):
            message = sandbox.send_text(other, f"Smoke over the market, report {index}")
            sent_at[message["message_id"]] = time.monotonic()
            await asyncio.sleep(1.0)
        await run_until(lambda: len(_ack_times(sandbox, other)) >= steady, 120, "every ack")
        store = relay.services.store if relay.services is not None else None
        assert store is not None
        rows = await store.db.fetch(
            "SELECT id, message_id FROM reports WHERE chat_id = ? ORDER BY id", (other,)
        )
        report_of = {int(row[1]): int(row[0]) for row in rows}
        await run_until(
            lambda: all(report_of[m] in observer.actionable_at for m in sent_at),
            300,
            "every steady report actionable",
        )
        stored = await store.reports.count()
        watching.cancel()
        await relay.stop()
    await sandbox.stop()
    acks = _ack_times(sandbox, other)
    ack_latency = [acks[m] - at for m, at in sent_at.items()]
    actionable = [(observer.actionable_at[report_of[m]] - at) * scale for m, at in sent_at.items()]
    ack_p95, card_p95 = percentile(ack_latency, 0.95), percentile(actionable, 0.95)
    clock = "editors chat time x10 compressed, reported in real seconds" if quick else "real time"
    return [
        Result(
            f"flood of {flood}: the other contact's send -> acknowledgement, p95",
            round(ack_p95, 2),
            "s",
            "<= 2 s",
            ack_p95 <= 2,
            f"one report a second for {steady} s beside the flood; p50"
            f" {percentile(ack_latency, 0.5):.2f} s; {stored} of {flood + steady} stored;"
            " Telegram's limits on",
        ),
        Result(
            f"flood of {flood}: the other contact's send -> actionable, p95",
            round(card_p95, 1),
            "s",
            "<= 20 s",
            card_p95 <= 20,
            f"p50 {percentile(actionable, 0.5):.1f} s; the flood beyond its fair share is"
            f" collapsed into one queue line; {clock}",
        ),
    ]
