"""Editors write the updates: from several reports or none, with sources for editors only."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.clock import FixedClock
from bot.review.decisions import Editor
from sandbox import Sandbox, image_bytes
from storage import Database
from storage.schema import migrations
from tests.conftest import CHANNEL, EDITORS_CHAT, World, make_settings

SECOND_CHANNEL = -100901
BEFORE_NOON = datetime(2026, 3, 2, 16, 59, tzinfo=UTC)  # a minute before the noon slot


def posts(sandbox: Sandbox, channel: int = CHANNEL) -> list[dict[str, Any]]:
    return sandbox.bot_messages(channel)


def body(message: dict[str, Any]) -> str:
    return str(message.get("text") or message.get("caption") or "")


async def newsroom(world: World, *texts: str) -> tuple[list[int], int]:
    """Two contacts send reports (R-1, R-2, ...), an editor is at the desk."""
    contacts = [await world.join("contact", "Nadia"), await world.join("contact", "Omar")]
    editor = await world.join("editor", "Desk-1")
    for index, text in enumerate(texts):
        world.sandbox.send_text(contacts[index % 2], text)
        await world.card_of(f"R-{index + 1}")
    return contacts, editor


async def write(world: World, editor: int, text: str, **extra: Any) -> dict[str, Any]:
    """An editor sends a command in the editors chat; returns the bot's answer to it."""
    sent = world.sandbox.send_text(editor, text, chat_id=EDITORS_CHAT, **extra)

    def answer() -> dict[str, Any] | None:
        for message in world.sandbox.bot_messages(EDITORS_CHAT):
            replied = message.get("reply_to_message", {}).get("message_id")
            if replied == sent["message_id"] and "text" in message:
                return message
        return None

    found: dict[str, Any] = await world.sandbox.wait_for(answer, what=f"answer to {text!r}")
    return found


async def test_an_update_written_from_two_reports_goes_out_without_names_or_ids(
    world: World,
) -> None:
    contacts, editor = await newsroom(
        world, "Checkpoint on the north road is closed", "Police at the north checkpoint"
    )
    answer = await write(
        world,
        editor,
        "/write R-1 R-2\nThis is inaccurate, according to several of our friends inside.",
    )
    assert "Draft R-3 saved (sources: R-1, R-2" in answer["text"], answer["text"]
    card = await world.card_shows(3, "Sources: R-1 (Nadia), R-2 (Omar)")
    assert card["text"].startswith("🆕 Written update R-3")
    assert "Written by Desk-1" in card["text"]

    assert "goes out now" in await world.press(editor, 3, "now")
    post = await world.sandbox.wait_for(lambda: posts(world.sandbox), what="the update")
    text = body(post[0])
    assert text.startswith("UPDATE #1 (")
    assert text.endswith("\n\nThis is inaccurate, according to several of our friends inside.")
    assert "Unconfirmed" not in text  # the organisation's own words: no marker unless chosen
    for secret in ("Nadia", "Omar", "R-1", "R-2", "R-3", "Desk-1"):
        assert secret not in text
    # Sources leave the queue as used; their cards and contacts learn the number only.
    for report_id in (1, 2):
        await world.report(report_id, status="used")
        await world.card_shows(report_id, "Used in UPDATE #1 (R-3)")
    told = await world.bot_says(contacts[0], "helped us write UPDATE #1")
    assert "inaccurate" not in told["text"]
    history = await write(world, editor, "/history R-3")
    assert "Sources: R-1 (Nadia), R-2 (Omar)" in history["text"]


async def test_approving_a_single_report_is_still_one_press(world: World) -> None:
    _, editor = await newsroom(world, "Smoke over the citadel")
    await world.press(editor, 1, "now")
    post = await world.sandbox.wait_for(lambda: posts(world.sandbox), what="the update")
    assert body(post[0]).endswith("Unconfirmed: Smoke over the citadel")
    await world.report(1, status="published", number=1, origin="contact")


