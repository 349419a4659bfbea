"""The urgent word a contact types first ("URGENT:", "عاجل:", "ACİL!"): it marks the report
urgent for editors, and never goes out with it."""

from __future__ import annotations

import re

from bot import texts
from bot.i18n import plain

_URGENT_WORDS = frozenset(word.casefold() for word in texts.URGENT_WORDS)
# The first word, its punctuation (Latin and Arabic), and the spaces after it.
_FIRST_WORD = re.compile(r"\s*(\S+?)([:!.,\-،؛]*)(?:\s+|$)")


def urgent_word_end(text: str) -> int:
    """Where the text after a leading urgent word starts (0: it does not start with one)."""
    match = _FIRST_WORD.match(text)
    if match is None or plain(match.group(1)).casefold() not in _URGENT_WORDS:
        return 0
    return match.end()


def starts_urgent(text: str) -> bool:
    """A report its contact marked urgent with the first word (URGENT, عاجل, ACİL: ...)."""
    return urgent_word_end(text) > 0
