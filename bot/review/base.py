"""The one shape of every editorial decision: first decision wins, and all is audited.

A decision is one conditional UPDATE inside a transaction that also writes its audit entry
(and, where due, the message to the contact), so two editors pressing at once, a callback
delivered twice, or a press on a stale card can never decide twice. The loser is told who
decided first, and when.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import KW_ONLY, dataclass
from datetime import datetime

from bot import texts
from bot.clock import Clock
from bot.formatting import both_clocks
from bot.settings import Settings
from storage import OutboxRow, PromptKind, Report, ReportStatus, Repositories, Transaction

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
    _: KW_ONLY
    changed: bool = False
    report: Report | None = None
    # A question to ask the editor next (ForceReply).
    prompt: PromptKind | None = None
    # The outbox row it is about (a post marked as sent: where is it?).
    post: OutboxRow | None = None


@dataclass(frozen=True, slots=True)
class Audited:
    """How a decision is written in the audit log."""

    action: str
    before: str | None
    after: str | None
    detail: str | None = None


# The conditional update of a decision: the changed report, or None if it was not in a
# state the decision applies to (someone decided first).
Change = Callable[[Transaction, datetime], Awaitable[Report | None]]


class Decisions:
    """What every decision shares: the repositories, the skeleton, and the refusal."""

    def __init__(
        self,
        store: Repositories,
        clock: Clock,
        settings: Settings,
        *,
        wake_courier: Callable[..., None],
        wake_publisher: Callable[[], None],
    ) -> None:
        self.store = store
        self.clock = clock
        self.settings = settings
        self.wake_courier = wake_courier
        self.wake_publisher = wake_publisher

    def when(self, at: datetime) -> str:
        return both_clocks(at, self.settings)

    async def decide(
        self,
        actor: str,
        actor_telegram_id: int | None,
        change: Change,
        audited: Callable[[Report], Audited],
        *,
        also: Callable[[Transaction, Report], Awaitable[None]] | None = None,
        wake_publisher: bool = False,
    ) -> Report | None:
        """Apply `change` and audit it in one transaction; wake the workers that show it.

        Returns the changed report, or None when the change did not apply."""
        now = self.clock.now()
        async with self.store.db.transaction() as tx:
            report = await change(tx, now)
            if report is not None:
                if also is not None:
                    await also(tx, report)
                entry = audited(report)  # after `also`, whose results it may name
                await self.store.audit.record(
                    at=now,
                    actor=actor,
                    actor_telegram_id=actor_telegram_id,
                    action=entry.action,
                    report_id=report.id,
                    before=entry.before,
                    after=entry.after,
                    detail=entry.detail,
                    conn=tx,
                )
        if report is not None:
            if wake_publisher:
                self.wake_publisher()
            self.wake_courier()
        return report

    async def by_editor(
        self,
        editor: Editor,
        change: Change,
        audited: Callable[[Report], Audited],
        *,
        also: Callable[[Transaction, Report], Awaitable[None]] | None = None,
        wake_publisher: bool = False,
    ) -> Report | None:
        return await self.decide(
            editor.name,
            editor.telegram_user_id,
            change,
            audited,
            also=also,
            wake_publisher=wake_publisher,
        )

    async def refusal(self, report_id: int) -> Outcome:
        """The answer to a press that lost: who decided first, and when."""
        current = await self.store.reports.get(report_id)
        if current is None:
            return Outcome(texts.BUTTON_UNKNOWN_REPORT)
        if current.decided_by and current.decided_at:
            return Outcome(
                texts.ALREADY_DECIDED.format(
                    status=status_word(current),
                    who=current.decided_by,
                    when=self.when(current.decided_at),
                ),
                report=current,
            )
        return Outcome(
            texts.ALREADY_STATUS.format(code=current.code, status=status_word(current)),
            report=current,
        )

    async def changed_meanwhile(self, report_id: int) -> Outcome:
        """An editor's text arrived after someone else decided on the report."""
        current = await self.store.reports.get(report_id)
        assert current is not None
        return Outcome(
            texts.EDIT_DECIDED_MEANWHILE.format(code=current.code, status=status_word(current))
        )

    async def tell_contact(
        self, tx: Transaction, report: Report, text: str, *, always: bool = False
    ) -> None:
        """Queue a message to the report's contact (sent by the courier). A written
        update has no contact: nothing is queued."""
        if report.written or not (self.settings.notify_contacts or always):
            return
        await self.store.contact_messages.add(
            report_id=report.id,
            chat_id=report.chat_id,
            text=text,
            reply_to=report.message_id,
            at=self.clock.now(),
            conn=tx,
        )


def status_word(report: Report) -> str:
    if report.status == ReportStatus.APPROVED and report.urgent:
        return "being published now"
    return report.status


def one_line(text: str) -> str:
    """A reason as stored: one line, at most REASON_MAX characters."""
    return " ".join(text.split())[:REASON_MAX]


class Job:
    """A service of one job (decisions, corrections, contacts' actions, ...), composed over
    the skeleton every decision shares (`core`), never a subclass of another job."""

    def __init__(self, core: Decisions) -> None:
        self.core = core
        self.store, self.clock, self.settings = core.store, core.clock, core.settings
        self.wake_courier, self.wake_publisher = core.wake_courier, core.wake_publisher
        self.decide, self.by_editor = core.decide, core.by_editor
        self.refusal, self.changed_meanwhile = core.refusal, core.changed_meanwhile
        self.tell_contact, self.when = core.tell_contact, core.when
