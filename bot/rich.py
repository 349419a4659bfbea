"""Formatted text without Telegram types: a text and its entities (bold, links, quotes).

An editor's formatting (bold, a link "click here", a quote) arrives as Telegram message
entities, offsets and lengths counted in UTF-16 code units. It is kept as entities, never
as HTML: the text itself is then never parsed, so a report containing `<b>` or `&` is shown
literally on Telegram, and the web page escapes the text and adds only these tags.

Only formatting is kept. Mentions (`text_mention` names a Telegram account, which could be
a contact's), custom emoji and commands are dropped."""

from __future__ import annotations

import html
import json
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urlsplit

from bot.formatting import split_text

# Entity types kept, with the HTML a web page shows them as.
KEPT = {
    "bold": "strong",
    "italic": "em",
    "underline": "u",
    "strikethrough": "s",
    "spoiler": "span",
    "code": "code",
    "pre": "pre",
    "text_link": "a",
    "blockquote": "blockquote",
    "expandable_blockquote": "blockquote",
}


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


# Characters XML 1.0 forbids (C0 controls but tab, newline and return; lone surrogates;
# U+FFFE and U+FFFF): one of them in a published text would stop the Atom feed being written.
_XML_FORBIDDEN = dict.fromkeys(
    [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), *range(0xD800, 0xE000), 0xFFFE, 0xFFFF]
)


def xml_safe(text: str) -> str:
    """The text without the characters XML 1.0 forbids (they carry no meaning a reader
    could see)."""
    return text.translate(_XML_FORBIDDEN)


def _snapped(text: str, entities: Iterable[Entity]) -> tuple[Entity, ...]:
    """Entities inside the text and on whole characters: a start inside a surrogate pair
    moves back to the pair's start, an end forward to its end; what is left empty goes."""
    total = utf16_len(text)
    if total == len(text):  # no character takes two code units: any offset is whole
        starts: list[int] | None = None
    else:
        starts, at = [], 0
        for char in text:
            starts.append(at)
            at += 2 if ord(char) > 0xFFFF else 1
    kept = []
    for e in entities:
        low, high = max(0, e.offset), min(total, e.offset + e.length)
        if starts is not None:
            low = starts[bisect_right(starts, low) - 1] if low < total else total
            index = bisect_left(starts, high)
            high = starts[index] if index < len(starts) else total
        if high > low:
            kept.append(
                e
                if (low, high - low) == (e.offset, e.length)
                else replace(e, offset=low, length=high - low)
            )
    return tuple(kept)


@dataclass(frozen=True, slots=True)
class Entity:
    type: str
    offset: int  # UTF-16 code units
    length: int
    url: str | None = None
    language: str | None = None

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"type": self.type, "offset": self.offset, "length": self.length}
        if self.url is not None:
            data["url"] = self.url
        if self.language is not None:
            data["language"] = self.language
        return data


def _safe_link(url: str | None) -> bool:
    return url is not None and urlsplit(url).scheme in ("http", "https")


def entities_from(raw: Iterable[dict[str, Any]]) -> tuple[Entity, ...]:
    """Telegram's entities (as dicts), keeping only formatting and web links."""
    kept = []
    for item in raw:
        kind = str(item.get("type", ""))
        if kind not in KEPT or int(item.get("length", 0)) <= 0:
            continue
        url = item.get("url")
        if kind == "text_link" and not _safe_link(url):
            continue
        kept.append(
            Entity(kind, int(item["offset"]), int(item["length"]), url, item.get("language"))
        )
    return tuple(sorted(kept, key=lambda e: (e.offset, -e.length)))


