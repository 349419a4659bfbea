"""Languages: the catalogues every text comes from, and right-to-left done right.

Texts are written in English in `bot/texts.py`; those marked `N_(...)` are extracted with
Babel into `bot/locales/fieldrelay.pot` and translated in `bot/locales/<lang>/LC_MESSAGES/
fieldrelay.po` (`make messages` refreshes both). The catalogues are compiled in memory when
first used, so there is no build step to forget.

In a right-to-left language every value put into a text (`R-42`, a number, a time, a
pseudonym) is wrapped in Unicode first-strong isolates, so `R-42` never shows as `42-R`, and
the text starts with a right-to-left mark, so a message whose first word is Latin still
reads right to left. Isolates never go into callback data: buttons carry ids, not text.
"""

from __future__ import annotations

import gettext
import io
import string
import unicodedata
from functools import cache
from pathlib import Path
from typing import Any, NewType

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LANGUAGES = ("en", "ar", "ckb", "tr")
DEFAULT = "en"
# How each language names itself, for the one-tap choice.
NAMES = {"en": "English", "ar": "العربية", "ckb": "کوردی (سۆرانی)", "tr": "Türkçe"}
RIGHT_TO_LEFT = frozenset({"ar", "ckb"})
# Telegram's language_code is an IETF tag chosen by the user's app: a first guess only.
# Kurdish apps say "ku"; in a city like Kirkuk that is most often Sorani, in Arabic script.
_GUESSES = {"en": "en", "ar": "ar", "ckb": "ckb", "ku": "ckb", "tr": "tr", "tk": "tr"}

LOCALE_DIR = Path(__file__).parent / "locales"
DOMAIN = "fieldrelay"

FSI, PDI, RLM = "\u2068", "\u2069", "\u200f"
# Marks a user may type, or paste with a code copied from a right-to-left message.
BIDI_CONTROLS = dict.fromkeys(
    map(ord, "\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
)


# A text marked for translation (N_): what `say` and `translate` take. A plain str is an
# English-only text (for editors and admins): passing one to `say` fails the type check, so a
# text a contact reads can never silently stay untranslated.
Translatable = NewType("Translatable", str)


def N_(message: str) -> Translatable:
    """Mark a text for translation where it is defined; it is looked up where it is said."""
    return Translatable(message)


def guess_language(language_code: str | None) -> str:
    """The language to speak to someone whose app says `language_code`; English if unsure."""
    primary = (language_code or "").strip().lower().replace("_", "-").split("-")[0]
    return _GUESSES.get(primary, DEFAULT)


def known(language: str | None) -> str:
    """A stored or configured language, or the default when it is not one we speak."""
    return language if language in LANGUAGES else DEFAULT


@cache
def catalogue(language: str) -> gettext.NullTranslations:
    """The compiled catalogue of `language` (English is the source: no catalogue)."""
    if language == DEFAULT:
        return gettext.NullTranslations()
    path = LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    with path.open("rb") as po:
        messages = read_po(po, locale=language, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, messages)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


class _IsolatingFormatter(string.Formatter):
    """Formats each value as usual, then isolates it from the right-to-left text around it."""

    def format_field(self, value: Any, format_spec: str) -> str:
        return isolate(super().format_field(value, format_spec))


_ISOLATING = _IsolatingFormatter()


def isolate(value: str) -> str:
    return f"{FSI}{value}{PDI}"


def translate(language: str | None, message: Translatable) -> str:
    """`message` in `language`, as written in the catalogue (for menus: no marks added)."""
    return catalogue(known(language)).gettext(message)


def say(language: str | None, message: Translatable, **values: Any) -> str:
    """`message` (an English text of bot/texts.py) in `language`, with `values` filled in."""
    lang = known(language)
    template = translate(lang, message)
    if lang in RIGHT_TO_LEFT:
        return RLM + _ISOLATING.format(template, **values)
    return template.format(**values)


def text_direction(text: str) -> str | None:
    """ "rtl" or "ltr" by the first strongly directional letter of `text`; None if none."""
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            return "rtl"
        if kind == "L":
            return "ltr"
    return None


def plain(text: str) -> str:
    """What a person typed, without direction marks, and with any script's digits as 0-9
    (Arabic-Indic ٤٢ and Persian ۴۲ are 42)."""
    cleaned = text.translate(BIDI_CONTROLS)
    return "".join(str(unicodedata.decimal(char)) if char.isdecimal() else char for char in cleaned)


def report_id_in(word: str) -> int | None:
    """The report a word names: `R-42`, `r42`, `#42` or `42`, in any script's digits and
    with or without the direction marks a right-to-left chat adds; None when it names none."""
    raw = plain(word).strip().upper()
    raw = raw.removeprefix("R").removeprefix("#").removeprefix("-").strip()
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 18 else None
