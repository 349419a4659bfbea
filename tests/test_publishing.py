"""What supporters see: numbered updates in every channel, kept right afterwards."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.clock import FixedClock
from bot.settings import Settings
from sandbox import Sandbox, image_bytes
from tests.conftest import ADMIN, CHANNEL, EDITORS_CHAT, World, make_settings

SECOND_CHANNEL = -100901
BEFORE_NOON = datetime(2026, 3, 2, 16, 59, tzinfo=UTC)  # 11:59 am in New York


def channel_posts(sandbox: Sandbox, channel: int = CHANNEL) -> list[dict[str, Any]]:
    return sandbox.bot_messages(channel)


def body(message: dict[str, Any]) -> str:
    return str(message.get("text") or message.get("caption") or "")


async def two_channels(sandbox: Sandbox, tmp_path: Path, start_relay: Any, **extra: Any) -> World:
    sandbox.add_channel(SECOND_CHANNEL, "Kirkuk Live (Arabic)")
    settings = make_settings(
        sandbox, tmp_path / "relay.db", channel_ids=[CHANNEL, SECOND_CHANNEL], **extra
    )
    return World(
        sandbox,
        await start_relay(settings, **({"clock": extra.pop("clock")} if "clock" in extra else {})),
    )


async def reporter(
    world: World, text: str = "Fighters posed as police at the checkpoint"
) -> tuple[int, int]:
    contact = await world.join("contact", "Kirkuk-1")
    editor = await world.join("editor", "Desk-1")
    world.sandbox.send_text(contact, text)
    await world.card_of("R-1")
    return contact, editor


async def test_publish_now_posts_a_numbered_update_in_every_channel(
    sandbox: Sandbox, tmp_path: Path, start_relay: Any
) -> None:
    sandbox.add_channel(SECOND_CHANNEL, "Kirkuk Live (Arabic)")
    clock = FixedClock(datetime(2025, 10, 21, 12, 30, tzinfo=UTC))
    settings = make_settings(sandbox, tmp_path / "r.db", channel_ids=[CHANNEL, SECOND_CHANNEL])
    world = World(sandbox, await start_relay(settings, clock=clock))
    contact, editor = await reporter(world)
    await world.press(editor, 1, "now")
    for channel in (CHANNEL, SECOND_CHANNEL):
        post = await sandbox.wait_for(lambda c=channel: channel_posts(sandbox, c), what="post")  # type: ignore[misc]  # a lambda binding a loop variable
        assert body(post[0]) == (
            "UPDATE #1 (10/21, 3:30 pm Iraq / 8:30 am EDT)\n\n"
            "Unconfirmed: Fighters posed as police at the checkpoint"
        )
    report = await world.report(1, status="published", number=1)
    assert report.published_at == clock.now()
    told = await world.bot_says(contact, "went out as UPDATE #1")
    assert told["text"] == "Your report R-1 went out as UPDATE #1. Thank you — keep safe."
    card = await world.card_shows(1, f"{SECOND_CHANNEL}: ✅ sent")
    assert "Report R-1 · published as UPDATE #1" in card["text"]
    assert f"{CHANNEL}: ✅ sent https://t.me/c/900/" in card["text"]
    assert "Kirkuk-1" not in body(channel_posts(sandbox)[0])


async def test_approve_waits_for_the_slot_then_goes_out(
    sandbox: Sandbox, settings: Settings, start_relay: Any
) -> None:
    clock = FixedClock(BEFORE_NOON)
    world = World(sandbox, await start_relay(settings, clock=clock))
    _, editor = await reporter(world)
    await world.press(editor, 1, "approve")
    await world.card_shows(1, "Goes out: 03/02, 8:00 pm Iraq / 12:00 pm EST.")
    job_queue = world.relay.application.job_queue
    assert job_queue is not None

    async def wake_up_planned() -> Any:
        jobs = job_queue.get_jobs_by_name("publishing-due")
        return jobs[0] if jobs else None

    job = await world.eventually(wake_up_planned, what="a wake-up for the slot")
    delay = (job.next_t - datetime.now(UTC)).total_seconds()
    assert 50 < delay <= 60  # one minute on the (fixed) clock: 11:59 -> 12:00
    await world.sync()
    assert channel_posts(sandbox) == []
    assert (await world.report(1)).status == "approved"

    clock.advance(minutes=1)  # 12:00 on the bot's clock; the scheduler's is real time:
    job.job.modify(next_run_time=datetime.now(UTC))  # its planned wake-up fires now, by itself
    post = await sandbox.wait_for(lambda: channel_posts(sandbox), what="the slot's update")
    assert body(post[0]).startswith("UPDATE #1 (03/02, 8:00 pm Iraq / 12:00 pm EST)")


async def test_a_slot_publishes_in_approval_order_as_separate_updates(
    sandbox: Sandbox, settings: Settings, start_relay: Any
) -> None:
    clock = FixedClock(BEFORE_NOON)
    world = World(sandbox, await start_relay(settings, clock=clock))
    contact, editor = await reporter(world, "first sent")
    for text in ("second sent", "third sent"):
        sandbox.send_text(contact, text)
    await world.card_of("R-3")
    for report_id in (3, 1, 2):  # approved in this order
        await world.press(editor, report_id, "approve")
    clock.advance(minutes=2)
    world.services.publisher.wake()
    posts = await sandbox.wait_for(
        lambda: channel_posts(sandbox) if len(channel_posts(sandbox)) == 3 else None
    )
    assert [body(p).split("\n\n")[1] for p in posts] == [
        "Unconfirmed: third sent",
        "Unconfirmed: first sent",
        "Unconfirmed: second sent",
    ]
    assert [body(p).split(" ")[1] for p in posts] == ["#1", "#2", "#3"]


async def test_numbers_never_skip_or_repeat_under_a_burst(
    sandbox: Sandbox, tmp_path: Path, start_relay: Any
) -> None:
    world = await two_channels(sandbox, tmp_path, start_relay)
    contact, editor = await reporter(world, "report 1")
    for index in range(2, 13):
        sandbox.send_text(contact, f"report {index}")
    await world.card_of("R-12")
    for report_id in range(1, 13):
        world.sandbox.press(
            editor,
            EDITORS_CHAT,
            (await world.card_message(report_id))["message_id"],
            f"v1:now:{report_id}",
        )
    for channel in (CHANNEL, SECOND_CHANNEL):
        posts = await sandbox.wait_for(
            lambda c=channel: (  # type: ignore[misc]  # a lambda binding a loop variable
                channel_posts(sandbox, c) if len(channel_posts(sandbox, c)) == 12 else None
            ),
            timeout=20,
        )
        numbers = [int(body(p).split(" ")[1][1:]) for p in posts]
        assert numbers == list(range(1, 13))
    reports = [await world.services.store.reports.get(i) for i in range(1, 13)]
    assert sorted(r.number for r in reports) == list(range(1, 13))
    # Each channel shows each report once, under the same number as every other channel.
    first = {body(p).split("\n\n")[1]: body(p).split(" ")[1] for p in channel_posts(sandbox)}
    second = {
        body(p).split("\n\n")[1]: body(p).split(" ")[1]
        for p in channel_posts(sandbox, SECOND_CHANNEL)
    }
    assert first == second


async def test_one_channel_failing_for_good_does_not_hold_up_the_others(
    sandbox: Sandbox, tmp_path: Path, start_relay: Any
) -> None:
    world = await two_channels(sandbox, tmp_path, start_relay)
    sandbox.chats[SECOND_CHANNEL].members[sandbox.bot_id] = "member"  # demoted by someone
    _, editor = await reporter(world)
    await world.press(editor, 1, "now")
    await sandbox.wait_for(lambda: channel_posts(sandbox), what="post in the first channel")
    notice = await world.bot_says(
        EDITORS_CHAT, f"Delivery of UPDATE #1 (R-1) to {SECOND_CHANNEL} failed"
    )
    assert "Need administrator rights in the channel chat" in notice["text"]
    card = await world.card_shows(1, f"{SECOND_CHANNEL}: ❌ failed")
    assert f"{CHANNEL}: ✅ sent" in card["text"]
    assert channel_posts(sandbox, SECOND_CHANNEL) == []


async def test_a_429_storm_is_waited_out_and_nothing_is_lost(
    sandbox: Sandbox, settings: Settings, start_relay: Any
) -> None:
    world = World(sandbox, await start_relay(settings))
    _, editor = await reporter(world)
    sandbox.inject("sendMessage", 429, retry_after=1, times=2, chat_id=CHANNEL)
    await world.press(editor, 1, "now")
    await sandbox.wait_for(lambda: channel_posts(sandbox), timeout=15, what="post after 429s")
    calls = [c for c in sandbox.calls_of("sendMessage") if c.params.get("chat_id") == str(CHANNEL)]
    assert len(calls) == 3
    assert calls[1].at - calls[0].at >= 0.9 and calls[2].at - calls[1].at >= 0.9
    assert len(channel_posts(sandbox)) == 1


async def test_server_errors_are_retried_with_backoff(
    sandbox: Sandbox, settings: Settings, start_relay: Any
) -> None:
    world = World(sandbox, await start_relay(settings))
    _, editor = await reporter(world)
    sandbox.inject("sendMessage", 502, times=2, chat_id=CHANNEL)
    await world.press(editor, 1, "now")
    await sandbox.wait_for(lambda: channel_posts(sandbox), timeout=15, what="post after 502s")
    await world.card_shows(1, f"{CHANNEL}: ✅ sent")
    assert len(channel_posts(sandbox)) == 1


async def test_long_text_splits_into_replies(world: World) -> None:
    text = "\n\n".join(f"Paragraph {i}. " + "detail " * 60 for i in range(12))[:4090].strip()
    _, editor = await reporter(world, text)
    await world.press(editor, 1, "now")
    posts = await world.sandbox.wait_for(
        lambda: channel_posts(world.sandbox) if len(channel_posts(world.sandbox)) == 2 else None
    )
    assert all(len(body(p)) <= 4096 for p in posts)
    assert posts[1]["reply_to_message"]["message_id"] == posts[0]["message_id"]
    head = body(posts[0]).split("\n\n", 1)[0]
    assert head.startswith("UPDATE #1 (")
    shown = " ".join(body(p) for p in posts).split()
    assert shown == f"{head} Unconfirmed: {text}".split()


async def test_album_goes_to_two_channels_as_one_album_of_clean_photos(
    sandbox: Sandbox, tmp_path: Path, start_relay: Any
) -> None:
    world = await two_channels(sandbox, tmp_path, start_relay)
    contact = await world.join("contact", "Roof-1")
    editor = await world.join("editor", "Desk-1")
    sandbox.send_album(
        contact,
        [image_bytes(color=c) for c in ("red", "green", "blue")],
        caption="Smoke over the old city, from my roof",
    )
    await world.card_of("R-1")
    await world.report(1, card_state="posted")
    clean_ids = [m.clean_file_id for m in await world.services.store.media.of_report(1)]
    await world.press(editor, 1, "now")
    for channel in (CHANNEL, SECOND_CHANNEL):
        posts = await sandbox.wait_for(
            lambda c=channel: (  # type: ignore[misc]  # a lambda binding a loop variable
                channel_posts(sandbox, c) if len(channel_posts(sandbox, c)) == 3 else None
            )
        )
        assert len({p["media_group_id"] for p in posts}) == 1
        assert body(posts[0]).startswith("UPDATE #1 (")
        assert body(posts[0]).endswith("Unconfirmed: Smoke over the old city, from my roof")
        assert all("caption" not in p for p in posts[1:])
    group_calls = [
        c for c in sandbox.calls_of("sendMediaGroup") if c.params["chat_id"] != str(EDITORS_CHAT)
    ]
    for call in group_calls:
        assert [item["media"] for item in call.params["media"]] == clean_ids


async def test_a_story_opening_post_threads_the_updates(world: World) -> None:
    _, editor = await reporter(world)
    sent = world.sandbox.send_text(
        editor,
        "/story new Attack on Kirkuk | Reports from our friends inside the city.",
        chat_id=EDITORS_CHAT,
    )
    reply = await world.bot_says(
        EDITORS_CHAT, "Story opened: Attack on Kirkuk", after=sent["message_id"]
    )
    assert "opening post is going out" in reply["text"]
    opening = await world.sandbox.wait_for(lambda: channel_posts(world.sandbox))
    assert body(opening[0]) == "Attack on Kirkuk\n\nReports from our friends inside the city."
    await world.press(editor, 1, "now")
    posts = await world.sandbox.wait_for(
        lambda: channel_posts(world.sandbox) if len(channel_posts(world.sandbox)) == 2 else None
    )
    assert posts[1]["reply_to_message"]["message_id"] == opening[0]["message_id"]
    assert body(posts[1]).startswith("UPDATE #1 ")
    sent = world.sandbox.send_text(editor, "/story close", chat_id=EDITORS_CHAT)
    closed = await world.bot_says(EDITORS_CHAT, "Story closed", after=sent["message_id"])
    assert closed["text"] == "📕 Story closed: Attack on Kirkuk, after 1 update(s)."


async def test_restart_publishes_what_fell_due_and_surfaces_doubt(
    sandbox: Sandbox, settings: Settings, start_relay: Any
) -> None:
    clock = FixedClock(BEFORE_NOON)
    relay = await start_relay(settings, clock=clock)
    world = World(sandbox, relay)
    contact, editor = await reporter(world)
    sandbox.send_text(contact, "second")
    await world.card_of("R-2")
    await world.press(editor, 1, "now")
    await world.card_shows(1, f"{CHANNEL}: ✅ sent")
    await world.press(editor, 2, "approve")
    await world.card_shows(2, "Goes out:")
    await relay.stop()
    # As if the bot had died in the middle of sending R-1 to the channel again.
    async with relay.db as db:
        await db.execute("UPDATE posts SET state = 'sending' WHERE report_id = 1")
    clock.advance(hours=1)  # the slot passed while the bot was down

    world.relay = await start_relay(settings, clock=clock)
    posts = await sandbox.wait_for(
        lambda: channel_posts(sandbox) if len(channel_posts(sandbox)) == 2 else None,
        what="the missed slot published at start",
    )
    assert body(posts[1]).startswith("UPDATE #2 ")
    notice = await world.bot_says(EDITORS_CHAT, "Delivery of UPDATE #1 (R-1) to")
    assert "is in doubt" in notice["text"]
    markup = [b["callback_data"] for row in notice["reply_markup"]["inline_keyboard"] for b in row]
    assert markup[0].startswith("v1:resend:") and markup[1].startswith("v1:marksent:")
    query = sandbox.press(editor, EDITORS_CHAT, notice["message_id"], markup[0])
    answer = await sandbox.wait_for(lambda: sandbox.callback_answers.get(query))
    assert answer["text"].startswith("🔁 Desk-1 chose Resend")
    await sandbox.wait_for(lambda: len(channel_posts(sandbox)) == 3, what="the resend")
    query = sandbox.press(editor, EDITORS_CHAT, notice["message_id"], markup[1])
    answer = await sandbox.wait_for(lambda: sandbox.callback_answers.get(query))
    assert answer["text"] == "This delivery was already settled. Nothing was changed."


async def test_nothing_goes_out_while_paused(world: World) -> None:
    _, editor = await reporter(world)
    sent = world.sandbox.send_text(ADMIN, "/pause", chat_id=EDITORS_CHAT)
    await world.bot_says(EDITORS_CHAT, "Publishing paused", after=sent["message_id"])
    await world.press(editor, 1, "now")
    # The publisher itself, asked to publish what is due, publishes nothing while paused.
    assert await world.services.publisher.publish_due() == []
    assert await world.services.store.outbox.of_report(1) == []
    assert (await world.report(1)).status == "approved"
    assert channel_posts(world.sandbox) == []
    sent = world.sandbox.send_text(ADMIN, "/resume", chat_id=EDITORS_CHAT)
    await world.bot_says(EDITORS_CHAT, "Publishing resumed", after=sent["message_id"])
    await world.sandbox.wait_for(lambda: channel_posts(world.sandbox), what="post after resume")


async def test_a_video_needs_an_explicit_media_check_before_it_can_go_out(world: World) -> None:
    contact = await world.join("contact", "Kirkuk-1")
    editor = await world.join("editor", "Desk-1")
    sent = world.sandbox.send_file(contact, "video", b"\x00fake-mp4" * 50, caption="Convoy")
    card = await world.card_of("R-1")
    # Not a video its bytes can be read as: passed on only after a check, under a new name.
    assert "Not cleaned (a kind of file the bot cannot clean)" in card["text"]
    assert card["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "v2:checked:1:1"
    for action in ("now", "approve"):
        refusal = await world.press(editor, 1, action)
        assert refusal.startswith("R-1 has a voice, or a file the bot could not clean")
    assert (await world.report(1)).status == "pending"

    assert await world.press(editor, 1, "checked") == (
        "Media of R-1 marked as checked by you. It can now be approved."
    )
    card = await world.card_shows(1, "✔️ Media checked by hand by Desk-1")
    assert ":checked:" not in str(card["reply_markup"])
    assert await world.press(editor, 1, "now") == "R-1 goes out now."
    post = await world.sandbox.wait_for(lambda: channel_posts(world.sandbox))
    # The bot's own upload of it, never the contact's file.
    assert post[0]["video"]["file_id"] != sent["video"]["file_id"]
    assert post[0]["video"]["file_name"] == "R-1.bin"
    assert body(post[0]).endswith("Unconfirmed: Convoy")
    checks = [
        e
        for e in await world.services.store.audit.for_report(1)
        if e.action == "report.media_checked"
    ]
    assert checks[0].actor == "Desk-1"


async def test_an_api_outage_delays_delivery_but_loses_and_reorders_nothing(
    sandbox: Sandbox, tmp_path: Path, start_relay: Any
) -> None:
    import os

    outage = float(os.environ.get("FIELDRELAY_OUTAGE_SECONDS", "30"))
    settings = make_settings(sandbox, tmp_path / "o.db", retry_backoff_max_seconds=3)
    world = World(sandbox, await start_relay(settings))
    contact, editor = await reporter(world, "before the outage")
    sandbox.send_text(contact, "second, before the outage")
    await world.card_of("R-2")
    sandbox.inject("sendMessage", 502, chat_id=CHANNEL)  # the first attempt fails, then...
    await world.press(editor, 1, "now")
    await world.press(editor, 2, "now")
    await sandbox.outage(outage)  # ... Telegram is unreachable for a while
    sandbox.send_text(contact, "sent while the bot could not reach Telegram")
    await world.card_of("R-3", timeout=20)
    posts = await sandbox.wait_for(
        lambda: channel_posts(sandbox) if len(channel_posts(sandbox)) == 2 else None,
        timeout=20,
        what="both updates after the outage",
    )
    assert [body(p).split(" ")[1] for p in posts] == ["#1", "#2"]
    assert [body(p).split("\n\n", 1)[1] for p in posts] == [
        "Unconfirmed: before the outage",
        "Unconfirmed: second, before the outage",
    ]


async def test_a_send_that_times_out_is_in_doubt_not_guessed(
    sandbox: Sandbox, tmp_path: Path, start_relay: Any
) -> None:
    settings = make_settings(sandbox, tmp_path / "t.db", request_timeout_seconds=0.5)
    world = World(sandbox, await start_relay(settings))
    _, editor = await reporter(world)
    # Telegram takes the post but answers too late: the bot cannot know it went out.
    sandbox.inject("sendMessage", 200, delay=2, chat_id=CHANNEL)
    await world.press(editor, 1, "now")
    notice = await world.bot_says(EDITORS_CHAT, "Delivery of UPDATE #1 (R-1) to", timeout=15)
    assert "is in doubt" in notice["text"]
    await world.sync()
    assert len(channel_posts(sandbox)) == 1  # it did arrive; the bot did not post it again
    post = (await world.services.store.outbox.of_report(1))[0]
    assert post.state == "in_doubt" and "TimedOut" in (post.error or "")
    markup = notice["reply_markup"]["inline_keyboard"][0]
    query = sandbox.press(editor, EDITORS_CHAT, notice["message_id"], markup[1]["callback_data"])
    answer = await sandbox.wait_for(lambda: sandbox.callback_answers.get(query))
    assert answer["text"].startswith("✔️ Desk-1 marked it as sent")
    await world.card_shows(1, f"{CHANNEL}: ✅ sent")
    assert len(channel_posts(sandbox)) == 1


async def test_mark_as_sent_asks_where_the_copy_is_so_that_later_edits_reach_it(
    sandbox: Sandbox, tmp_path: Path, start_relay: Any
) -> None:
    settings = make_settings(sandbox, tmp_path / "t.db", request_timeout_seconds=0.5)
    world = World(sandbox, await start_relay(settings))
    _, editor = await reporter(world, "Fighters at the checkpoint")
    sandbox.inject("sendMessage", 200, delay=2, chat_id=CHANNEL)  # it arrives, late
    await world.press(editor, 1, "now")
    notice = await world.bot_says(EDITORS_CHAT, "is in doubt", timeout=15)
    mark_sent = notice["reply_markup"]["inline_keyboard"][0][1]["callback_data"]
    sandbox.press(editor, EDITORS_CHAT, notice["message_id"], mark_sent)
    question = await world.bot_says(EDITORS_CHAT, "where is UPDATE #1 in", timeout=15)
    assert question["reply_to_message"]["message_id"] == notice["message_id"]

    # A link into another chat is refused, clearly, and the question stays open.
    wrong = sandbox.send_text(
        editor, "https://t.me/c/12345/7", chat_id=EDITORS_CHAT, reply_to_message=question
    )
    refusal = await world.bot_says(
        EDITORS_CHAT, "is not a link to a post", after=wrong["message_id"]
    )
    assert "https://t.me/c/900/123" in refusal["text"]
    copy = channel_posts(sandbox)[0]
    link = f"https://t.me/c/900/{copy['message_id']}"
    sandbox.send_text(editor, link, chat_id=EDITORS_CHAT, reply_to_message=question)
    await world.bot_says(EDITORS_CHAT, "linked UPDATE #1", timeout=15)
    post = (await world.services.store.outbox.of_report(1))[0]
    assert post.message_ids is not None and str(copy["message_id"]) in post.message_ids

    await world.press(editor, 1, "confirm")  # later: the copy marked as sent is edited too
    await sandbox.wait_for(
        lambda: "Confirmed (" in body(sandbox.messages[CHANNEL][copy["message_id"]]),
        what="the linked copy confirmed",
    )
    assert len(channel_posts(sandbox)) == 1
