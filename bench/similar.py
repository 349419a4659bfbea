"""Finding similar reports against a full window: the cost of one search.

The index is filled with `count` reports (texts of 8 to 40 words drawn from a vocabulary of
Arabic and English words, a fifth of them with a photo's perceptual hash), then the reports
of a burst are each looked up and added, as the courier does when it posts their cards.
Some of the burst are near-copies of reports in the window (another contact's words, with
diacritics and a tatweel), so matches are found and scored too. No Telegram call is
involved: Telegram's limits play no part. The baseline, in the same run, is rapidfuzz
comparing each report with every text of the window (what the index avoids)."""

from __future__ import annotations

import random
import time
from datetime import UTC, datetime, timedelta

from rapidfuzz import fuzz, process

from bot.verification.similar import Entry, SimilarIndex, normalize

VOCABULARY = (
    "انفجار قصف مسلحون الجسر الشمالي كركوك المستشفى السوق القلعة حي الشورجة الكهرباء"
    " الماء الطريق الجيش الشرطة دخان نار طائرة سيارة مدرسة جامع كنيسة شارع بيت سطح الآن"
    " صباح مساء explosion shelling gunmen bridge north hospital market citadel power"
    " water road army police smoke fire drone car school mosque church street house roof"
    " now morning evening checkpoint closed open fleeing families wounded killed many"
    " few near far east west south"
)
WORDS = tuple(VOCABULARY.split())


def _text(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 40)))


def _variant(text: str, rng: random.Random) -> str:
    """Another contact's words for the same thing: diacritics, a tatweel, a word changed."""
    words = text.split()
    words[rng.randrange(len(words))] = rng.choice(WORDS)
    return " ".join(
        w[:1] + "ـ" + w[1:] + "َ" if len(w) > 3 and rng.random() < 0.3 else w for w in words
    )


def measure(count: int, burst: int) -> tuple[list[float], list[float], int]:
    """Per-search times (s) of the index and of the brute-force baseline, and matches."""
    rng = random.Random(42)
    now = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
    index = SimilarIndex(timedelta(hours=24))
    texts = []
    for report_id in range(1, count + 1):
        text = _text(rng)
        texts.append(normalize(text))
        phashes = (rng.getrandbits(64),) if rng.random() < 0.2 else ()
        at = now - timedelta(seconds=rng.randrange(86_000))
        index.add(Entry(report_id, rng.randrange(500), at, False, texts[-1], phashes))
    timings, baseline, matched = [], [], 0
    for n in range(burst):
        source = texts[rng.randrange(count)]
        text = normalize(_variant(source, rng) if n % 3 == 0 else _text(rng))
        entry = Entry(count + n + 1, rng.randrange(500), now, False, text, (rng.getrandbits(64),))
        began = time.perf_counter()
        found = index.find(entry, now)
        index.add(entry)
        timings.append(time.perf_counter() - began)
        matched += bool(found)
        if n < 20:  # the baseline is slow: a few searches say enough
            began = time.perf_counter()
            process.extract(text, texts, scorer=fuzz.token_sort_ratio, score_cutoff=88, limit=None)
            baseline.append(time.perf_counter() - began)
    return timings, baseline, matched
