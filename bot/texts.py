"""Every text the bot says to people, in one place, so tone and language can change without
touching logic.

Texts marked `N_(...)` are translated (bot/locales, see bot/i18n.py): everything a contact
reads, the welcomes and hints of editors and admins in their private chats (ORG_LANGUAGE),
and the fixed words of channel posts (POST_LANGUAGE). They are said with `i18n.say(language,
TEXT, **values)`. The rest, the editors' desk in the editors chat, is English for now."""

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

# --- editors ----------------------------------------------------------------------------
ONLY_EDITORS = "Only editors can decide."
EDITOR_AWAY = (
    "You are not in the editors chat, so you cannot decide, write or open a desk here."
    " Rejoin it and your rights come back."
)
BUTTON_NOT_UNDERSTOOD = N_("This button is not understood (old or damaged); nothing was changed.")
BUTTON_UNKNOWN_REPORT = "This report no longer exists; nothing was changed."
ANSWER_CHANGED_SINCE_CARD = (
    "{code} changed since this card — here it is now (nothing decided; the card follows): {text}"
)
ANSWER_CHANGED_NO_TEXT = "(no text)"
# A contact edited a message after its report was decided: not applied, shown to editors.
LATE_EDIT_NOTE = (
    "✏️ {pseudonym} edited {code} after it was {status}. The edit was NOT applied to what"
    " goes out. Their new text:\n\n{text}"
)
LATE_EDIT_LIMIT = 3500

# --- review cards -------------------------------------------------------------------------
CARD_HEADER = "{icon} Report {code} · {status}"
CARD_FROM = "From: {pseudonym}"
CARD_STALE_COPY = (
    "↪️ An older copy of the card of {code} (posted twice around a restart). Your press"
    " counted; the current card, kept up to date, is the other one."
)
CARD_HEADER_WRITTEN = "{icon} Written update {code} · {status}"
CARD_WRITTEN_BY = "✍️ Written by {who} at the desk"
CARD_SOURCES = "Sources: {sources}"
CARD_NO_SOURCES = "Sources: none (the organisation's own words)"
CARD_SOURCE_WITHDRAWN = " (withdrawn by its contact)"
CARD_NAMES_CONTACT = (
    "⚠️ The text names a source's contact ({names}). Nothing public may name a contact:"
    " edit it before approving."
)
CARD_USED_IN = "🔗 Used in {uses}"
CARD_USE_PUBLISHED = "UPDATE #{number} ({code})"
CARD_USE_DRAFT = "draft {code} ({status})"
CARD_FORWARDED = " · forwarded by the contact"
CARD_RECEIVED = "Received: {when}"
CARD_LABEL = "Label: {label}"
CARD_LANGUAGE = "Language: {language}"
CARD_DIRECTIONS = {"rtl": "text runs right to left", "ltr": "text runs left to right"}
CARD_MEDIA = "Media: {media}"
CARD_MEDIA_WARNING = (
    "⚠️ {kinds} may contain location data — publish only after checking, then press 'Media checked'."
)
CARD_MEDIA_CHECKED = "✔️ Media checked by hand by {who} at {when}."
CARD_MEDIA_CLEANED = "🧼 Cleaned by the bot: {what}."
CARD_MEDIA_UNCLEAN = (
    "⚠️ Not cleaned ({why}): it may name or locate someone. It goes out only under a neutral"
    " name and only after you check it and press 'Media checked'."
)
CARD_MEDIA_VOICE = (
    "🎙 A voice identifies its speaker, even with every tag removed: publishing it needs"
    " 'Publish this voice'."
)
CARD_NO_TEXT = "(no text)"
CARD_CONTINUED = "Report {code} — continued ({part}/{total})"
CARD_WAITING = "⏳ {count} more report(s) waiting for a card."
BUTTON_APPROVE = "✅ Approve"
BUTTON_PUBLISH_NOW = "⚡ Publish now"
BUTTON_MARK_CONFIRMED = "☑️ Mark confirmed"
BUTTON_MARK_UNCONFIRMED = "❔ Mark unconfirmed"
BUTTON_UNDO = "↩️ Undo"
BUTTON_CONFIRM_PUBLISHED = "☑️ Confirm"
BUTTON_CORRECT = "✏️ Correct"
BUTTON_RETRACT = "🚫 Retract"
BUTTON_RESEND = "🔁 Resend"
BUTTON_MARK_SENT = "✔️ Mark as sent"
BUTTON_WITHDRAW = N_("↩️ Withdraw this report")
BUTTON_EDIT = "✏️ Edit"
BUTTON_REJECT = "🗑 Reject"
LABELS = {"unconfirmed": "Unconfirmed", "confirmed": "Confirmed"}
STATUS_URGENT = "publishing now"
STATUS_PUBLISHED = "published as UPDATE #{number}"
STATUS_RETRACTED = "retracted (was UPDATE #{number})"
STATUSES = {
    "pending": "pending review",
    "approved": "approved",
    "published": "published",
    "rejected": "rejected",
    "withdrawn": "withdrawn by contact",
    "collecting": "receiving",
    "used": "used in a written update",
}
CARD_WITHHELD = (
    "⚠️ {count} media item(s) could not be shown safely and are withheld "
    "(corrupt, too large, or refused by Telegram)."
)
UNKNOWN_COMMAND = N_("Unknown command. Send /help to see what you can do here.")

