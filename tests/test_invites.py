"""Invites, redemption, revocation and the people list."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot import texts
from bot.clock import FixedClock
from bot.settings import Settings
from sandbox import Sandbox
from tests.conftest import ADMIN, EDITORS_CHAT, STRANGER, World


async def test_invite_link_is_single_use_and_stored_only_as_a_hash(world: World) -> None:
    link = await world.invite_link("contact", "Kirkuk-1")
    code = link.split("start=")[1]
    assert link.startswith("https://t.me/fieldrelay_sandbox_bot?start=")
    assert len(code) >= 43  # 256 random bits, URL-safe
    row = await world.services.store.db.fetchrow("SELECT code_hash FROM invites")
    assert row[0] != code and code not in row[0]

    first = 3101
    world.sandbox.add_user(first, "First", None)
    assert "registered as Kirkuk-1" in await world.ask(first, f"/start {code}")
    second = 3102
    world.sandbox.add_user(second, "Second", None)
    assert await world.ask(second, f"/start {code}") == texts.INVITE_USED
    people = await world.services.store.people.all()
    assert [(p.pseudonym, p.role, p.telegram_user_id) for p in people] == [
        ("Kirkuk-1", "contact", first)
    ]


async def test_expired_invite_is_refused(
    sandbox: Sandbox, settings: Settings, start_relay: Any
) -> None:
    clock = FixedClock(datetime(2026, 3, 1, 12, 0, tzinfo=UTC))
    world = World(sandbox, await start_relay(settings, clock=clock))
    code = (await world.invite_link("editor", "Desk-1")).split("start=")[1]
    clock.advance(hours=72, seconds=1)
    assert await world.ask(STRANGER, f"/start {code}") == texts.INVITE_EXPIRED
    assert await world.services.store.people.all() == []


async def test_editor_invite_makes_an_editor(world: World) -> None:
    editor = await world.join("editor", "Desk-2")
    person = await world.services.store.people.active_by_telegram_id(editor)
    assert person.role == "editor"
    assert await world.ask(editor, "I am here") == texts.NOT_A_CONTACT_EDITOR


async def test_invite_needs_role_and_a_valid_unused_pseudonym(world: World) -> None:
    assert await world.ask(ADMIN, "/invite") == texts.INVITE_USAGE
    assert await world.ask(ADMIN, "/invite spy Kirkuk-1") == texts.INVITE_USAGE
    assert await world.ask(ADMIN, "/invite contact Ali Hassan") == texts.INVITE_USAGE
    assert await world.ask(ADMIN, "/invite contact <b>") == texts.INVITE_BAD_PSEUDONYM
    await world.invite_link("contact", "Kirkuk-1")
    assert await world.ask(ADMIN, "/invite editor kirkuk-1") == texts.INVITE_TAKEN.format(
        pseudonym="kirkuk-1"
    )


async def test_only_admins_can_invite(world: World) -> None:
    contact = await world.join("contact", "Kirkuk-1")
    assert await world.ask(contact, "/invite contact Other") == texts.ONLY_ADMINS
    assert await world.ask(contact, "/people") == texts.ONLY_ADMINS
    assert await world.ask(contact, "/revoke Kirkuk-1") == texts.ONLY_ADMINS


async def test_revoked_contact_is_refused_at_once(world: World) -> None:
    contact = await world.join("contact", "Kirkuk-1")
    reply = await world.ask(ADMIN, "/revoke Kirkuk-1")
    assert reply == texts.REVOKED.format(pseudonym="Kirkuk-1") + texts.REVOKED_WIPED.format(count=2)
    assert world.sandbox.chat_messages(contact) == []  # /start <code> and the welcome: gone
    assert await world.ask(contact, "still here?") == texts.NOT_INVITED
    assert await world.services.store.reports.count() == 0
    assert await world.ask(ADMIN, "/revoke Kirkuk-1") == texts.REVOKE_UNKNOWN.format(
        pseudonym="Kirkuk-1"
    )


async def test_revoke_discards_an_album_still_arriving(
    sandbox: Sandbox, tmp_path: Path, start_relay: Any
) -> None:
    from tests.conftest import make_settings

    world = World(
        sandbox, await start_relay(make_settings(sandbox, tmp_path / "r.db", album_quiet_seconds=5))
    )
    contact = await world.join("contact", "Kirkuk-1")
    sandbox.send_album(contact, [b"\xff\xd8 one", b"\xff\xd8 two"])
    await world.eventually(
        lambda: world.services.store.incoming.collecting(), what="album collecting"
    )
    reply = await world.ask(ADMIN, "/revoke Kirkuk-1")
    assert texts.REVOKED_DROPPED in reply
    assert reply.endswith(texts.REVOKED_WIPED.format(count=4))  # the album's two photos too
    assert await world.services.store.reports.count() == 0
    assert sandbox.bot_messages(EDITORS_CHAT) == []


async def test_people_lists_roles_revocations_and_open_invites(world: World) -> None:
    await world.join("contact", "Kirkuk-1")
    await world.join("editor", "Desk-1")
    await world.join("contact", "Mosul-2")
    await world.ask(ADMIN, "/revoke Mosul-2")
    await world.invite_link("contact", "Pending-3")
    listing = await world.ask(ADMIN, "/people")
    assert "Contacts (1):\n  • Kirkuk-1" in listing
    assert "Editors (1):\n  • Desk-1" in listing
    assert "Revoked (1): Mosul-2" in listing
    assert "Open invites: contact Pending-3" in listing
    assert "Real Name" not in listing


async def test_commands_menus_are_set_per_audience(world: World) -> None:
    menus = {key: [c["command"] for c in value] for key, value in world.sandbox.commands.items()}
    assert menus['{"type": "all_private_chats"}'] == ["wipe", "withdraw", "language", "help"]
    # Contacts whose app speaks Arabic or Turkish see the menu in their language.
    arabic = world.sandbox.commands['{"type": "all_private_chats"} ar']
    assert [c["command"] for c in arabic] == ["wipe", "withdraw", "language", "help"]
    assert arabic[0]["description"] == "احذف رسائل هذه المحادثة من هاتفك الآن"
    assert '{"type": "all_private_chats"} tr' in world.sandbox.commands
    assert menus[f'{{"chat_id": {EDITORS_CHAT}, "type": "chat"}}'] == [
        "queue",
        "story",
        "history",
        "ask",
        "write",
        "opening",
        "key",
        "pause",
        "resume",
    ]
    assert menus[f'{{"chat_id": {ADMIN}, "type": "chat"}}'] == [
        "invite",
        "people",
        "revoke",
        "desk",
        "help",
    ]
