"""The verification desk: ask a contact, see who else reports the same, know what is
first-hand, keep the evidence, scan for what identifies people; and what a new editor
stumbled on when replaying the seed's night."""

from __future__ import annotations

import hashlib
import io
import json
import random
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw

from bot.clock import FixedClock
from bot.i18n import RLM, text_direction
from tests.conftest import ADMIN, CHANNEL, EDITORS_CHAT, World, make_settings
from tests.samples import exiftool_findings
from tests.samples import image as gps_image
from tests.test_cli_and_settings import afieldrelay


def scene(seed: int, size: tuple[int, int] = (640, 480)) -> bytes:
    """A photo-like picture: shapes placed by `seed` (one seed, one scene at any size)."""
    rng = random.Random(seed)
    picture = Image.new("RGB", (640, 480), (rng.randrange(256), 90, 40))
    draw = ImageDraw.Draw(picture)
    for _ in range(25):
        x, y = rng.randrange(600), rng.randrange(440)
        w, h = rng.randrange(30, 200), rng.randrange(30, 200)
        color = (rng.randrange(256), rng.randrange(256), rng.randrange(256))
        draw.rectangle((x, y, x + w, y + h), fill=color)
    out = io.BytesIO()
    picture.resize(size).save(out, "JPEG", quality=85)
    return out.getvalue()


def forward_from_channel(title: str, username: str | None) -> dict[str, Any]:
    chat: dict[str, Any] = {"id": -1001234, "type": "channel", "title": title}
    if username:
        chat["username"] = username
    return {"type": "channel", "chat": chat, "message_id": 77, "date": 1700000000}


async def channel_posts(world: World) -> list[dict[str, Any]]:
    await world.sync()
    return world.sandbox.bot_messages(CHANNEL)


async def reported(world: World, text: str) -> tuple[int, int]:
    """Kirkuk-1 reports `text` (R-1) and its card is up; Desk-1 is on duty. Their user ids."""
    contact = await world.join("contact", "Kirkuk-1")
    editor = await world.join("editor", "Desk-1")
    world.sandbox.send_text(contact, text)
    await world.card_of("R-1")
    return contact, editor


# --- asking a contact -------------------------------------------------------------------------


async def test_an_editor_asks_and_the_contact_answers_in_text_then_with_a_photo(
    world: World,
) -> None:
    contact = await world.join("contact", "Kirkuk-1", language_code="ar")
    editor = await world.join("editor", "Desk-1")
    report = world.sandbox.send_text(contact, "دخان كثيف فوق الجسر الشمالي")
    await world.card_of("R-1")

    world.sandbox.send_text(
        editor, "/ask R-1 Can you see the bridge from where you are?", chat_id=EDITORS_CHAT
    )
    await world.bot_says(EDITORS_CHAT, "Your question about R-1 is on its way")
    question = await world.bot_says(contact, "يسأل المحررون عن بلاغك", after=report["message_id"])
    assert question["text"].endswith("Can you see the bridge from where you are?")
    assert "Desk-1" not in question["text"]  # never who asked
    call = [
        c for c in world.sandbox.calls_of("sendMessage") if str(c.params["chat_id"]) == str(contact)
    ]
    assert call[-1].params["reply_markup"]["force_reply"] is True

    # A text answer, replying to the question.
    world.sandbox.send_text(contact, "نعم، الجسر مغلق", reply_to_message=question)
    thanks = await world.bot_says(contact, "شكرًا")
    assert "R-1" in thanks["text"]
    shown = await world.bot_says(EDITORS_CHAT, "Answer to R-1 (Kirkuk-1)")
    assert "نعم، الجسر مغلق" in shown["text"]
    assert "Can you see the bridge" in shown["text"]
    # Then a photo with GPS, replying to the question too: cleaned before editors see it.
    roof = "من سطحي"
    world.sandbox.send_photo(contact, gps_image("JPEG"), caption=roof, reply_to_message=question)
    photo = await world.sandbox.wait_for(
        lambda: next((m for m in world.sandbox.bot_messages(EDITORS_CHAT) if "photo" in m), None),
        what="the answer's photo",
    )
    assert roof in photo["caption"] and "Answer to R-1 (Kirkuk-1)" in photo["caption"]
    cleaned = world.sandbox.file_data(photo["photo"][-1]["file_id"])
    assert exiftool_findings(cleaned) == []
    assert "GPS location" in photo["caption"]  # what cleaning removed

    # Attached to the report, never a report of its own, never published.
    card = await world.card_shows(1, "Answers from the contact (2)")
    assert "نعم، الجسر مغلق" in card["text"]
    assert await world.services.store.reports.get(2) is None
    assert await channel_posts(world) == []
    world.sandbox.send_text(editor, "/history R-1", chat_id=EDITORS_CHAT)
    listed = await world.bot_says(EDITORS_CHAT, "History of R-1")
    assert "question" in listed["text"] and "نعم، الجسر مغلق" in listed["text"]
    # The record keeps the hash of the photo as received, and of the clean copy.
    answers = await world.services.store.questions.answers_of([1])
    photo_answer = answers[1][-1]
    assert photo_answer.received_sha256 and photo_answer.clean_sha256
    assert photo_answer.received_sha256 != photo_answer.clean_sha256


