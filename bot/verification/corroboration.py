"""Corroboration: each report compared, once, with the reports of the window as its card is
posted (its photos are cleaned and hashed by then), the links stored both ways, and the
earlier cards refreshed to show them through the courier's paced lane."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import timedelta

from bot.clock import Clock
from bot.settings import Settings
from bot.verification.similar import (
    Entry,
    Match,
    SimilarIndex,
    normalize,
)
from storage import MediaItem, Report, Repositories
from storage.similar import Candidate, Likeness

log = logging.getLogger(__name__)

# Reports linked to one report at most: one per other contact, up to this many contacts.
MAX_LINKS = 200


class Corroboration:
    def __init__(self, store: Repositories, settings: Settings, clock: Clock) -> None:
        self.store = store
        self.clock = clock
        self.window = timedelta(hours=settings.similar_window_hours)
        self.index = SimilarIndex(
            self.window,
            picture_distance=settings.similar_picture_distance,
            text_score=settings.similar_text_score,
        )
        # Cards may not show all their links yet (true at start: left from before it).
        self.links_to_show = True

    async def load(self) -> None:
        """Rebuild the index from the reports of the window already compared."""
        for candidate in await self.store.similar.compared_since(self.clock.now() - self.window):
            self.index.add(_entry(candidate))
        log.info("similar reports: %d in the window", len(self.index))

    async def compare(self, report: Report, media: Sequence[MediaItem]) -> None:
        """Find and store what `report` is like (once; a written update is not compared)."""
        if report.contact_id is None or self.index.entry(report.id) is not None:
            return
        entry = _entry(
            Candidate(
                report_id=report.id,
                contact_id=report.contact_id,
                at=report.received_at,
                forwarded=report.forwarded,
                text=report.text,
                phashes=tuple(m.phash for m in media if m.phash),
                files=tuple(m.file_unique_id for m in media),
            )
        )
        now = self.clock.now()
        self.index.forget_before(now - self.window)
        matches = self.one_per_contact(self.index.find(entry, now))
        self.index.add(entry)
        await self.store.similar.link(report.id, [(m.report_id, m.how) for m in matches])
        self.links_to_show = self.links_to_show or bool(matches)

    def one_per_contact(self, matches: Sequence[Match]) -> list[Match]:
        """The earliest report like it from each contact, its own contact included (one
        sent first-hand, when a contact sent both kinds): what corroboration counts, and
        linear in a burst of fifty copies of the same words, where every report is like
        every other."""
        chosen: dict[int, tuple[bool, Match]] = {}
        for match in matches:  # oldest first
            other = self.index.entry(match.report_id)
            if other is None:
                continue
            kept = chosen.get(other.contact_id)
            if kept is None or (kept[0] and not other.forwarded):
                chosen[other.contact_id] = (other.forwarded, match)
        return sorted((m for _, m in chosen.values()), key=lambda m: m.report_id)[:MAX_LINKS]


def _entry(candidate: Candidate) -> Entry:
    return Entry(
        report_id=candidate.report_id,
        contact_id=candidate.contact_id,
        at=candidate.at,
        forwarded=candidate.forwarded,
        text=normalize(candidate.text),
        phashes=tuple(
            value for value in (int(raw, 16) for raw in candidate.phashes) if informative(value)
        ),
        files=candidate.files,
    )


def informative(phash: int) -> bool:
    """A hash that says something of the picture: a plain one (a black frame, a flat
    colour) hashes to nearly all zeros or ones, and would match every other plain one."""
    return 8 <= phash.bit_count() <= 56


def first_hand(report: Report, likeness: Likeness | None) -> int:
    """How many distinct contacts saw it first-hand: the report's own contact and those who
    sent a report like it, forwards left out."""
    contacts = set(likeness.first_hand) if likeness is not None else set()
    if report.contact_id is not None and not report.forwarded:
        contacts.add(report.contact_id)
    return len(contacts)
