-- "Mark as sent" on a delivery in doubt asks the editor for the link to the channel's copy,
-- so that a later confirmation, correction or retraction reaches it too. That question is a
-- prompt of a new kind, about one outbox row: the prompts table is rebuilt (its kind is a
-- CHECK) the documented way; every existing prompt keeps its values.
CREATE TABLE prompts_new (
    chat_id INTEGER NOT NULL,
    message_id INTEGER NOT NULL,
    report_id INTEGER NOT NULL REFERENCES reports (id),
    kind TEXT NOT NULL CHECK (
        kind IN ('edit', 'reject_reason', 'correct', 'retract', 'post_link')
    ),
    editor_telegram_id INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    answered_at TEXT,
    -- For post_link: the outbox row (the send in one channel) the link is for.
    post_id INTEGER REFERENCES posts (id),
    PRIMARY KEY (chat_id, message_id)
);
INSERT INTO prompts_new (
    chat_id, message_id, report_id, kind, editor_telegram_id, created_at, answered_at
)
SELECT chat_id, message_id, report_id, kind, editor_telegram_id, created_at, answered_at
FROM prompts;
DROP TABLE prompts;
ALTER TABLE prompts_new RENAME TO prompts;
CREATE INDEX prompts_open ON prompts (report_id, editor_telegram_id) WHERE answered_at IS NULL;
CREATE INDEX prompts_report ON prompts (report_id);
CREATE INDEX prompts_post ON prompts (post_id) WHERE post_id IS NOT NULL;

ALTER TABLE desk_messages ADD COLUMN post_id INTEGER REFERENCES posts (id);