async def test_the_ask_button_prompts_and_a_message_that_is_not_a_reply_stays_a_report(
    world: World,
) -> None:
    contact, editor = await reported(world, "Armoured cars on the ring road")
    assert await world.press(editor, 1, "ask") == (
        "Reply to my message with your question to the contact of R-1."
    )
    prompt = await world.bot_says(EDITORS_CHAT, "your question to the contact of R-1")
    world.sandbox.send_text(editor, "How many cars?", chat_id=EDITORS_CHAT, reply_to_message=prompt)
    question = await world.bot_says(contact, "The editors ask about your report R-1")
    assert question["text"].endswith("How many cars?")
    # Not a reply: a new report, as always.
    world.sandbox.send_text(contact, "Now they are leaving west")
    await world.report(2, status="pending")
    # A reply to the question: an answer, routed by the message replied to.
    world.sandbox.send_text(contact, "Six", reply_to_message=question)
    await world.bot_says(EDITORS_CHAT, "Answer to R-1 (Kirkuk-1)")
    assert await world.services.store.reports.get(3) is None


async def test_asking_a_revoked_contact_gets_a_clear_answer(world: World) -> None:
    _contact, editor = await reported(world, "Gunfire in the old market")
    await world.ask(ADMIN, "/revoke Kirkuk-1", "revoked")
    world.sandbox.send_text(editor, "/ask R-1 Are you safe?", chat_id=EDITORS_CHAT)
    answer = await world.bot_says(EDITORS_CHAT, "access was revoked")
    assert "Kirkuk-1" in answer["text"]
    assert await world.services.store.questions.of_report(1) == []


async def test_asking_after_a_wipe_or_about_a_written_update_or_at_length_says_so(
    world: World,
) -> None:
    contact, editor = await reported(world, "Snipers on the roof of the bank")
    await world.ask(contact, "/wipe", "")
    world.sandbox.send_text(editor, "/ask R-1 Which bank?", chat_id=EDITORS_CHAT)
    note = await world.bot_says(EDITORS_CHAT, "chat was wiped since R-1 was sent")
    assert "Kirkuk-1" in note["text"]
    question = await world.bot_says(contact, "The editors ask about your report R-1")
    assert "reply_to_message" not in question  # their wiped report is not quoted back
    assert "Snipers" not in question["text"]

    world.sandbox.send_text(editor, "/write\nOur own words.", chat_id=EDITORS_CHAT)
    await world.report(2)
    world.sandbox.send_text(editor, "/ask R-2 Who wrote this?", chat_id=EDITORS_CHAT)
    await world.bot_says(EDITORS_CHAT, "R-2 is a written update: there is no contact to ask")
    long = "Why? " * 2_000  # 10,000 characters
    world.sandbox.send_text(editor, f"/ask R-1 {long}", chat_id=EDITORS_CHAT)
    await world.bot_says(EDITORS_CHAT, "A question can have at most 1000 characters")
    assert len(await world.services.store.questions.of_report(1)) == 1


