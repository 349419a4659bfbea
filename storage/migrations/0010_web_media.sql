-- The live blog on the web: which published photo (by its cleaned copy's Telegram file id)
-- is which file on the site. The site's file names are hashes of the cleaned bytes, so this
-- mapping stays here, never on the site.
CREATE TABLE web_media (
    file_id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    width INTEGER,
    height INTEGER,
    created_at TEXT NOT NULL
) WITHOUT ROWID;
