"""What verification found about a report, as its card shows it: where a forward came from
(on the report itself), the reports like it and how many contacts saw it first-hand, the
contact's answers and the questions still open, and what the safety scan found."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.verification.corroboration import first_hand
from bot.verification.safety import Finding, scan
from storage import Report, Repositories
from storage.questions import Answer, Question
from storage.similar import Likeness


@dataclass(frozen=True, slots=True)
class CardChecks:
    alike: Likeness | None = None
    first_hand: int = 0
    answers: list[Answer] = field(default_factory=list)
    open_questions: list[Question] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


class Checks:
    def __init__(self, store: Repositories) -> None:
        self.store = store

    async def of(self, report: Report) -> CardChecks:
        findings = await self.findings(report)
        if report.written:
            return CardChecks(findings=findings)
        alike = (await self.store.similar.of_reports([report.id])).get(report.id)
        answers = (await self.store.questions.answers_of([report.id])).get(report.id, [])
        answered = {a.question_id for a in answers}
        asked = await self.store.questions.of_report(report.id)
        return CardChecks(
            alike=alike,
            first_hand=first_hand(report, alike),
            answers=answers,
            open_questions=[q for q in asked if q.id not in answered],
            findings=findings,
        )

    async def findings(self, report: Report) -> list[Finding]:
        """What in the report's text identifies or locates someone."""
        return scan(report.text, await self.store.people.contact_pseudonyms())


def overridden(report: Report) -> bool:
    """An editor pressed 'Publish anyway' on this version of the report."""
    return report.safety_cleared_version == report.version
