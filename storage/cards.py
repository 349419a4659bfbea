"""Review cards: which reports still need a card, and the messages each card is made of."""

from __future__ import annotations

import json
from collections.abc import Sequence

from storage.database import Database
from storage.models import CardMessage, Report
from storage.reports import REPORT_COLUMNS, REPORT_SELECT, in_turns, report_from_row


class Cards:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def urgent_to_post(self, limit: int = 1) -> list[Report]:
        """Queued cards of reports their contact marked urgent, oldest first."""
        rows = await self.db.fetch(
            f"{REPORT_SELECT} WHERE reports.card_state = 'queued' AND reports.flagged_urgent = 1"
            " AND reports.status = 'pending' ORDER BY reports.id LIMIT ?",
            (limit,),
        )
        return [report_from_row(row) for row in rows]

    async def to_post(self, limit: int = 10) -> list[Report]:
        """Reports whose card is queued: those still waiting for a decision first; round-robin
        across contacts, each one's newest first, so a burst never starves fresh news and
        one contact's flood never starves another's; cards of reports decided from a queue
        message last. A contact's flood beyond their fair share gets no card each."""
        rows = await self.db.fetch(
            in_turns("reports.card_state = 'queued' AND reports.flooded = 0", newest_first=True)
            + " ORDER BY status = 'pending' DESC, turn, id DESC LIMIT ?",
            (limit,),
        )
        return [report_from_row(row) for row in rows]

    async def count_queued(self) -> int:
        return int(
            await self.db.fetchval("SELECT COUNT(*) FROM reports WHERE card_state = 'queued'")
        )

    async def dirty(self, limit: int = 1) -> list[Report]:
        """Reports changed since their card copies were last shown (a report decided from a
        queue message may have no copy yet: refreshing it only clears the mark)."""
        # Without the hint SQLite walks every report instead of the few dirty ones the
        # partial index holds.
        rows = await self.db.fetch(
            f"SELECT {REPORT_COLUMNS} FROM reports INDEXED BY reports_card_dirty"
            " LEFT JOIN people ON people.id = reports.contact_id"
            " WHERE reports.card_dirty > 0 AND reports.card_state IN ('posted', 'queued')"
            " ORDER BY reports.id LIMIT ?",
            (limit,),
        )
        return [report_from_row(row) for row in rows]

    async def refreshed(self, report: Report) -> None:
        """Clear the dirty mark, unless the report changed again while its card was edited;
        the card shows its current similar reports too."""
        await self.db.execute(
            "UPDATE reports SET card_dirty = 0, similar_stale = 0 WHERE id = ? AND card_dirty = ?",
            (report.id, report.card_dirty),
        )

    async def similar_stale(self, limit: int = 1) -> list[Report]:
        """Posted cards that do not show a report found like theirs yet, oldest first."""
        rows = await self.db.fetch(
            f"SELECT {REPORT_COLUMNS} FROM reports INDEXED BY reports_similar_stale"
            " LEFT JOIN people ON people.id = reports.contact_id"
            " WHERE reports.similar_stale = 1 AND reports.card_state = 'posted'"
            " ORDER BY reports.id LIMIT ?",
            (limit,),
        )
        return [report_from_row(row) for row in rows]

    async def similar_shown(self, report_id: int) -> None:
        await self.db.execute("UPDATE reports SET similar_stale = 0 WHERE id = ?", (report_id,))

    async def set_state(self, report_id: int, state: str) -> None:
        await self.db.execute("UPDATE reports SET card_state = ? WHERE id = ?", (state, report_id))

    async def record(
        self,
        report_id: int,
        chat_id: int,
        messages: Sequence[tuple[int, str]],
        media_withheld: int | None = None,
        *,
        editors_chat: bool = True,
    ) -> None:
        """Replace the message ids of the card's copy in `chat_id` and, for the editors
        chat's copy, mark the card posted, in one transaction."""
        async with self.db.transaction() as conn:
            await conn.execute(
                "DELETE FROM card_messages WHERE report_id = ? AND chat_id = ?",
                (report_id, chat_id),
            )
            await conn.executemany(
                "INSERT INTO card_messages (report_id, chat_id, message_id, part, position)"
                " VALUES (?, ?, ?, ?, ?)",
                [
                    (report_id, chat_id, message_id, part, position)
                    for position, (message_id, part) in enumerate(messages)
                ],
            )
            if editors_chat:
                await conn.execute(
                    "UPDATE reports SET card_state = 'posted',"
                    " media_withheld = COALESCE(?, media_withheld) WHERE id = ?",
                    (media_withheld, report_id),
                )

    async def report_at(self, chat_id: int, message_id: int) -> int | None:
        """The report whose card (or card media) this message is, if any."""
        row = await self.db.fetchrow(
            "SELECT report_id FROM card_messages WHERE chat_id = ? AND message_id = ?",
            (chat_id, message_id),
        )
        return int(row[0]) if row else None

    async def first_cards(self, report_ids: Sequence[int]) -> dict[int, tuple[int, int]]:
        """Each report's card message, (chat id, message id), in one read: the copy in the
        chat listed first (the editors chat is negative, private desks positive)."""
        rows = await self.db.fetch(
            "SELECT report_id, MIN(chat_id), message_id FROM card_messages"
            " WHERE report_id IN (SELECT value FROM json_each(?)) AND part = 'card'"
            " GROUP BY report_id",
            (json.dumps(list(report_ids)),),
        )
        return {int(row[0]): (int(row[1]), int(row[2])) for row in rows}

    async def messages(self, report_id: int, chat_id: int | None = None) -> list[CardMessage]:
        """The messages of a report's card: of its copy in `chat_id`, or of every copy."""
        rows = await self.db.fetch(
            "SELECT * FROM card_messages WHERE report_id = ? AND (? IS NULL OR chat_id = ?)"
            " ORDER BY chat_id, position",
            (report_id, chat_id, chat_id),
        )
        return [
            CardMessage(
                report_id=row["report_id"],
                chat_id=row["chat_id"],
                message_id=row["message_id"],
                part=row["part"],
                position=row["position"],
            )
            for row in rows
        ]