# --- decisions (answers to button presses, shown to the editor who pressed) ----------------
ANSWER_APPROVED = "Approved {code}: it goes out at {when}."
ANSWER_APPROVED_NOW = "Approved {code}: publishing is not scheduled, so it goes out now."
ANSWER_PUBLISH_NOW = "{code} goes out now."
ANSWER_PUBLISH_NOW_PAUSED = "{code} is marked urgent, but publishing is paused (/resume)."
ANSWER_LABEL = "{code} is now marked {label}."
ANSWER_REJECTED = "Rejected {code}. Reply to my message with a reason, or 'skip'."
ANSWER_UNDONE = "{code} is back to pending review."
ANSWER_EDIT = "Reply to my message with the corrected text of {code}."
ANSWER_EDIT_OPEN = "You already have an edit open for {code}: reply to my message above."
ALREADY_DECIDED = "Already {status} by {who} at {when}. Nothing was changed."
ALREADY_STATUS = "{code} is already {status}. Nothing was changed."
ALREADY_LABEL = "{code} is already marked {label}. Nothing was changed."
NOT_PENDING_FOR_EDIT = "{code} is {status}; only a pending report can be edited."
UNDO_TOO_LATE = "{code} can no longer be undone: it is {status}."

# --- prompts to one editor (ForceReply) ----------------------------------------------------
PROMPT_EDIT = "✏️ {mention}, reply to this message with the corrected text of {code}."
PROMPT_EDIT_PLACEHOLDER = "Corrected text of {code}"
PROMPT_REASON = (
    "🗑 {mention}, reply with a one-line reason for rejecting {code}, or 'skip'. "
    "Start it with 'share:' to also tell the contact."
)
PROMPT_REASON_PLACEHOLDER = "Reason, or skip"
PROMPT_NOT_YOURS = "This question was for {name}. To change {code}, use its card."
EDIT_APPLIED = "✏️ {code} updated by {name}. The original is kept in /history {id}."
EDIT_DECIDED_MEANWHILE = "{code} was {status} meanwhile; your edit was not applied."
EDIT_EMPTY = "The corrected text is empty; {code} was not changed."
REASON_SAVED = "Reason for rejecting {code} saved{shared}."
REASON_SHARED = " and shared with the contact"
REASON_SKIPPED = "No reason recorded for {code}."
SKIP_WORDS = ("skip", "-", "none", "no")
SHARE_PREFIX = "share:"

# --- how a decided card looks --------------------------------------------------------------
CARD_DECISION_APPROVED = "✅ Approved by {who} at {when}.\nGoes out: {due}."
CARD_DECISION_URGENT = "⚡ Publish now — by {who} at {when}."
CARD_DECISION_REJECTED = "🗑 Rejected by {who} at {when}."
CARD_DECISION_WITHDRAWN = "↩️ Withdrawn by the contact at {when}."
CARD_REASON = "Reason: {reason}"

