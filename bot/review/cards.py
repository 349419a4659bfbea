"""Review cards: how a report looks to editors, with its media, text and decision buttons.

Pure views: they read a report and return text and buttons; the courier sends them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot import i18n, texts
from bot.formatting import TEXT_LIMIT, both_clocks, shortened, split_text
from bot.i18n import text_direction
from bot.intake.media import UNCLEANABLE, check_reason, needs_media_check
from bot.publishing.copies import Copy
from bot.review.callbacks import Action, CallbackData
from bot.sender import Button, Keyboard
from bot.settings import Settings
from bot.verification.checks import CardChecks, overridden
from bot.verification.safety import describe, names_in
from storage import (
    Label,
    MediaItem,
    OutboxRow,
    PostAction,
    PostState,
    Report,
    ReportStatus,
    Source,
    Use,
)
from storage.models import report_code

ICONS = {
    ReportStatus.PENDING: "🆕",
    ReportStatus.APPROVED: "✅",
    ReportStatus.PUBLISHED: "📣",
    ReportStatus.REJECTED: "🗑",
    ReportStatus.WITHDRAWN: "↩️",
    ReportStatus.USED: "🔗",
}


@dataclass(frozen=True, slots=True)
class CardView:
    """What a card shows: its text messages (first one carries the buttons) and buttons."""

    parts: list[str]
    keyboard: Keyboard


def card_keyboard(
    report: Report, media: Sequence[MediaItem] = (), *, unsafe: bool = False
) -> Keyboard:
    """Only the buttons that still make sense for the report's state. `unsafe`: the safety
    scan found something no editor has overridden yet ("Publish anyway")."""

    def button(label: str, action: Action) -> Button:
        return Button(label, CallbackData.for_report(action, report.id, report.version).encode())

    label_button = (
        button(texts.BUTTON_MARK_CONFIRMED, Action.CONFIRM)
        if report.label == Label.UNCONFIRMED
        else button(texts.BUTTON_MARK_UNCONFIRMED, Action.UNCONFIRM)
    )
    # A contact's report can be asked about while it is being decided, and once published.
    ask = [] if report.written else [button(texts.BUTTON_ASK, Action.ASK)]
    if report.status == ReportStatus.PENDING:
        voice = any(check_reason(m) == "voice" for m in media)
        check_label = texts.BUTTON_PUBLISH_VOICE if voice else texts.BUTTON_MEDIA_CHECKED
        check = [[button(check_label, Action.MEDIA_CHECKED)]]
        anyway = [[button(texts.BUTTON_PUBLISH_ANYWAY, Action.PUBLISH_ANYWAY)]] if unsafe else []
        return (
            (check if needs_media_check(report, media) else [])
            + anyway
            + [
                [
                    button(texts.BUTTON_APPROVE, Action.APPROVE),
                    button(texts.BUTTON_PUBLISH_NOW, Action.PUBLISH_NOW),
                ],
                [
                    label_button,
                    button(texts.BUTTON_EDIT, Action.EDIT),
                    *ask,
                    button(texts.BUTTON_REJECT, Action.REJECT),
                ],
            ]
        )
    if report.status == ReportStatus.APPROVED and not report.urgent:
        return [
            [
                button(texts.BUTTON_PUBLISH_NOW, Action.PUBLISH_NOW),
                button(texts.BUTTON_UNDO, Action.UNDO),
            ],
            [label_button, *ask],
        ]
    if report.status == ReportStatus.PUBLISHED and report.retracted_at is None:
        row = [button(texts.BUTTON_CORRECT, Action.CORRECT)]
        row.append(button(texts.BUTTON_RETRACT, Action.RETRACT))
        rows = [row]
        if report.label == Label.UNCONFIRMED:
            row.insert(0, button(texts.BUTTON_CONFIRM_PUBLISHED, Action.CONFIRM))
            rows.append([button(texts.BUTTON_CONFIRM_NEW_TEXT, Action.CONFIRM_NEW_TEXT)])
        return rows + ([ask] if ask else [])
    return []


def decision_lines(report: Report, settings: Settings) -> list[str]:
    """Who decided what, and when, as the card shows it."""
    if report.decided_at is None:
        return []
    who, when = report.decided_by or "?", both_clocks(report.decided_at, settings)
    if report.status == ReportStatus.APPROVED and report.urgent:
        return [texts.CARD_DECISION_URGENT.format(who=who, when=when)]
    if report.status == ReportStatus.APPROVED and report.due_at is not None:
        due = both_clocks(report.due_at, settings)
        return [texts.CARD_DECISION_APPROVED.format(who=who, when=when, due=due)]
    if report.status == ReportStatus.REJECTED:
        lines = [texts.CARD_DECISION_REJECTED.format(who=who, when=when)]
        if report.reject_reason:
            lines.append(texts.CARD_REASON.format(reason=report.reject_reason))
        return lines
    if report.status == ReportStatus.WITHDRAWN:
        return [texts.CARD_DECISION_WITHDRAWN.format(when=when)]
    if report.status == ReportStatus.PUBLISHED:
        return published_lines(report, settings, who, when)
    return []


def published_lines(report: Report, settings: Settings, who: str, when: str) -> list[str]:
    assert report.published_at is not None
    lines = [
        texts.CARD_DECISION_URGENT.format(who=who, when=when)
        if report.urgent
        else texts.CARD_DECISION_APPROVED_ONLY.format(who=who, when=when),
        texts.CARD_PUBLISHED.format(
            number=report.number, when=both_clocks(report.published_at, settings)
        ),
    ]
    if report.confirmed_at is not None:
        lines.append(texts.CARD_CONFIRMED.format(when=both_clocks(report.confirmed_at, settings)))
    if report.corrected_at is not None:
        lines.append(texts.CARD_CORRECTED.format(when=both_clocks(report.corrected_at, settings)))
    if report.retracted_at is not None:
        lines.append(
            texts.CARD_RETRACTED.format(
                when=both_clocks(report.retracted_at, settings),
                reason=report.retract_reason or "—",
            )
        )
    return lines


def delivery_lines(deliveries: Sequence[OutboxRow]) -> list[str]:
    """Per channel: where the first copy of the update stands, with a link once sent."""
    lines = []
    for post in deliveries:
        if post.action != PostAction.SEND:
            continue
        state = texts.DELIVERY_STATES.get(post.state, post.state)
        line = f"  {post.channel}: {state}"
        copy = Copy.from_json(post.message_ids)
        if post.state == PostState.SENT and copy is not None and copy.first is not None:
            line += f" {message_link(post.channel, copy.first)}"
        if post.state in (PostState.FAILED, PostState.IN_DOUBT) and post.error:
            line += f" ({post.error[:80]})"
        lines.append(line)
    changes = [p for p in deliveries if p.action != PostAction.SEND and p.state != PostState.SENT]
    if changes:
        lines.append(texts.CARD_CHANGES_PENDING.format(count=len(changes)))
    return lines


def message_link(channel: str, message_id: int) -> str:
    """A link to a message in a channel or supergroup: t.me/name/N or t.me/c/ID/N."""
    if channel.startswith("@"):
        return f"https://t.me/{channel[1:]}/{message_id}"
    return f"https://t.me/c/{channel.removeprefix('-100')}/{message_id}"


def card_status(report: Report) -> str:
    if report.status == ReportStatus.APPROVED and report.urgent:
        return texts.STATUS_URGENT
    if report.status == ReportStatus.PUBLISHED:
        template = texts.STATUS_RETRACTED if report.retracted_at else texts.STATUS_PUBLISHED
        return template.format(number=report.number)
    return texts.STATUSES.get(report.status, report.status)


def language_lines(report: Report) -> list[str]:
    """What language the contact speaks, and which way the text runs, when known: the text
    itself is shown as written."""
    direction = text_direction(report.text)
    if report.contact_language is None and direction is None:
        return []
    parts = []
    if report.contact_language is not None:
        name = i18n.NAMES.get(report.contact_language, report.contact_language)
        parts.append(f"{name} ({report.contact_language})")
    if direction is not None:
        parts.append(texts.CARD_DIRECTIONS[direction])
    return [texts.CARD_LANGUAGE.format(language=" · ".join(parts))]


def written_lines(report: Report, sources: Sequence[Source]) -> list[str]:
    """Who wrote it, its sources on one line (R-ids and their contacts, for editors only),
    and a warning when the text names one of those contacts."""
    lines = [texts.CARD_WRITTEN_BY.format(who=report.written_by or "?")]
    if sources:
        cited = ", ".join(
            f"{s.code} ({s.pseudonym or '?'})"
            + (texts.CARD_SOURCE_WITHDRAWN if s.status == ReportStatus.WITHDRAWN else "")
            for s in sources
        )
        lines.append(texts.CARD_SOURCES.format(sources=cited))
    else:
        lines.append(texts.CARD_NO_SOURCES)
    named = names_in(report.text, [s.pseudonym for s in sources if s.pseudonym])
    if named:
        lines.append(texts.CARD_NAMES_CONTACT.format(names=", ".join(named)))
    return lines


def use_text(use: Use) -> str:
    code = report_code(use.update_id)
    if use.status == ReportStatus.PUBLISHED and use.number is not None:
        return texts.CARD_USE_PUBLISHED.format(number=use.number, code=code)
    return texts.CARD_USE_DRAFT.format(code=code, status=texts.STATUSES.get(use.status, use.status))


def describe_media(media: Sequence[MediaItem]) -> str:
    return describe_kinds([item.kind for item in media])


def media_lines(report: Report, media: Sequence[MediaItem], settings: Settings) -> list[str]:
    """What the media is, what cleaning removed, and what still needs an editor's eye."""
    if not media:
        return []
    lines = [texts.CARD_MEDIA.format(media=describe_media(media))]
    removed = sorted({m.clean_note for m in media if m.clean_state == "clean" and m.clean_note})
    if removed:
        lines.append(texts.CARD_MEDIA_CLEANED.format(what="; ".join(removed)))
    reasons = {check_reason(m) for m in media} - {None}
    unclean = sorted({m.clean_note or "unknown" for m in media if m.clean_state == "unclean"})
    if reasons and report.media_checked_at is not None:
        lines.append(
            texts.CARD_MEDIA_CHECKED.format(
                who=report.media_checked_by, when=both_clocks(report.media_checked_at, settings)
            )
        )
        return lines
    if unclean:
        lines.append(texts.CARD_MEDIA_UNCLEAN.format(why="; ".join(unclean)))
    elif "unclean" in reasons:  # stored before cleaning by content, or not cleaned yet
        kinds = sorted(
            {UNCLEANABLE.get(m.kind, m.kind) for m in media if check_reason(m) == "unclean"}
        )
        lines.append(texts.CARD_MEDIA_WARNING.format(kinds=" and ".join(kinds)))
    if "voice" in reasons:
        lines.append(texts.CARD_MEDIA_VOICE)
    return lines


