-- Fair shares: a contact sending more than CONTACT_REPORTS_PER_MINUTE has the excess kept
-- (nothing is lost) but collapsed: no acknowledgement each (one "slow down" instead), no
-- card each, one line per contact in the queue message ("Kirkuk-3: 950 more").
ALTER TABLE reports ADD COLUMN flooded INTEGER NOT NULL DEFAULT 0;
CREATE INDEX reports_flooded ON reports (contact_id, id) WHERE flooded = 1 AND status = 'pending';
