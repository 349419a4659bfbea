"""After publishing: confirm, correct or retract an update, and every channel copy follows.

Each is a decision (see base.py) that also queues an edit or delete of every copy in the
channel outbox, in the same transaction."""

from __future__ import annotations

from datetime import datetime

from bot import texts
from bot.intake.media import may_go_out
from bot.publishing.copies import copy_at, message_in_link
from bot.publishing.updates import render_update
from bot.review.base import Audited, Change, Decisions, Editor, Job, Outcome, one_line
from bot.review.cards import message_link
from bot.rich import Rich
from storage import Label, PostAction, Prompt, PromptKind, Report, ReportStatus, Transaction


class Corrections(Job):
    async def confirm_published(self, report_id: int, editor: Editor) -> Outcome:
        """The rumour is confirmed: every channel copy loses its "Unconfirmed" marker."""
        copies = _Copies(self.core, PostAction.EDIT)
        report = await self.by_editor(
            editor,
            lambda tx, now: self.store.reports.change_published(
                report_id, now, confirm=True, conn=tx
            ),
            lambda r: Audited(
                "report.confirm", Label.UNCONFIRMED, Label.CONFIRMED, detail=copies.detail
            ),
            also=copies.queue,
            wake_publisher=True,
        )
        if report is None:
            current = await self.store.reports.get(report_id)
            assert current is not None
            if current.label == Label.CONFIRMED and current.retracted_at is None:
                return Outcome(texts.ALREADY_LABEL.format(code=current.code, label="Confirmed"))
            return await self.refusal(report_id)
        return Outcome(
            texts.ANSWER_CONFIRMED_PUBLISHED.format(number=report.number, count=copies.count),
            changed=True,
            report=report,
        )

    async def ask_about_published(
        self, report_id: int, editor: Editor, kind: PromptKind
    ) -> Outcome:
        """Correct or Retract: ask the editor who pressed for the new text or the reason."""
        report = await self.store.reports.get(report_id)
        assert report is not None
        if report.status != ReportStatus.PUBLISHED or report.retracted_at is not None:
            return await self.refusal(report_id)
        if await self.store.prompts.open_for(report_id, editor.telegram_user_id, kind):
            return Outcome(texts.ANSWER_EDIT_OPEN.format(code=report.code), report=report)
        answers = {
            PromptKind.CORRECT: texts.ANSWER_CORRECT,
            PromptKind.RETRACT: texts.ANSWER_RETRACT,
            PromptKind.CONFIRM_TEXT: texts.ANSWER_CONFIRM_TEXT,
        }
        if kind == PromptKind.CONFIRM_TEXT and report.label == Label.CONFIRMED:
            return Outcome(texts.ALREADY_LABEL.format(code=report.code, label="Confirmed"))
        return Outcome(answers[kind].format(number=report.number), report=report, prompt=kind)

    async def apply_correction(
        self, prompt: Prompt, report: Report, editor: Editor, rich: Rich
    ) -> Outcome | None:
        """The editor's corrected text (with its formatting) replaces the update's in every
        channel copy."""
        return await self._new_text(prompt, report, editor, rich, confirm=False)

    async def apply_confirmed_text(
        self, prompt: Prompt, report: Report, editor: Editor, rich: Rich
    ) -> Outcome | None:
        """Confirm with new text: the update is confirmed and reworded at once, in every
        channel copy (one edit each)."""
        return await self._new_text(prompt, report, editor, rich, confirm=True)

    async def _new_text(
        self, prompt: Prompt, report: Report, editor: Editor, rich: Rich, *, confirm: bool
    ) -> Outcome | None:
        rich = rich.strip()
        text = rich.text
        if not text:
            return Outcome(texts.EDIT_EMPTY.format(code=report.code))
        before = f"{Label.UNCONFIRMED}: {report.text}" if confirm else report.text
        return await self._change_published(
            prompt,
            editor,
            report,
            PostAction.EDIT,
            lambda tx, now: self.store.reports.change_published(
                report.id, now, confirm=confirm, text=text, entities=rich.entities_json(), conn=tx
            ),
            ("report.confirm" if confirm else "report.correct", before, text),
            texts.CONFIRMED_WITH_TEXT if confirm else texts.CORRECTED_ALL,
        )

    async def apply_retraction(
        self, prompt: Prompt, report: Report, editor: Editor, text: Rich
    ) -> Outcome | None:
        """Every channel copy says "Retracted: <reason>", or goes (RETRACT_MODE)."""
        reason = one_line(text.text)
        if reason.lower() in texts.CANCEL_WORDS:
            await self.store.prompts.answer(prompt, self.clock.now())
            return Outcome(texts.RETRACT_CANCELLED.format(number=report.number))
        return await self._change_published(
            prompt,
            editor,
            report,
            PostAction(self.settings.retract_mode),
            lambda tx, now: self.store.reports.change_published(
                report.id, now, retract_reason=reason, conn=tx
            ),
            ("report.retract", f"UPDATE #{report.number}", f"retracted: {reason}"),
            texts.RETRACTED_ALL,
        )

    async def apply_post_link(
        self, prompt: Prompt, report: Report, editor: Editor, text: Rich
    ) -> Outcome | None:
        """The editor says where a post they marked as sent sits: its message ids are
        recorded, and that copy is brought up to date (it may have missed a change)."""
        post = await self.store.outbox.get(prompt.post_id) if prompt.post_id else None
        assert post is not None
        answer = one_line(text.text)
        if answer.lower() in texts.SKIP_WORDS:
            if await self.store.prompts.answer(prompt, self.clock.now()):
                return Outcome(
                    texts.POST_LINK_SKIPPED.format(number=report.number, channel=post.channel)
                )
            return None
        first = message_in_link(answer, post.channel)
        if first is None:
            example = message_link(post.channel, 123)
            return Outcome(texts.POST_LINK_BAD.format(channel=post.channel, example=example))
        media = [m for m in await self.store.media.of_item(report) if may_go_out(m)]
        update = render_update(report, self.settings, has_media=bool(media))
        copy = copy_at(first, len(media), update.caption is not None, len(update.messages))
        retracted_deleted = (
            report.retracted_at is not None and self.settings.retract_mode == "delete"
        )
        action = PostAction.DELETE if retracted_deleted else PostAction.EDIT
        answered = False

        async def answer_then_link(tx: Transaction, now: datetime) -> Report | None:
            nonlocal answered
            answered = await self.store.prompts.answer(prompt, now, conn=tx)
            if not answered or not await self.store.outbox.link(
                post.id, copy.to_json(), now, conn=tx
            ):
                return None  # a duplicate reply, or the post was resent meanwhile
            await self.store.outbox.queue_change(
                report.id, action, now, conn=tx, channel=post.channel
            )
            return await self.store.reports.get(report.id, conn=tx)

        updated = await self.by_editor(
            editor,
            answer_then_link,
            lambda r: Audited("post.link", None, f"{post.channel} message {first}"),
            wake_publisher=True,
        )
        if updated is None:
            return Outcome(texts.NOTICE_ALREADY_RESOLVED) if answered else None
        return Outcome(
            texts.POST_LINKED.format(who=editor.name, number=report.number, channel=post.channel),
            changed=True,
            report=updated,
        )

    async def _change_published(
        self,
        prompt: Prompt,
        editor: Editor,
        report: Report,
        action: PostAction,
        change: Change,
        entry: tuple[str, str | None, str | None],
        template: str,
    ) -> Outcome | None:
        """Answer the prompt and change the update, once: a second delivery of the same
        reply does nothing and says nothing."""
        answered = True
        copies = _Copies(self.core, action)

        async def answer_then_change(tx: Transaction, now: datetime) -> Report | None:
            nonlocal answered
            answered = await self.store.prompts.answer(prompt, now, conn=tx)
            return await change(tx, now) if answered else None

        updated = await self.by_editor(
            editor,
            answer_then_change,
            lambda r: Audited(*entry, detail=copies.detail),
            also=copies.queue,
            wake_publisher=True,
        )
        if not answered:
            return None
        if updated is None:
            return await self.changed_meanwhile(report.id)
        return Outcome(
            template.format(number=report.number, count=copies.count, mode=action),
            changed=True,
            report=updated,
        )


class _Copies:
    """Queues a change of every channel copy of an update, and remembers how many."""

    def __init__(self, decisions: Decisions, action: PostAction) -> None:
        self.outbox = decisions.store.outbox
        self.action = action
        self.count = 0

    async def queue(self, tx: Transaction, report: Report) -> None:
        self.count = await self.outbox.queue_change(
            report.id, self.action, report.updated_at, conn=tx
        )
        # A key update: the story's pinned summary shows it as it now stands.
        await self.outbox.queue_summary_change(report, report.updated_at, conn=tx)

    @property
    def detail(self) -> str:
        return f"{self.count} channel copies to {self.action}"
