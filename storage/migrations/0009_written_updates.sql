-- Editors write updates. Every item editors review and the bot numbers stays a row of
-- `reports`, now of two origins: a contact's report (as before), or an update written at
-- the desk by an editor, with no contact, citing any number of reports as its sources.
--
-- A written update has no contact, so `contact_id` becomes nullable. SQLite cannot relax
-- a NOT NULL in place: the table is rebuilt the documented way (new table, copy, drop,
-- rename; the runner turns foreign keys off for this and checks them before commit).
-- Every existing row keeps its id, number, story and every value: nothing published
-- before changes number. Reports used as sources of a published update become `used`.
CREATE TABLE reports_new (
    id INTEGER PRIMARY KEY,
    contact_id INTEGER REFERENCES people (id),
    chat_id INTEGER NOT NULL,
    message_id INTEGER NOT NULL,
    media_group_id TEXT,
    text TEXT NOT NULL DEFAULT '',
    forwarded INTEGER NOT NULL DEFAULT 0,
    -- collecting: an album still arriving; pending: waiting for editors; used: a source of
    -- a published written update (not published itself).
    status TEXT NOT NULL CHECK (
        status IN (
            'collecting', 'pending', 'approved', 'published', 'rejected', 'withdrawn', 'used'
        )
    ),
    label TEXT NOT NULL DEFAULT 'unconfirmed' CHECK (label IN ('unconfirmed', 'confirmed')),
    received_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    acknowledged INTEGER NOT NULL DEFAULT 0,
    card_state TEXT NOT NULL DEFAULT 'waiting' CHECK (
        card_state IN ('waiting', 'queued', 'posted', 'failed')
    ),
    due_at TEXT,
    urgent INTEGER NOT NULL DEFAULT 0,
    approval_seq INTEGER,
    decided_by TEXT,
    decided_at TEXT,
    reject_reason TEXT,
    ack_message_id INTEGER,
    media_withheld INTEGER NOT NULL DEFAULT 0,
    card_dirty INTEGER NOT NULL DEFAULT 0,
    story_id INTEGER REFERENCES stories (id),
    number INTEGER,
    published_at TEXT,
    confirmed_at TEXT,
    corrected_at TEXT,
    retracted_at TEXT,
    retract_reason TEXT,
    media_checked_by TEXT,
    media_checked_at TEXT,
    flagged_urgent INTEGER NOT NULL DEFAULT 0,
    -- contact: sent by a contact; desk: written by an editor (`written_by`), no contact.
    origin TEXT NOT NULL DEFAULT 'contact' CHECK (origin IN ('contact', 'desk')),
    written_by TEXT,
    -- The text's formatting (bold, links) as Telegram message entities, JSON; NULL: plain.
    entities TEXT,
    -- A draft left undecided is reminded to its writer once, never published for them.
    reminded_at TEXT,
    UNIQUE (chat_id, message_id),
    CHECK ((origin = 'contact') = (contact_id IS NOT NULL))
);

INSERT INTO reports_new (
    id, contact_id, chat_id, message_id, media_group_id, text, forwarded, status, label,
    received_at, updated_at, acknowledged, card_state, due_at, urgent, approval_seq,
    decided_by, decided_at, reject_reason, ack_message_id, media_withheld, card_dirty,
    story_id, number, published_at, confirmed_at, corrected_at, retracted_at, retract_reason,
    media_checked_by, media_checked_at, flagged_urgent
)
SELECT
    id, contact_id, chat_id, message_id, media_group_id, text, forwarded, status, label,
    received_at, updated_at, acknowledged, card_state, due_at, urgent, approval_seq,
    decided_by, decided_at, reject_reason, ack_message_id, media_withheld, card_dirty,
    story_id, number, published_at, confirmed_at, corrected_at, retracted_at, retract_reason,
    media_checked_by, media_checked_at, flagged_urgent
FROM reports;

DROP TABLE reports;
ALTER TABLE reports_new RENAME TO reports;

CREATE UNIQUE INDEX reports_album ON reports (chat_id, media_group_id)
    WHERE media_group_id IS NOT NULL;
CREATE INDEX reports_status ON reports (status, id);
CREATE INDEX reports_card_state ON reports (card_state, id);
CREATE INDEX reports_due ON reports (status, due_at);
CREATE INDEX reports_card_dirty ON reports (id) WHERE card_dirty > 0;
CREATE UNIQUE INDEX reports_story_number ON reports (story_id, number) WHERE number IS NOT NULL;
CREATE INDEX reports_unacknowledged ON reports (id) WHERE acknowledged = 0;
CREATE INDEX reports_published_at ON reports (published_at) WHERE published_at IS NOT NULL;
CREATE INDEX reports_waiting ON reports (flagged_urgent, id) WHERE status = 'pending';
CREATE INDEX reports_contact ON reports (contact_id);
CREATE INDEX reports_drafts ON reports (received_at) WHERE origin = 'desk' AND status = 'pending';

-- The reports a written update draws on, in the order the editor cited them. Editors see
-- them (card, /history); nothing public ever does.
CREATE TABLE update_sources (
    update_id INTEGER NOT NULL REFERENCES reports (id),
    report_id INTEGER NOT NULL REFERENCES reports (id),
    position INTEGER NOT NULL,
    PRIMARY KEY (update_id, report_id)
) WITHOUT ROWID;
CREATE INDEX update_sources_report ON update_sources (report_id);

-- A source's cleaned photos a written update carries, in order.
CREATE TABLE update_media (
    update_id INTEGER NOT NULL REFERENCES reports (id),
    media_id INTEGER NOT NULL REFERENCES report_media (id),
    position INTEGER NOT NULL,
    PRIMARY KEY (update_id, media_id)
) WITHOUT ROWID;
CREATE INDEX update_media_media ON update_media (media_id);

-- The story's opening post keeps its formatting; a pinned summary lists its key updates.
ALTER TABLE stories ADD COLUMN intro_entities TEXT;
-- JSON list of update numbers, in the editors' order; NULL: no summary.
ALTER TABLE stories ADD COLUMN key_numbers TEXT;
-- Which of a story's posts a row is about: its opening post or its pinned summary.
ALTER TABLE posts ADD COLUMN part TEXT NOT NULL DEFAULT 'opening'
    CHECK (part IN ('opening', 'summary'));
ALTER TABLE posts ADD COLUMN pinned INTEGER NOT NULL DEFAULT 0;

-- Questions to an editor about a written draft: its new text.
ALTER TABLE desk_messages ADD COLUMN update_id INTEGER REFERENCES reports (id);
CREATE INDEX desk_messages_update ON desk_messages (update_id);