def describe_kinds(kinds: Sequence[str]) -> str:
    """ "3 photos, 1 video"."""
    counts: dict[str, int] = {}
    for kind in kinds:
        counts[kind] = counts.get(kind, 0) + 1
    return ", ".join(f"{count} {kind}{'s' if count > 1 else ''}" for kind, count in counts.items())


def render_card(
    report: Report,
    media: Sequence[MediaItem],
    settings: Settings,
    *,
    waiting: int = 0,
    deliveries: Sequence[OutboxRow] = (),
    sources: Sequence[Source] = (),
    uses: Sequence[Use] = (),
    checks: CardChecks | None = None,
) -> CardView:
    """The card's text, split so no message passes Telegram's 4096 characters. A written
    update's card names its sources (editors only); a report's names the updates that
    used it; both show what verification found."""
    checks = checks or CardChecks()
    header = [*_identity_lines(report, sources), *_state_lines(report, media, settings, uses)]
    if deliveries:
        header += delivery_lines(deliveries)
    header += verification_lines(report, checks, settings)
    if waiting:
        header.append(texts.CARD_WAITING.format(count=waiting))
    head = "\n".join(header)
    body = report.text.strip() or texts.CARD_NO_TEXT
    room = TEXT_LIMIT - len(head) - 2
    if len(body) <= room:
        return CardView(
            [f"{head}\n\n{body}"], card_keyboard(report, media, unsafe=unsafe(report, checks))
        )
    # Long text: the card carries the start, continuations follow as replies.
    first, rest = _first_chunk(body, room - 2)
    continued_room = TEXT_LIMIT - len(texts.CARD_CONTINUED) - 20
    tail = split_text(rest, continued_room)
    total = len(tail) + 1
    parts = [f"{head}\n\n{first} …"]
    parts += [
        texts.CARD_CONTINUED.format(code=report.code, part=index + 2, total=total) + "\n\n" + chunk
        for index, chunk in enumerate(tail)
    ]
    return CardView(parts, card_keyboard(report, media, unsafe=unsafe(report, checks)))


