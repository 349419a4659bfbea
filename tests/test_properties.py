"""Property tests: for inputs a person controls, the worst value Hypothesis can find."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.review.callbacks import MAX_BYTES, Action, BadCallbackData, CallbackData


@given(st.text(max_size=80))
def test_any_callback_data_decodes_or_is_refused_as_bad(data: str) -> None:
    """A forged press can carry any string: it is understood or refused, never an error."""
    try:
        decoded = CallbackData.decode(data)
    except BadCallbackData:
        return
    assert CallbackData.decode(decoded.encode()) == decoded  # leading zeros aside, the same
    assert len(decoded.encode().encode()) <= MAX_BYTES


@given(
    st.sampled_from(list(Action)),
    st.integers(min_value=0, max_value=10**17),
    st.integers(min_value=1, max_value=10**8),
)
def test_a_button_made_by_the_bot_decodes_to_what_it_was_made_from(
    action: Action, item: int, version: int
) -> None:
    data = CallbackData.for_report(action, item, version)
    decoded = CallbackData.decode(data.encode())
    assert decoded == data
    assert decoded.shown_version == (version if decoded.version is not None else 1)


@given(
    st.sampled_from(["v1:approve:", "v2:now:1:", "v1:now:"]),
    st.text(st.characters(categories=["Nd", "No"]), min_size=1, max_size=8),
)
def test_non_ascii_digits_in_callback_data_are_refused(prefix: str, tail: str) -> None:
    """ "²" and "٣" pass str.isdigit; only ASCII digits are the bot's."""
    try:
        decoded = CallbackData.decode(prefix + tail)
    except BadCallbackData:
        return
    assert tail.isascii() and tail.isdigit() and decoded.item_id >= 0


ODD = ["\x00", "\x08", "\x0b", "\x1b", "\x7f", "\u200f", "\u2067", "\ud800", "\udfff",
       "\ufffe", "\uffff", "😀", "👨\u200d👩\u200d👧", "ب", "&", "<", "]]>", "\n"]  # fmt: skip
TEXTS = st.lists(st.one_of(st.characters(), st.sampled_from(ODD)), max_size=120).map("".join)
ENTITIES = st.lists(
    st.fixed_dictionaries(
        {
            "type": st.sampled_from(["bold", "italic", "text_link", "blockquote", "code"]),
            "offset": st.integers(-3, 450),
            "length": st.integers(-3, 450),
            "url": st.sampled_from(["https://example.org/a?b=1&c=<2>", "javascript:alert(1)"]),
        }
    ),
    max_size=6,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=TEXTS, entities=ENTITIES, title=TEXTS)
def test_any_published_text_renders_into_a_page_and_feeds_that_parse(
    text: str, entities: list[dict[str, object]], title: str
) -> None:
    """Control characters, lone surrogates, direction marks and entities at any offsets:
    the page, both Atom feeds and the JSON feed are written and show the update."""
    import asyncio
    import json
    import xml.etree.ElementTree as ElementTree
    from datetime import UTC, datetime
    from pathlib import Path
    from typing import Any, cast

    import feedparser

    from bot.web.site import SiteBuilder, StoryView, story_title
    from storage import CardState, Label, Report, ReportStatus
    from tests.test_units import _settings

    now = datetime(2026, 10, 21, 12, 30, tzinfo=UTC)
    report = Report(
        id=1, contact_id=1, pseudonym="Kirkuk-1", chat_id=1, message_id=1,
        media_group_id=None, text=text, forwarded=False, status=ReportStatus.PUBLISHED,
        label=Label.UNCONFIRMED, received_at=now, updated_at=now, acknowledged=True,
        card_state=CardState.POSTED, story_id=1, number=1, published_at=now,
        entities=json.dumps(entities),
    )  # fmt: skip
    builder = SiteBuilder(cast(Any, None), _settings(), cast(Any, None))
    update = asyncio.run(builder._shown_update(report, [], Path("/nonexistent")))
    story = StoryView(1, story_title(title), None, True, now, [update], [update])
    files = builder.render([story])
    assert builder.unshown == set()
    page = files["story-1/index.html"].decode()
    assert 'id="update-1"' in page
    for name in ("story-1/feed.atom", "feed.atom"):
        ElementTree.fromstring(files[name])
        parsed = feedparser.parse(files[name])
        assert not parsed.bozo, parsed.bozo_exception
        assert len(parsed.entries) == 1
    assert len(json.loads(files["story-1/feed.json"])["items"]) == 1
    assert "Kirkuk-1" not in page and "javascript:" not in page


@given(text=TEXTS, entities=ENTITIES)
def test_formatting_is_clamped_to_whole_characters_inside_the_text(
    text: str, entities: list[dict[str, object]]
) -> None:
    """An editor's entity that ends inside a surrogate pair (an emoji) or past the text."""
    from bot.rich import Rich, entities_from, utf16_len

    rich = Rich(text, entities_from(entities))
    starts, at = set(), 0
    for char in text:
        starts.add(at)
        at += 2 if ord(char) > 0xFFFF else 1
    starts.add(at)
    for entity in rich.entities:
        assert entity.length > 0 and entity.offset + entity.length <= utf16_len(text)
        assert entity.offset in starts and entity.offset + entity.length in starts
    for piece in rich.split(50):  # a slice cut at any character keeps whole characters
        piece.to_html()


def test_an_entity_ending_inside_an_emoji_takes_the_whole_emoji() -> None:
    from bot.rich import Entity, Rich

    rich = Rich("a😀b", (Entity("bold", 0, 2),))
    assert rich.entities == (Entity("bold", 0, 3),)
    assert rich.to_html() == "<strong>a😀</strong>b"


# --- verification: what contacts and channels write is scanned and compared, never a crash ---


@given(st.text(max_size=300), st.lists(st.text(min_size=1, max_size=12), max_size=3))
def test_the_safety_scan_takes_any_text(text: str, pseudonyms: list[str]) -> None:
    """Any text (control characters, any script, a pseudonym full of regex syntax) is
    scanned without an error, and a pseudonym written as a word is always found."""
    from bot.verification.safety import scan

    found = scan(text, pseudonyms)
    assert len({f.kind for f in found}) == len(found)  # one finding per kind
    named = [p for p in pseudonyms if p.strip() and p == p.strip() and p.isalnum()]
    for name in named:
        assert any(f.kind == "pseudonym" for f in scan(f"seen by {name} today", [name]))


@given(st.text(max_size=200), st.text(max_size=200))
def test_a_text_is_always_like_itself_and_normalising_is_stable(a: str, b: str) -> None:
    """Normalising twice changes nothing; a text long enough to compare always finds its
    own copy written with diacritics and tatweel, and any two texts compare without error."""
    from datetime import UTC, datetime, timedelta

    from bot.verification.similar import MIN_TEXT, Entry, SimilarIndex, normalize

    assert normalize(normalize(a)) == normalize(a)
    now = datetime(2026, 3, 2, tzinfo=UTC)
    index = SimilarIndex(timedelta(hours=1))
    index.add(Entry(1, 1, now, False, normalize(a)))
    index.find(Entry(2, 2, now, False, normalize(b)), now)  # any pair: no error
    if len(normalize(a)) >= MIN_TEXT:
        twin = Entry(3, 3, now, False, normalize(a.replace("ا", "ـاَ")))
        assert [m.report_id for m in index.find(twin, now)] == [1]
