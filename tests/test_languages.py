"""Contacts are spoken to in their own language, right to left done right."""

from __future__ import annotations

import string
from pathlib import Path
from typing import Any

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from bot import i18n, texts
from bot.i18n import FSI, PDI, RLM, say
from bot.settings import Settings
from sandbox import Sandbox, image_bytes
from tests.conftest import CHANNEL, EDITORS_CHAT, STRANGER, World, make_settings

LOCALES = Path(i18n.__file__).parent / "locales"
TRANSLATED = [code for code in i18n.LANGUAGES if code != i18n.DEFAULT]
MARKS = set("\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _fields(template: str) -> set[tuple[str, str]]:
    """A template's placeholders with their format specs: {size_mb:.0f} -> (size_mb, .0f)."""
    return {
        (name, spec or "")
        for _, name, spec, _ in string.Formatter().parse(template)
        if name is not None
    }


def _marked_texts() -> set[str]:
    """Every text marked N_(...) in the code, as Babel's extractor finds it."""
    found = extract_from_dir(
        str(Path(i18n.__file__).parent), keywords={"N_": None}, comment_tags=()
    )
    return {message for _, _, message, _, _ in found if isinstance(message, str)}


# --- the catalogues ----------------------------------------------------------------------


def test_the_template_lists_exactly_the_texts_marked_in_the_code() -> None:
    with (LOCALES / "fieldrelay.pot").open("rb") as pot:
        template = {m.id for m in read_po(pot) if m.id}
    assert template == _marked_texts(), "run `make messages` after changing a marked text"


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_catalogue_has_every_message_with_the_same_placeholders(language: str) -> None:
    path = LOCALES / language / "LC_MESSAGES" / "fieldrelay.po"
    with path.open("rb") as po:
        catalogue = {m.id: m for m in read_po(po) if m.id}
    for message in _marked_texts():
        assert message in catalogue, f"{language} lacks {message!r}"
        entry = catalogue[message]
        assert entry.string, f"{language} has no translation of {message!r}"
        assert "fuzzy" not in entry.flags, f"{language}: {message!r} is fuzzy (not compiled)"
        assert _fields(str(entry.string)) == _fields(message), (
            f"{language} drops or renames a placeholder of {message!r}: {entry.string!r}"
        )


def test_a_dropped_placeholder_is_caught_by_the_comparison() -> None:
    # The completeness test compares these sets: a translation missing {code} differs.
    assert _fields("Received — report {code}.") != _fields("وصل — البلاغ.")
    assert _fields("{size_mb:.0f} MB") != _fields("{size_mb} MB")


@pytest.mark.parametrize("language", i18n.LANGUAGES)
def test_the_texts_a_contact_needs_render_with_every_value(language: str) -> None:
    rendered = {
        "welcome": say(language, texts.WELCOME_CONTACT, pseudonym="Kirkuk-1"),
        "acknowledgement": say(language, texts.RECEIVED, code="R-42"),
        "refusal": say(language, texts.REFUSED_TOO_BIG, size_mb=60.4, limit_mb=20),
        "wipe": say(language, texts.WIPED, count=7),
        "refusal to a stranger": say(language, texts.NOT_INVITED),
    }
    for what, text in rendered.items():
        assert "{" not in text and "}" not in text, f"{language} {what}: {text!r}"
    assert "Kirkuk-1" in rendered["welcome"]
    assert "R-42" in rendered["acknowledgement"]
    assert "60" in rendered["refusal"] and "20" in rendered["refusal"]
    assert "7" in rendered["wipe"]
    if language != "en":
        assert rendered["acknowledgement"] != texts.RECEIVED.format(code="R-42")


@pytest.mark.parametrize("language", ["ar", "ckb"])
def test_in_right_to_left_text_a_report_code_stays_whole(language: str) -> None:
    text = say(language, texts.RECEIVED, code="R-42")
    # The text starts right to left, and R-42 sits inside its own isolate, in order.
    assert text[0] == RLM
    assert f"{FSI}R-42{PDI}" in text
    assert [hex(ord(c)) for c in text[text.index(FSI) : text.index(PDI) + 1]] == [
        "0x2068",
        "0x52",
        "0x2d",
        "0x34",
        "0x32",
        "0x2069",
    ]


def test_left_to_right_languages_get_no_marks() -> None:
    for language in ("en", "tr"):
        assert not MARKS & set(say(language, texts.RECEIVED, code="R-42"))


def test_what_people_type_back_is_understood_in_any_digits_and_with_marks() -> None:
    assert i18n.plain("\u200fR-\u2068٤٢\u2069") == "R-42"
    assert i18n.plain("۴۲") == "42"  # the Persian digits Sorani keyboards type
    assert i18n.guess_language("ar-IQ") == "ar"
    assert i18n.guess_language("ku") == "ckb"
    assert i18n.guess_language("tr") == "tr"
    assert i18n.guess_language("xx") == "en"
    assert i18n.guess_language(None) == "en"


# --- stories over the sandbox --------------------------------------------------------------


def _texts(sandbox: Sandbox, chat_id: int) -> list[str]:
    return [m.get("text") or m.get("caption") or "" for m in sandbox.bot_messages(chat_id)]


def _callback_data(message: dict[str, Any]) -> list[str]:
    rows = message.get("reply_markup", {}).get("inline_keyboard", [])
    return [button["callback_data"] for row in rows for button in row]


async def test_an_arabic_contact_is_welcomed_acknowledged_and_withdraws_in_arabic(
    world: World,
) -> None:
    sandbox = world.sandbox
    contact = await world.join("contact", "Kirkuk-1", language_code="ar")
    welcome = await world.bot_says(contact, "Kirkuk-1")
    assert welcome["text"].startswith(RLM + "أهلاً بك")
    assert "لا تشارك موقعك أبداً" in welcome["text"]  # never share your location
    assert _callback_data(welcome) == ["v1:lang:0", "v1:lang:1", "v1:lang:2", "v1:lang:3"]

    sent = sandbox.send_text(contact, "إطلاق نار قرب القلعة")
    ack = await world.bot_says(contact, "R-1", after=sent["message_id"])
    assert ack["text"] == say("ar", texts.RECEIVED, code="R-1")
    assert f"{FSI}R-1{PDI}" in ack["text"]
    assert ack["reply_markup"]["inline_keyboard"][0][0]["text"] == "↩️ اسحب هذا البلاغ"
    for data in _callback_data(ack) + _callback_data(welcome):
        assert data.isascii() and not MARKS & set(data)

    # Typed back with Arabic-Indic digits and the marks a copied code carries.
    reply = await world.ask(contact, "/withdraw \u200fR-\u2068١\u2069", "R-1")
    assert reply == say("ar", texts.WITHDRAWN, code="R-1")
    assert (await world.services.store.reports.get(1)).status == "withdrawn"


async def test_the_card_shows_the_text_as_written_with_its_language_and_direction(
    world: World,
) -> None:
    contact = await world.join("contact", "Kirkuk-1", language_code="ckb")
    world.sandbox.send_text(contact, "تەقەکردن لە نزیک قەڵا")
    card = await world.card_of("R-1")
    assert "تەقەکردن لە نزیک قەڵا" in card["text"]
    assert "Language: کوردی (سۆرانی) (ckb) · text runs right to left" in card["text"]
    # Editors keep the organisation's language: the rest of the card is English.
    assert "From: Kirkuk-1" in card["text"]


async def test_a_contact_switches_language_mid_conversation(world: World) -> None:
    sandbox = world.sandbox
    contact = await world.join("contact", "Kirkuk-1", language_code="ar")
    sent = sandbox.send_text(contact, "/language")
    choice = await world.bot_says(contact, "اختر", after=sent["message_id"])
    query = sandbox.press(contact, contact, choice["message_id"], "v1:lang:3")  # Türkçe
    answer = await sandbox.wait_for(lambda: sandbox.callback_answers.get(query))
    assert answer["text"] == say("tr", texts.LANGUAGE_SET)

    def welcome_in_turkish() -> dict[str, Any] | None:
        for message in sandbox.chat_messages(contact):
            if message["message_id"] == choice["message_id"] and "Hoş geldiniz" in message["text"]:
                return message
        return None

    edited = await sandbox.wait_for(welcome_in_turkish)
    assert "Konumunuzu asla paylaşmayın" in edited["text"]
    sent = sandbox.send_text(contact, "Kalenin yakınında silah sesleri")
    ack = await world.bot_says(contact, "R-1", after=sent["message_id"])
    assert ack["text"] == "Alındı — rapor R-1. Editörler inceleyecek."
    person = await world.services.store.people.active_by_pseudonym("Kirkuk-1")
    assert person.language == "tr"


async def test_an_unknown_app_language_falls_back_to_english(world: World) -> None:
    contact = await world.join("contact", "Kirkuk-1", language_code="xx")
    welcome = await world.bot_says(contact, "Kirkuk-1")
    assert welcome["text"].startswith("Welcome. You are registered as Kirkuk-1")
    sent = world.sandbox.send_text(contact, "Smoke over the old market")
    ack = await world.bot_says(contact, "R-1", after=sent["message_id"])
    assert ack["text"] == "Received — report R-1. Editors will review it."


async def test_a_stranger_is_refused_in_their_apps_language_and_nothing_is_stored(
    world: World,
) -> None:
    sandbox = world.sandbox
    sandbox.users[STRANGER]["language_code"] = "tr"
    assert (
        await world.ask(STRANGER, "hello") == "Bu bot yalnızca davet edilen kişilerden rapor alır."
    )
    # Another stranger (one is answered once an hour), whose app speaks Arabic.
    sandbox.add_user(STRANGER + 1, "Another Stranger", language_code="ar")
    refusal = await world.ask(STRANGER + 1, "hello")
    assert refusal == RLM + "هذا البوت يستقبل البلاغات من جهات الاتصال المدعوّة فقط."
    assert await world.services.store.people.active_by_telegram_id(STRANGER) is None


async def test_refusals_and_wipe_confirmations_come_in_the_contacts_language(
    world: World,
) -> None:
    sandbox = world.sandbox
    contact = await world.join("contact", "Kirkuk-1", language_code="tr")
    sticker = {"file_id": "s", "file_unique_id": "s1", "type": "regular", "width": 1}
    sticker |= {"height": 1, "is_animated": False, "is_video": False}
    sent = sandbox.user_sends(contact, sticker=sticker)
    refusal = await world.bot_says(contact, after=sent["message_id"])
    assert refusal["text"] == say("tr", texts.REFUSED_STICKER)
    sent = sandbox.send_text(contact, "/wipe")
    wiped = await world.bot_says(contact, "🧹", after=sent["message_id"])
    assert wiped["text"].startswith("🧹 Silindi:")


async def test_channel_posts_use_the_post_language(
    sandbox: Sandbox, tmp_path: Path, start_relay: Any
) -> None:
    settings: Settings = make_settings(
        sandbox, tmp_path / "relay.db", post_language="ar", local_tz_label="العراق"
    )
    world = World(sandbox, await start_relay(settings))
    contact = await world.join("contact", "Kirkuk-1")
    editor = await world.join("editor", "Desk-1")
    sandbox.add_group(EDITORS_CHAT, "Editors", {editor: "member"})
    sandbox.send_photo(contact, image_bytes(), caption="Smoke over the citadel")
    await world.card_of("R-1")
    assert await world.press(editor, 1, "now") == "R-1 goes out now."
    post = await world.bot_says(CHANNEL, "#")
    caption = post["caption"]
    assert caption.startswith(RLM + "تحديث #" + FSI + "1" + PDI)
    assert "غير مؤكَّد:" in caption and "Smoke over the citadel" in caption
    assert "Kirkuk-1" not in caption and "R-1" not in caption
