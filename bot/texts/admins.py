"""What admins read: invites, people, revocations, and the alerts sent to them (replication,
the database, editors leaving the editors chat, the live blog)."""

from bot.i18n import N_

# --- admins -----------------------------------------------------------------------------
INVITE_USAGE = "Usage: /invite contact <pseudonym>  or  /invite editor <pseudonym>"
INVITE_BAD_PSEUDONYM = (
    "A pseudonym is 1–32 letters, digits, '-' or '_' (e.g. Kirkuk-1). Never a real name."
)
INVITE_TAKEN = "{pseudonym} is already in use (by a person or an open invite). Pick another."
INVITE_MADE = (
    "Invite for {role} {pseudonym}, single use, valid until {expires}:\n{link}\n\n"
    "Send it over a safe channel. It stops working once used."
)
REVOKE_USAGE = "Usage: /revoke <pseudonym>"
REVOKE_UNKNOWN = "No active person is called {pseudonym}."
REVOKED = "{pseudonym} is revoked: the bot no longer accepts anything from them."
REVOKED_DROPPED = " An album they were still sending was discarded."
PEOPLE_EMPTY = "Nobody is registered yet. Use /invite to invite someone."
ONLY_ADMINS = N_("Only admins can do that.")
INVITE_TOO_MANY = N_(
    "Too many invite codes that did not work. Ask the person who invited you for a new link,"
    " and try again in an hour."
)

# --- replication (to admins) ------------------------------------------------------------------
REPLICATION_FAILING = (
    "⚠️ The off-machine copy of the database is {minutes:.0f} min behind ({reason}). "
    "Reports are safe on this machine, but would be lost with it. `fieldrelay status` says more."
)
REPLICATION_RECOVERED = "✅ The off-machine copy of the database is current again."

# --- the database (to admins, straight from Telegram while it is down) ---------------------
DATABASE_DOWN = (
    "⚠️ The database has refused writes for {minutes:.1f} min ({error}). Nothing is lost: "
    "Telegram keeps the new updates until the bot can store them. Is another program "
    "holding it, or the disk full?"
)
DEAD_LETTER = (
    "⚠️ An update could not be handled ({kind}). It is kept, not lost: after a fix,"
    " `fieldrelay replay` has the bot handle it again (`fieldrelay status` lists what is"
    " kept). You are told once for each kind of error."
)
DATABASE_BACK = "✅ The database takes writes again; the waiting updates are being stored."

# --- the live blog (to admins, once each) ----------------------------------------------------
SITE_UPDATE_UNSHOWN = (
    "⚠️ UPDATE #{number} (story {story}) could not be rendered on the live blog: the page"
    " says it could not be shown there, and the rest of the site stays current. It is on"
    " the channels as usual. The log names the error."
)
SITE_STORY_UNRENDERED = (
    "⚠️ Story {story} could not be rendered on the live blog at all: its pages keep their"
    " last good version; the other stories stay current. The log names the error."
)
