"""The live blog on the web: a static site rendered from the database.

Same source of truth as the channels: every published update, as it stands now (confirmed,
corrected, retracted), newest first, with the story's opening post and key updates. Pages
are Jinja2 with autoescape on; an update's text is escaped by `Rich.to_html`, which adds
only the editors' formatting. The views given to the templates carry no contact, pseudonym,
writer, report id or file metadata: they cannot leak what they do not hold.

One update that cannot be rendered never stops the rest: each story is rendered on its own,
an update that still fails is shown as "could not be shown here" (and `unshown` names it,
for admins), and a story that cannot be rendered at all keeps its last good files.
Characters XML forbids are removed from every text, so the feeds always parse.

Files are written atomically (a temporary file, then a rename in the same folder) and only
when their bytes changed, so a reader never sees half a page and a render that changed
nothing writes nothing.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import json
import logging
import os
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from feedgen.feed import FeedGenerator
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup
from PIL import Image

from bot.i18n import RIGHT_TO_LEFT
from bot.intake.media import UnsafeImageError, clean_image
from bot.publishing.updates import header, update_body
from bot.rich import Rich, xml_safe
from bot.settings import Settings
from bot.web.files import write_all, write_atomically
from storage import Label, MediaItem, Report, Repositories
from storage.web import WebPhoto

log = logging.getLogger(__name__)

Download = Callable[[str], Awaitable[bytes]]
STATIC = ("style.css", "live.js")


@dataclass(frozen=True, slots=True)
class PhotoView:
    src: str  # relative to the site's root
    alt: str
    width: int | None
    height: int | None


@dataclass(frozen=True, slots=True)
class UpdateView:
    number: int
    header: str
    published: datetime
    modified: datetime
    state: str  # unconfirmed, confirmed, corrected, retracted
    body: Markup
    lang: str | None
    photos: list[PhotoView]
    others: int  # media the web does not show (video, voice): they are on Telegram

    @property
    def anchor(self) -> str:
        return f"update-{self.number}"


@dataclass(frozen=True, slots=True)
class StoryView:
    id: int
    title: str
    intro: Markup | None
    open: bool
    opened: datetime
    updates: list[UpdateView]
    key: list[UpdateView] = field(default_factory=list)

    @property
    def folder(self) -> str:
        return f"story-{self.id}"

    @property
    def modified(self) -> datetime:
        return max([self.opened, *(u.modified for u in self.updates)])


def _state(report: Report) -> str:
    """The marker the channel shows, as a word: retracted, corrected, unconfirmed, confirmed
    (confirmed after going out), or "" (no marker: the organisation's own words, or a report
    approved as confirmed)."""
    if report.retracted_at is not None:
        return "retracted"
    if report.corrected_at is not None:
        return "corrected"
    if report.label == Label.UNCONFIRMED:
        return "unconfirmed"
    return "confirmed" if report.confirmed_at is not None else ""


def _modified(report: Report) -> datetime:
    moments = [report.published_at, report.confirmed_at, report.corrected_at, report.retracted_at]
    return max(m for m in moments if m is not None)


class SiteBuilder:
    """Reads the database, fetches cleaned photos it has not yet put on the site, renders
    every page and feed, and writes what changed."""

    def __init__(self, store: Repositories, settings: Settings, download: Download) -> None:
        self.store = store
        self.settings = settings
        self.download = download
        self.env = Environment(
            loader=PackageLoader("bot.web", "templates"),
            autoescape=select_autoescape(default=True, default_for_string=True),
            trim_blocks=True,
            lstrip_blocks=True,
        )
        # Updates the last render could not show, as (story id, number).
        self.unshown: set[tuple[int, int]] = set()
        # Stories the last render could not write at all (their last good files stay).
        self.unrendered: set[int] = set()

    # ------------------------------------------------------------------ reading

    async def stories(self, site: Path) -> list[StoryView]:
        views = []
        for story in await self.store.stories.all():
            published = await self.store.reports.published_in(story.id)
            # A retracted update shows only why: its photos leave the page too.
            media = await self.store.media.of_items(
                [r for r in published if r.retracted_at is None]
            )
            updates = [
                await self._shown_update(report, media.get(report.id, []), site)
                for report in published
            ]
            by_number = {u.number: u for u in updates}
            intro = Rich.stored(story.intro, story.intro_entities) if story.intro else None
            views.append(
                StoryView(
                    id=story.id,
                    title=story_title(story.title),
                    intro=Markup(intro.to_html()) if intro else None,
                    open=story.status == "open",
                    opened=story.opened_at,
                    updates=updates,
                    key=[by_number[n] for n in story.key_numbers if n in by_number],
                )
            )
        return views

    async def _shown_update(
        self, report: Report, media: Sequence[MediaItem], site: Path
    ) -> UpdateView:
        """The update as the page shows it, or a line saying it cannot be shown there."""
        try:
            return await self._update(report, media, site)
        except Exception as exc:
            assert report.number is not None and report.published_at is not None
            log.error(
                "UPDATE #%s of story %s cannot be read for the site: %s",
                report.number,
                report.story_id,
                type(exc).__name__,
            )
            self.unshown.add((report.story_id or 0, report.number))
            bare = UpdateView(
                number=report.number,
                header=f"UPDATE #{report.number}",
                published=report.published_at,
                modified=_modified(report),
                state="",
                body=Markup(),
                lang=None,
                photos=[],
                others=0,
            )
            return _unshowable(bare)

    async def _update(self, report: Report, media: Sequence[MediaItem], site: Path) -> UpdateView:
        assert report.number is not None and report.published_at is not None
        photos: list[PhotoView] = []
        photo_items = [m for m in media if m.kind == "photo" and m.clean_file_id]
        others = len([m for m in media if m.kind != "photo"])
        for index, item in enumerate(photo_items, start=1):
            photo = await self._photo(item, site)
            if photo is not None:
                alt = f"Photo {index} of {len(photo_items)} with UPDATE #{report.number}"
                photos.append(PhotoView(f"media/{photo.name}", alt, photo.width, photo.height))
        body = update_body(report, self.settings)
        language = None if report.written else report.contact_language
        return UpdateView(
            number=report.number,
            header=xml_safe(header(report, self.settings)),
            published=report.published_at,
            modified=_modified(report),
            state=_state(report),
            body=Markup(body.to_html()),
            lang=language,
            photos=photos,
            others=others,
        )

    async def _photo(self, item: MediaItem, site: Path) -> WebPhoto | None:
        """The site's copy of a published photo: downloaded once (the cleaned copy), cleaned
        again here so that nothing but pixels can reach the web, named by its hash."""
        assert item.clean_file_id is not None
        known = await self.store.web_media.get(item.clean_file_id)
        if known is not None and await asyncio.to_thread(
            os.path.exists, site / "media" / known.name
        ):
            return known
        try:
            data = await asyncio.to_thread(clean_image, await self.download(item.clean_file_id))
        except UnsafeImageError as exc:
            log.warning("a published photo cannot go on the site: %s", exc)
            return None
        except Exception as exc:  # the site waits for the next render, the channel does not
            log.warning("a published photo could not be fetched for the site: %s", exc)
            return None
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
        photo = WebPhoto(hashlib.sha256(data).hexdigest()[:24] + ".jpg", width, height)
        await asyncio.to_thread(write_atomically, site / "media" / photo.name, data)
        await self.store.web_media.add(item.clean_file_id, photo, datetime.now(UTC))
        return photo

    # ------------------------------------------------------------------ rendering

    def render(self, stories: list[StoryView]) -> dict[str, bytes]:
        """Every file of the site but the photos, by path relative to its root."""
        files: dict[str, bytes] = {}
        shown = []
        for story in stories:
            try:
                files.update(self._story_files(story))
            except Exception:
                story = self._without_broken_updates(story)
                try:
                    files.update(self._story_files(story))
                except Exception:
                    log.exception("story %s cannot be rendered; its last pages stay", story.id)
                    self.unrendered.add(story.id)
                    continue
            shown.append(story)
        common = self._common()
        index = self.env.get_template("index.html").render(**common, stories=shown, root="")
        files["index.html"] = index.encode()
        files["feed.atom"] = self._atom(shown, None)
        for name in STATIC:
            files[name] = resources.files("bot.web").joinpath("static", name).read_bytes()
        return files

    def _common(self) -> dict[str, Any]:
        language = self.settings.post_language
        return {
            "site_title": self.settings.site_title,
            "language": language,
            "direction": "rtl" if language in RIGHT_TO_LEFT else "ltr",
        }

    def _story_files(self, story: StoryView) -> dict[str, bytes]:
        version = _version(story)
        page = self.env.get_template("story.html").render(
            **self._common(), story=story, version=version, root="../"
        )
        return {
            f"{story.folder}/index.html": page.encode(),
            f"{story.folder}/feed.atom": self._atom([story], story),
            f"{story.folder}/feed.json": self._json_feed(story, version),
        }

    def _without_broken_updates(self, story: StoryView) -> StoryView:
        """The story with each update that cannot be rendered on its own replaced by a
        line saying so (its number and time stay: numbers never change)."""
        updates = []
        for update in story.updates:
            try:
                self._story_files(replace(story, updates=[update], key=[]))
                updates.append(update)
            except Exception as exc:
                log.error(
                    "UPDATE #%s of story %s cannot be shown on the site: %s",
                    update.number,
                    story.id,
                    type(exc).__name__,
                )
                self.unshown.add((story.id, update.number))
                updates.append(_unshowable(update))
        numbers = {u.number: u for u in updates}
        return replace(
            story,
            updates=updates,
            key=[numbers[k.number] for k in story.key if k.number in numbers],
        )

    def _url(self, path: str) -> str:
        base = self.settings.site_url
        return (base.rstrip("/") + "/" + path) if base else path

    def _tag(self, story: StoryView, number: int | None = None) -> str:
        """A stable tag: URI (RFC 4151): the site's host, the day the story opened."""
        host = urlsplit(self.settings.site_url).hostname or "field-relay.invalid"
        tail = f"/update-{number}" if number is not None else ""
        return f"tag:{host},{story.opened:%Y-%m-%d}:story-{story.id}{tail}"

    def _atom(self, stories: list[StoryView], only: StoryView | None) -> bytes:
        feed = FeedGenerator()
        if only is not None:
            feed.id(self._tag(only))
            feed.title(only.title)
            feed.link(href=self._url(f"{only.folder}/"), rel="alternate")
            feed.link(href=self._url(f"{only.folder}/feed.atom"), rel="self")
        else:
            host = urlsplit(self.settings.site_url).hostname or "field-relay.invalid"
            feed.id(f"tag:{host},2025-01-01:all-stories")
            feed.title(self.settings.site_title)
            feed.link(href=self._url(""), rel="alternate")
            feed.link(href=self._url("feed.atom"), rel="self")
        feed.language(self.settings.post_language)
        moments = [s.modified for s in stories]
        feed.updated(max(moments) if moments else datetime(2025, 1, 1, tzinfo=UTC))
        entries = sorted(
            ((story, update) for story in stories for update in story.updates),
            key=lambda pair: pair[1].published,
        )
        for story, update in entries:
            entry = feed.add_entry(order="prepend")
            entry.id(self._tag(story, update.number))
            title = update.header if only else f"{story.title}: {update.header}"
            if update.state == "retracted":
                title += " (retracted)"
            entry.title(title)
            entry.link(href=self._url(f"{story.folder}/#{update.anchor}"), rel="alternate")
            entry.published(update.published)
            entry.updated(update.modified)
            entry.content(self._entry_html(update), type="html")
        atom: bytes = feed.atom_str(pretty=True)
        return atom

    def _entry_html(self, update: UpdateView) -> str:
        images = "".join(
            f'<p><img src="{Markup.escape(self._url(p.src))}" alt="{Markup.escape(p.alt)}"></p>'
            for p in update.photos
        )
        return f"<p>{update.body}</p>{images}"

    def _json_feed(self, story: StoryView, version: str) -> bytes:
        """JSON Feed 1.1; the page's script polls its `_fieldrelay.version` to refresh."""
        items = [
            {
                "id": self._tag(story, u.number),
                "url": self._url(f"{story.folder}/#{u.anchor}"),
                "title": u.header,
                "content_html": self._entry_html(u),
                "date_published": u.published.isoformat(),
                "date_modified": u.modified.isoformat(),
                "_fieldrelay": {"state": u.state, "number": u.number},
            }
            for u in story.updates
        ]
        feed: dict[str, Any] = {
            "version": "https://jsonfeed.org/version/1.1",
            "title": story.title,
            "home_page_url": self._url(f"{story.folder}/"),
            "feed_url": self._url(f"{story.folder}/feed.json"),
            "language": self.settings.post_language,
            "items": items,
            "_fieldrelay": {"version": version, "updates": len(items)},
        }
        return json.dumps(feed, ensure_ascii=False, indent=1).encode()

    # ------------------------------------------------------------------ writing

    async def build(self, site: Path) -> int:
        """Render the whole site into `site`; returns how many files changed."""
        self.unshown, self.unrendered = set(), set()
        stories = await self.stories(site)
        # Rendering a long story takes tens of milliseconds: off the event loop, so that
        # acknowledgements and presses never wait for the web page.
        files = await asyncio.to_thread(self.render, stories)
        return await asyncio.to_thread(write_all, site, files)


def story_title(title: str) -> str:
    """The title as the site shows it: nothing XML forbids, never empty (feeds need one)."""
    return xml_safe(title).strip() or "Live updates"


UNSHOWABLE = "This update could not be shown here. It is on the organisation's channels."


def _unshowable(update: UpdateView) -> UpdateView:
    """The update as a line saying it cannot be shown here: its number, header and times
    stay (numbers never change), nothing of its content."""
    return replace(
        update,
        header=xml_safe(update.header),
        body=Markup.escape(UNSHOWABLE),
        photos=[],
        others=0,
        lang=None,
    )


def _version(story: StoryView) -> str:
    """Changes whenever anything a reader sees of the story changes."""
    seen = [
        story.title,
        str(story.intro),
        [
            (u.number, u.header, u.state, str(u.body), [p.src for p in u.photos])
            for u in story.updates
        ],
        [u.number for u in story.key],
    ]
    return hashlib.sha256(json.dumps(seen).encode()).hexdigest()[:16]
