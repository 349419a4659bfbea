"""Questions editors ask a report's contact, and the contact's answers.

A question is sent to the contact as a contact message (with Telegram's ForceReply); the
contact's reply to it is an answer, attached to the report and shown to editors where the
question was asked, as a desk message. Never published, never a report of its own."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import aiosqlite

from storage.audit import write as write_audit
from storage.database import Database
from storage.times import dt, req_dt, ts


@dataclass(frozen=True, slots=True)
class Question:
    id: int
    report_id: int
    asked_by: str
    editor_telegram_id: int
    asked_in: int
    text: str
    asked_at: datetime
    chat_id: int
    message_id: int | None
    sent_at: datetime | None


@dataclass(frozen=True, slots=True)
class NewAnswer:
    """A contact's reply to a question, as it arrives."""

    chat_id: int
    message_id: int
    text: str
    at: datetime
    kind: str | None = None  # a file with it: photo, video, voice, audio or document
    file_id: str | None = None
    file_unique_id: str | None = None


@dataclass(frozen=True, slots=True)
class Answer:
    id: int
    question_id: int
    report_id: int
    text: str
    received_at: datetime
    question: str
    kind: str | None = None
    file_id: str | None = None
    received_sha256: str | None = None
    clean_sha256: str | None = None
    clean_note: str | None = None


def _question(row: aiosqlite.Row) -> Question:
    return Question(
        id=row["id"],
        report_id=row["report_id"],
        asked_by=row["asked_by"],
        editor_telegram_id=row["editor_telegram_id"],
        asked_in=row["asked_in"],
        text=row["text"],
        asked_at=req_dt(row["asked_at"]),
        chat_id=row["chat_id"],
        message_id=row["message_id"],
        sent_at=dt(row["sent_at"]),
    )


def _answer(row: aiosqlite.Row) -> Answer:
    return Answer(
        id=row["id"],
        question_id=row["question_id"],
        report_id=row["report_id"],
        text=row["text"],
        received_at=req_dt(row["received_at"]),
        question=row["question"],
        kind=row["kind"],
        file_id=row["file_id"],
        received_sha256=row["received_sha256"],
        clean_sha256=row["clean_sha256"],
        clean_note=row["clean_note"],
    )


_ANSWERS = (
    "SELECT answers.*, questions.text AS question FROM answers"
    " JOIN questions ON questions.id = answers.question_id"
)


class Questions:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def ask(
        self,
        *,
        report_id: int,
        chat_id: int,
        reply_to: int | None,
        editor: tuple[int, str],
        asked_in: int,
        question: str,
        framed: str,
        at: datetime,
    ) -> int:
        """Store a question and queue it to the contact (`framed`: as they read it), with
        its audit entry, in one transaction. Returns its id."""
        editor_id, editor_name = editor
        async with self.db.transaction() as conn:
            async with conn.execute(
                "INSERT INTO questions (report_id, asked_by, editor_telegram_id, asked_in, text,"
                " asked_at, chat_id) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
                (report_id, editor_name, editor_id, asked_in, question, ts(at), chat_id),
            ) as cursor:
                row = await cursor.fetchone()
            assert row is not None
            question_id = int(row[0])
            await conn.execute(
                "INSERT INTO contact_messages (report_id, chat_id, text, reply_to, created_at,"
                " question_id) VALUES (?, ?, ?, ?, ?, ?)",
                (report_id, chat_id, framed, reply_to, ts(at), question_id),
            )
            await write_audit(
                conn,
                at=at,
                actor=editor_name,
                actor_telegram_id=editor_id,
                action="report.question",
                report_id=report_id,
                after=question,
            )
        return question_id

    async def sent(self, question_id: int, message_id: int, at: datetime) -> None:
        """The question reached the contact as `message_id`: a reply to it is an answer."""
        await self.db.execute(
            "UPDATE questions SET message_id = ?, sent_at = ? WHERE id = ?",
            (message_id, ts(at), question_id),
        )

    async def replied_to(self, chat_id: int, message_id: int) -> Question | None:
        """The question a contact's message replies to, if it replies to one."""
        row = await self.db.fetchrow(
            "SELECT * FROM questions WHERE chat_id = ? AND message_id = ?", (chat_id, message_id)
        )
        return _question(row) if row else None

    async def answer(self, question: Question, new: NewAnswer, pseudonym: str) -> Answer | None:
        """Attach a contact's answer to the report, queue it to where the question was asked
        and have the card show it, in one transaction. None: already stored (a replay)."""
        async with self.db.transaction() as conn:
            async with conn.execute(
                "INSERT INTO answers (question_id, report_id, chat_id, message_id, text, kind,"
                " file_id, file_unique_id, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (chat_id, message_id) DO NOTHING RETURNING id",
                (
                    question.id,
                    question.report_id,
                    new.chat_id,
                    new.message_id,
                    new.text,
                    new.kind,
                    new.file_id,
                    new.file_unique_id,
                    ts(new.at),
                ),
            ) as cursor:
                row = await cursor.fetchone()
            if row is None:
                return None
            answer_id = int(row[0])
            await conn.execute(
                "INSERT INTO desk_messages (chat_id, text, report_id, created_at, answer_id)"
                " VALUES (?, '', ?, ?, ?)",
                (question.asked_in, question.report_id, ts(new.at), answer_id),
            )
            await conn.execute(
                "UPDATE reports SET card_dirty = card_dirty + 1 WHERE id = ?",
                (question.report_id,),
            )
            await write_audit(
                conn,
                at=new.at,
                actor=pseudonym,
                action="report.answer",
                report_id=question.report_id,
                after=new.text or None,
                detail=f"a {new.kind}" if new.kind else None,
            )
            async with conn.execute(f"{_ANSWERS} WHERE answers.id = ?", (answer_id,)) as cursor:
                stored = await cursor.fetchone()
        assert stored is not None
        return _answer(stored)

    async def get_answer(self, answer_id: int) -> Answer | None:
        row = await self.db.fetchrow(f"{_ANSWERS} WHERE answers.id = ?", (answer_id,))
        return _answer(row) if row else None

    async def set_answer_file(
        self, answer_id: int, received: str, clean: str | None, note: str | None
    ) -> None:
        """The evidence of an answer's file: its hashes as received and cleaned."""
        await self.db.execute(
            "UPDATE answers SET received_sha256 = ?, clean_sha256 = ?, clean_note = ? WHERE id = ?",
            (received, clean, note, answer_id),
        )

    async def answers_of(self, report_ids: Sequence[int]) -> dict[int, list[Answer]]:
        """Each report's answers, oldest first, by report id."""
        if not report_ids:
            return {}
        rows = await self.db.fetch(
            f"{_ANSWERS} WHERE answers.report_id IN (SELECT value FROM json_each(?))"
            " ORDER BY answers.report_id, answers.id",
            (json.dumps(list(report_ids)),),
        )
        found: dict[int, list[Answer]] = {}
        for row in rows:
            answer = _answer(row)
            found.setdefault(answer.report_id, []).append(answer)
        return found

    async def of_report(self, report_id: int) -> list[Question]:
        rows = await self.db.fetch(
            "SELECT * FROM questions WHERE report_id = ? ORDER BY id", (report_id,)
        )
        return [_question(row) for row in rows]
