"""Acknowledgements: reports whose contact has not yet been told they arrived."""

from __future__ import annotations

import json
from typing import Any

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
        # The oldest few hundred straight from the partial index (a window function over
        # every unacknowledged report cost 80 times more per read in a burst), taken in
        # turns here. A flood beyond its fair share is stored acknowledged, so it never
        # fills this window.
        row = await self.db.fetchrow(
            "SELECT json_group_array(json_array(id, chat_id, message_id,"
            " (SELECT language FROM people WHERE people.id = contact_id), contact_id)) FROM"
            " (SELECT id, chat_id, message_id, contact_id FROM reports WHERE acknowledged = 0"
            "  AND status != 'collecting' ORDER BY id LIMIT ?)",
            (max(limit * 5, 500),),
        )
        found = json.loads(row[0]) if row is not None else []
        return [Unacknowledged(*fields[:4]) for fields in in_turns(found, limit, per_contact)]

    def mark_later(self, report_id: int, ack_message_id: int | None) -> None:
        """Deferred (see Database.defer): lost in a crash, the report is acknowledged again."""
        self.db.defer_row(
            "an acknowledgement",
            "UPDATE reports SET acknowledged = 1, ack_message_id = json_extract(value, '$[1]')"
            " FROM json_each(?) WHERE reports.id = json_extract(value, '$[0]')",
            [report_id, ack_message_id],
        )


def in_turns(rows: list[list[Any]], limit: int, per_contact: int) -> list[list[Any]]:
    """Rows (oldest first, the contact last in each) served round-robin: every contact's
    oldest, then every contact's second, ..., at most `per_contact` each, `limit` in all."""
    queues: dict[Any, list[list[Any]]] = {}
    for row in rows:
        queues.setdefault(row[-1], []).append(row)
    chosen: list[list[Any]] = []
    for turn in range(per_contact):
        for queue in queues.values():
            if turn < len(queue) and len(chosen) < limit:
                chosen.append(queue[turn])
    return chosen
