"""What contacts (and anyone not yet registered) read: welcomes, refusals, acknowledgements,
answers about their reports, the wipe, languages, their command menu. All translated."""

from bot.i18n import N_

# --- anyone ---------------------------------------------------------------------------
NOT_INVITED = N_("This bot only takes reports from invited contacts.")
INVITE_UNKNOWN = N_("This invite link is not valid. Ask the person who invited you for a new one.")
INVITE_USED = N_("This invite link has already been used. Ask for a new one if you need it.")
INVITE_EXPIRED = N_("This invite link has expired. Ask the person who invited you for a new one.")
INVITE_ALREADY_MEMBER = N_("You are already registered here as {pseudonym}.")
INVITE_PSEUDONYM_TAKEN = N_("This invite can't be used right now. Ask for a new one.")
WELCOME_CONTACT = N_(
    "Welcome. You are registered as {pseudonym}; editors will only ever see that name.\n\n"
    "Send what you see — text, photos, albums, voice or video. Each message becomes a report "
    "that editors review before anything is published. Never share your location."
)
WELCOME_EDITOR = N_(
    "Welcome, {pseudonym}. You are an editor: review cards appear in the editors chat."
)
WELCOME_BACK_CONTACT = N_("You are registered as {pseudonym}. Send a report whenever you can.")
WELCOME_BACK_EDITOR = N_(
    "You are an editor ({pseudonym}). Review cards appear in the editors chat."
)
WELCOME_ADMIN = N_(
    "You are an admin of Field Relay.\n"
    "/invite contact <pseudonym> — invite link for a contact\n"
    "/invite editor <pseudonym> — invite link for an editor\n"
    "/people — who is registered\n"
    "/revoke <pseudonym> — remove someone at once"
)

# --- contacts ---------------------------------------------------------------------------
RECEIVED = N_("Received — report {code}. Editors will review it.")
UPDATED = N_("Updated — report {code} now has your corrected text.")
EDIT_TOO_LATE = N_(
    "Report {code} has already been reviewed, so this edit was not applied. "
    "Send a new message if something changed."
)
REFUSED_STICKER = N_("Stickers can't be used as reports. Please describe what you see in words.")
REFUSED_POLL = N_("Polls can't be used as reports. Please send text or photos.")
REFUSED_CONTACT = N_(
    "Contact cards are not accepted: they would expose someone. Describe what you know in words."
)
REFUSED_LOCATION = N_(
    "Locations are not accepted, and sharing one can put you in danger if this chat is seen. "
    "Please describe the place in words (a street or landmark), and only if it is safe."
)
REFUSED_DICE = N_("That can't be used as a report. Please send text or photos.")
REFUSED_GAME = N_("That can't be used as a report. Please send text, photos, voice or video.")
REFUSED_TOO_BIG = N_(
    "This file is too big ({size_mb:.0f} MB). The limit is {limit_mb:.0f} MB. "
    "Please send a shorter video or a photo instead."
)
SLOW_DOWN = N_(
    "You are sending faster than the editors can read. Everything you send is kept, but"
    " until you slow down it waits together, without a reply to each. If this is not you,"
    " send /wipe."
)
MEDIA_REFUSED_TOO_LARGE = N_(
    "The picture in report {code} is too large for the bot to open safely, so editors see"
    " your report without it. If it matters, send a screenshot of it or a smaller copy."
)
MEDIA_REFUSED_DAMAGED = N_(
    "The picture in report {code} could not be opened (it looks damaged), so editors see"
    " your report without it. If it matters, send it again as a photo."
)
REFUSED_EMPTY = N_("This message is empty. Please send text, photos, voice or video.")
REFUSED_EMPTY_FILE = N_("This file is empty (0 bytes). Please send it again.")
REFUSED_UNSUPPORTED = N_(
    "This kind of message can't be used as a report. Please send text or photos."
)
NOT_A_CONTACT_EDITOR = N_("You are an editor: review cards appear in the editors chat.")
NOT_A_CONTACT_ADMIN = N_("You are an admin. Use /invite, /people or /revoke.")

# --- contacts about their reports ---------------------------------------------------------
CONTACT_NOT_USED = N_("{code} won't be published for now. Thank you — keep safe.")
CONTACT_REASON = N_("A note from the editors on {code}: {reason}")
WITHDRAWN = N_("{code} is withdrawn. It will not be published.")
WITHDRAW_TOO_LATE = N_("{code} has already been {status} and can't be withdrawn here.")
WITHDRAW_USAGE = N_("Usage: /withdraw R-42")
WITHDRAW_NOT_YOURS = N_("There is no report {code} of yours.")

# --- wiping ----------------------------------------------------------------------------------
WIPED = N_("🧹 Wiped: {count} message(s) of this chat were deleted, yours and the bot's.")
WIPED_TOO_OLD = N_(
    "{count} older than 48 hours could not be deleted by the bot (Telegram's limit): "
    "delete this whole chat in Telegram to remove them."
)
WIPED_KEPT = N_(
    "Your reports stay safely with the editors. This note will go with the next wipe; "
    "to leave no trace at all, also delete the chat in Telegram."
)
REVOKED_WIPED = " Their chat with the bot was wiped ({count} message(s) deleted)."

# --- languages -------------------------------------------------------------------------------
LANGUAGE_CHOOSE = N_("Choose the language the bot speaks to you in:")
LANGUAGE_SET = N_("The bot now speaks to you in English. /language changes it.")
# How a contact is told where their report stands (WITHDRAW_TOO_LATE's {status}).
CONTACT_STATUSES = {
    "published": N_("published"),
    "rejected": N_("set aside by the editors"),
    "withdrawn": N_("withdrawn"),
    "being published now": N_("going out now"),
    "used": N_("used in an update"),
}

# --- command menus, as each audience sees them -------------------------------------------------
COMMAND_WIPE = N_("Delete this chat's messages from your phone now")
COMMAND_WITHDRAW = N_("Withdraw a report not yet published: /withdraw R-42")
COMMAND_LANGUAGE = N_("Choose your language")
COMMAND_HELP = N_("What you can do here")

# --- contacts marking a report urgent ---------------------------------------------------------
BUTTON_URGENT = N_("⚡ Urgent")
ANSWER_FLAGGED_URGENT = N_("{code} is marked urgent: editors see it first.")
ANSWER_ALREADY_URGENT = N_("{code} is already marked urgent, or already reviewed.")
# A report whose text starts with one of these words (any case, then ':' '!' or a space) is
# marked urgent by its contact, in any of the bot's languages.
URGENT_WORDS = ("urgent", "عاجل", "بەپەلە", "فوری", "acil", "ACİL")

# --- questions from the editors about a report (never with the editor's name) -----------------
QUESTION_FRAME = N_("The editors ask about your report {code}:")
ANSWER_RECEIVED = N_(
    "Thank you. Your answer about {code} went to the editors. It is not published by itself."
)