async def test_an_update_with_no_source_waits_for_the_slot_and_the_sweep_sends_it(
    sandbox: Sandbox, tmp_path: Path, start_relay: Any
) -> None:
    clock = FixedClock(BEFORE_NOON)
    settings = make_settings(sandbox, tmp_path / "r.db", publish_sweep_seconds=0.3)
    world = World(sandbox, await start_relay(settings, clock=clock))
    editor = await world.join("editor", "Desk-1")
    answer = await write(
        world, editor, "/write\nAn official says the situation is now calm. Not verified."
    )
    assert "sources: none" in answer["text"]
    card = await world.card_shows(1, "Sources: none (the organisation's own words)")
    assert "From:" not in card["text"]
    assert "approved" in (await world.press(editor, 1, "approve")).lower()
    await world.sync()
    assert posts(sandbox) == []
    clock.advance(minutes=1)  # noon: the next sweep (a scheduled job) publishes it
    post = await sandbox.wait_for(lambda: posts(sandbox), what="the slot's update")
    assert body(post[0]).startswith("UPDATE #1 (03/02, 8:00 pm Iraq / 12:00 pm EST)")
    assert "situation is now calm" in body(post[0])


async def test_quoting_a_contact_keeps_their_words_and_never_their_name(world: World) -> None:
    _, editor = await newsroom(world, "My mother is in Kirkuk and she is safe")
    await write(world, editor, "/write quote R-1\nOne friend inside the city texted us:")
    await world.press(editor, 2, "now")
    post = (await world.sandbox.wait_for(lambda: posts(world.sandbox), what="the update"))[0]
    text = body(post)
    assert text.endswith(
        "One friend inside the city texted us:\n\nMy mother is in Kirkuk and she is safe"
    )
    assert "Nadia" not in text
    quote = [e for e in post.get("entities", []) if e["type"] == "blockquote"]
    assert len(quote) == 1
    quoted = text.encode("utf-16-le")[quote[0]["offset"] * 2 :][: quote[0]["length"] * 2]
    assert quoted.decode("utf-16-le") == "My mother is in Kirkuk and she is safe"


async def test_a_draft_that_names_its_sources_contact_is_flagged_on_its_card(
    world: World,
) -> None:
    _, editor = await newsroom(world, "Shelling near the market")
    await write(world, editor, "/write R-1\nNadia says shelling near the market.")
    await world.card_shows(2, "The text names a source's contact (Nadia)")


async def test_html_characters_stay_literal_and_the_editors_bold_and_link_survive(
    world: World,
) -> None:
    _, editor = await newsroom(world, "<b>not bold</b> & <script>x</script>")
    first_line = "/write\n"
    text = "Roads closed & <b>stay home</b>. To read more, click here"
    bold_at = len("Roads closed & ")
    link_at = text.index("click here")
    formatting = [
        {"type": "bold", "offset": len(first_line) + bold_at, "length": len("<b>stay home</b>")},
        {
            "type": "text_link",
            "offset": len(first_line) + link_at,
            "length": len("click here"),
            "url": "https://example.org/kirkuk",
        },
        {
            "type": "text_mention",
            "offset": len(first_line),
            "length": 5,
            "user": {"id": 1, "first_name": "Real", "is_bot": False},
        },
    ]
    await write(world, editor, first_line + text, formatting=formatting)
    await world.press(editor, 2, "now")
    await world.press(editor, 1, "now")
    sent = await world.sandbox.wait_for(
        lambda: len(posts(world.sandbox)) == 2 and posts(world.sandbox), what="two updates"
    )
    written, report = sent
    assert body(report).endswith("Unconfirmed: <b>not bold</b> & <script>x</script>")
    assert body(written).endswith(text)
    offset = len(body(written)) - len(text)  # ASCII text: UTF-16 offsets equal indexes
    kinds = {(e["type"], e["offset"] - offset, e["length"]) for e in written["entities"]}
    assert ("bold", bold_at, len("<b>stay home</b>")) in kinds
    assert ("text_link", link_at, len("click here")) in kinds
    assert not any(e["type"] == "text_mention" for e in written["entities"])
    assert all(e.get("url") in (None, "https://example.org/kirkuk") for e in written["entities"])
    sends = [c.params for c in world.sandbox.calls_of("sendMessage")]
    to_channel = [p for p in sends if str(p["chat_id"]) == str(CHANNEL)]
    assert len(to_channel) == 2  # LINK_PREVIEWS is off by default
    assert all(p["link_preview_options"]["is_disabled"] for p in to_channel), to_channel