@dataclass(frozen=True, slots=True)
class Rich:
    text: str
    entities: tuple[Entity, ...] = field(default=())

    def __post_init__(self) -> None:
        if self.entities:
            object.__setattr__(self, "entities", _snapped(self.text, self.entities))

    @classmethod
    def stored(cls, text: str, entities_json: str | None) -> Rich:
        """As kept in the database: the text and its entities as JSON (or NULL)."""
        raw = json.loads(entities_json) if entities_json else []
        return cls(text, entities_from(raw))

    def entities_json(self) -> str | None:
        return json.dumps([e.as_dict() for e in self.entities]) if self.entities else None

    def __add__(self, other: Rich | str) -> Rich:
        other = Rich(other) if isinstance(other, str) else other
        shift = utf16_len(self.text)
        moved = tuple(replace(e, offset=e.offset + shift) for e in other.entities)
        return Rich(self.text + other.text, self.entities + moved)

    def __radd__(self, other: str) -> Rich:
        return Rich(other) + self

    def __len__(self) -> int:
        return len(self.text)

    def strip(self) -> Rich:
        start = len(self.text) - len(self.text.lstrip())
        end = len(self.text.rstrip())
        return self.slice(start, end)

    def slice(self, start: int, end: int) -> Rich:
        """Characters [start, end) with the entities that fall in them, clipped."""
        low, high = utf16_len(self.text[:start]), utf16_len(self.text[:end])
        kept = []
        for e in self.entities:
            a, b = max(e.offset, low), min(e.offset + e.length, high)
            if b > a:
                kept.append(replace(e, offset=a - low, length=b - a))
        return Rich(self.text[start:end], tuple(kept))

    def clip(self, limit: int, ellipsis: str = "…") -> Rich:
        """At most `limit` characters, ending with an ellipsis when cut."""
        if len(self.text) <= limit:
            return self
        return self.slice(0, limit - len(ellipsis)) + ellipsis

    def split(self, limit: int) -> list[Rich]:
        """Parts of at most `limit` characters, cut where `split_text` cuts plain text."""
        parts, position = [], 0
        for chunk in split_text(self.text, limit):
            start = self.text.find(chunk, position)
            if start < 0:  # cannot happen: split_text only trims whitespace between parts
                start = position
            parts.append(self.slice(start, start + len(chunk)))
            position = start + len(chunk)
        return parts

    def to_html(self) -> str:
        """The text escaped, with only the kept formatting as tags (for the web page)."""
        units = self.text.encode("utf-16-le", "surrogatepass")
        opens: dict[int, list[Entity]] = {}
        closes: dict[int, list[Entity]] = {}
        for e in _nested(self.entities):
            opens.setdefault(e.offset, []).append(e)
            closes.setdefault(e.offset + e.length, []).append(e)
        out: list[str] = []
        boundaries = sorted({0, len(units) // 2, *opens, *closes})
        for index, at in enumerate(boundaries):
            for e in reversed(closes.get(at, [])):
                out.append(f"</{KEPT[e.type]}>")
            for e in opens.get(at, []):
                out.append(_open_tag(e))
            if index + 1 < len(boundaries):
                piece = units[at * 2 : boundaries[index + 1] * 2]
                text = xml_safe(piece.decode("utf-16-le", "surrogatepass"))
                out.append(html.escape(text, quote=False).replace("\n", "<br>\n"))
        return "".join(out)


def _nested(entities: Sequence[Entity]) -> list[Entity]:
    """Entities that nest (HTML needs it): one that overlaps an earlier one is dropped."""
    kept: list[Entity] = []
    for e in sorted(entities, key=lambda e: (e.offset, -e.length)):
        end = e.offset + e.length
        if all(
            end <= k.offset or e.offset >= k.offset + k.length or end <= k.offset + k.length
            for k in kept
        ):
            kept.append(e)
    return kept


def _open_tag(e: Entity) -> str:
    tag = KEPT[e.type]
    if e.type == "text_link":
        return f'<a href="{html.escape(e.url or "", quote=True)}" rel="nofollow noopener">'
    if e.type == "spoiler":
        return '<span class="spoiler">'
    return f"<{tag}>"
