-- Burst review. What the bot owes the editors chat (answers, questions to one editor) is
-- queued here and sent at the chat's pace by the review desk, never by a handler: a handler
-- that waited for the group's pace (one message every ~3 s) would hold every later update.
CREATE TABLE desk_messages (
    id INTEGER PRIMARY KEY,
    chat_id INTEGER NOT NULL,
    text TEXT NOT NULL,
    reply_to INTEGER,
    -- Set: edit this message instead of sending a new one.
    edit_message_id INTEGER,
    -- A question to one editor (ForceReply), recorded as a prompt once sent.
    prompt_kind TEXT,
    report_id INTEGER REFERENCES reports (id),
    editor_telegram_id INTEGER,
    editor_name TEXT,
    placeholder TEXT,
    created_at TEXT NOT NULL,
    sent_at TEXT
);
CREATE INDEX desk_messages_unsent ON desk_messages (id) WHERE sent_at IS NULL;
CREATE INDEX desk_messages_report ON desk_messages (report_id);

-- Where editors review: the editors chat, and each editor's private desk (/desk), each
-- with the queue message that lists waiting reports, edited in place.
CREATE TABLE desks (
    chat_id INTEGER PRIMARY KEY,
    editor_telegram_id INTEGER,  -- NULL for the editors chat
    opened_at TEXT NOT NULL,
    queue_message_id INTEGER,
    queue_text TEXT,
    queue_updated_at TEXT
);

-- A full card asked for from a queue message (Open), to be sent into that chat.
CREATE TABLE card_requests (
    report_id INTEGER NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    chat_id INTEGER NOT NULL,
    requested_at TEXT NOT NULL,
    PRIMARY KEY (chat_id, report_id)
);
CREATE INDEX card_requests_report ON card_requests (report_id);

-- A contact can mark a report urgent (a word at its start, or the button under the
-- acknowledgement): it jumps the editors' queue. Not the same as an editor's Publish now.
ALTER TABLE reports ADD COLUMN flagged_urgent INTEGER NOT NULL DEFAULT 0;
CREATE INDEX reports_waiting ON reports (flagged_urgent, id) WHERE status = 'pending';