async def test_a_written_text_past_the_limit_is_refused_and_nothing_is_stored(
    world: World,
) -> None:
    _, editor = await newsroom(world)
    too_long = "word " * 800  # 4,000 characters: no room left for the header
    answer = await write(world, editor, "/write\n" + too_long)
    assert "at most 3796" in answer["text"] and "Nothing was saved" in answer["text"]
    assert await world.services.store.reports.count() == 0
    longest = ("x" * 99 + " ") * 37 + "end"  # 3,703 characters: fits one message
    await write(world, editor, "/write\n" + longest)
    await world.press(editor, 1, "now")
    post = (await world.sandbox.wait_for(lambda: posts(world.sandbox), what="the update"))[0]
    assert body(post).endswith(longest) and len(body(post)) <= 4096


async def test_bad_write_requests_get_clear_answers(world: World) -> None:
    contacts, editor = await newsroom(world, "Gunfire in the east")
    assert "There is no report R-9" in (await write(world, editor, "/write R-9\nText"))["text"]
    assert "not a report id" in (await write(world, editor, "/write hello\nText"))["text"]
    assert "/write, then your text" in (await write(world, editor, "/write R-1"))["text"]
    world.sandbox.send_text(contacts[0], "/withdraw R-1")
    await world.report(1, status="withdrawn")
    assert "withdrawn by its contact" in (await write(world, editor, "/write R-1\nT"))["text"]
    assert await world.services.store.reports.count() == 1


async def test_writing_from_a_reply_to_a_card_and_carrying_its_cleaned_photo(
    world: World,
) -> None:
    contacts, editor = await newsroom(world)
    world.sandbox.send_photo(contacts[0], image_bytes(gps=True), caption="From my roof")
    card = await world.card_of("R-1")
    answer = await write(
        world, editor, "/write photos\nSmoke rising over the east of the city.",
        reply_to_message=card,
    )  # fmt: skip
    assert "sources: R-1; photos: 1" in answer["text"], answer["text"]
    await world.press(editor, 2, "now")
    post = (await world.sandbox.wait_for(lambda: posts(world.sandbox), what="the update"))[0]
    assert "photo" in post and body(post).endswith("Smoke rising over the east of the city.")
    media = await world.services.store.media.of_report(1)
    sent = world.sandbox.file_data(post["photo"][-1]["file_id"])
    assert media[0].clean_file_id is not None
    assert sent == world.sandbox.file_data(media[0].clean_file_id)  # the cleaned copy
    assert sent != world.sandbox.file_data(media[0].file_id) and b"Exif" not in sent


async def test_correcting_and_retracting_a_written_update_changes_every_copy(
    sandbox: Sandbox, tmp_path: Path, start_relay: Any
) -> None:
    sandbox.add_channel(SECOND_CHANNEL, "Kirkuk Live (Arabic)")
    settings = make_settings(sandbox, tmp_path / "r.db", channel_ids=[CHANNEL, SECOND_CHANNEL])
    world = World(sandbox, await start_relay(settings))
    _, editor = await newsroom(world, "Bridge closed")
    await write(world, editor, "/write R-1\nThe old bridge is closed to cars.")
    await world.press(editor, 2, "now")
    for channel in (CHANNEL, SECOND_CHANNEL):
        await sandbox.wait_for(lambda c=channel: posts(sandbox, c), what="the update")  # type: ignore[misc]  # a lambda binding a loop variable
    await world.press(editor, 2, "correct")
    prompt = await world.bot_says(EDITORS_CHAT, "corrected text")
    sandbox.send_text(editor, "The old bridge is closed to all traffic.", chat_id=EDITORS_CHAT,
                      reply_to_message=prompt)  # fmt: skip
    for channel in (CHANNEL, SECOND_CHANNEL):
        await sandbox.wait_for(
            lambda c=channel: "closed to all traffic. (corrected" in body(posts(sandbox, c)[0]),  # type: ignore[misc]  # a lambda binding a loop variable
            what="the correction in every channel",
        )
    await world.press(editor, 2, "retract")
    prompt = await world.bot_says(EDITORS_CHAT, "reason")
    sandbox.send_text(editor, "the bridge was open", chat_id=EDITORS_CHAT,
                      reply_to_message=prompt)  # fmt: skip
    for channel in (CHANNEL, SECOND_CHANNEL):
        await sandbox.wait_for(
            lambda c=channel: body(posts(sandbox, c)[0]).endswith("Retracted: the bridge was open"),  # type: ignore[misc]  # a lambda binding a loop variable
            what="the retraction in every channel",
        )
    assert (await world.report(2)).number == 1


