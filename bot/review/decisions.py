"""Editorial decisions: first decision wins, every press gets an answer, all is audited.

Each decision is one conditional UPDATE inside a transaction that also writes its audit entry
(and, where due, the message to the contact), so two editors pressing at once, a callback
delivered twice, or a press on a stale card can never decide twice.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from bot import texts
from bot.clock import Clock
from bot.formatting import both_clocks
from bot.intake.media import needs_media_check
from bot.publishing.schedule import next_slot
from bot.review.callbacks import Action
from bot.settings import Settings
from storage import (
    UNPUBLISHED,
    Person,
    Prompt,
    Report,
    Repositories,
    Transaction,
)

PAUSED_KEY = "publishing_paused"
REASON_MAX = 300


@dataclass(frozen=True, slots=True)
class Editor:
    """Who pressed: an editor's pseudonym, or "admin"."""

    telegram_user_id: int
    name: str


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a press or reply did. `answer` goes back to the person at once."""

    answer: str
    changed: bool = False
    report: Report | None = None
    # A question to ask the editor next (ForceReply): "edit" or "reject_reason".
    prompt: str | None = None


class ReviewService:
    def __init__(
        self,
        store: Repositories,
        clock: Clock,
        settings: Settings,
        *,
        wake_desk: Callable[[], None],
        wake_publisher: Callable[[], None],
    ) -> None:
        self.db = store.db
        self.people = store.people
        self.reports = store.reports
        self.media = store.media
        self.audit = store.audit
        self.prompts = store.prompts
        self.outbox = store.outbox
        self.contact_messages = store.contact_messages
        self.state = store.state
        self.clock = clock
        self.settings = settings
        self.wake_desk = wake_desk
        self.wake_publisher = wake_publisher

    def when(self, at: datetime) -> str:
        return both_clocks(at, self.settings)

    # ------------------------------------------------------------------ buttons

    async def press(self, action: Action, report_id: int, editor: Editor) -> Outcome:
        """An editor pressed a card button."""
        if await self.reports.get(report_id) is None:
            return Outcome(texts.BUTTON_UNKNOWN_REPORT)
        handlers: dict[Action, Callable[[int, Editor], Awaitable[Outcome]]] = {
            Action.APPROVE: self.approve,
            Action.PUBLISH_NOW: self.publish_now,
            Action.CONFIRM: lambda r, e: self.label(r, e, "confirmed"),
            Action.UNCONFIRM: lambda r, e: self.label(r, e, "unconfirmed"),
            Action.EDIT: self.ask_edit,
            Action.REJECT: self.reject,
            Action.UNDO: self.undo,
            Action.MEDIA_CHECKED: self.media_checked,
            Action.CORRECT: lambda r, e: self.ask_about_published(r, e, "correct"),
            Action.RETRACT: lambda r, e: self.ask_about_published(r, e, "retract"),
        }
        handler = handlers.get(action)
        if handler is None:
            return Outcome(texts.BUTTON_NOT_UNDERSTOOD)
        return await handler(report_id, editor)

    async def _media_unchecked(self, report_id: int) -> Outcome | None:
        """Approving needs a second, explicit confirmation when media could not be cleaned."""
        report = await self.reports.get(report_id)
        if report is None or report.status not in UNPUBLISHED:
            return None
        if needs_media_check(report, await self.media.of_report(report_id)):
            return Outcome(texts.MEDIA_CHECK_FIRST.format(code=report.code), report=report)
        return None

    async def media_checked(self, report_id: int, editor: Editor) -> Outcome:
        now = self.clock.now()
        async with self.db.transaction() as tx:
            report = await self.reports.mark_media_checked(report_id, editor.name, now, conn=tx)
            if report is not None:
                await self._audit(editor, "report.media_checked", report, None, "checked", conn=tx)
        if report is None:
            return await self._refusal(report_id)
        self.wake_desk()
        return Outcome(texts.ANSWER_MEDIA_CHECKED.format(code=report.code), True, report)

    async def approve(self, report_id: int, editor: Editor) -> Outcome:
        unchecked = await self._media_unchecked(report_id)
        if unchecked is not None:
            return unchecked
        now = self.clock.now()
        assert self.settings.slot_tz is not None
        due = next_slot(now, self.settings.publish_slots, self.settings.slot_tz)
        async with self.db.transaction() as tx:
            report = await self.reports.transition(
                report_id,
                expect=("pending",),
                status="approved",
                by=editor.name,
                at=now,
                due_at=due,
                conn=tx,
            )
            if report is not None:
                await self._audit(
                    editor,
                    "report.approve",
                    report,
                    "pending",
                    f"approved, due {due.isoformat()}",
                    conn=tx,
                )
        if report is None:
            return await self._refusal(report_id)
        self.wake_desk()
        self.wake_publisher()  # to publish it now, or to set its wake-up for the slot
        if due <= now:
            return Outcome(texts.ANSWER_APPROVED_NOW.format(code=report.code), True, report)
        return Outcome(
            texts.ANSWER_APPROVED.format(code=report.code, when=self.when(due)), True, report
        )

    async def publish_now(self, report_id: int, editor: Editor) -> Outcome:
        unchecked = await self._media_unchecked(report_id)
        if unchecked is not None:
            return unchecked
        now = self.clock.now()
        async with self.db.transaction() as tx:
            before = await self.reports.get(report_id, conn=tx)
            report = await self.reports.transition(
                report_id,
                expect=UNPUBLISHED,
                status="approved",
                by=editor.name,
                at=now,
                due_at=now,
                urgent=True,
                require_not_urgent=True,
                conn=tx,
            )
            if report is not None and before is not None:
                await self._audit(
                    editor, "report.publish_now", report, before.status, "approved, urgent", conn=tx
                )
        if report is None:
            return await self._refusal(report_id)
        self.wake_desk()
        self.wake_publisher()
        template = (
            texts.ANSWER_PUBLISH_NOW_PAUSED if await self.paused() else texts.ANSWER_PUBLISH_NOW
        )
        return Outcome(template.format(code=report.code), True, report)

    async def label(self, report_id: int, editor: Editor, label: str) -> Outcome:
        current = await self.reports.get(report_id)
        if current is not None and current.status == "published" and label == "confirmed":
            return await self.confirm_published(report_id, editor)
        now = self.clock.now()
        async with self.db.transaction() as tx:
            report = await self.reports.set_label(report_id, label, now, conn=tx)
            if report is not None:
                other = "unconfirmed" if label == "confirmed" else "confirmed"
                await self._audit(editor, "report.label", report, other, label, conn=tx)
        if report is None:
            current = await self.reports.get(report_id)
            assert current is not None
            if current.label == label and current.status in UNPUBLISHED:
                return Outcome(
                    texts.ALREADY_LABEL.format(code=current.code, label=texts.LABELS[label])
                )
            return await self._refusal(report_id)
        self.wake_desk()
        return Outcome(
            texts.ANSWER_LABEL.format(code=report.code, label=texts.LABELS[label]), True, report
        )

    async def ask_edit(self, report_id: int, editor: Editor) -> Outcome:
        report = await self.reports.get(report_id)
        assert report is not None
        if report.status != "pending":
            return await self._refusal(report_id)
        if await self.prompts.open_for(report_id, editor.telegram_user_id, "edit"):
            return Outcome(texts.ANSWER_EDIT_OPEN.format(code=report.code), report=report)
        return Outcome(texts.ANSWER_EDIT.format(code=report.code), report=report, prompt="edit")

    async def reject(self, report_id: int, editor: Editor) -> Outcome:
        now = self.clock.now()
        async with self.db.transaction() as tx:
            report = await self.reports.transition(
                report_id,
                expect=("pending",),
                status="rejected",
                by=editor.name,
                at=now,
                conn=tx,
            )
            if report is not None:
                await self._audit(editor, "report.reject", report, "pending", "rejected", conn=tx)
                await self._tell_contact(
                    report, texts.CONTACT_NOT_USED.format(code=report.code), conn=tx
                )
        if report is None:
            return await self._refusal(report_id)
        self.wake_desk()
        return Outcome(
            texts.ANSWER_REJECTED.format(code=report.code), True, report, prompt="reject_reason"
        )

    async def undo(self, report_id: int, editor: Editor) -> Outcome:
        """Send an approved report that has not started going out back to pending."""
        now = self.clock.now()
        async with self.db.transaction() as tx:
            report = await self.reports.transition(
                report_id,
                expect=("approved",),
                status="pending",
                by=None,
                at=now,
                require_not_urgent=True,
                conn=tx,
            )
            if report is not None:
                await self._audit(editor, "report.undo", report, "approved", "pending", conn=tx)
        self.wake_publisher()  # its wake-up may no longer be needed
        if report is None:
            current = await self.reports.get(report_id)
            assert current is not None
            return Outcome(
                texts.UNDO_TOO_LATE.format(code=current.code, status=_status_word(current))
            )
        self.wake_desk()
        return Outcome(texts.ANSWER_UNDONE.format(code=report.code), True, report)

    # ------------------------------------------------------------------ after publishing

    async def confirm_published(self, report_id: int, editor: Editor) -> Outcome:
        """The rumour is confirmed: every channel copy loses its "Unconfirmed" marker."""
        now = self.clock.now()
        async with self.db.transaction() as tx:
            report = await self.reports.change_published(report_id, now, confirm=True, conn=tx)
            if report is not None:
                copies = await self.outbox.queue_change(report_id, "edit", now, conn=tx)
                await self._audit(
                    editor,
                    "report.confirm",
                    report,
                    "unconfirmed",
                    "confirmed",
                    detail=f"{copies} channel copies to edit",
                    conn=tx,
                )
        if report is None:
            current = await self.reports.get(report_id)
            assert current is not None
            if current.label == "confirmed" and current.retracted_at is None:
                return Outcome(texts.ALREADY_LABEL.format(code=current.code, label="Confirmed"))
            return await self._refusal(report_id)
        self.wake_publisher()
        self.wake_desk()
        return Outcome(
            texts.ANSWER_CONFIRMED_PUBLISHED.format(number=report.number, count=copies),
            True,
            report,
        )

    async def ask_about_published(self, report_id: int, editor: Editor, kind: str) -> Outcome:
        """Correct or Retract: ask the editor who pressed for the new text or the reason."""
        report = await self.reports.get(report_id)
        assert report is not None
        if report.status != "published" or report.retracted_at is not None:
            return await self._refusal(report_id)
        if await self.prompts.open_for(report_id, editor.telegram_user_id, kind):
            return Outcome(texts.ANSWER_EDIT_OPEN.format(code=report.code), report=report)
        answer = texts.ANSWER_CORRECT if kind == "correct" else texts.ANSWER_RETRACT
        return Outcome(answer.format(number=report.number), report=report, prompt=kind)

    async def _apply_published_change(
        self, prompt: Prompt, report: Report, editor: Editor, text: str
    ) -> Outcome | None:
        now = self.clock.now()
        line = text.strip()
        if prompt.kind == "correct" and not line:
            return Outcome(texts.EDIT_EMPTY.format(code=report.code))
        if prompt.kind == "retract" and line.lower() in texts.CANCEL_WORDS:
            await self.prompts.answer(prompt, now)
            return Outcome(texts.RETRACT_CANCELLED.format(number=report.number))
        async with self.db.transaction() as tx:
            if not await self.prompts.answer(prompt, now, conn=tx):
                return None
            if prompt.kind == "correct":
                updated = await self.reports.change_published(report.id, now, text=text, conn=tx)
                action, before, after = "edit", report.text, text
            else:
                reason = " ".join(line.split())[:REASON_MAX]
                updated = await self.reports.change_published(
                    report.id, now, retract_reason=reason, conn=tx
                )
                action = self.settings.retract_mode
                before, after = f"UPDATE #{report.number}", f"retracted: {reason}"
            if updated is not None:
                copies = await self.outbox.queue_change(report.id, action, now, conn=tx)
                await self._audit(
                    editor,
                    f"report.{prompt.kind}",
                    updated,
                    before,
                    after,
                    detail=f"{copies} channel copies to {action}",
                    conn=tx,
                )
        if updated is None:
            current = await self.reports.get(report.id)
            assert current is not None
            return Outcome(
                texts.EDIT_DECIDED_MEANWHILE.format(code=current.code, status=_status_word(current))
            )
        self.wake_publisher()
        self.wake_desk()
        template = texts.CORRECTED_ALL if prompt.kind == "correct" else texts.RETRACTED_ALL
        return Outcome(
            template.format(number=report.number, count=copies, mode=action), True, updated
        )

    async def resolve_delivery(self, post_id: int, editor: Editor, resend: bool) -> Outcome:
        """An editor settles a delivery in doubt: send it again, or take it as sent."""
        post = await self.outbox.resolve(post_id, resend, self.clock.now())
        if post is None:
            return Outcome(texts.NOTICE_ALREADY_RESOLVED)
        await self.audit.record(
            at=self.clock.now(),
            actor=editor.name,
            actor_telegram_id=editor.telegram_user_id,
            action="post.resend" if resend else "post.mark_sent",
            report_id=post.report_id,
            detail=f"post {post.id} to {post.channel}",
        )
        self.wake_publisher()
        self.wake_desk()
        template = texts.NOTICE_RESOLVED_RESEND if resend else texts.NOTICE_RESOLVED_SENT
        return Outcome(template.format(who=editor.name, when=self.when(self.clock.now())), True)

    # ------------------------------------------------------------------ prompts

    async def prompt_sent(
        self, kind: str, report: Report, editor: Editor, chat_id: int, message_id: int
    ) -> None:
        await self.prompts.add(
            chat_id=chat_id,
            message_id=message_id,
            report_id=report.id,
            kind=kind,
            editor_telegram_id=editor.telegram_user_id,
            at=self.clock.now(),
        )

    async def reply_to_prompt(self, prompt: Prompt, editor: Editor, text: str) -> Outcome | None:
        """An editor replied to a question of the bot. None: a duplicate, nothing to say."""
        report = await self.reports.get(prompt.report_id)
        assert report is not None
        if prompt.editor_telegram_id != editor.telegram_user_id:
            asked = await self._name_of_prompt_owner(prompt)
            return Outcome(texts.PROMPT_NOT_YOURS.format(name=asked, code=report.code))
        if prompt.answered_at is not None:
            return None
        if prompt.kind == "edit":
            return await self._apply_edit(prompt, report, editor, text)
        if prompt.kind == "reject_reason":
            return await self._apply_reason(prompt, report, editor, text)
        return await self._apply_published_change(prompt, report, editor, text)

    async def _apply_edit(
        self, prompt: Prompt, report: Report, editor: Editor, text: str
    ) -> Outcome | None:
        if not text.strip():
            return Outcome(texts.EDIT_EMPTY.format(code=report.code))
        now = self.clock.now()
        async with self.db.transaction() as tx:
            if not await self.prompts.answer(prompt, now, conn=tx):
                return None
            updated = await self.reports.editor_edit(report.id, text, now, conn=tx)
            if updated is not None:
                await self._audit(editor, "report.edit", updated, report.text, text, conn=tx)
        if updated is None:
            current = await self.reports.get(report.id)
            assert current is not None
            return Outcome(
                texts.EDIT_DECIDED_MEANWHILE.format(code=current.code, status=_status_word(current))
            )
        self.wake_desk()
        return Outcome(
            texts.EDIT_APPLIED.format(code=report.code, name=editor.name, id=report.id),
            True,
            updated,
        )

    async def _apply_reason(
        self, prompt: Prompt, report: Report, editor: Editor, text: str
    ) -> Outcome | None:
        line = " ".join(text.split())[:REASON_MAX]
        now = self.clock.now()
        if line.lower() in texts.SKIP_WORDS or not line:
            await self.prompts.answer(prompt, now)
            return Outcome(texts.REASON_SKIPPED.format(code=report.code))
        share = line.lower().startswith(texts.SHARE_PREFIX)
        reason = line[len(texts.SHARE_PREFIX) :].strip() if share else line
        async with self.db.transaction() as tx:
            if not await self.prompts.answer(prompt, now, conn=tx):
                return None
            updated = await self.reports.set_reject_reason(report.id, reason, conn=tx)
            if updated is not None:
                await self._audit(
                    editor,
                    "report.reject_reason",
                    updated,
                    None,
                    reason,
                    detail="shared with contact" if share else None,
                    conn=tx,
                )
                if share:
                    await self._tell_contact(
                        updated,
                        texts.CONTACT_REASON.format(code=updated.code, reason=reason),
                        conn=tx,
                        always=True,
                    )
        if updated is None:
            return None
        self.wake_desk()
        return Outcome(
            texts.REASON_SAVED.format(
                code=report.code, shared=texts.REASON_SHARED if share else ""
            ),
            True,
            updated,
        )

    # ------------------------------------------------------------------ contacts

    async def withdraw(self, report_id: int, contact: Person) -> Outcome:
        report = await self.reports.get(report_id)
        code = f"R-{report_id}"
        if report is None or report.contact_id != contact.id:
            return Outcome(texts.WITHDRAW_NOT_YOURS.format(code=code))
        now = self.clock.now()
        async with self.db.transaction() as tx:
            updated = await self.reports.transition(
                report_id,
                expect=UNPUBLISHED,
                status="withdrawn",
                by="contact",
                at=now,
                conn=tx,
            )
            if updated is not None:
                await self.audit.record(
                    at=now,
                    actor=contact.pseudonym,
                    action="report.withdraw",
                    report_id=report_id,
                    before=report.status,
                    after="withdrawn",
                    conn=tx,
                )
        if updated is None:
            current = await self.reports.get(report_id)
            assert current is not None
            return Outcome(texts.WITHDRAW_TOO_LATE.format(code=code, status=_status_word(current)))
        self.wake_desk()
        return Outcome(texts.WITHDRAWN.format(code=code), True, updated)

    # ------------------------------------------------------------------ pause

    async def paused(self) -> bool:
        return await self.state.get(PAUSED_KEY) == "1"

    async def set_paused(self, paused: bool, editor: Editor) -> bool:
        """Pause or resume all publishing; False if it already was so."""
        if await self.paused() == paused:
            return False
        now = self.clock.now()
        await self.state.set(PAUSED_KEY, "1" if paused else "0")
        await self.audit.record(
            at=now,
            actor=editor.name,
            actor_telegram_id=editor.telegram_user_id,
            action="publishing.pause" if paused else "publishing.resume",
        )
        if not paused:
            self.wake_publisher()
        return True

    # ------------------------------------------------------------------ helpers

    async def _refusal(self, report_id: int) -> Outcome:
        """The answer to a press that lost: who decided first, and when."""
        current = await self.reports.get(report_id)
        if current is None:
            return Outcome(texts.BUTTON_UNKNOWN_REPORT)
        if current.decided_by and current.decided_at:
            return Outcome(
                texts.ALREADY_DECIDED.format(
                    status=_status_word(current),
                    who=current.decided_by,
                    when=self.when(current.decided_at),
                ),
                report=current,
            )
        return Outcome(
            texts.ALREADY_STATUS.format(code=current.code, status=_status_word(current)),
            report=current,
        )

    async def _audit(
        self,
        editor: Editor,
        action: str,
        report: Report,
        before: str | None,
        after: str | None,
        *,
        detail: str | None = None,
        conn: Transaction | None = None,
    ) -> None:
        await self.audit.record(
            at=self.clock.now(),
            actor=editor.name,
            actor_telegram_id=editor.telegram_user_id,
            action=action,
            report_id=report.id,
            before=before,
            after=after,
            detail=detail,
            conn=conn,
        )

    async def _tell_contact(
        self, report: Report, text: str, *, conn: Transaction, always: bool = False
    ) -> None:
        """Queue a message to the report's contact (sent by the review desk)."""
        if not (self.settings.notify_contacts or always):
            return
        await self.contact_messages.add(
            report_id=report.id,
            chat_id=report.chat_id,
            text=text,
            reply_to=report.message_id,
            at=self.clock.now(),
            conn=conn,
        )

    async def _name_of_prompt_owner(self, prompt: Prompt) -> str:
        person = await self.people.active_by_telegram_id(prompt.editor_telegram_id)
        if person is not None:
            return person.pseudonym
        if prompt.editor_telegram_id in self.settings.admin_ids:
            return "admin"
        return "another editor"


def _status_word(report: Report) -> str:
    if report.status == "approved" and report.urgent:
        return "being published now"
    return report.status