def forward_lines(report: Report) -> list[str]:
    """Not first-hand: where a contact's forward came from (a public name, never a person)."""
    if not report.forwarded:
        return []
    template = texts.CARD_FORWARD.get(report.forward_kind or "")
    if template is None:
        return [texts.CARD_FORWARD_UNKNOWN]
    name = report.forwarded_from or texts.CARD_FORWARD_PRIVATE.get(report.forward_kind or "", "")
    return [template.format(name=name)]


# Reports named on a card's "Similar:" line; the rest are counted.
SIMILAR_SHOWN = 8
ANSWERS_SHOWN = 3
ANSWER_PREVIEW = 300


def verification_lines(report: Report, checks: CardChecks, settings: Settings) -> list[str]:
    """Reports like it with how many contacts saw it first-hand, the contact's answers and
    open questions, and the safety scan's findings."""
    lines = []
    if checks.alike:
        lines.append(similar_line(checks))
    if checks.answers:
        lines.append(texts.CARD_ANSWERS.format(count=len(checks.answers)))
        for answer in checks.answers[-ANSWERS_SHOWN:]:
            cut = shortened(answer.text, ANSWER_PREVIEW) or describe_kinds([answer.kind or "file"])
            when = both_clocks(answer.received_at, settings)
            lines.append(texts.CARD_ANSWER_LINE.format(when=when, text=cut))
    for question in checks.open_questions[-ANSWERS_SHOWN:]:
        asked = " ".join(question.text.split())[:ANSWER_PREVIEW]
        when = both_clocks(question.asked_at, settings)
        lines.append(texts.CARD_QUESTION_OPEN.format(who=question.asked_by, when=when, text=asked))
    if checks.findings and report.status in (ReportStatus.PENDING, ReportStatus.APPROVED):
        if unsafe(report, checks):
            found = describe(checks.findings, texts.SAFETY_FINDINGS)
            lines.append(texts.CARD_SAFETY.format(findings=found))
        else:
            lines.append(texts.CARD_SAFETY_CLEARED.format(who=report.safety_cleared_by or "?"))
    return lines


