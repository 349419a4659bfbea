"""Telegram-free pieces: clocks, text splitting, callback data, image cleaning, storage."""

from __future__ import annotations

import io
import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from bot.formatting import both_clocks, split_text
from bot.intake.media import UnsafeImageError, clean_image
from bot.logs import RedactToken, redact
from bot.review.callbacks import Action, BadCallbackData, CallbackData
from bot.settings import Settings
from sandbox import image_bytes
from storage import Database, Incoming, NewMedia, NewMessage, People, Reports
from storage.schema import migrations
from tests.test_intake_stories import gps_jpeg


def _settings(**overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "telegram_bot_token": "1:x",
        "admin_ids": [1],
        "editors_chat_id": -1,
        "channel_ids": [-2],
        "local_tz": "Asia/Baghdad",
        "local_tz_label": "Iraq",
        "audience_tz": "America/New_York",
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)


def test_both_clocks_in_summer_time() -> None:
    at = datetime(2025, 10, 21, 12, 30, tzinfo=UTC)  # 3:30 pm in Baghdad
    assert both_clocks(at, _settings()) == "10/21, 3:30 pm Iraq / 8:30 am EDT"


def test_both_clocks_in_winter_time_and_a_fixed_label() -> None:
    at = datetime(2026, 1, 5, 0, 5, tzinfo=UTC)
    assert both_clocks(at, _settings()) == "01/05, 3:05 am Iraq / 7:05 pm EST"
    fixed = _settings(audience_tz_label="New York")
    assert both_clocks(at, fixed) == "01/05, 3:05 am Iraq / 7:05 pm New York"


def test_local_label_defaults_to_the_city_when_the_zone_has_no_abbreviation() -> None:
    assert _settings(local_tz_label=None).local_tz_label == "Baghdad"


@pytest.mark.parametrize("limit", [50, 100, 4096])
def test_split_text_keeps_every_word_within_the_limit(limit: int) -> None:
    text = "\n\n".join(f"Paragraph {i}. " + "word " * (i * 7) for i in range(40))
    parts = split_text(text, limit)
    assert all(0 < len(part) <= limit for part in parts)
    assert " ".join(parts).split() == text.split()


def test_split_text_cuts_a_single_huge_word() -> None:
    assert split_text("x" * 250, 100) == ["x" * 100, "x" * 100, "x" * 50]


def test_callback_data_round_trip_and_refusals() -> None:
    data = CallbackData(Action.APPROVE, 42)
    assert data.encode() == "v1:approve:42"
    assert CallbackData.decode("v1:approve:42") == data
    for bad in (None, "", "v0:approve:1", "v1:approve", "v1:nuke:1", "v1:approve:-1", "a" * 65):
        with pytest.raises(BadCallbackData):
            CallbackData.decode(bad)
    for action in Action:
        assert len(CallbackData(action, 10**17).encode().encode()) <= 64


def test_clean_image_drops_gps_and_applies_orientation() -> None:
    cleaned = clean_image(gps_jpeg((64, 48), orientation=6))
    with Image.open(io.BytesIO(cleaned)) as image:
        assert image.size == (48, 64)
        assert not image.getexif()
        assert "exif" not in image.info and "xmp" not in image.info


def test_clean_image_handles_png_with_transparency_and_text_chunks() -> None:
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "GPS 35.46N 44.39E")
    out = io.BytesIO()
    Image.new("RGBA", (20, 10), (255, 0, 0, 128)).save(out, "PNG", pnginfo=info)
    cleaned = clean_image(out.getvalue())
    assert b"35.46N" not in cleaned
    with Image.open(io.BytesIO(cleaned)) as image:
        assert image.format == "JPEG" and image.size == (20, 10)


def test_clean_image_refuses_corrupt_files_and_pixel_bombs() -> None:
    with pytest.raises(UnsafeImageError):
        clean_image(b"\xff\xd8\xff\xe0 definitely not a jpeg")
    bomb = image_bytes((5000, 5000), fmt="PNG")
    with pytest.raises(UnsafeImageError):
        clean_image(bomb, max_pixels=1_000_000)


def test_redaction_covers_messages_arguments_and_tracebacks() -> None:
    token = "123:SECRET-abcdef"
    assert redact(f"url https://x/bot{token}/getMe", token) == "url https://x/bot<token>/getMe"
    record = logging.LogRecord("t", logging.ERROR, __file__, 1, "call %s", (token,), None)
    try:
        raise RuntimeError(f"bad token {token}")
    except RuntimeError:
        import sys

        record.exc_info = sys.exc_info()
    RedactToken(token).filter(record)
    formatted = logging.Formatter().format(record)
    assert "SECRET" not in formatted and "<token>" in formatted


