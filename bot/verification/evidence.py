"""A report's chain of custody, as JSON (`fieldrelay evidence R-42`): when it was received
(in UTC and the local time zone), each file's SHA-256 as received and as cleaned, every
decision with its editor's pseudonym and time, the questions and answers, the reports found
like it, and where it was published (channel message ids, the site's #update-N).

For the organisation only: it names the contact by pseudonym. Originals are never kept (a
seized server must not hold a photo's GPS): the hash of what was received proves a copy
kept elsewhere is the same file."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.publishing.copies import Copy
from bot.settings import Settings
from storage import Report, Repositories

FORMAT = "field-relay-evidence/1"


def times(at: datetime | None, settings: Settings) -> dict[str, str] | None:
    """A moment in UTC and in the local time zone, both ISO 8601."""
    if at is None:
        return None
    return {
        "utc": at.astimezone(ZoneInfo("UTC")).isoformat(),
        settings.local_tz: at.astimezone(ZoneInfo(settings.local_tz)).isoformat(),
    }


async def evidence(
    store: Repositories, settings: Settings, report_id: int
) -> dict[str, Any] | None:
    """The record of `report_id`, or None when there is no such report."""
    report = await store.reports.get(report_id)
    if report is None:
        return None
    return {
        "format": FORMAT,
        "report": _report(report, settings),
        "files": await _files(store, settings, report),
        "decisions": [
            {
                "at": times(entry.at, settings),
                "by": entry.actor,
                "action": entry.action,
                "before": entry.before,
                "after": entry.after,
                "detail": entry.detail,
            }
            for entry in await store.audit.for_report(report.id)
        ],
        "questions": await _questions(store, settings, report),
        "similar": await _similar(store, report),
        "published": await _published(store, settings, report),
    }


async def _similar(store: Repositories, report: Report) -> list[dict[str, Any]]:
    likeness = (await store.similar.of_reports([report.id], shown=100_000)).get(report.id)
    return [
        {"report": a.code, "contact": a.pseudonym, "forwarded": a.forwarded, "how": a.how}
        for a in (likeness.shown if likeness is not None else [])
    ]


def _report(report: Report, settings: Settings) -> dict[str, Any]:
    return {
        "id": report.code,
        "contact": report.pseudonym,
        "written_by": report.written_by,
        "received": times(report.received_at, settings),
        "first_hand": not report.forwarded,
        "forwarded_from": (
            {"kind": report.forward_kind, "name": report.forwarded_from}
            if report.forwarded
            else None
        ),
        "status": report.status.value,
        "label": report.label.value,
        "text": report.text,
        "version": report.version,
    }


async def _files(store: Repositories, settings: Settings, report: Report) -> list[dict[str, Any]]:
    return [
        {
            "kind": item.kind,
            "received": times(item.received_at or report.received_at, settings),
            "sha256_received": item.received_sha256,
            "sha256_cleaned": item.clean_sha256,
            "cleaning": item.clean_state,
            "cleaning_note": item.clean_note,
        }
        for item in await store.media.of_item(report)
    ]


async def _questions(
    store: Repositories, settings: Settings, report: Report
) -> list[dict[str, Any]]:
    answers = (await store.questions.answers_of([report.id])).get(report.id, [])
    return [
        {
            "asked_by": question.asked_by,
            "asked": times(question.asked_at, settings),
            "question": question.text,
            "sent": times(question.sent_at, settings),
            "answers": [
                {
                    "received": times(answer.received_at, settings),
                    "text": answer.text,
                    "file": answer.kind,
                    "sha256_received": answer.received_sha256,
                    "sha256_cleaned": answer.clean_sha256,
                }
                for answer in answers
                if answer.question_id == question.id
            ],
        }
        for question in await store.questions.of_report(report.id)
    ]


async def _published(store: Repositories, settings: Settings, report: Report) -> dict[str, Any]:
    if report.number is None:
        return {"number": None}
    story = await store.stories.get(report.story_id) if report.story_id is not None else None
    anchor = f"story-{report.story_id}/index.html#update-{report.number}"
    base = settings.site_url.rstrip("/")
    return {
        "number": report.number,
        "at": times(report.published_at, settings),
        "story": story.title if story is not None else None,
        "site": f"{base}/{anchor}" if base else anchor,
        "channels": [
            {
                "channel": post.channel,
                "action": post.action.value,
                "state": post.state.value,
                "message_ids": _ids(post.message_ids),
                "at": times(post.created_at, settings),
            }
            for post in await store.outbox.of_report(report.id)
        ],
        "confirmed": times(report.confirmed_at, settings),
        "corrected": times(report.corrected_at, settings),
        "retracted": times(report.retracted_at, settings),
    }


def _ids(message_ids: str | None) -> list[int]:
    copy = Copy.from_json(message_ids)
    return copy.all if copy is not None else []