async def test_concurrent_writers_never_share_a_number(world: World) -> None:
    editor = await world.join("editor", "Desk-1")
    other = await world.join("editor", "Desk-2")
    writing, review = world.services.writing, world.services.review
    from bot.review.writing import Request
    from bot.rich import Rich

    drafts = await asyncio.gather(
        *(
            writing.write(Editor(who, name), who, 100 + n, Rich(f"Update {n}"), Request())
            for n, (who, name) in enumerate([(editor, "Desk-1"), (other, "Desk-2")] * 3)
        )
    )
    ids = [outcome.report.id for outcome in drafts if outcome.report is not None]
    assert len(ids) == 6
    await asyncio.gather(
        *(review.publish_now(report_id, Editor(editor, "Desk-1")) for report_id in ids),
        world.services.publisher.publish_due(),
        world.services.publisher.publish_due(),
    )
    numbers = [(await world.report(i, status="published")).number for i in ids]
    assert sorted(numbers) == [1, 2, 3, 4, 5, 6]
    await world.sandbox.wait_for(lambda: len(posts(world.sandbox)) == 6, what="six updates")
    headers = sorted(body(p).split(" (")[0] for p in posts(world.sandbox))
    assert headers == sorted(f"UPDATE #{n}" for n in range(1, 7))


async def test_a_source_withdrawn_after_use_leaves_the_update_and_tells_editors(
    world: World,
) -> None:
    contacts, editor = await newsroom(world, "Tanks on the ring road")
    await write(world, editor, "/write R-1\nArmoured vehicles were seen on the ring road.")
    await world.press(editor, 2, "now")
    await world.report(1, status="used")
    post = (await world.sandbox.wait_for(lambda: posts(world.sandbox), what="the update"))[0]
    world.sandbox.send_text(contacts[0], "/withdraw R-1")
    await world.report(1, status="withdrawn")
    notice = await world.bot_says(EDITORS_CHAT, "R-1 was withdrawn by its contact")
    assert "UPDATE #1 (R-2)" in notice["text"] and "the update stands" in notice["text"]
    await world.card_shows(2, "R-1 (Nadia) (withdrawn by its contact)")
    assert body(world.sandbox.messages[CHANNEL][post["message_id"]]) == body(post)
    assert "edit_date" not in world.sandbox.messages[CHANNEL][post["message_id"]]


async def test_a_forgotten_draft_is_reminded_once_and_never_published(
    sandbox: Sandbox, tmp_path: Path, start_relay: Any
) -> None:
    settings = make_settings(sandbox, tmp_path / "r.db", draft_remind_minutes=0.02)
    world = World(sandbox, await start_relay(settings))
    editor = await world.join("editor", "Desk-1")
    await write(world, editor, "/write\nDraft nobody decides on.")
    reminder = await world.bot_says(EDITORS_CHAT, "draft R-1 has waited", timeout=15)
    assert "Desk-1" in reminder["text"] and "will not go out by itself" in reminder["text"]
    # More checks (as the scheduled job makes them) remind nobody again.
    for _ in range(3):
        assert await world.services.writing.remind_forgotten() == 0
    await world.desk_idle()
    reminders = [m for m in sandbox.bot_messages(EDITORS_CHAT) if "has waited" in body(m)]
    assert len(reminders) == 1
    assert posts(sandbox) == []
    assert (await world.report(1)).status == "pending"


async def test_the_opening_post_is_written_then_rewritten_in_every_copy(world: World) -> None:
    editor = await world.join("editor", "Desk-1")
    await write(world, editor, "/story new Kirkuk")
    answer = await write(world, editor, "/opening\nBREAKING: fighting in the city.\n• roads closed")
    assert "queued for 1 channel" in answer["text"]
    post = (await world.sandbox.wait_for(lambda: posts(world.sandbox), what="opening"))[0]
    assert body(post) == "Kirkuk\n\nBREAKING: fighting in the city.\n• roads closed"
    await write(world, editor, "/opening\nBREAKING: fighting in the south of the city.")
    await world.sandbox.wait_for(
        lambda: "south" in body(world.sandbox.messages[CHANNEL][post["message_id"]]),
        what="the opening post rewritten",
    )
    assert len(posts(world.sandbox)) == 1


