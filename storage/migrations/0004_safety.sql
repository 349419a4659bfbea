-- Media the bot cannot clean (video, files, audio) must be checked by an editor by hand
-- before the report may be approved: who checked, and when.
ALTER TABLE reports ADD COLUMN media_checked_by TEXT;
ALTER TABLE reports ADD COLUMN media_checked_at TEXT;

-- Every message in the bot's private chat with a registered person, both ways, so that the
-- chat can be wiped from their phone (/wipe, AUTO_WIPE_HOURS). Forgotten once deleted.
CREATE TABLE private_messages (
    chat_id INTEGER NOT NULL,
    message_id INTEGER NOT NULL,
    at TEXT NOT NULL,
    PRIMARY KEY (chat_id, message_id)
) WITHOUT ROWID;
CREATE INDEX private_messages_at ON private_messages (at, chat_id);
