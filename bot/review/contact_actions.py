"""A contact's actions on their own reports: withdrawing one, marking one urgent."""

from __future__ import annotations

from bot import texts
from bot.i18n import Translatable, say
from bot.review.base import Audited, Job, Outcome, status_word
from bot.review.cards import use_text
from storage import UNPUBLISHED, Person, Report, ReportStatus


class ContactActions(Job):
    async def withdraw(self, report_id: int, contact: Person) -> Outcome:
        report = await self.store.reports.get(report_id)
        code = f"R-{report_id}"
        if report is None or report.contact_id != contact.id:
            return Outcome(say(contact.language, texts.WITHDRAW_NOT_YOURS, code=code))
        updated = await self.decide(
            contact.pseudonym,
            None,
            lambda tx, now: self.store.reports.transition(
                report_id,
                expect=(*UNPUBLISHED, ReportStatus.USED),
                status=ReportStatus.WITHDRAWN,
                by="contact",
                at=now,
                conn=tx,
            ),
            lambda r: Audited("report.withdraw", report.status, ReportStatus.WITHDRAWN),
        )
        if updated is not None:
            await self._tell_editors_of_cited_withdrawal(updated)
        if updated is None:
            current = await self.store.reports.get(report_id)
            assert current is not None
            word = status_word(current)
            # A status no contact is told of by name is said as it is (never happens today).
            status = say(contact.language, texts.CONTACT_STATUSES.get(word, Translatable(word)))
            return Outcome(say(contact.language, texts.WITHDRAW_TOO_LATE, code=code, status=status))
        return Outcome(
            say(contact.language, texts.WITHDRAWN, code=code), changed=True, report=updated
        )

    async def _tell_editors_of_cited_withdrawal(self, report: Report) -> None:
        """A withdrawn report that written updates cite: they stand as they are (nothing
        published changes by itself), their cards say so, and editors are told."""
        uses = await self.store.written.uses(report.id)
        if not uses:
            return
        await self.store.written.source_changed(report.id)
        await self.store.desk_messages.add(
            self.settings.editors_chat_id,
            texts.SOURCE_WITHDRAWN_NOTICE.format(
                code=report.code, uses=", ".join(use_text(use) for use in uses)
            ),
            self.clock.now(),
        )
        self.wake_courier()

    async def flag_urgent(self, report_id: int, contact: Person) -> Outcome:
        """The contact marks their report urgent (the button under its acknowledgement):
        it jumps the editors' queue."""
        code = f"R-{report_id}"
        report = await self.decide(
            contact.pseudonym,
            None,
            lambda tx, now: self.store.reports.flag_urgent(report_id, contact.id, now, conn=tx),
            lambda r: Audited("report.flag_urgent", None, "urgent"),
        )
        if report is None:
            return Outcome(say(contact.language, texts.ANSWER_ALREADY_URGENT, code=code))
        return Outcome(
            say(contact.language, texts.ANSWER_FLAGGED_URGENT, code=code),
            changed=True,
            report=report,
        )