# --- editors' commands ---------------------------------------------------------------------
QUEUE_EMPTY = "Nothing waiting: no pending or approved reports."
QUEUE_HEADER = "{count} report(s) waiting, oldest first:"
QUEUE_PAUSED = "⏸ Publishing is PAUSED (an admin can /resume)."
QUEUE_CARDS_WAITING = "⏳ {count} card(s) still waiting to be posted here."
HISTORY_USAGE = "Usage: /history R-42"
HISTORY_UNKNOWN = "There is no report {code}."
HISTORY_HEADER = "History of {code} ({status}):"
PAUSED = "⏸ Publishing paused by {who} at {when}. Nothing goes out until /resume."
RESUMED = "▶️ Publishing resumed by {who} at {when}."
ALREADY_PAUSED = "Publishing is already paused."
ALREADY_RESUMED = "Publishing is not paused."

# --- contacts about their reports ---------------------------------------------------------
CONTACT_NOT_USED = N_("{code} won't be published for now. Thank you — keep safe.")
CONTACT_REASON = N_("A note from the editors on {code}: {reason}")
WITHDRAWN = N_("{code} is withdrawn. It will not be published.")
WITHDRAW_TOO_LATE = N_("{code} has already been {status} and can't be withdrawn here.")
WITHDRAW_USAGE = N_("Usage: /withdraw R-42")
WITHDRAW_NOT_YOURS = N_("There is no report {code} of yours.")

# --- channel posts (what supporters read) ----------------------------------------------------
UPDATE_HEADER = N_("UPDATE #{number} ({when})")
MARK_UNCONFIRMED = N_("Unconfirmed:")
MARK_CONFIRMED = N_("Confirmed ({when}):")
CORRECTED = N_("(corrected {when})")
RETRACTED = N_("Retracted: {reason}")
RETRACTED_NO_REASON = N_("this update was withdrawn by the editors.")
DEFAULT_STORY_TITLE = N_("Live updates")
CONTACT_USED = N_("Your report {code} helped us write UPDATE #{number}. Thank you — keep safe.")
SUMMARY_HEADER = N_("📌 Key updates: {title}")
SUMMARY_LINE = N_("• UPDATE #{number}: {text}")
SUMMARY_EMPTY = N_("(none yet)")
CONTACT_PUBLISHED = N_("Your report {code} went out as UPDATE #{number}. Thank you — keep safe.")
CARD_DECISION_APPROVED_ONLY = "✅ Approved by {who} at {when}."
CARD_PUBLISHED = "📣 Published as UPDATE #{number} at {when}. Channels:"
CARD_CONFIRMED = "☑️ Confirmed at {when} (every copy updated)."
CARD_CORRECTED = "✏️ Corrected at {when} (the original is in /history)."
CARD_RETRACTED = "🚫 Retracted at {when}. Reason: {reason}"
CARD_CHANGES_PENDING = "  ⏳ {count} change(s) to channel copies still going out."
DELIVERY_STATES = {
    "queued": "⏳ queued",
    "sending": "📤 sending",
    "sent": "✅ sent",
    "failed": "❌ failed",
    "in_doubt": "⚠️ in doubt",
}
NOTICE_UPDATE = "UPDATE #{number} ({code})"
NOTICE_OPENING = "the story's opening post"
NOTICE_IN_DOUBT = (
    "⚠️ Delivery of {what} to {channel} is in doubt: the bot stopped or timed out while "
    "sending it, and Telegram cannot say whether it arrived. Look at the channel: Resend if it "
    "is missing, Mark as sent if it is there."
)
NOTICE_FAILED = (
    "❌ Delivery of {what} to {channel} failed: {error}. Other channels are not held up."
)
NOTICE_RESOLVED_RESEND = "🔁 {who} chose Resend at {when}."
NOTICE_RESOLVED_SENT = "✔️ {who} marked it as sent at {when}."
PROMPT_POST_LINK = (
    "{mention}, where is UPDATE #{number} in {channel}? Reply with the link to its first"
    " message (in the channel: Copy link), so that a later confirmation, correction or"
    " retraction reaches that copy too; or reply skip."
)
PROMPT_POST_LINK_PLACEHOLDER = "https://t.me/c/…/123 for UPDATE #{number}"
POST_LINK_BAD = (
    "That is not a link to a post in {channel} (Copy link on the post gives one, like"
    " {example}). Reply again with the link, or skip."
)
POST_LINKED = (
    "🔗 {who} linked UPDATE #{number} in {channel}: later changes reach that copy, and it is"
    " brought up to date now."
)
POST_LINK_SKIPPED = (
    "UPDATE #{number} in {channel} stays unlinked: a later confirmation, correction or"
    " retraction cannot reach that copy; change it by hand there if needed."
)
NOTICE_ALREADY_RESOLVED = "This delivery was already settled. Nothing was changed."
ANSWER_CONFIRMED_PUBLISHED = (
    "UPDATE #{number} is now Confirmed; {count} channel copies are being edited."
)
ANSWER_CORRECT = "Reply to my message with the corrected text of UPDATE #{number}."
ANSWER_RETRACT = "Reply to my message with the reason to retract UPDATE #{number}, or 'cancel'."
PROMPT_CORRECT = "✏️ {mention}, reply to this message with the corrected text of {code}."
PROMPT_CORRECT_PLACEHOLDER = "Corrected text of {code}"
PROMPT_RETRACT = (
    "🚫 {mention}, to retract {code} from every channel, reply with the reason "
    "(supporters will see it), or 'cancel'."
)
PROMPT_RETRACT_PLACEHOLDER = "Reason, or cancel"
CANCEL_WORDS = ("cancel", "no", "stop")
RETRACT_CANCELLED = "Retraction of UPDATE #{number} cancelled. Nothing was changed."
CORRECTED_ALL = "UPDATE #{number} corrected; {count} channel copies are being edited."
RETRACTED_ALL = "UPDATE #{number} retracted: {count} channel copies will be {mode}."
STORY_USAGE = "Usage: /story new <title> | <optional opening post>   or   /story close"
STORY_NONE = (
    "No story is open. /story new <title> starts one (otherwise the first update opens "
    '"Live updates").'
)
STORY_CURRENT = "📖 Current story: {title} — {count} update(s) since {when}."
STORY_OPENED = "📖 Story opened: {title}. Its updates are numbered from #1."
STORY_INTRO_QUEUED = "Its opening post is going out to every channel; updates will reply to it."
STORY_CLOSED = "📕 Story closed: {title}, after {count} update(s)."
BUTTON_MEDIA_CHECKED = "🔍 Media checked: no location, no faces"
BUTTON_PUBLISH_VOICE = "🎙 Publish this voice"
MEDIA_CHECK_FIRST = (
    "{code} has a voice, or a file the bot could not clean: it may identify or locate the"
    " contact. Check it, press 'Media checked' (or 'Publish this voice'), then decide."
)
ANSWER_MEDIA_CHECKED = "Media of {code} marked as checked by you. It can now be approved."

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

