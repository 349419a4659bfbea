"""What editors read: review cards, answers to presses, questions to one editor, their
commands, the queue message, writing updates. English for now (the organisation's
language); the welcomes and hints of their private chats are translated."""

from bot.i18n import N_

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
QUEUE_SIMILAR = " · 🔁 like {reports} ({contacts} first-hand)"
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
    "“{word}” on the first line of /write is not a report id (R-3), photos, unconfirmed or"
    " quote R-3. Nothing was saved."
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

# --- verification: first-hand or forwarded, similar reports, questions, the safety scan -----
CARD_FORWARD = {
    "channel": "↪️ Forwarded from {name} — not first-hand.",
    "chat": "↪️ Forwarded from {name} — not first-hand.",
    "hidden_user": "↪️ Forwarded from a hidden account — not first-hand.",
    "user": "↪️ Forwarded from another person's account — not first-hand.",
}
CARD_FORWARD_PRIVATE = {"channel": "a private channel", "chat": "a private group"}
CARD_FORWARD_UNKNOWN = "↪️ Forwarded by the contact — not first-hand."
CARD_SIMILAR = "🔁 Similar: {reports} · {contacts}"
CARD_SIMILAR_CONTACTS = "{count} contact(s) first-hand"
CARD_SIMILAR_MORE = " and {count} more"
CARD_ANSWERS = "💬 Answers from the contact ({count}):"
CARD_ANSWER_LINE = "  • {when}: {text}"
CARD_QUESTION_OPEN = "❓ Asked by {who} at {when}, no answer yet: {text}"
CARD_SAFETY = "⚠️ Safety scan: {findings}. Edit it, or press 'Publish anyway' if it is safe."
CARD_SAFETY_CLEARED = "✔️ Safety scan overridden by {who} ('Publish anyway')."
BUTTON_ASK = "❓ Ask"
BUTTON_PUBLISH_ANYWAY = "⚠️ Publish anyway"
BUTTON_CONFIRM_NEW_TEXT = "✅✏️ Confirm with new text"
SAFETY_FINDINGS = {
    "phone": "contains a phone number",
    "email": "contains an e-mail address",
    "coordinates": "contains coordinates",
    "plus_code": "contains a plus code (a location)",
    "pseudonym": "names a contact ({names})",
}
SAFETY_FIRST = (
    "{code} {findings}. Nothing was published: edit it, or press 'Publish anyway' on its card"
    " if it is safe."
)
ANSWER_ASK = "Reply to my message with your question to the contact of {code}."
ANSWER_CONFIRM_TEXT = (
    "Reply to my message with the new text of UPDATE #{number}: it is confirmed with it."
)
CONFIRMED_WITH_TEXT = (
    "UPDATE #{number} confirmed with new text; {count} channel copies are being edited."
)
ASK_USAGE = "Usage: /ask R-42 your question (or press ❓ Ask on the report's card)."
ASK_NOT_A_REPORT = "{code} is a written update: there is no contact to ask."
ASK_CONTACT_GONE = "{pseudonym}'s access was revoked: they cannot be asked about {code} any more."
ASK_CHAT_WIPED = (
    "{pseudonym}'s chat was wiped since {code} was sent: the question reaches them without"
    " their report above it, so say enough for them to know which one."
)
ASK_EMPTY = "The question is empty; nothing was sent."
ASK_TOO_LONG = "A question can have at most {limit} characters; nothing was sent."
ASK_QUEUED = (
    "❓ Your question about {code} is on its way to its contact (without your name). Their"
    " answer comes here."
)
PROMPT_ASK = "❓ {mention}, reply to this message with your question to the contact of {code}."
PROMPT_ASK_PLACEHOLDER = "Question about {code}"
PROMPT_CONFIRM_TEXT = (
    "✅✏️ {mention}, reply to this message with the new text of {code}: it is confirmed and"
    " every copy changes to it."
)
PROMPT_CONFIRM_TEXT_PLACEHOLDER = "Confirmed text of {code}"
ANSWER_FROM_CONTACT = "💬 Answer to {code} ({pseudonym}), to “{question}”:\n\n{text}"
ANSWER_NO_TEXT = "(no text)"
ANSWER_FILE_WITHHELD = (
    "💬 Answer to {code} ({pseudonym}): a file the bot would not pass on ({why})."
)
WRITE_CORROBORATION = (
    "🔁 Corroboration: {count} contact(s) saw it first-hand, among the sources and the reports"
    " like them."
)
WRITE_QUOTED_ANSWER = "Quoting the contact's answer for {code}."
