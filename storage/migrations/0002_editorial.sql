-- Editorial decisions on reports: who decided what and when, and when it is due to go out.
ALTER TABLE reports ADD COLUMN due_at TEXT;
ALTER TABLE reports ADD COLUMN urgent INTEGER NOT NULL DEFAULT 0;
-- The order of approvals (a counter: clocks can tie); a slot publishes in this order.
ALTER TABLE reports ADD COLUMN approval_seq INTEGER;
ALTER TABLE reports ADD COLUMN decided_by TEXT;
ALTER TABLE reports ADD COLUMN decided_at TEXT;
ALTER TABLE reports ADD COLUMN reject_reason TEXT;
-- The acknowledgement in the contact's chat (it carries the Withdraw button).
ALTER TABLE reports ADD COLUMN ack_message_id INTEGER;
-- Media items the card could not show (could not be cleaned, or refused by Telegram).
ALTER TABLE reports ADD COLUMN media_withheld INTEGER NOT NULL DEFAULT 0;
-- Raised in the same transaction as any change a card shows; the review desk re-renders it.
ALTER TABLE reports ADD COLUMN card_dirty INTEGER NOT NULL DEFAULT 0;
CREATE INDEX reports_due ON reports (status, due_at);
CREATE INDEX reports_card_dirty ON reports (id) WHERE card_dirty > 0;

-- Questions the bot asked an editor (ForceReply): the answer must come from that editor.
CREATE TABLE prompts (
    chat_id INTEGER NOT NULL,
    message_id INTEGER NOT NULL,
    report_id INTEGER NOT NULL REFERENCES reports (id),
    kind TEXT NOT NULL CHECK (kind IN ('edit', 'reject_reason', 'correct', 'retract')),
    editor_telegram_id INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    answered_at TEXT,
    PRIMARY KEY (chat_id, message_id)
);
CREATE INDEX prompts_open ON prompts (report_id, editor_telegram_id) WHERE answered_at IS NULL;

-- Messages to contacts (decisions on their reports), sent by the review desk until delivered.
CREATE TABLE contact_messages (
    id INTEGER PRIMARY KEY,
    report_id INTEGER NOT NULL REFERENCES reports (id),
    chat_id INTEGER NOT NULL,
    text TEXT NOT NULL,
    reply_to INTEGER,
    created_at TEXT NOT NULL,
    sent_at TEXT
);
CREATE INDEX contact_messages_unsent ON contact_messages (id) WHERE sent_at IS NULL;