async def test_write_quotes_the_answer_and_counts_first_hand_contacts(world: World) -> None:
    first = await world.join("contact", "Kirkuk-1")
    second = await world.join("contact", "Kirkuk-2")
    editor = await world.join("editor", "Desk-1")
    words = "The water plant in the east of the city has stopped working since dawn"
    world.sandbox.send_text(first, words)
    await world.card_of("R-1")
    world.sandbox.send_text(second, words + "!")
    await world.card_shows(2, "Similar: R-1 (Kirkuk-1)")
    world.sandbox.send_text(editor, "/ask R-1 Since when exactly?", chat_id=EDITORS_CHAT)
    question = await world.bot_says(first, "The editors ask about your report R-1")
    world.sandbox.send_text(first, "Since 5 am, no water at all", reply_to_message=question)
    await world.bot_says(EDITORS_CHAT, "Answer to R-1 (Kirkuk-1)")
    world.sandbox.send_text(
        editor, "/write R-1 quote R-1\nThe east has no water.", chat_id=EDITORS_CHAT
    )
    saved = await world.bot_says(EDITORS_CHAT, "Draft R-3 saved")
    assert "Quoting the contact's answer for R-1" in saved["text"]
    assert "2 contact(s) saw it first-hand" in saved["text"]
    draft = await world.report(3)
    assert "Since 5 am, no water at all" in draft.text and words not in draft.text


# --- similar reports, first-hand or forwarded ------------------------------------------------


async def test_the_same_photo_from_two_contacts_counts_two_and_a_forward_counts_none(
    world: World,
) -> None:
    first = await world.join("contact", "Kirkuk-1")
    second = await world.join("contact", "Kirkuk-2")
    third = await world.join("contact", "Kirkuk-3")
    other = await world.join("contact", "Kirkuk-4")
    world.sandbox.send_photo(first, scene(7), caption="Smoke from the refinery")
    await world.card_of("R-1")
    world.sandbox.send_photo(second, scene(7, (400, 300)), caption="Look at this")  # resized
    await world.card_of("R-2")
    world.sandbox.send_photo(
        third, scene(7), forward_origin=forward_from_channel("Kirkuk News", "kirkuknews")
    )
    await world.card_of("R-3")
    world.sandbox.send_photo(other, scene(99), caption="Another place entirely")
    await world.card_of("R-4")

    card = await world.card_shows(2, "Similar: R-1 (Kirkuk-1)")
    assert "2 contact(s) first-hand" in card["text"]
    forwarded = await world.card_shows(3, "Forwarded from Kirkuk News (@kirkuknews)")
    assert "not first-hand" in forwarded["text"]
    assert "R-1 (Kirkuk-1), R-2 (Kirkuk-2) · 2 contact(s) first-hand" in forwarded["text"]
    # The earlier card gains the links, the forward marked and not counted.
    earlier = await world.card_shows(1, "R-3 (Kirkuk-3, forwarded)")
    assert "R-2 (Kirkuk-2)" in earlier["text"] and "2 contact(s) first-hand" in earlier["text"]
    assert "Similar" not in (await world.card_message(4))["text"]


async def test_copies_link_one_report_per_contact_so_a_burst_of_them_stays_linear(
    world: World,
) -> None:
    first = await world.join("contact", "Kirkuk-1")
    second = await world.join("contact", "Kirkuk-2")
    words = "Armoured vehicles are moving towards the northern gate of the city"
    for _ in range(5):
        world.sandbox.send_text(first, words)
    for code in ("R-1", "R-2", "R-3", "R-4", "R-5"):
        await world.card_of(code)
    world.sandbox.send_text(second, words)
    card = await world.card_shows(6, "Similar: R-1 (Kirkuk-1) · 2 contact(s) first-hand")
    assert "R-2" not in card["text"]  # one report a contact: the earliest
    links = await world.services.store.db.fetchval(
        "SELECT COUNT(*) FROM similar_reports WHERE report_id = 6"
    )
    assert links == 1
    earlier = await world.card_shows(1, "R-6 (Kirkuk-2)")
    assert "2 contact(s) first-hand" in earlier["text"]


async def test_a_forward_from_a_person_never_names_them(world: World) -> None:
    contact = await world.join("contact", "Kirkuk-1")
    world.sandbox.send_text(
        contact,
        "They say the airport is closed",
        forward_origin={"type": "hidden_user", "sender_user_name": "Ali Hamid", "date": 1},
    )
    card = await world.card_shows(1, "Forwarded from a hidden account — not first-hand")
    assert "Ali Hamid" not in card["text"]
    stored = json.dumps([u for u in world.sandbox.delivered])
    assert "Ali Hamid" in stored  # the sandbox sent it ...
    rows = await world.services.store.db.fetch("SELECT text FROM reports")
    assert all("Ali Hamid" not in row[0] for row in rows)  # ... the bot kept nothing of it


