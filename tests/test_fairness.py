"""Fair shares: nobody's flood delays anyone else; strangers and code guessers cost next to
nothing, and are never written down."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot import texts
from bot.fairness import FloodWatch, Refusals
from sandbox import Sandbox
from storage import Database, NewMessage, Repositories
from tests.conftest import ADMIN, EDITORS_CHAT, STRANGER, World, make_settings


async def flooded_world(sandbox: Sandbox, tmp_path: Path, start_relay: Any, **extra: Any) -> World:
    settings = make_settings(sandbox, tmp_path / "relay.db", **extra)
    return World(sandbox, await start_relay(settings))


async def test_a_flooding_contact_is_collapsed_and_told_once_and_others_go_first(
    sandbox: Sandbox, tmp_path: Path, start_relay: Any
) -> None:
    world = await flooded_world(
        sandbox, tmp_path, start_relay, contact_reports_per_minute=5, desk_queue_after=1
    )
    flooder = await world.join("contact", "Kirkuk-3")
    other = await world.join("contact", "Kirkuk-1")
    for number in range(12):
        sandbox.send_text(flooder, f"flood {number}")
    mine = sandbox.send_text(other, "Smoke over the market")
    await world.bot_says(other, "Received — report R-13", after=mine["message_id"])
    told = await world.bot_says(flooder, "You are sending faster than the editors can read")
    assert "Everything you send is kept" in told["text"]
    alert = await world.bot_says(ADMIN, "Kirkuk-3 is sending more than 5 reports a minute")
    assert "/revoke Kirkuk-3" in alert["text"]
    await world.card_of("R-13")
    await world.sync()
    await world.desk_idle()
    store = world.services.store
    assert await store.reports.count() == 13  # nothing lost

    def acks() -> list[Any]:
        return [m for m in sandbox.bot_messages(flooder) if m["text"].startswith("Received")]

    await sandbox.wait_for(lambda: len(acks()) >= 5, what="the fair share acknowledged")
    await world.desk_idle()
    assert len(acks()) == 5  # one each for the fair share, then one "slow down"
    assert len([m for m in sandbox.bot_messages(flooder) if "faster" in m["text"]]) == 1
    queue = await world.bot_says(EDITORS_CHAT, "Kirkuk-3: 7 more, sent too fast to list")
    assert "R-6 … R-12" in queue["text"]
    carded = [m["text"].split()[2] for m in sandbox.bot_messages(EDITORS_CHAT)
              if m.get("text", "").startswith("🆕 Report")]  # fmt: skip
    assert not {f"R-{n}" for n in range(6, 13)} & set(carded)
    alerts = [m for m in sandbox.bot_messages(ADMIN) if "reports a minute" in m["text"]]
    assert len(alerts) == 1


async def test_acknowledgements_and_cards_are_served_round_robin(tmp_path: Path) -> None:
    at = datetime(2026, 1, 1, tzinfo=UTC)
    async with Database(tmp_path / "fair.db") as db:
        store = Repositories.over(db)
        for person, telegram_id in ((1, 101), (2, 102)):
            await db.execute(
                "INSERT INTO people (id, telegram_user_id, role, pseudonym, created_at)"
                " VALUES (?, ?, 'contact', ?, ?)",
                (person, telegram_id, f"K-{person}", at.isoformat()),
            )
        messages = [(1, 101, n) for n in range(1, 41)] + [(2, 102, 41)]
        for contact, chat, message_id in messages:
            store.incoming.add_message_later(
                NewMessage(contact, chat, message_id, "t", False, None, None, "unconfirmed", at),
                lambda stored: None,
            )
        await db.flush()
        waiting = await store.acknowledgements.waiting(limit=100)
        assert [r.chat_id for r in waiting][:2] == [101, 102]  # the other contact's is second
        assert len(waiting) == 4  # three of the flood's per read, then the others
        cards = await store.cards.to_post(limit=3)
        assert {r.contact_id for r in cards[:2]} == {1, 2}  # each contact's newest first
        queue = await store.reports.waiting(10)
        assert queue[1].contact_id == 2


def test_the_flood_watch_and_the_refusals_count_in_memory() -> None:
    now = [0.0]
    watch = FloodWatch(3, clock=lambda: now[0])
    assert [watch.over(7) for _ in range(5)] == [
        (False, False), (False, False), (False, False), (True, True), (True, False),
    ]  # fmt: skip
    now[0] = 61.0  # a quiet minute later: a fair share again
    assert watch.over(7) == (False, False)
    refusals = Refusals(3600, 2, 2, clock=lambda: now[0])
    assert refusals.may_answer(1) and not refusals.may_answer(1)
    assert refusals.may_answer(2) and not refusals.may_answer(3)  # the global cap
    refusals.failed_invite(9)
    refusals.failed_invite(9)
    assert not refusals.may_try_invite(9) and refusals.may_try_invite(8)


async def test_a_stranger_is_answered_once_an_hour_and_crowds_get_silence(
    sandbox: Sandbox, tmp_path: Path, start_relay: Any
) -> None:
    world = await flooded_world(sandbox, tmp_path, start_relay, stranger_refusals_per_minute=2)
    for _ in range(3):
        sandbox.send_text(STRANGER, "let me in")
    for user in (STRANGER + 1, STRANGER + 2):
        sandbox.add_user(user, "Another Stranger")
        sandbox.send_text(user, "hello?")
    await world.sync()
    answered = [u for u in (STRANGER, STRANGER + 1, STRANGER + 2) for _ in sandbox.bot_messages(u)]
    assert answered == [STRANGER, STRANGER + 1]  # once each, and the cap of two a minute


async def test_invite_guesses_are_throttled_and_counted(
    sandbox: Sandbox, tmp_path: Path, start_relay: Any, capsys: Any
) -> None:
    from bot.cli import show_status

    settings = make_settings(sandbox, tmp_path / "relay.db", invite_attempts_per_hour=2)
    world = World(sandbox, await start_relay(settings))
    replies = []
    for guess in ("abc", "def", "ghi", "jkl"):
        sent = sandbox.send_text(STRANGER, f"/start {guess}")
        await world.sync()
        replies += [
            m["text"]
            for m in sandbox.bot_messages(STRANGER)
            if m.get("reply_to_message", {}).get("message_id") == sent["message_id"]
        ]
    assert len(replies) == 3
    assert replies[:2] == [texts.INVITE_UNKNOWN, texts.INVITE_UNKNOWN]
    assert replies[2].startswith("Too many invite codes that did not work")
    await world.services.store.db.flush()
    assert await show_status(settings) == 0
    assert "Invite codes tried that did not work: 2" in capsys.readouterr().out