# --- burst review: the queue message and private desks --------------------------------------
QUEUE_MESSAGE_HEADER = "📥 {count} report(s) waiting for a decision · oldest {oldest}"
QUEUE_MESSAGE_URGENT = " · ⚡ {count} marked urgent"
QUEUE_MESSAGE_MORE = "… and {count} more, listed as these are decided."
QUEUE_MESSAGE_FLOOD = (
    "🌊 {pseudonym}: {count} more, sent too fast to list ({first} … {last}; /history shows each)"
)
QUEUE_MESSAGE_EMPTY = "✅ Nothing waiting for a decision."
QUEUE_MESSAGE_COMPACT = (
    "Deep queue: 📖 sends a report's full card, with its buttons, to you privately."
)
ANSWER_OPEN_PRIVATE = "The full card of {code} is on its way to your private chat with the bot."
QUEUE_KIND_TEXT = "text"
QUEUE_BUTTON_OPEN = "📖 {code}"
QUEUE_BUTTON_APPROVE = "✅"
QUEUE_BUTTON_NOW = "⚡ Now"
QUEUE_BUTTON_REJECT = "🗑"
ANSWER_OPEN_COMING = "The full card of {code} is on its way."
ANSWER_OPEN_ALREADY = "The card of {code} is already here or on its way."
DESK_OPENED = (
    "🗂 Your private desk is open. The reports waiting for a decision are listed below and "
    "kept current; 📖 sends a report's full card here. A decision here shows everywhere. "
    "/desk off closes it."
)
DESK_ALREADY_OPEN = "Your private desk is already open. /desk off closes it."
DESK_CLOSED = "🗂 Your private desk is closed."
DESK_NOT_OPEN = "You have no private desk open. /desk opens one."
DESK_USAGE = "Usage: /desk  or  /desk off"
ONLY_EDITORS_DESK = N_("Only editors can open a desk.")
CARD_FLAGGED_URGENT = "⚡ Marked urgent by the contact."

