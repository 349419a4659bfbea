-- Editors are members of the editors chat: one who leaves it (or is removed) keeps their
-- invite but loses every editor's right from that moment, and gets them back on rejoining.
-- NULL: present (every editor registered before this migration starts present).
ALTER TABLE people ADD COLUMN away_since TEXT;
