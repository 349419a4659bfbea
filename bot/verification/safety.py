"""The safety scan: what in a text would identify or locate a person, found before it goes
out. Each finding shows on the card; publishing then takes an explicit "Publish anyway".

Made to find, not to prove: a false alarm costs an editor one press, a miss can cost a
life. Digits of any script count (Arabic-Indic ٠٧٧٠ is 0770)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bot.i18n import plain

# A phone number: at least 9 digits, with the usual separators between them, optionally
# international (+964, 00964). Dates and times have fewer digits; counts use commas.
_PHONE = re.compile(r"(?<![\w+])(?:\+|00)?\d(?:[ .\-()]{0,2}\d){8,14}(?!\w)")
_EMAIL = re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+", re.UNICODE)
# Decimal coordinates: two numbers with at least three decimals (about 100 m), a comma,
# semicolon, slash or space between them, optionally with degree signs and N/S/E/W.
_DECIMAL = re.compile(
    r"[-+]?\d{1,2}\.\d{3,}\s*°?\s*[NSns]?\s*[,;/ ]\s*[-+]?\d{1,3}\.\d{3,}\s*°?\s*[EWew]?"
)
# Degrees and minutes (35°28′N, 35° 28' 12" N).
_DEGREES = re.compile(
    r"\d{1,3}\s*°\s*\d{1,2}(?:\.\d+)?\s*['′]\s*(?:\d{1,2}(?:\.\d+)?\s*[\"″]\s*)?[NSEWnsew]"
)
# A plus code (Open Location Code), full or short: 8FVC9G8F+6X, 9G8F+6X.
_PLUS_CODE = re.compile(r"(?<![\w+])[23456789CFGHJMPQRVWX]{4,8}\+[23456789CFGHJMPQRVWX]{0,3}(?!\w)")


@dataclass(frozen=True, slots=True)
class Finding:
    """What was found: phone, email, coordinates, plus_code or pseudonym (with the names)."""

    kind: str
    names: tuple[str, ...] = ()


def scan(text: str, pseudonyms: Iterable[str] = ()) -> list[Finding]:
    """Everything in `text` that identifies or locates someone, one finding per kind."""
    flat = plain(text)
    findings = [
        Finding(kind)
        for kind, pattern in (
            ("phone", _PHONE),
            ("email", _EMAIL),
            ("coordinates", _DECIMAL),
            ("coordinates", _DEGREES),
            ("plus_code", _PLUS_CODE),
        )
        if pattern.search(flat if kind != "plus_code" else flat.upper())
    ]
    named = names_in(flat, pseudonyms)
    if named:
        findings.append(Finding("pseudonym", tuple(named)))
    return list(dict.fromkeys(findings))


def names_in(text: str, pseudonyms: Iterable[str]) -> list[str]:
    """The pseudonyms that appear in a text as words (any case)."""
    return [
        name
        for name in dict.fromkeys(pseudonyms)
        if name and re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text, re.IGNORECASE)
    ]


def describe(findings: Sequence[Finding], templates: dict[str, str]) -> str:
    """The findings as the card says them: "contains a phone number; names a contact (X)"."""
    return "; ".join(templates[f.kind].format(names=", ".join(f.names)) for f in findings)
