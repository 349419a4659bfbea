"""What the public reads: the fixed words of channel posts and the pinned summary, in
POST_LANGUAGE."""

from bot.i18n import N_

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
