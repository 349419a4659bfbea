"""What editors and admins decide about publishing itself: pausing all of it, and settling a
delivery in doubt (Resend / Mark as sent)."""

from __future__ import annotations

from bot import texts
from bot.review.base import Editor, Job, Outcome
from storage import PromptKind


class Pausing(Job):
    async def paused(self) -> bool:
        return await self.store.state.publishing_paused()

    async def set_paused(self, paused: bool, editor: Editor) -> bool:
        """Pause or resume all publishing; False if it already was so."""
        if await self.paused() == paused:
            return False
        await self.store.state.set_publishing_paused(paused)
        await self.store.audit.record(
            at=self.clock.now(),
            actor=editor.name,
            actor_telegram_id=editor.telegram_user_id,
            action="publishing.pause" if paused else "publishing.resume",
        )
        if not paused:
            self.wake_publisher()
        return True


class DeliveryResolution(Job):
    async def resolve_delivery(self, post_id: int, editor: Editor, resend: bool) -> Outcome:
        """An editor settles a delivery in doubt: send it again, or take it as sent."""
        post = await self.store.outbox.resolve(post_id, resend, self.clock.now())
        if post is None:
            return Outcome(texts.NOTICE_ALREADY_RESOLVED)
        await self.store.audit.record(
            at=self.clock.now(),
            actor=editor.name,
            actor_telegram_id=editor.telegram_user_id,
            action="post.resend" if resend else "post.mark_sent",
            report_id=post.report_id,
            detail=f"post {post.id} to {post.channel}",
        )
        self.wake_publisher()
        self.wake_courier()
        template = texts.NOTICE_RESOLVED_RESEND if resend else texts.NOTICE_RESOLVED_SENT
        answer = template.format(who=editor.name, when=self.when(self.clock.now()))
        report = await self.store.reports.get(post.report_id) if post.report_id else None
        if resend or report is None:
            return Outcome(answer, changed=True)
        # Marked as sent: where is it? Without its message ids, later edits cannot reach it.
        return Outcome(answer, changed=True, report=report, prompt=PromptKind.POST_LINK, post=post)