def similar_line(checks: CardChecks) -> str:
    """ "🔁 Similar: R-3 (Kirkuk-2), R-7 (Kirkuk-4) · 3 contact(s) first-hand"."""
    assert checks.alike is not None
    shown = ", ".join(
        f"{a.code} ({a.pseudonym or '?'}{', forwarded' if a.forwarded else ''})"
        for a in checks.alike.shown[:SIMILAR_SHOWN]
    )
    more = checks.alike.total - SIMILAR_SHOWN
    if more > 0:
        shown += texts.CARD_SIMILAR_MORE.format(count=more)
    contacts = texts.CARD_SIMILAR_CONTACTS.format(count=checks.first_hand)
    return texts.CARD_SIMILAR.format(reports=shown, contacts=contacts)


def unsafe(report: Report, checks: CardChecks) -> bool:
    """The safety scan found something, and no editor pressed 'Publish anyway' on this
    version of the report."""
    return bool(checks.findings) and not overridden(report)


def _identity_lines(report: Report, sources: Sequence[Source]) -> list[str]:
    """The card's title, and who it is from (or who wrote it, from which sources)."""
    icon = (
        "⚡"
        if report.urgent and report.status == ReportStatus.APPROVED
        else ICONS.get(report.status, "•")
    )
    title = texts.CARD_HEADER_WRITTEN if report.written else texts.CARD_HEADER
    lines = [title.format(icon=icon, code=report.code, status=card_status(report))]
    if report.written:
        return lines + written_lines(report, sources)
    return [*lines, texts.CARD_FROM.format(pseudonym=report.pseudonym), *forward_lines(report)]


def _state_lines(
    report: Report, media: Sequence[MediaItem], settings: Settings, uses: Sequence[Use]
) -> list[str]:
    """When it came, its language and label, its media, and what editors decided."""
    lines = [
        texts.CARD_RECEIVED.format(when=both_clocks(report.received_at, settings)),
        *language_lines(report),
        texts.CARD_LABEL.format(label=texts.LABELS.get(report.label, report.label)),
    ]
    if uses:
        lines.append(texts.CARD_USED_IN.format(uses=", ".join(use_text(use) for use in uses)))
    if report.flagged_urgent:
        lines.append(texts.CARD_FLAGGED_URGENT)
    lines += media_lines(report, media, settings)
    if report.media_withheld:
        lines.append(texts.CARD_WITHHELD.format(count=report.media_withheld))
    return lines + decision_lines(report, settings)


def _first_chunk(body: str, room: int) -> tuple[str, str]:
    first = split_text(body, room)[0]
    return first, body[len(first) :].lstrip("\n ")