async def test_database_applies_migrations_once_with_safe_pragmas(tmp_path: Path) -> None:
    path = tmp_path / "relay.db"
    async with Database(path) as db:
        bundled = [(version, name) for version, name, _ in migrations()]
        assert [version for version, _ in bundled] == list(range(1, len(bundled) + 1))
        assert await db.schema_version() == len(bundled)
        for pragma, expected in (("journal_mode", "wal"), ("foreign_keys", 1), ("synchronous", 2)):
            row = await db.fetchrow(f"PRAGMA {pragma}")
            assert row is not None and row[0] == expected
    async with Database(path) as db:
        rows = await db.fetch("SELECT version, name FROM schema_version")
        assert [tuple(r) for r in rows] == bundled  # recorded once, not applied again
        assert bundled[:3] == [(1, "initial"), (2, "editorial"), (3, "publishing")]


async def test_intake_is_idempotent_per_chat_and_message(tmp_path: Path) -> None:
    async with Database(tmp_path / "relay.db") as db:
        async with db.transaction() as conn:
            await conn.execute(
                "INSERT INTO people (telegram_user_id, role, pseudonym, created_at)"
                " VALUES (5, 'contact', 'K-1', '2026-01-01T00:00:00+00:00')"
            )
        contact = await People(db).active_by_telegram_id(5)
        assert contact is not None
        reports, incoming = Reports(db), Incoming(db)
        at = datetime(2026, 1, 1, tzinfo=UTC)

        def message(
            message_id: int, media: NewMedia | None = None, group: str | None = None
        ) -> NewMessage:
            return NewMessage(
                contact_id=contact.id,
                chat_id=5,
                message_id=message_id,
                text="hi",
                forwarded=False,
                media=media,
                media_group_id=group,
                label="unconfirmed",
                at=at,
            )

        first, created = await incoming.add_message(message(1))
        again, created_again = await incoming.add_message(message(1))
        assert created and not created_again and first.id == again.id
        photo = NewMedia(message_id=2, kind="photo", file_id="f", file_unique_id="u", caption="a")
        album, _ = await incoming.add_message(message(2, photo, "g"))
        photo2 = NewMedia(
            message_id=3, kind="photo", file_id="f2", file_unique_id="u2", caption="b"
        )
        album2, _ = await incoming.add_message(message(3, photo2, "g"))
        assert album.id == album2.id and album2.text == "a\n\nb" and album2.status == "collecting"
        assert await reports.count() == 2
        assert await reports.by_message(5, 3) == album2


async def test_using_the_database_inside_its_own_transaction_fails_fast(tmp_path: Path) -> None:
    from storage import StorageError

    async with Database(tmp_path / "relay.db") as db, db.transaction():
        with pytest.raises(StorageError, match="inside its own transaction"):
            await db.fetchrow("SELECT 1")


def test_publish_slots_parse_and_the_next_slot_is_strictly_later() -> None:
    from datetime import time

    from bot.publishing.schedule import next_slot

    settings = _settings(publish_slots="20:00, 08:00,12:00")
    assert settings.publish_slots == [time(8), time(12), time(20)]
    assert settings.slot_tz == "America/New_York"
    noon = datetime(2026, 3, 2, 17, 0, tzinfo=UTC)  # 12:00 in New York
    assert next_slot(noon, settings.publish_slots, "America/New_York") == datetime(
        2026, 3, 3, 1, 0, tzinfo=UTC
    )
    late = datetime(2026, 3, 3, 1, 30, tzinfo=UTC)  # 20:30: tomorrow 08:00
    assert next_slot(late, settings.publish_slots, "America/New_York") == datetime(
        2026, 3, 3, 13, 0, tzinfo=UTC
    )
    assert next_slot(noon, [], "UTC") == noon
    with pytest.raises(Exception, match="PUBLISH_SLOTS"):
        from bot.settings import load_settings

        load_settings(_env_file=None, **{**_base(), "publish_slots": "8 am"})


def _base() -> dict[str, object]:
    return {
        "telegram_bot_token": "1:x",
        "admin_ids": [1],
        "editors_chat_id": -1,
        "channel_ids": [-2],
    }


def test_every_user_facing_text_is_defined_once() -> None:
    import ast

    from bot import texts

    # Every audience's module: a name defined in two of them would silently shadow one.
    folder = Path(texts.__file__).parent
    names = [
        target.id
        for module in sorted(folder.glob("*.py"))
        for node in ast.parse(module.read_text()).body
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Name)
    ]
    assert len(names) > 200  # every text is found
    assert sorted({n for n in names if names.count(n) > 1}) == []


def test_env_example_documents_every_setting() -> None:
    import re

    example = (Path(__file__).parents[1] / ".env.example").read_text()
    for name in Settings.model_fields:
        assert re.search(rf"^#?\s*{name.upper()}=", example, re.M), name.upper()
