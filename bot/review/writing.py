"""Editors write updates in the organisation's voice: from several reports, or none.

`/write` (in the editors chat or an editor's private desk), the sources on its first line
(or the card it replies to), the text on the lines below, with the editor's formatting:

    /write R-3 R-5 photos
    This is inaccurate, according to several of our friends inside the city.

A written update is a draft with a card and the same decisions as a report (approve for the
slot, publish now, label, edit, reject), numbered in the same transaction when it goes out.
Its sources are named on its card and in /history, for editors only; the bot never puts a
contact's pseudonym or a report id into anything public. The story's opening post and its
pinned summary of key updates are written here too."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta

from bot import i18n, texts
from bot.formatting import TEXT_LIMIT
from bot.review.base import Editor, Job, Outcome
from bot.rich import Entity, Rich, utf16_len
from storage import Draft, Report, ReportStatus, Story

# Room left in one message for the header, the label and a correction note.
WRITTEN_LIMIT = TEXT_LIMIT - 300
MAX_SOURCES = 20
MAX_PHOTOS = 10  # one album

_ID = re.compile(r"^(?:R-?|#)?(\d{1,18})$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Request:
    """The first line of /write: which reports to cite, quote, and whether to carry their
    photos. `problem` says what could not be understood."""

    sources: list[int] = field(default_factory=list)
    quotes: list[int] = field(default_factory=list)
    photos: bool = False
    problem: str | None = None
    unconfirmed: bool = False  # written as unconfirmed: its marker goes out with it


def parse_request(words: Sequence[str], replied_to: int | None = None) -> Request:
    """`unconfirmed R-3 R-5 photos quote R-7`: cite R-3, R-5 and R-7, quote R-7, carry their
    photos, mark the draft unconfirmed at once. A card replied to is the first source."""
    sources: list[int] = [replied_to] if replied_to is not None else []
    quotes: list[int] = []
    photos, quoting, unconfirmed = False, False, False
    for raw in words:
        word = i18n.plain(raw).strip().strip(",;")
        if not word:
            continue
        lowered = word.lower()
        if lowered in ("photo", "photos"):
            photos = True
            continue
        if lowered == "unconfirmed":
            unconfirmed = True
            continue
        if lowered == "quote":
            quoting = True
            continue
        match = _ID.match(word)
        if match is None:
            return Request(problem=texts.WRITE_UNKNOWN_WORD.format(word=word[:40]))
        report_id = int(match.group(1))
        if report_id not in sources:
            sources.append(report_id)
        if quoting:
            quotes.append(report_id)
            quoting = False
    if quoting:
        return Request(problem=texts.WRITE_QUOTE_WHICH)
    if len(sources) > MAX_SOURCES:
        return Request(problem=texts.WRITE_TOO_MANY_SOURCES.format(limit=MAX_SOURCES))
    return Request(sources, quotes, photos, unconfirmed=unconfirmed)


def quoted(report: Report) -> Rich:
    """A report's words as a quote: the text only, never who sent it."""
    return quoted_words(report.text)


def quoted_words(text: str) -> Rich:
    """Words as a quote (a report's, or its contact's answer), never who said them."""
    words = text.strip()
    return Rich(words, (Entity("blockquote", 0, utf16_len(words)),) if words else ())


