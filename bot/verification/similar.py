"""Similar reports: the same picture, the same file, or near-identical words, within
SIMILAR_WINDOW_HOURS.

- The same picture: the perceptual hash (imagehash's pHash, 64 bits) of each cleaned photo,
  within SIMILAR_PICTURE_DISTANCE bits, so a resized or recompressed copy matches. Every
  hash in the window is compared at once (numpy's bitwise_count over one array).
- The same file: Telegram's file_unique_id (a forward of the same upload).
- Near-identical words: text normalised for Arabic script (alef, yeh, teh marbuta and kaf
  variants, diacritics, tatweel), any script's digits and case, then compared with
  rapidfuzz; candidates come from an inverted index of word pairs, so a search reads a few
  postings instead of every report in the window.

The hashes are made in the cleaning child (bot/intake/cleaning.py), so the scipy imagehash
needs never loads into the bot.

The index lives in memory, is rebuilt from the database at start (the window only), and
is fed as cards are posted: off the acknowledgement path."""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

from rapidfuzz import fuzz

from bot.i18n import plain

# Arabic letters written several ways: each to one form.
_FOLD = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ى": "ي",
        "ی": "ي",  # Persian and Kurdish yeh
        "ئ": "ي",
        "ؤ": "و",
        "ة": "ه",
        "ک": "ك",  # Persian and Kurdish kaf
        "ـ": None,  # tatweel
    }
)
_WORD = re.compile(r"\w+")
# A text shorter than this (normalised) is too plain to call anything its twin ("help").
MIN_TEXT = 12
# A word pair in more reports than this says nothing about any of them.
MAX_POSTING = 2_000
# How many candidates sharing the most word pairs are compared in full.
CANDIDATES = 64


def normalize(text: str) -> str:
    """`text` as compared: Arabic variants folded, diacritics and tatweel dropped, digits of
    any script as 0-9, case folded, punctuation gone, spaces collapsed."""
    decomposed = unicodedata.normalize("NFKD", plain(text))
    letters = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(_WORD.findall(letters.translate(_FOLD).casefold()))


def shingles(normalized: str) -> set[str]:
    """The word pairs of a text (its words, when it has fewer than three)."""
    words = normalized.split()
    if len(words) < 3:
        return set(words)
    return {f"{a} {b}" for a, b in itertools.pairwise(words)}


@dataclass(frozen=True, slots=True)
class Entry:
    """A report as the index knows it."""

    report_id: int
    contact_id: int
    at: datetime
    forwarded: bool
    text: str = ""  # normalised
    phashes: tuple[int, ...] = ()
    files: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Match:
    report_id: int
    how: str  # picture, file or text


@dataclass
class SimilarIndex:
    window: timedelta
    picture_distance: int = 8
    text_score: float = 90.0
    _entries: dict[int, Entry] = field(default_factory=dict)
    _postings: dict[str, list[int]] = field(default_factory=dict)
    _files: dict[str, list[int]] = field(default_factory=dict)
    # Every photo hash in one array (numpy, loaded with the first photo: 15 MB the bot
    # needs only once there are photos to compare).
    _hashes: np.ndarray[Any, np.dtype[np.uint64]] | None = None
    _hash_owners: list[int] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self._entries)

    def add(self, entry: Entry) -> None:
        if entry.report_id in self._entries:
            return
        self._entries[entry.report_id] = entry
        if len(entry.text) >= MIN_TEXT:
            for shingle in shingles(entry.text):
                self._postings.setdefault(shingle, []).append(entry.report_id)
        for unique in entry.files:
            self._files.setdefault(unique, []).append(entry.report_id)
        for value in entry.phashes:
            self._add_hash(entry.report_id, value)

    def _add_hash(self, report_id: int, value: int) -> None:
        import numpy as np

        count = len(self._hash_owners)
        if self._hashes is None:
            self._hashes = np.zeros(1024, dtype=np.uint64)
        elif count == len(self._hashes):
            self._hashes = np.concatenate([self._hashes, np.zeros_like(self._hashes)])
        self._hashes[count] = np.uint64(value)
        self._hash_owners.append(report_id)

    def find(self, entry: Entry, now: datetime) -> list[Match]:
        """The reports in the window like `entry` (not itself), each once, by report id."""
        since = now - self.window
        found: dict[int, str] = {}
        for other in self._same_pictures(entry.phashes):
            found.setdefault(other, "picture")
        for unique in entry.files:
            for other in self._files.get(unique, ()):
                found.setdefault(other, "file")
        for other in self._same_words(entry.text):
            found.setdefault(other, "text")
        return [
            Match(other, how)
            for other, how in sorted(found.items())
            if other != entry.report_id
            and other in self._entries
            and self._entries[other].at >= since
        ]

    def entry(self, report_id: int) -> Entry | None:
        return self._entries.get(report_id)

    def forget_before(self, since: datetime) -> None:
        """Drop what left the window: rebuilt without it once most of the index is old."""
        old = [e for e in self._entries.values() if e.at < since]
        if len(old) * 2 < len(self._entries):
            return
        keep = [e for e in self._entries.values() if e.at >= since]
        self._entries, self._postings, self._files = {}, {}, {}
        self._hashes, self._hash_owners = None, []
        for entry in keep:
            self.add(entry)

    def _same_pictures(self, phashes: Sequence[int]) -> Iterable[int]:
        count = len(self._hash_owners)
        if not phashes or not count or self._hashes is None:
            return []
        import numpy as np

        stored = self._hashes[:count]
        owners: set[int] = set()
        for value in phashes:
            distance = np.bitwise_count(stored ^ np.uint64(value))
            owners.update(
                self._hash_owners[i] for i in np.flatnonzero(distance <= self.picture_distance)
            )
        return sorted(owners)

    def _same_words(self, text: str) -> Iterable[int]:
        if len(text) < MIN_TEXT:
            return []
        shared: Counter[int] = Counter()
        for shingle in shingles(text):
            posting = self._postings.get(shingle, ())
            if len(posting) <= MAX_POSTING:
                shared.update(posting)
        return [
            other
            for other, _ in shared.most_common(CANDIDATES)
            if fuzz.token_sort_ratio(text, self._entries[other].text, score_cutoff=self.text_score)
        ]