# --- contacts marking a report urgent ---------------------------------------------------------
BUTTON_URGENT = N_("⚡ Urgent")
ANSWER_FLAGGED_URGENT = N_("{code} is marked urgent: editors see it first.")
ANSWER_ALREADY_URGENT = N_("{code} is already marked urgent, or already reviewed.")
# A report whose text starts with one of these words (any case, then ':' '!' or a space) is
# marked urgent by its contact, in any of the bot's languages.
URGENT_WORDS = ("urgent", "عاجل", "بەپەلە", "فوری", "acil", "ACİL")

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

# --- editors joining and leaving the editors chat (to admins) ------------------------------
EDITOR_LEFT = (
    "🚪 {pseudonym} left the editors chat (or was removed): they can no longer decide, write"
    " or open a desk. They get their rights back if they rejoin; /revoke {pseudonym} removes"
    " them for good."
)
FLOOD_ALERT = (
    "🌊 {pseudonym} is sending more than {limit} reports a minute. Their reports are kept but"
    " collapsed into one line of the queue message. Is their phone in someone else's hands?"
    " /revoke {pseudonym} stops them."
)
EDITOR_BACK = "🔑 {pseudonym} is back in the editors chat and can decide again."

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

# --- writing updates (editors) ------------------------------------------------------------------
WRITE_USAGE = (
    "Write an update: /write, then your text on the next lines (bold, links and quotes are"
    " kept).\n"
    "Cite reports on the first line, /write R-3 R-5, or reply to a report's card with /write."
    " Add photos to carry the sources' cleaned photos, quote R-3 to quote a report's words."
    " No source is fine too: the organisation's own words.\n"
    "The draft gets a card with the usual buttons; nothing goes out until an editor approves."
)
WRITE_UNKNOWN_WORD = (
    "“{word}” on the first line of /write is not a report id (R-3), photos or quote R-3."
    " Nothing was saved."
)
WRITE_QUOTE_WHICH = "quote needs a report after it: quote R-3. Nothing was saved."
WRITE_TOO_MANY_SOURCES = "An update can cite at most {limit} reports. Nothing was saved."
WRITE_TOO_LONG = (
    "That text is {length} characters; an update can have at most {limit}. Nothing was"
    " saved: shorten it and send it again."
)
WRITE_UNKNOWN_SOURCE = "There is no report {code}. Nothing was saved."
WRITE_SOURCE_WRITTEN = (
    "{code} is a written update, not a report: cite the reports it drew on. Nothing was saved."
)
WRITE_SOURCE_WITHDRAWN = (
    "{code} was withdrawn by its contact and cannot be used. Nothing was saved."
)
WRITE_SOURCE_ARRIVING = "{code} is still arriving (an album). Try again in a moment."
WRITE_NO_PHOTOS = "None of the sources has a cleaned photo yet: the draft carries none."
WRITE_PHOTOS_CUT = "The sources have {count} photos; the draft carries the first {limit}."
WRITE_NO_SOURCE = "none"
WRITE_SAVED = (
    "✍️ Draft {code} saved (sources: {sources}; photos: {photos}). Its card follows with the"
    " usual buttons."
)
DRAFT_REMINDER = (
    "⏰ {who}: draft {code} has waited {minutes} min with no decision. Approve, publish or"
    " reject it from its card; it will not go out by itself."
)
SOURCE_WITHDRAWN_NOTICE = (
    "↩️ {code} was withdrawn by its contact. It is a source of {uses}; the update stands as"
    " it is. Correct or retract it if it must change."
)
OPENING_USAGE = (
    "Write the story's opening post: /opening, then the text on the next lines (BREAKING: …,"
    " bullet points). Every channel copy follows when you rewrite it."
)
OPENING_WRITTEN = "📰 The opening post of “{title}” is queued for {count} channel(s)."
OPENING_REWRITTEN = "📰 The opening post of “{title}” is rewritten; {count} channel copies follow."
KEY_USAGE = (
    "Choose the key updates the pinned summary lists: /key 3 5 7 (in that order);"
    " /key off empties it."
)
KEY_UNKNOWN = "“{title}” has no update {numbers}. Nothing was changed."
KEY_SET = "📌 The pinned summary lists {numbers}; every channel follows."
