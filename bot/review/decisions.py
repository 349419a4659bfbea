"""Editorial decisions on a report: approve, publish now, label, edit, reject, undo; and the
review service that composes every job.

Every press gets an answer; each decision is the skeleton in base.py (one conditional
update, audited, first decision wins). The jobs are classes of their own, composed here:
an editor's decisions (this module), confirm / correct / retract after publishing
(corrections.py), a contact's actions (contact_actions.py), the pause of all publishing and
deliveries in doubt (publishing_control.py).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime

from bot import texts
from bot.formatting import shortened
from bot.i18n import say
from bot.intake.media import needs_media_check
from bot.publishing.schedule import next_slot
from bot.review.base import Audited, Decisions, Editor, Job, Outcome, one_line, status_word
from bot.review.callbacks import RELEASING, Action
from bot.review.contact_actions import ContactActions
from bot.review.corrections import Corrections
from bot.review.publishing_control import DeliveryResolution, Pausing
from bot.review.writing import WRITTEN_LIMIT
from bot.rich import Rich
from bot.verification.checks import Checks, overridden
from bot.verification.questions import QuestionService
from bot.verification.safety import describe
from storage import (
    UNPUBLISHED,
    Label,
    Prompt,
    PromptKind,
    Report,
    ReportStatus,
    Transaction,
)

__all__ = ["Editor", "Outcome", "ReviewService"]

PENDING, APPROVED = ReportStatus.PENDING, ReportStatus.APPROVED


class EditorDecisions(Job):
    """An editor's press on a card or a queue message, and their answers to the bot's
    questions (the corrected text, a reason)."""

    def __init__(
        self, core: Decisions, corrections: Corrections, questions: QuestionService
    ) -> None:
        super().__init__(core)
        self.corrections = corrections
        self.questions = questions
        self.checks = Checks(core.store)

    # ------------------------------------------------------------------ buttons

    async def press(
        self, action: Action, report_id: int, editor: Editor, *, shown_version: int = 1
    ) -> Outcome:
        """An editor pressed a card button made when the report was at `shown_version`."""
        report = await self.store.reports.get(report_id)
        if report is None:
            return Outcome(texts.BUTTON_UNKNOWN_REPORT)
        released = action in RELEASING and report.status in UNPUBLISHED
        if released and report.version != shown_version:
            return self._changed_since(report)
        handlers: dict[Action, Callable[[int, Editor], Awaitable[Outcome]]] = {
            Action.APPROVE: self.approve,
            Action.PUBLISH_NOW: self.publish_now,
            Action.CONFIRM: lambda r, e: self.label(r, e, Label.CONFIRMED),
            Action.UNCONFIRM: lambda r, e: self.label(r, e, Label.UNCONFIRMED),
            Action.EDIT: self.ask_edit,
            Action.REJECT: self.reject,
            Action.UNDO: self.undo,
            Action.MEDIA_CHECKED: self.media_checked,
            Action.CORRECT: lambda r, e: self.corrections.ask_about_published(
                r, e, PromptKind.CORRECT
            ),
            Action.RETRACT: lambda r, e: self.corrections.ask_about_published(
                r, e, PromptKind.RETRACT
            ),
            Action.CONFIRM_NEW_TEXT: lambda r, e: self.corrections.ask_about_published(
                r, e, PromptKind.CONFIRM_TEXT
            ),
            Action.ASK: self.ask_question,
            Action.PUBLISH_ANYWAY: self.publish_anyway,
        }
        handler = handlers.get(action)
        if handler is None:
            return Outcome(texts.BUTTON_NOT_UNDERSTOOD)
        return await handler(report_id, editor)

    def _changed_since(self, report: Report) -> Outcome:
        """The card the editor pressed on showed an older version: nothing is decided; the
        answer shows the text as it is now (the card follows through the desk)."""
        frame = texts.ANSWER_CHANGED_SINCE_CARD.format(code=report.code, text="")
        room = 200 - len(frame)
        flat = " ".join(report.text.split()) or texts.ANSWER_CHANGED_NO_TEXT
        shown = shortened(flat, room)
        return Outcome(texts.ANSWER_CHANGED_SINCE_CARD.format(code=report.code, text=shown))

    async def _held_back(self, report_id: int) -> Outcome | None:
        """Why the report cannot be released yet, or None: media the bot could not clean
        needs 'Media checked' first, and what the safety scan finds in this version of the
        text needs 'Publish anyway'."""
        report = await self.store.reports.get(report_id)
        if report is None or report.status not in UNPUBLISHED:
            return None
        if needs_media_check(report, await self.store.media.of_report(report_id)):
            return Outcome(texts.MEDIA_CHECK_FIRST.format(code=report.code), report=report)
        if overridden(report):
            return None
        findings = await self.checks.findings(report)
        if not findings:
            return None
        found = describe(findings, texts.SAFETY_FINDINGS)
        return Outcome(texts.SAFETY_FIRST.format(code=report.code, findings=found), report=report)

    async def publish_anyway(self, report_id: int, editor: Editor) -> Outcome:
        """An editor read the safety scan's findings and lets this version go out: it is
        approved for the next slot (audited as an override)."""
        report = await self.by_editor(
            editor,
            lambda tx, now: self.store.reports.clear_safety(report_id, editor.name, conn=tx),
            lambda r: Audited("report.safety_override", None, f"version {r.version}"),
        )
        if report is None:
            return await self.refusal(report_id)
        return await self.approve(report_id, editor)

    async def ask_question(self, report_id: int, editor: Editor) -> Outcome:
        """The card's Ask button: the editor is asked for the question (like Edit)."""
        report = await self.store.reports.get(report_id)
        assert report is not None
        if report.written:
            return Outcome(texts.ASK_NOT_A_REPORT.format(code=report.code), report=report)
        if await self.store.prompts.open_for(report_id, editor.telegram_user_id, PromptKind.ASK):
            return Outcome(texts.ANSWER_EDIT_OPEN.format(code=report.code), report=report)
        return Outcome(
            texts.ANSWER_ASK.format(code=report.code), report=report, prompt=PromptKind.ASK
        )

    async def media_checked(self, report_id: int, editor: Editor) -> Outcome:
        report = await self.by_editor(
            editor,
            lambda tx, now: self.store.reports.mark_media_checked(
                report_id, editor.name, now, conn=tx
            ),
            lambda r: Audited("report.media_checked", None, "checked"),
        )
        if report is None:
            return await self.refusal(report_id)
        return Outcome(
            texts.ANSWER_MEDIA_CHECKED.format(code=report.code), changed=True, report=report
        )

    async def approve(self, report_id: int, editor: Editor) -> Outcome:
        unchecked = await self._held_back(report_id)
        if unchecked is not None:
            return unchecked
        now = self.clock.now()
        assert self.settings.slot_tz is not None
        due = next_slot(now, self.settings.publish_slots, self.settings.slot_tz)
        report = await self.by_editor(
            editor,
            lambda tx, at: self.store.reports.transition(
                report_id,
                expect=(PENDING,),
                status=APPROVED,
                by=editor.name,
                at=at,
                due_at=due,
                conn=tx,
            ),
            lambda r: Audited("report.approve", PENDING, f"approved, due {due.isoformat()}"),
            # To publish it now, or to set its wake-up for the slot.
            wake_publisher=True,
        )
        if report is None:
            return await self.refusal(report_id)
        if due <= now:
            return Outcome(
                texts.ANSWER_APPROVED_NOW.format(code=report.code), changed=True, report=report
            )
        return Outcome(
            texts.ANSWER_APPROVED.format(code=report.code, when=self.when(due)),
            changed=True,
            report=report,
        )

    async def publish_now(self, report_id: int, editor: Editor) -> Outcome:
        unchecked = await self._held_back(report_id)
        if unchecked is not None:
            return unchecked
        before: list[str] = []

        async def go_now(tx: Transaction, now: datetime) -> Report | None:
            current = await self.store.reports.get(report_id, conn=tx)
            before.extend([current.status] if current is not None else [])
            return await self.store.reports.transition(
                report_id, expect=UNPUBLISHED, status=APPROVED, by=editor.name, at=now,
                due_at=now, urgent=True, require_not_urgent=True, conn=tx,
            )  # fmt: skip

        report = await self.by_editor(
            editor,
            go_now,
            lambda r: Audited("report.publish_now", before[0], "approved, urgent"),
            wake_publisher=True,
        )
        if report is None:
            return await self.refusal(report_id)
        paused = await self.store.state.publishing_paused()
        template = texts.ANSWER_PUBLISH_NOW_PAUSED if paused else texts.ANSWER_PUBLISH_NOW
        return Outcome(template.format(code=report.code), changed=True, report=report)

    async def label(self, report_id: int, editor: Editor, label: Label) -> Outcome:
        current = await self.store.reports.get(report_id)
        published = current is not None and current.status == ReportStatus.PUBLISHED
        if published and label == Label.CONFIRMED:
            return await self.corrections.confirm_published(report_id, editor)
        other = Label.UNCONFIRMED if label == Label.CONFIRMED else Label.CONFIRMED
        report = await self.by_editor(
            editor,
            lambda tx, now: self.store.reports.set_label(report_id, label, now, conn=tx),
            lambda r: Audited("report.label", other, label),
        )
        if report is None:
            current = await self.store.reports.get(report_id)
            assert current is not None
            if current.label == label and current.status in UNPUBLISHED:
                return Outcome(
                    texts.ALREADY_LABEL.format(code=current.code, label=texts.LABELS[label])
                )
            return await self.refusal(report_id)
        return Outcome(
            texts.ANSWER_LABEL.format(code=report.code, label=texts.LABELS[label]),
            changed=True,
            report=report,
        )

    async def ask_edit(self, report_id: int, editor: Editor) -> Outcome:
        report = await self.store.reports.get(report_id)
        assert report is not None
        if report.status != PENDING:
            return await self.refusal(report_id)
        if await self.store.prompts.open_for(report_id, editor.telegram_user_id, PromptKind.EDIT):
            return Outcome(texts.ANSWER_EDIT_OPEN.format(code=report.code), report=report)
        return Outcome(
            texts.ANSWER_EDIT.format(code=report.code), report=report, prompt=PromptKind.EDIT
        )

    async def reject(self, report_id: int, editor: Editor) -> Outcome:
        async def tell(tx: Transaction, report: Report) -> None:
            note = say(report.contact_language, texts.CONTACT_NOT_USED, code=report.code)
            await self.tell_contact(tx, report, note)

        report = await self.by_editor(
            editor,
            lambda tx, now: self.store.reports.transition(
                report_id,
                expect=(PENDING,),
                status=ReportStatus.REJECTED,
                by=editor.name,
                at=now,
                conn=tx,
            ),
            lambda r: Audited("report.reject", PENDING, ReportStatus.REJECTED),
            also=tell,
        )
        if report is None:
            return await self.refusal(report_id)
        return Outcome(
            texts.ANSWER_REJECTED.format(code=report.code),
            changed=True,
            report=report,
            prompt=PromptKind.REJECT_REASON,
        )

    async def undo(self, report_id: int, editor: Editor) -> Outcome:
        """Send an approved report that has not started going out back to pending."""
        report = await self.by_editor(
            editor,
            lambda tx, now: self.store.reports.transition(
                report_id,
                expect=(APPROVED,),
                status=PENDING,
                by=None,
                at=now,
                require_not_urgent=True,
                conn=tx,
            ),
            lambda r: Audited("report.undo", APPROVED, PENDING),
        )
        self.wake_publisher()  # its wake-up may no longer be needed
        if report is None:
            current = await self.store.reports.get(report_id)
            assert current is not None
            return Outcome(
                texts.UNDO_TOO_LATE.format(code=current.code, status=status_word(current))
            )
        return Outcome(texts.ANSWER_UNDONE.format(code=report.code), changed=True, report=report)

    # ------------------------------------------------------------------ prompts

    async def reply_to_prompt(self, prompt: Prompt, editor: Editor, text: Rich) -> Outcome | None:
        """An editor replied to a question of the bot. None: a duplicate, nothing to say."""
        report = await self.store.reports.get(prompt.report_id)
        assert report is not None
        if prompt.editor_telegram_id != editor.telegram_user_id:
            asked = await self._name_of_prompt_owner(prompt)
            return Outcome(texts.PROMPT_NOT_YOURS.format(name=asked, code=report.code))
        if prompt.answered_at is not None:
            return None
        answers = {
            PromptKind.EDIT: self._apply_edit,
            PromptKind.REJECT_REASON: self._apply_reason,
            PromptKind.CORRECT: self.corrections.apply_correction,
            PromptKind.RETRACT: self.corrections.apply_retraction,
            PromptKind.POST_LINK: self.corrections.apply_post_link,
            PromptKind.CONFIRM_TEXT: self.corrections.apply_confirmed_text,
            PromptKind.ASK: self._apply_question,
        }
        return await answers[PromptKind(prompt.kind)](prompt, report, editor, text)

    async def _apply_edit(
        self, prompt: Prompt, report: Report, editor: Editor, rich: Rich
    ) -> Outcome | None:
        rich = rich.strip()
        text = rich.text
        if not text:
            return Outcome(texts.EDIT_EMPTY.format(code=report.code))
        if report.written and len(text) > WRITTEN_LIMIT:
            return Outcome(texts.WRITE_TOO_LONG.format(length=len(text), limit=WRITTEN_LIMIT))
        answered = True

        async def answer_then_edit(tx: Transaction, now: datetime) -> Report | None:
            nonlocal answered
            answered = await self.store.prompts.answer(prompt, now, conn=tx)
            return (
                await self.store.reports.editor_edit(
                    report.id, text, now, conn=tx, entities=rich.entities_json()
                )
                if answered
                else None
            )

        updated = await self.by_editor(
            editor, answer_then_edit, lambda r: Audited("report.edit", report.text, text)
        )
        if not answered:
            return None
        if updated is None:
            return await self.changed_meanwhile(report.id)
        return Outcome(
            texts.EDIT_APPLIED.format(code=report.code, name=editor.name, id=report.id),
            changed=True,
            report=updated,
        )

    async def _apply_reason(
        self, prompt: Prompt, report: Report, editor: Editor, text: Rich
    ) -> Outcome | None:
        line = one_line(text.text)
        if line.lower() in texts.SKIP_WORDS or not line:
            await self.store.prompts.answer(prompt, self.clock.now())
            return Outcome(texts.REASON_SKIPPED.format(code=report.code))
        share = line.lower().startswith(texts.SHARE_PREFIX)
        reason = line[len(texts.SHARE_PREFIX) :].strip() if share else line

        async def answer_then_save(tx: Transaction, now: datetime) -> Report | None:
            if not await self.store.prompts.answer(prompt, now, conn=tx):
                return None
            return await self.store.reports.set_reject_reason(report.id, reason, conn=tx)

        async def share_with_contact(tx: Transaction, updated: Report) -> None:
            if share:
                message = say(
                    updated.contact_language, texts.CONTACT_REASON, code=updated.code, reason=reason
                )
                await self.tell_contact(tx, updated, message, always=True)

        updated = await self.by_editor(
            editor,
            answer_then_save,
            lambda r: Audited(
                "report.reject_reason", None, reason, "shared with contact" if share else None
            ),
            also=share_with_contact,
        )
        if updated is None:
            return None
        shared = texts.REASON_SHARED if share else ""
        return Outcome(
            texts.REASON_SAVED.format(code=report.code, shared=shared), changed=True, report=updated
        )

    async def _apply_question(
        self, prompt: Prompt, report: Report, editor: Editor, text: Rich
    ) -> Outcome | None:
        """The editor's question (their reply to the Ask prompt) goes to the contact."""
        if not text.text.strip():
            return Outcome(texts.ASK_EMPTY)
        if not await self.store.prompts.answer(prompt, self.clock.now()):
            return None  # a duplicate delivery of the same reply
        return await self.questions.ask(report.id, editor, prompt.chat_id, text.text)

    async def _name_of_prompt_owner(self, prompt: Prompt) -> str:
        person = await self.store.people.active_by_telegram_id(prompt.editor_telegram_id)
        if person is not None:
            return person.pseudonym
        if prompt.editor_telegram_id in self.settings.admin_ids:
            return "admin"
        return "another editor"


class ReviewService:
    """What handlers call to decide: one object over the jobs, each of its own class, all
    over the same decision skeleton (`core`)."""

    def __init__(self, core: Decisions) -> None:
        self.corrections = Corrections(core)
        self.questions = QuestionService(core)
        self.decisions = EditorDecisions(core, self.corrections, self.questions)
        self.contacts = ContactActions(core)
        self.pausing = Pausing(core)
        self.deliveries = DeliveryResolution(core)
        self.when = core.when
        self.press = self.decisions.press
        self.publish_now = self.decisions.publish_now
        self.reply_to_prompt = self.decisions.reply_to_prompt
        self.ask = self.questions.ask
        self.withdraw = self.contacts.withdraw
        self.flag_urgent = self.contacts.flag_urgent
        self.paused = self.pausing.paused
        self.set_paused = self.pausing.set_paused
        self.resolve_delivery = self.deliveries.resolve_delivery
