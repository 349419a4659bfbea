-- The verification desk: questions to a contact and their answers, similar reports,
-- first-hand or forwarded, the evidence of each file, and the safety scan's override.

-- A question an editor asked a contact about one of their reports (/ask, or the card's Ask
-- button). The contact never learns who asked; the answer goes back where it was asked.
CREATE TABLE questions (
    id INTEGER PRIMARY KEY,
    report_id INTEGER NOT NULL REFERENCES reports (id),
    asked_by TEXT NOT NULL,
    editor_telegram_id INTEGER NOT NULL,
    -- Where it was asked (the editors chat or a private desk): the answer is shown there.
    asked_in INTEGER NOT NULL,
    text TEXT NOT NULL,
    asked_at TEXT NOT NULL,
    -- The contact's chat, and the question as they got it there (a reply to it answers).
    chat_id INTEGER NOT NULL,
    message_id INTEGER,
    sent_at TEXT
);
CREATE INDEX questions_report ON questions (report_id);
CREATE UNIQUE INDEX questions_message ON questions (chat_id, message_id)
    WHERE message_id IS NOT NULL;

-- A contact's reply to a question: attached to the report, never a report of its own and
-- never published. A file in it is cleaned like any other before an editor sees it.
CREATE TABLE answers (
    id INTEGER PRIMARY KEY,
    question_id INTEGER NOT NULL REFERENCES questions (id),
    report_id INTEGER NOT NULL REFERENCES reports (id),
    chat_id INTEGER NOT NULL,
    message_id INTEGER NOT NULL,
    text TEXT NOT NULL DEFAULT '',
    kind TEXT CHECK (kind IN ('photo', 'video', 'voice', 'audio', 'document')),
    file_id TEXT,
    file_unique_id TEXT,
    received_at TEXT NOT NULL,
    received_sha256 TEXT,
    clean_sha256 TEXT,
    clean_note TEXT,
    UNIQUE (chat_id, message_id)
);
CREATE INDEX answers_report ON answers (report_id, id);
CREATE INDEX answers_question ON answers (question_id);

-- A question goes to its contact as a contact message with Telegram's ForceReply.
ALTER TABLE contact_messages ADD COLUMN question_id INTEGER REFERENCES questions (id);
CREATE INDEX contact_messages_question ON contact_messages (question_id)
    WHERE question_id IS NOT NULL;
-- An answer is shown to editors as a desk message (with its cleaned file, if any).
ALTER TABLE desk_messages ADD COLUMN answer_id INTEGER REFERENCES answers (id);
CREATE INDEX desk_messages_answer ON desk_messages (answer_id) WHERE answer_id IS NOT NULL;

-- Prompts of two new kinds: the question to ask (the card's Ask button) and the new text
-- of a confirmation ("Confirm with new text"). Rebuilt the documented way (its kind is a
-- CHECK); every existing prompt keeps its values, post_id included.
CREATE TABLE prompts_new (
    chat_id INTEGER NOT NULL,
    message_id INTEGER NOT NULL,
    report_id INTEGER NOT NULL REFERENCES reports (id),
    kind TEXT NOT NULL CHECK (
        kind IN ('edit', 'reject_reason', 'correct', 'retract', 'post_link', 'ask',
                 'confirm_text')
    ),
    editor_telegram_id INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    answered_at TEXT,
    post_id INTEGER REFERENCES posts (id),
    PRIMARY KEY (chat_id, message_id)
);
INSERT INTO prompts_new (
    chat_id, message_id, report_id, kind, editor_telegram_id, created_at, answered_at, post_id
)
SELECT chat_id, message_id, report_id, kind, editor_telegram_id, created_at, answered_at,
       post_id
FROM prompts;
DROP TABLE prompts;
ALTER TABLE prompts_new RENAME TO prompts;
CREATE INDEX prompts_open ON prompts (report_id, editor_telegram_id) WHERE answered_at IS NULL;
CREATE INDEX prompts_report ON prompts (report_id);
CREATE INDEX prompts_post ON prompts (post_id) WHERE post_id IS NOT NULL;

-- Evidence: each file's SHA-256 as received (before cleaning, the original never kept) and
-- of its cleaned copy, and when it was received. NULL for files stored before this.
ALTER TABLE report_media ADD COLUMN received_at TEXT;
ALTER TABLE report_media ADD COLUMN received_sha256 TEXT;
ALTER TABLE report_media ADD COLUMN clean_sha256 TEXT;
-- Similar reports: the perceptual hash (64 bits, hex) of a cleaned photo.
ALTER TABLE report_media ADD COLUMN phash TEXT;

-- Reports found alike (same picture, same file, near-identical text), both ways round.
-- how: 'picture', 'file' or 'text'.
CREATE TABLE similar_reports (
    report_id INTEGER NOT NULL REFERENCES reports (id),
    other_id INTEGER NOT NULL REFERENCES reports (id),
    how TEXT NOT NULL CHECK (how IN ('picture', 'file', 'text')),
    PRIMARY KEY (report_id, other_id)
) WITHOUT ROWID;
-- Every reference is indexed, so that a change of a report never scans the links.
CREATE INDEX similar_reports_other ON similar_reports (other_id);
-- 0: not compared yet; 1: compared (its links are in similar_reports).
ALTER TABLE reports ADD COLUMN similar_checked INTEGER NOT NULL DEFAULT 0;
-- What the index is rebuilt from at start: the window's compared reports, not every report.
CREATE INDEX reports_similar_window ON reports (received_at) WHERE similar_checked = 1;
-- 1: a later report was found like it, and its card does not show that yet. Refreshed last
-- in the editors chat's paced lane (after new cards), once however many links arrived.
ALTER TABLE reports ADD COLUMN similar_stale INTEGER NOT NULL DEFAULT 0;
CREATE INDEX reports_similar_stale ON reports (id) WHERE similar_stale = 1;

-- First-hand or forwarded: where a forwarded message came from. forward_kind: 'channel',
-- 'chat', 'user' or 'hidden_user'; forwarded_from: a public channel's or chat's name, never
-- a person's (NULL for people, hidden accounts and private chats).
ALTER TABLE reports ADD COLUMN forward_kind TEXT;
ALTER TABLE reports ADD COLUMN forwarded_from TEXT;

-- The safety scan: the version of the report an editor pressed "Publish anyway" on, and who.
ALTER TABLE reports ADD COLUMN safety_cleared_version INTEGER;
ALTER TABLE reports ADD COLUMN safety_cleared_by TEXT;