async def test_the_pinned_summary_follows_its_key_updates(world: World) -> None:
    _, editor = await newsroom(world, "Rumour: the airport is taken", "Power is out downtown")
    await world.press(editor, 1, "now")
    await world.press(editor, 2, "now")
    await world.sandbox.wait_for(lambda: len(posts(world.sandbox)) == 2, what="two updates")
    answer = await write(world, editor, "/key 2 1")
    assert "lists #2 #1" in answer["text"]
    summary = await world.sandbox.wait_for(
        lambda: next((p for p in posts(world.sandbox) if "Key updates" in body(p)), None),
        what="the summary",
    )
    await world.sandbox.wait_for(  # pinned right after it is sent
        lambda: world.sandbox.pinned.get(CHANNEL) == summary["message_id"],
        what="the summary pinned",
    )
    lines = body(summary).splitlines()
    assert lines[1].startswith("• UPDATE #2: Unconfirmed: Power is out")
    assert lines[2].startswith("• UPDATE #1: Unconfirmed: Rumour")
    await world.press(editor, 1, "confirm")
    await world.sandbox.wait_for(
        lambda: (
            "• UPDATE #1: Confirmed ("
            in body(world.sandbox.messages[CHANNEL][summary["message_id"]])
        ),
        what="the summary showing the confirmation",
    )
    assert "Nadia" not in body(summary) and "R-1" not in body(summary)
    assert "#9" in (await write(world, editor, "/key 9"))["text"]


async def test_the_migration_keeps_every_number_on_a_database_from_before(
    tmp_path: Path,
) -> None:
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    conn.execute(
        "CREATE TABLE schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
        " applied_at TEXT NOT NULL)"
    )
    for version, name, sql in migrations():
        if version <= 8:
            conn.executescript(sql)
            conn.execute("INSERT INTO schema_version VALUES (?, ?, 'then')", (version, name))
    conn.executescript(
        "INSERT INTO people (id, telegram_user_id, role, pseudonym, created_at)"
        " VALUES (1, 501, 'contact', 'Nadia', '2025-10-21T00:00:00+00:00');"
        "INSERT INTO stories (id, title, last_number, opened_by, opened_at)"
        " VALUES (1, 'Kirkuk', 3, 'bot', '2025-10-21T00:00:00+00:00');"
        "INSERT INTO reports (id, contact_id, chat_id, message_id, text, status, label,"
        " received_at, updated_at, story_id, number, published_at, card_state)"
        " VALUES (7, 1, 501, 9, 'Smoke over the citadel', 'published', 'confirmed',"
        " '2025-10-21T00:00:00+00:00', '2025-10-21T00:00:00+00:00', 1, 3,"
        " '2025-10-21T00:05:00+00:00', 'posted');"
        "INSERT INTO report_media (report_id, chat_id, message_id, kind, file_id,"
        " file_unique_id) VALUES (7, 501, 9, 'photo', 'f', 'u');"
        "INSERT INTO posts (channel, report_id, action, state, message_ids, created_at,"
        " updated_at) VALUES ('-100900', 7, 'send', 'sent', '{}',"
        " '2025-10-21T00:05:00+00:00', '2025-10-21T00:05:00+00:00');"
    )
    conn.commit()
    conn.close()
    async with Database(path) as db:
        assert await db.schema_version() == len(migrations())
        from storage import Repositories

        store = Repositories.over(db)
        report = await store.reports.get(7)
        assert report is not None
        assert (report.number, report.story_id, report.text, report.pseudonym) == (
            3, 1, "Smoke over the citadel", "Nadia",
        )  # fmt: skip
        assert report.origin == "contact" and not report.written
        assert len(await store.media.of_report(7)) == 1  # nothing cascaded away
        assert len(await store.outbox.of_report(7)) == 1
        story = await store.stories.current()
        assert story is not None and story.last_number == 3
        async with db.read() as read:
            async with read.execute("PRAGMA foreign_key_check") as cursor:
                assert list(await cursor.fetchall()) == []
            async with read.execute("PRAGMA foreign_keys") as cursor:
                row = await cursor.fetchone()
                assert row is not None and row[0] == 1


async def test_the_same_write_delivered_twice_stores_one_draft(world: World) -> None:
    editor = await world.join("editor", "Desk-1")
    sent = world.sandbox.send_text(editor, "/write\nOne draft only.", chat_id=EDITORS_CHAT)
    await world.card_shows(1, "One draft only.")
    world.sandbox.push_update("message", sent)  # Telegram delivers it again (a replay)
    await world.sync()
    await world.desk_idle()
    assert await world.services.store.reports.count() == 1
    assert await world.services.store.dead_letters.all() == []
