-- Cleaning by content: what the bot found a file to be and what it did with it.
--   clean_state: 'clean' (re-encoded or cleaned by mat2), 'unclean' (passed on under a
--   neutral name only after an editor's explicit check), 'refused' (an image over the
--   limit or that cannot be decoded: never passed on). NULL: cleaned the old way (before
--   this migration): photos re-encoded, other kinds checked by an editor.
--   clean_note: what was found and removed ("GPS location, author"), or why not.
-- `kind` follows the content: a JPEG sent as a file becomes a photo once cleaned.
ALTER TABLE report_media ADD COLUMN clean_state TEXT
    CHECK (clean_state IN ('clean', 'unclean', 'refused'));
ALTER TABLE report_media ADD COLUMN clean_note TEXT;