async def test_near_identical_arabic_texts_with_different_diacritics_match(world: World) -> None:
    first = await world.join("contact", "Kirkuk-1")
    second = await world.join("contact", "Kirkuk-2")
    world.sandbox.send_text(first, "مُسَلَّحُونَ يَقْتَرِبُونَ مِنَ الْجِسْرِ فِي كَرْكُوك الآن")
    await world.card_of("R-1")
    world.sandbox.send_text(second, "مسلحون يقتربون من الجسر في كركـــوك الان")
    await world.card_of("R-2")
    world.sandbox.send_text(second, "الكهرباء مقطوعة في حي الشورجة منذ الصباح")
    await world.card_of("R-3")
    card = await world.card_shows(2, "Similar: R-1 (Kirkuk-1) · 2 contact(s) first-hand")
    assert "R-3" not in card["text"]
    assert "Similar" not in (await world.card_message(3))["text"]


# --- the safety scan --------------------------------------------------------------------------


async def test_a_phone_number_needs_publish_anyway(world: World) -> None:
    contact = await world.join("contact", "Kirkuk-1")
    editor = await world.join("editor", "Desk-1")
    world.sandbox.send_text(contact, "Call my cousin on ٠٧٧٠١٢٣٤٥٦٧, he saw it all")
    card = await world.card_of("R-1")
    assert "Safety scan: contains a phone number" in card["text"]
    answer = await world.press(editor, 1, "now")
    assert answer.startswith("R-1 contains a phone number. Nothing was published")
    assert (await world.services.store.reports.get(1)).status == "pending"
    assert await channel_posts(world) == []
    # The second, explicit press lets it go (for the next slot, or now); it is audited.
    assert (await world.press(editor, 1, "anyway")).startswith("Approved R-1")
    card = await world.card_shows(1, "Safety scan overridden by Desk-1")
    await world.press(editor, 1, "now")
    await world.report(1, status="published")
    entries = await world.services.store.audit.for_report(1)
    assert any(e.action == "report.safety_override" and e.actor == "Desk-1" for e in entries)


async def test_a_written_update_naming_a_contact_needs_publish_anyway(world: World) -> None:
    await world.join("contact", "Kirkuk-1")
    editor = await world.join("editor", "Desk-1")
    world.sandbox.send_text(
        editor, "/write\nOur friend Kirkuk-1 saw tanks at the gate.", chat_id=EDITORS_CHAT
    )
    card = await world.card_shows(1, "Safety scan: names a contact (Kirkuk-1)")
    assert "Publish anyway" in json.dumps(card["reply_markup"])
    assert "names a contact" in await world.press(editor, 1, "approve")


# --- evidence ---------------------------------------------------------------------------------


async def test_evidence_of_a_published_album(world: World, tmp_path: Path) -> None:
    contact = await world.join("contact", "Kirkuk-1")
    editor = await world.join("editor", "Desk-1")
    originals = [gps_image("JPEG"), scene(3)]
    world.sandbox.send_album(contact, originals, caption="From my roof")
    await world.card_of("R-1")
    await world.press(editor, 1, "now")
    await world.report(1, status="published")
    await world.sandbox.wait_for(lambda: world.sandbox.bot_messages(CHANNEL), what="the post")
    await world.relay.stop()
    settings = world.relay.settings
    environment = world.sandbox.bot_environment(
        admin_ids=[ADMIN],
        editors_chat_id=EDITORS_CHAT,
        channel_ids=[CHANNEL],
        database=str(settings.database_path),
        LOCAL_TZ="Asia/Baghdad",
    )
    del environment["PYTHONPATH"], environment["PATH"]  # afieldrelay sets both
    code, out, err = await afieldrelay(tmp_path, "evidence", "R-1", **environment)
    assert code == 0, err
    record = json.loads(out)
    assert [f["sha256_received"] for f in record["files"]] == [
        hashlib.sha256(data).hexdigest() for data in originals
    ]
    assert all(f["sha256_cleaned"] and f["cleaning"] == "clean" for f in record["files"])
    assert set(record["report"]["received"]) == {"utc", "Asia/Baghdad"}
    assert [d["by"] for d in record["decisions"] if d["action"] == "report.publish_now"] == [
        "Desk-1"
    ]
    published = record["published"]
    assert published["number"] == 1 and published["site"].endswith("#update-1")
    sent = [c for c in published["channels"] if c["action"] == "send"]
    assert sent and sent[0]["message_ids"] and sent[0]["state"] == "sent"
    # The original (with its GPS) is not kept: its hash, and what cleaning removed, are.
    assert "GPS location" in record["files"][0]["cleaning_note"]