class WritingService(Job):
    """Drafts written at the desk, the story's opening post and its pinned summary; the
    drafts' decisions are ReviewService's, as for any report."""

    async def write(
        self, editor: Editor, chat_id: int, message_id: int, body: Rich, request: Request
    ) -> Outcome:
        """Store a draft written by `editor` with its sources; its card follows. Nothing is
        stored when something is wrong, and the answer says what."""
        if request.problem is not None:
            return Outcome(request.problem)
        body = body.strip()
        sources: list[Report] = []
        for report_id in request.sources:
            report = await self.store.reports.get(report_id)
            refusal = _source_refusal(report_id, report)
            if refusal is not None:
                return Outcome(refusal)
            assert report is not None
            sources.append(report)
        notes: list[str] = []
        answered = await self.store.questions.answers_of([r.id for r in sources])
        for report in sources:
            if report.id in request.quotes:
                latest = [a.text for a in answered.get(report.id, []) if a.text.strip()][-1:]
                if latest:  # the contact's latest answer, when there is one
                    notes.append(texts.WRITE_QUOTED_ANSWER.format(code=report.code))
                    body = (body + "\n\n" if body.text else body) + quoted_words(latest[0])
                else:
                    body = (body + "\n\n" if body.text else body) + quoted(report)
        if not body.text:
            return Outcome(texts.WRITE_USAGE)
        if len(body) > WRITTEN_LIMIT:
            return Outcome(texts.WRITE_TOO_LONG.format(length=len(body), limit=WRITTEN_LIMIT))
        media_ids: list[int] = []
        if request.photos:
            for report in sources:
                for item in await self.store.media.of_report(report.id):
                    if item.kind == "photo" and item.clean_file_id is not None:
                        media_ids.append(item.id)
            if not media_ids:
                notes.append(texts.WRITE_NO_PHOTOS)
            elif len(media_ids) > MAX_PHOTOS:
                notes.append(texts.WRITE_PHOTOS_CUT.format(limit=MAX_PHOTOS, count=len(media_ids)))
                media_ids = media_ids[:MAX_PHOTOS]
        draft = await self.store.written.create(
            Draft(
                chat_id=chat_id,
                message_id=message_id,
                text=body.text,
                entities=body.entities_json(),
                written_by=editor.name,
                sources=[report.id for report in sources],
                media_ids=media_ids,
                label="unconfirmed" if request.unconfirmed else "confirmed",
            ),
            self.clock.now(),
        )
        self.wake_courier()
        notes += await self._corroboration(sources)
        cited = ", ".join(report.code for report in sources) or texts.WRITE_NO_SOURCE
        answer = texts.WRITE_SAVED.format(code=draft.code, sources=cited, photos=len(media_ids))
        return Outcome("\n".join([answer, *notes]), changed=True, report=draft)

    async def _corroboration(self, sources: Sequence[Report]) -> list[str]:
        """How many contacts saw it first-hand, when the sources have reports like them."""
        alike = await self.store.similar.of_reports([r.id for r in sources])
        if not alike:
            return []
        contacts = {r.contact_id for r in sources if r.contact_id is not None and not r.forwarded}
        for likeness in alike.values():
            contacts |= likeness.first_hand
        return [texts.WRITE_CORROBORATION.format(count=len(contacts))]

    async def remind_forgotten(self) -> int:
        """Tell each writer, once, about a draft nobody has decided on for
        DRAFT_REMIND_MINUTES. A draft is never published for them."""
        minutes = self.settings.draft_remind_minutes
        if minutes <= 0:
            return 0
        now = self.clock.now()
        reminded = 0
        for draft in await self.store.written.forgotten_drafts(now - timedelta(minutes=minutes)):
            if not await self.store.written.reminded(draft.id, now):
                continue
            await self.store.desk_messages.add(
                draft.chat_id,
                texts.DRAFT_REMINDER.format(
                    who=draft.written_by or "?", code=draft.code, minutes=f"{minutes:g}"
                ),
                now,
                reply_to=draft.message_id,
            )
            reminded += 1
        if reminded:
            self.wake_courier()
        return reminded

    # ------------------------------------------------------------------ the story's posts

    async def set_opening(self, editor: Editor, intro: Rich) -> Outcome:
        """Write or rewrite the current story's opening post; every channel copy follows."""
        story = await self.store.stories.current()
        if story is None:
            return Outcome(texts.STORY_NONE)
        intro = intro.strip()
        if not intro.text:
            return Outcome(texts.OPENING_USAGE)
        if len(intro) + len(story.title) + 2 > TEXT_LIMIT:
            return Outcome(
                texts.WRITE_TOO_LONG.format(
                    length=len(intro), limit=TEXT_LIMIT - len(story.title) - 2
                )
            )
        now = self.clock.now()
        updated = await self.store.stories.set_intro(
            story.id, intro.text, intro.entities_json(), now, self.settings.channel_keys
        )
        if updated is None:
            return Outcome(texts.STORY_NONE)
        await self._audit(editor, "story.opening", story.intro, intro.text, story.title)
        self.wake_publisher()
        template = texts.OPENING_REWRITTEN if story.intro else texts.OPENING_WRITTEN
        return Outcome(
            template.format(title=story.title, count=len(self.settings.channel_keys)), changed=True
        )

    async def set_key_updates(self, editor: Editor, words: Sequence[str]) -> Outcome:
        """/key 3 5 7: the pinned summary lists these updates (in this order); /key off
        empties it. Kept current as they are confirmed, corrected or retracted."""
        story = await self.store.stories.current()
        if story is None:
            return Outcome(texts.STORY_NONE)
        numbers = _numbers(words)
        if numbers is None:
            return Outcome(texts.KEY_USAGE)
        found = await self.store.reports.numbered(story.id, numbers)
        missing = sorted(set(numbers) - {r.number for r in found if r.number is not None})
        if missing:
            listed = ", ".join(f"#{n}" for n in missing)
            return Outcome(texts.KEY_UNKNOWN.format(numbers=listed, title=story.title))
        now = self.clock.now()
        updated = await self.store.stories.set_key_numbers(
            story.id, numbers, now, self.settings.channel_keys
        )
        if updated is None:
            return Outcome(texts.STORY_NONE)
        await self._audit(editor, "story.key_updates", _listed(story), _listed(updated))
        self.wake_publisher()
        return Outcome(texts.KEY_SET.format(numbers=_listed(updated) or "—"), changed=True)

    async def _audit(
        self,
        editor: Editor,
        action: str,
        before: str | None,
        after: str | None,
        detail: str | None = None,
    ) -> None:
        await self.store.audit.record(
            at=self.clock.now(),
            actor=editor.name,
            actor_telegram_id=editor.telegram_user_id,
            action=action,
            before=before,
            after=after,
            detail=detail,
        )


def _source_refusal(report_id: int, report: Report | None) -> str | None:
    code = f"R-{report_id}"
    if report is None:
        return texts.WRITE_UNKNOWN_SOURCE.format(code=code)
    if report.written:
        return texts.WRITE_SOURCE_WRITTEN.format(code=code)
    if report.status == ReportStatus.WITHDRAWN:
        return texts.WRITE_SOURCE_WITHDRAWN.format(code=code)
    if report.status == ReportStatus.COLLECTING:
        return texts.WRITE_SOURCE_ARRIVING.format(code=code)
    return None


def _numbers(words: Sequence[str]) -> list[int] | None:
    if [w.lower() for w in words] == ["off"]:
        return []
    numbers: list[int] = []
    for word in words:
        raw = i18n.plain(word).strip().strip(",").removeprefix("#")
        if not (raw.isascii() and raw.isdigit()) or len(raw) > 9:
            return None
        if int(raw) not in numbers:
            numbers.append(int(raw))
    return numbers or None


def _listed(story: Story) -> str:
    return " ".join(f"#{n}" for n in story.key_numbers)
