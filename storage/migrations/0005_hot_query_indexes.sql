-- Indexes for the queries the workers run on every turn, so that they stay instant with
-- hundreds of thousands of reports (see tests/test_query_plans.py).
CREATE INDEX reports_unacknowledged ON reports (id) WHERE acknowledged = 0;
CREATE INDEX posts_needing_notice ON posts (id)
    WHERE notice_message_id IS NULL AND state IN ('in_doubt', 'failed');
CREATE INDEX posts_state ON posts (state);
CREATE INDEX reports_published_at ON reports (published_at) WHERE published_at IS NOT NULL;
