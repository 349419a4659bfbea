-- Stories: one running event, each with its own numbering (UPDATE #1, #2, ...).
CREATE TABLE stories (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    intro TEXT,
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    -- The last number given out; numbers are taken from here in the publishing transaction.
    last_number INTEGER NOT NULL DEFAULT 0,
    opened_by TEXT NOT NULL,
    opened_at TEXT NOT NULL,
    closed_at TEXT
);
CREATE UNIQUE INDEX stories_one_open ON stories (status) WHERE status = 'open';

ALTER TABLE reports ADD COLUMN story_id INTEGER REFERENCES stories (id);
ALTER TABLE reports ADD COLUMN number INTEGER;
ALTER TABLE reports ADD COLUMN published_at TEXT;
-- After publishing: when the label became confirmed, the text was corrected, or it was retracted.
ALTER TABLE reports ADD COLUMN confirmed_at TEXT;
ALTER TABLE reports ADD COLUMN corrected_at TEXT;
ALTER TABLE reports ADD COLUMN retracted_at TEXT;
ALTER TABLE reports ADD COLUMN retract_reason TEXT;
CREATE UNIQUE INDEX reports_story_number ON reports (story_id, number) WHERE number IS NOT NULL;

-- The channel outbox: one row per send, edit or delete the bot owes a channel.
-- A row is `sending` only while its call is in flight: found so after a crash it is in doubt.
CREATE TABLE posts (
    id INTEGER PRIMARY KEY,
    channel TEXT NOT NULL,
    report_id INTEGER REFERENCES reports (id),
    story_id INTEGER REFERENCES stories (id),
    action TEXT NOT NULL CHECK (action IN ('send', 'edit', 'delete')),
    state TEXT NOT NULL DEFAULT 'queued'
        CHECK (state IN ('queued', 'sending', 'sent', 'failed', 'in_doubt')),
    -- For a send, once sent: the channel's message ids and which carry the text (JSON).
    message_ids TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    not_before TEXT,
    error TEXT,
    -- The notice to editors about this row (in doubt, or failed), once posted.
    notice_message_id INTEGER,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK ((report_id IS NULL) != (story_id IS NULL))
);
CREATE INDEX posts_queue ON posts (channel, state, id);
CREATE INDEX posts_report ON posts (report_id, channel);
CREATE INDEX posts_story ON posts (story_id, channel);
