-- Media the bot cannot clean (video, files, audio) must be checked by an editor by hand
-- before the report may be approved: who checked, and when.
ALTER TABLE reports ADD COLUMN media_checked_by TEXT;
ALTER TABLE reports ADD COLUMN media_checked_at TEXT;

-- The bot's private chat with each person, for /wipe: message ids there are sequential,
-- so the chat is the range (wiped_through, last_message_id].
ALTER TABLE people ADD COLUMN last_message_id INTEGER NOT NULL DEFAULT 0;
ALTER TABLE people ADD COLUMN wiped_through INTEGER NOT NULL DEFAULT 0;
ALTER TABLE people ADD COLUMN last_activity_at TEXT;
ALTER TABLE people ADD COLUMN wiped_at TEXT;