# --- what a new editor stumbled on ------------------------------------------------------------


async def test_the_urgent_word_is_not_published(world: World) -> None:
    _contact, editor = await reported(world, "عاجل: اشتباكات قرب القلعة")
    await world.press(editor, 1, "now")
    post = (await world.sandbox.wait_for(lambda: world.sandbox.bot_messages(CHANNEL)))[-1]
    assert "عاجل" not in post["text"] and "اشتباكات قرب القلعة" in post["text"]


async def test_an_arabic_update_marked_unconfirmed_keeps_its_direction(world: World) -> None:
    _contact, editor = await reported(world, "سقوط قذيفة قرب المستشفى")
    await world.press(editor, 1, "now")
    post = (await world.sandbox.wait_for(lambda: world.sandbox.bot_messages(CHANNEL)))[-1]
    body = post["text"].split("\n\n", 1)[1]
    assert body.startswith(RLM) and "Unconfirmed" in body
    assert text_direction(body) == "rtl"


async def test_confirm_with_new_text_rewords_and_confirms_every_copy(world: World) -> None:
    _contact, editor = await reported(world, "Maybe a strike on the power station")
    await world.press(editor, 1, "now")
    post = (await world.sandbox.wait_for(lambda: world.sandbox.bot_messages(CHANNEL)))[-1]
    assert "Unconfirmed" in post["text"]
    answer = await world.press(editor, 1, "confirmtext")
    assert answer == "Reply to my message with the new text of UPDATE #1: it is confirmed with it."
    prompt = await world.bot_says(EDITORS_CHAT, "new text of UPDATE #1 (R-1)")
    world.sandbox.send_text(
        editor,
        "A strike hit the power station; the city is dark.",
        chat_id=EDITORS_CHAT,
        reply_to_message=prompt,
    )
    await world.report(1, label="confirmed")
    copy = world.sandbox.messages[CHANNEL][post["message_id"]]
    await world.sandbox.wait_for(lambda: "the city is dark" in copy["text"], what="the edit")
    assert "Unconfirmed" not in copy["text"] and "CONFIRMED" in copy["text"].upper()


async def test_write_unconfirmed_is_unconfirmed_at_once(world: World) -> None:
    _contact, editor = await reported(world, "Reports of shelling in the south")
    world.sandbox.send_text(
        editor,
        "/write unconfirmed R-1\nShelling is reported in the south of the city.",
        chat_id=EDITORS_CHAT,
    )
    await world.bot_says(EDITORS_CHAT, "Draft R-2 saved")
    draft = await world.report(2, label="unconfirmed")
    assert draft.written
    await world.press(editor, 2, "now")
    post = (await world.sandbox.wait_for(lambda: world.sandbox.bot_messages(CHANNEL)))[-1]
    assert "Unconfirmed" in post["text"] and "Shelling is reported" in post["text"]


async def test_prompts_name_the_update_by_its_number(world: World) -> None:
    _contact, editor = await reported(world, "Roadblock at the east gate")
    await world.press(editor, 1, "now")
    await world.report(1, status="published")
    await world.press(editor, 1, "correct")
    prompt = await world.bot_says(EDITORS_CHAT, "corrected text of UPDATE #1 (R-1)")
    assert prompt["text"].startswith("✏️ Desk-1, reply")


async def test_similar_search_sees_only_its_window(
    sandbox: Any, tmp_path: Path, start_relay: Any
) -> None:
    clock = FixedClock(datetime(2026, 3, 2, 12, 0, tzinfo=UTC))
    settings = make_settings(sandbox, tmp_path / "r.db", similar_window_hours=1)
    world = World(sandbox, await start_relay(settings, clock=clock))
    first = await world.join("contact", "Kirkuk-1")
    second = await world.join("contact", "Kirkuk-2")
    world.sandbox.send_text(first, "The northern checkpoint has been abandoned by the army")
    await world.card_of("R-1")
    clock.advance(hours=2)
    world.sandbox.send_text(second, "The northern checkpoint has been abandoned by the army")
    await world.card_of("R-2")
    await world.desk_idle()
    assert "Similar" not in (await world.card_message(2))["text"]
