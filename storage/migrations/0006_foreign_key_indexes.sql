-- Every column that references a report is indexed, so that SQLite's foreign-key checks on
-- reports (an album dropped when its contact is revoked; the group commit's upsert of a
-- burst of reports) look rows up instead of scanning prompts and contact messages.
CREATE INDEX prompts_report ON prompts (report_id);
CREATE INDEX contact_messages_report ON contact_messages (report_id);
