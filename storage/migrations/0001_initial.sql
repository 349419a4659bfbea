-- People who may use the bot. Admins come from settings and are not stored here.
-- Only the Telegram user id is kept (to recognise them), never their Telegram name.
CREATE TABLE people (
    id INTEGER PRIMARY KEY,
    telegram_user_id INTEGER NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('contact', 'editor')),
    pseudonym TEXT NOT NULL COLLATE NOCASE,
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'revoked')),
    created_at TEXT NOT NULL,
    revoked_at TEXT
);
CREATE UNIQUE INDEX people_active_user ON people (telegram_user_id) WHERE status = 'active';
CREATE UNIQUE INDEX people_active_pseudonym ON people (pseudonym) WHERE status = 'active';

-- Single-use invite links; only a SHA-256 of the code is stored.
CREATE TABLE invites (
    id INTEGER PRIMARY KEY,
    code_hash TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL CHECK (role IN ('contact', 'editor')),
    pseudonym TEXT NOT NULL COLLATE NOCASE,
    created_by INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at TEXT,
    used_by INTEGER REFERENCES people (id)
);

CREATE TABLE reports (
    id INTEGER PRIMARY KEY,
    contact_id INTEGER NOT NULL REFERENCES people (id),
    chat_id INTEGER NOT NULL,
    message_id INTEGER NOT NULL,
    media_group_id TEXT,
    text TEXT NOT NULL DEFAULT '',
    forwarded INTEGER NOT NULL DEFAULT 0,
    -- collecting: an album still arriving; pending: waiting for editors.
    status TEXT NOT NULL CHECK (
        status IN ('collecting', 'pending', 'approved', 'published', 'rejected', 'withdrawn')
    ),
    label TEXT NOT NULL DEFAULT 'unconfirmed' CHECK (label IN ('unconfirmed', 'confirmed')),
    received_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    acknowledged INTEGER NOT NULL DEFAULT 0,
    -- The review card in the editors chat: queued until posted; a restart posts queued cards.
    card_state TEXT NOT NULL DEFAULT 'waiting' CHECK (
        card_state IN ('waiting', 'queued', 'posted', 'failed')
    ),
    UNIQUE (chat_id, message_id)
);
CREATE UNIQUE INDEX reports_album ON reports (chat_id, media_group_id)
    WHERE media_group_id IS NOT NULL;
CREATE INDEX reports_status ON reports (status, id);
CREATE INDEX reports_card_state ON reports (card_state, id);

CREATE TABLE report_media (
    id INTEGER PRIMARY KEY,
    report_id INTEGER NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    chat_id INTEGER NOT NULL,
    message_id INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('photo', 'video', 'voice', 'audio', 'document')),
    file_id TEXT NOT NULL,
    file_unique_id TEXT NOT NULL,
    file_size INTEGER,
    mime_type TEXT,
    caption TEXT NOT NULL DEFAULT '',
    -- The file id of the cleaned copy the bot uploaded; only this is ever sent onwards.
    clean_file_id TEXT,
    UNIQUE (chat_id, message_id)
);
CREATE INDEX report_media_report ON report_media (report_id, message_id);

-- Every message of a report's review card: media, continuation text, and the card with buttons.
CREATE TABLE card_messages (
    report_id INTEGER NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    chat_id INTEGER NOT NULL,
    message_id INTEGER NOT NULL,
    part TEXT NOT NULL CHECK (part IN ('media', 'text', 'card')),
    position INTEGER NOT NULL,
    PRIMARY KEY (chat_id, message_id)
);
CREATE INDEX card_messages_report ON card_messages (report_id, position);

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor_telegram_id INTEGER,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    report_id INTEGER REFERENCES reports (id),
    before TEXT,
    after TEXT,
    detail TEXT
);
CREATE INDEX audit_log_report ON audit_log (report_id, id);

-- Raw updates, stored before their offset is confirmed to Telegram and deleted once handled.
CREATE TABLE inbox (
    update_id INTEGER PRIMARY KEY,
    payload TEXT NOT NULL,
    received_at TEXT NOT NULL
);

CREATE TABLE state (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
