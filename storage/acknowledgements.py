"""Acknowledgements: reports whose contact has not yet been told they arrived."""

from __future__ import annotations

import json

from storage.database import Database
from storage.models import Unacknowledged


class Acknowledgements:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def waiting(self, limit: int = 100, per_contact: int = 3) -> list[Unacknowledged]:
        """Reports whose contact has not been told they arrived: round-robin across
        contacts (each one's oldest first, at most `per_contact` each per read), so that no
        contact waits behind another's flood. Read as one row of JSON: a burst's worth is
        one step of SQLite, not one per report (see Database.defer on why steps cost)."""
        row = await self.db.fetch_one(
            "SELECT json_group_array(json_array(id, chat_id, message_id,"
            " (SELECT language FROM people WHERE people.id = contact_id))) FROM"
            " (SELECT id, chat_id, message_id, contact_id FROM"
            "  (SELECT id, chat_id, message_id, contact_id, ROW_NUMBER() OVER"
            "   (PARTITION BY contact_id ORDER BY id) AS turn FROM reports"
            "   WHERE acknowledged = 0 AND status != 'collecting')"
            "  WHERE turn <= ? ORDER BY turn, id LIMIT ?)",
            (per_contact, limit),
        )
        found = json.loads(row[0]) if row is not None else []
        return [Unacknowledged(*fields) for fields in found]

    def mark_later(self, report_id: int, ack_message_id: int | None) -> None:
        """Deferred (see Database.defer): lost in a crash, the report is acknowledged again."""
        self.db.defer_row(
            "an acknowledgement",
            "UPDATE reports SET acknowledged = 1, ack_message_id = json_extract(value, '$[1]')"
            " FROM json_each(?) WHERE reports.id = json_extract(value, '$[0]')",
            [report_id, ack_message_id],
        )
