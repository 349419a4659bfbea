"""Admins, in a private chat with the bot: /invite, /revoke, /people."""

from __future__ import annotations

from telegram import Update

from bot import texts
from bot.formatting import both_clocks
from bot.i18n import say
from bot.people.invites import PSEUDONYM, ROLES, InviteError, invite_link
from bot.telegram.context import RelayContext
from handlers.common import reply
from storage import Invite, Person, PseudonymTakenError


async def invite(update: Update, context: RelayContext) -> None:
    """/invite contact|editor <pseudonym>: a single-use, expiring invite link."""
    message = update.effective_message
    if message is None:
        return
    args = context.args or []
    if len(args) != 2 or args[0].lower() not in ROLES:
        await message.reply_text(texts.INVITE_USAGE)
        return
    role, pseudonym = args[0].lower(), args[1]
    if not PSEUDONYM.match(pseudonym):
        await message.reply_text(texts.INVITE_BAD_PSEUDONYM)
        return
    services = context.services
    try:
        made = await services.invites.create(role, pseudonym, context.caller.telegram_user_id)
    except PseudonymTakenError:
        await message.reply_text(texts.INVITE_TAKEN.format(pseudonym=pseudonym))
        return
    except InviteError:
        await message.reply_text(texts.INVITE_USAGE)
        return
    await message.reply_text(
        texts.INVITE_MADE.format(
            role=role,
            pseudonym=pseudonym,
            expires=both_clocks(made.invite.expires_at, services.settings),
            link=invite_link(context.bot.username, made.code),
        )
    )


async def revoke(update: Update, context: RelayContext) -> None:
    """/revoke <pseudonym>: the person can do nothing more, from this moment."""
    message = update.effective_message
    if message is None:
        return
    if len(context.args or []) != 1:
        await message.reply_text(texts.REVOKE_USAGE)
        return
    pseudonym = (context.args or [""])[0]
    caller = context.caller
    revoked = await context.services.revocation.revoke(
        pseudonym, caller.name, caller.telegram_user_id
    )
    if revoked is None:
        await message.reply_text(texts.REVOKE_UNKNOWN.format(pseudonym=pseudonym))
        return
    reply = texts.REVOKED.format(pseudonym=revoked.person.pseudonym)
    reply += texts.REVOKED_DROPPED if revoked.albums_dropped else ""
    reply += texts.REVOKED_WIPED.format(count=revoked.messages_wiped)
    await message.reply_text(reply)


async def people(update: Update, context: RelayContext) -> None:
    """/people: who is registered, by role, and invites still open."""
    message = update.effective_message
    if message is None:
        return
    services = context.services
    everyone, open_invites = await services.people.everyone()
    if not everyone and not open_invites:
        await message.reply_text(texts.PEOPLE_EMPTY)
        return
    await message.reply_text(format_people(everyone, open_invites))


def format_people(everyone: list[Person], open_invites: list[Invite]) -> str:
    lines: list[str] = []
    for role in ROLES:
        active = [p for p in everyone if p.role == role and p.status == "active"]
        lines.append(f"{role.capitalize()}s ({len(active)}):")
        lines += [f"  • {p.pseudonym} — since {p.created_at:%Y-%m-%d}" for p in active] or ["  —"]
    revoked = [p for p in everyone if p.status == "revoked"]
    if revoked:
        lines.append(f"Revoked ({len(revoked)}): " + ", ".join(p.pseudonym for p in revoked))
    if open_invites:
        lines.append(
            "Open invites: "
            + ", ".join(
                f"{i.role} {i.pseudonym} (until {i.expires_at:%m/%d %H:%M} UTC)"
                for i in open_invites
            )
        )
    return "\n".join(lines)


async def admins_only(update: Update, context: RelayContext) -> None:
    """An admin command from someone who is not an admin."""
    await reply(update, context, say(context.caller.language, texts.ONLY_ADMINS))
