-- Updates a handler failed on (a bug, a shape it did not expect): kept with their error
-- instead of being lost, until `fieldrelay replay` asks the running bot to handle them again
-- after a fix. `kind` is the error's type and where it was raised: admins are told once per
-- kind. Transient database errors are not dead letters: those updates are retried.
CREATE TABLE dead_letters (
    update_id INTEGER PRIMARY KEY,
    payload TEXT NOT NULL,
    kind TEXT NOT NULL,
    error TEXT NOT NULL,
    failed_at TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 1,
    replay_requested_at TEXT
);
CREATE INDEX dead_letters_replay ON dead_letters (update_id)
    WHERE replay_requested_at IS NOT NULL;
CREATE TABLE dead_letter_kinds (
    kind TEXT PRIMARY KEY,
    first_at TEXT NOT NULL,
    told_at TEXT
) WITHOUT ROWID;
