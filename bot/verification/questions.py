"""Asking a report's contact: `/ask R-42 …` or the card's ❓ Ask button.

The question reaches the contact in their language's frame ("The editors ask about your
report R-42:"), never with the editor's name, with Telegram's ForceReply so that their app
opens a reply. Their reply to it is an answer: attached to the report, shown where the
question was asked ("Answer to R-42 (Kirkuk-1): …"), on the card and in /history, never a
report of its own and never published by itself. A file in an answer is cleaned like any
other before an editor sees it. Questions and answers are messages of the contact's chat,
wiped with the rest of it."""

from __future__ import annotations

from bot import texts
from bot.formatting import shortened
from bot.i18n import say
from bot.intake.media import MediaCleaner, note_of
from bot.review.base import Editor, Job, Outcome
from bot.sender import OutgoingMedia, Sender
from bot.settings import Settings
from storage import DeskMessage, Person, Report, Repositories
from storage.questions import Answer, NewAnswer, Question

CAPTION_LIMIT = 1024


class QuestionService(Job):
    """Questions to contacts and their answers."""

    async def ask(self, report_id: int, editor: Editor, asked_in: int, question: str) -> Outcome:
        """Queue `question` to the contact of `report_id`; the answer comes to `asked_in`."""
        question = question.strip()
        report = await self.store.reports.get(report_id)
        if report is None:
            return Outcome(texts.HISTORY_UNKNOWN.format(code=f"R-{report_id}"))
        refusal = await self._refusal(report, question)
        if refusal is not None:
            return Outcome(refusal, report=report)
        assert report.contact_id is not None
        framed = say(report.contact_language, texts.QUESTION_FRAME, code=report.code)
        # After a wipe their report is gone from their phone: the question cannot quote it,
        # and the bot never sends their words back to them.
        wiped = not await self.store.chat_log.has(report.chat_id, report.message_id)
        await self.store.questions.ask(
            report_id=report.id,
            chat_id=report.chat_id,
            reply_to=None if wiped else report.message_id,
            editor=(editor.telegram_user_id, editor.name),
            asked_in=asked_in,
            question=question,
            framed=f"{framed}\n\n{question}",
            at=self.clock.now(),
        )
        self.wake_courier()
        answer = texts.ASK_QUEUED.format(code=report.code)
        if wiped:
            answer += "\n" + texts.ASK_CHAT_WIPED.format(
                pseudonym=report.pseudonym, code=report.code
            )
        return Outcome(answer, changed=True, report=report)

    async def _refusal(self, report: Report, question: str) -> str | None:
        if report.written or report.contact_id is None:
            return texts.ASK_NOT_A_REPORT.format(code=report.code)
        contact = await self.store.people.get(report.contact_id)
        if contact is None or contact.status != "active":
            return texts.ASK_CONTACT_GONE.format(pseudonym=report.pseudonym, code=report.code)
        if not question:
            return texts.ASK_EMPTY
        if len(question) > self.settings.question_max_chars:
            return texts.ASK_TOO_LONG.format(limit=self.settings.question_max_chars)
        return None

    async def question_replied_to(
        self, contact: Person, chat_id: int, message_id: int
    ) -> Question | None:
        """The question of `contact`'s that a message of theirs replies to, if any."""
        question = await self.store.questions.replied_to(chat_id, message_id)
        if question is None:
            return None
        report = await self.store.reports.get(question.report_id)
        return question if report is not None and report.contact_id == contact.id else None

    async def answered(self, contact: Person, question: Question, answer: NewAnswer) -> str:
        """Attach the contact's answer and tell the editors; what the contact is told."""
        stored = await self.store.questions.answer(question, answer, contact.pseudonym)
        if stored is not None:
            self.wake_courier(private=question.asked_in > 0)
        return say(contact.language, texts.ANSWER_RECEIVED, code=f"R-{question.report_id}")


class AnswerShowing:
    """Shows editors a contact's answer where the question was asked (the courier's job):
    its text, or its file cleaned first with the text as caption."""

    def __init__(
        self, store: Repositories, sender: Sender, settings: Settings, cleaner: MediaCleaner
    ) -> None:
        self.store = store
        self.sender = sender
        self.settings = settings
        self.cleaner = cleaner

    async def show(self, owed: DeskMessage) -> int | None:
        assert owed.answer_id is not None
        answer = await self.store.questions.get_answer(owed.answer_id)
        report = await self.store.reports.get(answer.report_id) if answer is not None else None
        if answer is None or report is None:
            return None
        text = answer_text(answer, report)
        if answer.kind is None or answer.file_id is None:
            return await self.sender.send_text(owed.chat_id, text)
        made = await self.cleaner.clean_file(answer.file_id, answer.kind, f"{report.code}-answer")
        if made is None or made[0].data is None or not made[0].clean:
            why = (made[0].problem if made is not None else None) or "it cannot be downloaded"
            if made is not None:
                await self.store.questions.set_answer_file(
                    answer.id, made[1].received, made[1].clean, why
                )
            withheld = texts.ANSWER_FILE_WITHHELD.format(
                code=report.code, pseudonym=report.pseudonym, why=why
            )
            return await self.sender.send_text(owed.chat_id, f"{withheld}\n\n{text}")
        cleaned, hashes = made
        note = note_of(cleaned)
        await self.store.questions.set_answer_file(answer.id, hashes.received, hashes.clean, note)
        media = OutgoingMedia(cleaned.kind, data=cleaned.data, name=cleaned.name)
        removed = texts.CARD_MEDIA_CLEANED.format(what=note) if cleaned.removed else ""
        room = CAPTION_LIMIT - len(removed) - 1
        caption = (text if len(text) <= room else text[: room - 1] + "…") + f"\n{removed}"
        sent = await self.sender.send_media(owed.chat_id, media, caption=caption)
        return sent.message_id


def answer_text(answer: Answer, report: Report) -> str:
    """An answer as editors read it: whose, to which question, and its words."""
    return texts.ANSWER_FROM_CONTACT.format(
        code=report.code,
        pseudonym=report.pseudonym or "?",
        question=shortened(answer.question, 120),
        text=answer.text.strip() or texts.ANSWER_NO_TEXT,
    )
