-- What an editor approves is what their card showed: every change of a report's content
-- (a contact's edit, an editor's or writer's edit) counts a new version, and a decision
-- names the version its button was made for. Existing reports start at version 1, which is
-- what buttons made before this migration (without a version) stand for.
ALTER TABLE reports ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
