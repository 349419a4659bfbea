"""Receiving updates without losing any: stored in SQLite first, handled, then forgotten.

python-telegram-bot's Updater confirms updates on its next getUpdates whether or not they
were handled, so a crash loses what it had fetched. Here every update is written to the
inbox first; with polling its offset is confirmed only by the next getUpdates, with a webhook
Telegram gets its 200 only once it is stored. It is deleted from the inbox once handled. On
start, anything still in the inbox is handled again; handling is idempotent, so a replay never
doubles a report.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
import traceback
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from telegram import Update
from telegram.error import (
    BadRequest,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
)
from telegram.ext import Application

from bot import texts
from bot.clock import Clock
from bot.telegram.admission import Admission, scrub
from bot.telegram.sender import retry_after_seconds
from storage import Inbox, is_transient
from storage.dead_letters import DeadLetters

log = logging.getLogger(__name__)

# Raw updates are fetched on purpose, to store them before parsing. Bot API method names are
# case-insensitive; the lower-case spelling keeps python-telegram-bot from suggesting
# Bot.get_updates, which parses (and can fail on) a whole batch at once.
RAW_GET_UPDATES = "getupdates"
OWN_PACKAGES = {"bot", "handlers", "storage"}


class UpdateInbox:
    """Store raw updates durably, then handle them one by one, in order.

    A handler that raises does not lose its update. A transient database error (locked,
    full) leaves it in the inbox and `handle` says False: it is handled again once the
    database takes writes. Telegram refusing a handler's reply (an outage, 5xx, a timeout)
    makes it a dead letter the replay job handles again by itself, up to HANDLER_RETRIES
    times, without holding up the updates after it. Any other error makes it a dead letter
    kept for `fieldrelay replay`; admins are told once per kind of error, never what the
    update said."""

    def __init__(
        self,
        application: Application[Any, Any, Any, Any, Any, Any],
        inbox: Inbox,
        clock: Clock,
        dead_letters: DeadLetters | None = None,
        admins: Sequence[int] = (),
        telegram_retries: int = 5,
        admission: Admission | None = None,
    ) -> None:
        self.application = application
        self.admission = admission
        # Updates handled from memory, never written (see bot/telegram/admission.py).
        self._unstored: set[int] = set()
        self.telegram_retries = telegram_retries
        self.inbox = inbox
        self.clock = clock
        self.dead_letters = dead_letters
        self.admins = list(admins)
        # What a handler raised, by update id: python-telegram-bot hands it to error
        # handlers, not to the caller of process_update, so the inbox registers its own.
        self.failures: dict[int, BaseException] = {}
        application.add_error_handler(self._keep_failure)

    async def store(self, updates: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Scrub a batch of names, write the updates who may touch the disk, and return
        the batch to handle (all of it, in order: the rest is answered from memory)."""
        scrubbed = [scrub(raw) for raw in updates]
        kept = []
        for raw in scrubbed:
            if self.admission is None or self.admission.admits(raw):
                kept.append((raw["update_id"], raw))
            else:
                self._unstored.add(raw["update_id"])
        last = max((raw["update_id"] for raw in scrubbed), default=None)
        await self.inbox.store(kept, self.clock.now(), last=last)
        return scrubbed

    async def replay(self) -> int:
        """Handle updates that were stored but not handled before the last stop, and dead
        letters whose replay was asked for."""
        pending = await self.inbox.unhandled()
        await self.handle_all([json.loads(payload) for _, payload in pending], self.commit)
        if pending:
            log.info("replayed %d update(s) left from the last run", len(pending))
        await self.replay_dead_letters()
        return len(pending)

    async def handle(self, update_id: int, raw: dict[str, Any]) -> bool:
        """Handle one update. False: a transient database error; it stays in the inbox, to
        be handled again."""
        failed = await self._process(update_id, raw)
        if update_id in self._unstored:
            # Someone unregistered: answered from memory (or not at all), never kept.
            self._unstored.discard(update_id)
            if failed is not None:
                log.warning("an unregistered sender's update failed: %s", error_kind(failed))
            return True
        if failed is not None and is_transient(failed):
            return False  # the database: waited for as long as it takes
        if failed is not None:
            return await self._kept_as_failed(update_id, raw, failed)
        self.inbox.handled(update_id)
        return True

    async def handle_all(
        self,
        updates: list[dict[str, Any]],
        commit: Callable[[], Awaitable[None]],
        max_delay: float = 30.0,
    ) -> None:
        """Handle updates in order and `commit`; those a handler could not finish because
        the database refused a write (a press at the instant another program held the lock)
        are handled again, in order, with backoff. They stay in the inbox meanwhile."""
        waiting = [raw for raw in updates if not await self.handle(raw["update_id"], raw)]
        await commit()
        delay = 1.0
        while waiting:
            log.warning(
                "%d update(s) could not be finished (the database refused a write);"
                " handling them again in %.0f s",
                len(waiting),
                delay,
            )
            await asyncio.sleep(delay)
            delay = min(delay * 2, max_delay)
            waiting = [raw for raw in waiting if not await self.handle(raw["update_id"], raw)]
            await commit()

    async def _process(self, update_id: int, raw: dict[str, Any]) -> BaseException | None:
        """Run an update through the handlers; what a handler raised, if anything."""
        try:
            update = Update.de_json(raw, self.application.bot)
        except Exception as exc:
            # A shape this version of python-telegram-bot cannot read must not stop intake.
            log.error("update %s could not be read: %s", update_id, type(exc).__name__)
            return exc
        # process_update hands handler errors to the error handler; it does not raise.
        await self.application.process_update(update)
        return self.failures.pop(update_id, None)

    async def _keep_failure(self, update: object, context: Any) -> None:
        if isinstance(update, Update) and context.error is not None:
            self.failures[update.update_id] = context.error

    async def _kept_as_failed(
        self, update_id: int, raw: dict[str, Any], error: BaseException
    ) -> bool:
        """Move a failed update from the inbox to the dead letters; False (handle it again
        later) if the database cannot take even that now."""
        try:
            await self._dead(update_id, raw, error)
        except Exception as exc:
            if is_transient(exc):
                return False
            raise
        self.inbox.handled(update_id)
        return True

    async def _dead(self, update_id: int, raw: dict[str, Any], error: BaseException) -> None:
        """Keep a failed update. When Telegram only refused its reply for now, it is
        handled again by the replay job (every PUBLISH_SWEEP_SECONDS), out of the way of the
        updates after it, up to HANDLER_RETRIES times; only then are admins told."""
        if self.dead_letters is None:
            return
        kind = error_kind(error)
        retry_up_to = self.telegram_retries if _telegram_unavailable(error) else 0
        new = await self.dead_letters.keep(
            update_id, json.dumps(raw), kind, f"{type(error).__name__}: {error}"[:500],
            self.clock.now(), retry_up_to=retry_up_to,
        )  # fmt: skip
        if new:
            await self._tell_admins(texts.DEAD_LETTER.format(kind=kind))
            await self.dead_letters.told(kind, self.clock.now())

    async def replay_dead_letters(self) -> int:
        """Handle again the dead letters `fieldrelay replay` asked for; one that fails
        again stays, with its new error. Returns how many were handled."""
        if self.dead_letters is None:
            return 0
        handled = 0
        for letter in await self.dead_letters.to_replay():
            raw = json.loads(letter.payload)
            failed = await self._process(letter.update_id, raw)
            if failed is None:
                await self.dead_letters.replayed(letter.update_id)
                handled += 1
            else:
                await self._dead(letter.update_id, raw, failed)
        if handled:
            await self.commit()
            log.info("replayed %d dead letter(s)", handled)
        return handled

    async def _tell_admins(self, text: str) -> None:
        """Straight from Telegram: a failing handler may be the desk's own."""
        bot = self.application.bot
        for admin_id in self.admins:
            try:
                await bot.send_message(admin_id, text)
            except TelegramError as exc:
                log.warning("could not tell an admin about a failed update: %s", exc.message)

    async def commit(self) -> None:
        """Commit what handling deferred (reports, their audit, the inbox marks) now."""
        await self.inbox.db.flush()

    async def last_update_id(self) -> int | None:
        return await self.inbox.last_update_id()


def _telegram_unavailable(error: BaseException) -> bool:
    """Telegram could not take a handler's reply for now (unreachable, 5xx, a timeout, a
    flood wait): worth running the handler again, as a replay is. A Bad Request (which
    python-telegram-bot makes a NetworkError too) will not change by waiting."""
    return isinstance(error, NetworkError | RetryAfter) and not isinstance(error, BadRequest)


def error_kind(error: BaseException) -> str:
    """`KeyError in handlers.editors.history`: the error's type and the handler it came
    from, the outermost frame of Field Relay's own code (never the error's message: it may
    quote a contact)."""
    where = ""
    for frame in traceback.extract_tb(error.__traceback__):
        path = Path(frame.filename)
        if OWN_PACKAGES & set(path.parts[-3:-1]):
            where = f"{path.parent.name}.{path.stem}.{frame.name}"
            break
    return f"{type(error).__name__} in {where}" if where else type(error).__name__


class DurablePolling:
    def __init__(
        self,
        updates: UpdateInbox,
        *,
        timeout: int,
        max_backoff: float,
        admins: Sequence[int] = (),
        alert_after: float = 60,
        health_file: Path | None = None,
    ) -> None:
        self.updates = updates
        # Written while the database refuses writes, for `fieldrelay status` to read (the
        # database itself is what cannot be written).
        self.health_file = health_file
        self.timeout = timeout
        self.max_backoff = max_backoff
        self._database_backoff = 1.0
        # Admins are told once when the database has refused writes for `alert_after`
        # seconds, and once when it takes them again: straight from Telegram, as the
        # database (and so the desk's durable lane) is what is down.
        self.admins = list(admins)
        self.alert_after = alert_after
        self._down_since: float | None = None
        self._told = False

    async def run(self) -> None:
        """Poll until cancelled."""
        bot = self.updates.application.bot
        if self.health_file is not None:  # a word left by a run that stopped while down
            await asyncio.to_thread(self.health_file.unlink, missing_ok=True)
        await bot.delete_webhook()  # getUpdates is refused while a webhook is set
        await self.updates.replay()
        last = await self.updates.last_update_id()
        offset = last + 1 if last is not None else None
        backoff = 1.0
        while True:
            try:
                updates = await bot.do_api_request(
                    RAW_GET_UPDATES,
                    api_kwargs={
                        "offset": offset,
                        "timeout": self.timeout,
                        "allowed_updates": Update.ALL_TYPES,
                    },
                    read_timeout=self.timeout + 10,
                )
            except (InvalidToken, Forbidden):
                log.critical("Telegram refused the bot token; stopping")
                raise
            except RetryAfter as exc:
                await asyncio.sleep(retry_after_seconds(exc))
                continue
            except TelegramError as exc:
                log.warning("getUpdates failed (%s); retrying in %.0f s", exc.message, backoff)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, self.max_backoff)
                continue
            backoff = 1.0
            if not isinstance(updates, list) or not updates:
                continue
            screened = await self._stored(updates)
            if screened is None:
                continue  # the same offset again: Telegram keeps them until confirmed
            offset = updates[-1]["update_id"] + 1
            # One commit for the whole batch: a burst of reports is stored together.
            await self.updates.handle_all(screened, self._committed, self.max_backoff)

    async def _stored(self, updates: list[dict[str, Any]]) -> list[dict[str, Any]] | None:
        """Store a batch; when the database cannot take it (locked by another process, a
        full disk), wait and say False: nothing is confirmed to Telegram that is not
        stored, so Telegram keeps them and the next getUpdates brings them again. Returns
        the batch to handle (scrubbed of names)."""
        began = time.monotonic()
        try:
            screened = await self.updates.store(updates)
        except Exception as exc:
            if not is_transient(exc):
                raise
            await self._wait_for_database(exc, began)
            return None
        await self._database_back()
        return screened

    async def _committed(self) -> None:
        """Commit what handling deferred, retrying until the database takes it: the
        writes are kept meanwhile, and no new update is fetched."""
        while True:
            began = time.monotonic()
            try:
                await self.updates.commit()
            except Exception as exc:
                if not is_transient(exc):
                    raise
                await self._wait_for_database(exc, began)
                continue
            await self._database_back()
            return

    async def _wait_for_database(self, exc: BaseException, began: float) -> None:
        """`began`: when the write that failed was tried (it waited out the busy timeout)."""
        log.warning(
            "the database cannot be written (%s); retrying in %.1f s", exc, self._database_backoff
        )
        now = time.monotonic()
        self._down_since = self._down_since or began
        if not self._told and now - self._down_since >= self.alert_after:
            self._told = True
            minutes = (now - self._down_since) / 60
            await self._tell_admins(texts.DATABASE_DOWN.format(minutes=minutes, error=exc))
        if self.health_file is not None:
            since = datetime.now(UTC) - timedelta(seconds=now - self._down_since)
            state = {"writes_refused_since": since.isoformat(), "error": str(exc)[:200]}
            await asyncio.to_thread(_write_health, self.health_file, state)
        await asyncio.sleep(self._database_backoff)
        self._database_backoff = min(self._database_backoff * 2, self.max_backoff)

    async def _database_back(self) -> None:
        self._database_backoff = 1.0
        if self._down_since is not None and self.health_file is not None:
            await asyncio.to_thread(self.health_file.unlink, missing_ok=True)
        if self._down_since is not None and self._told:
            await self._tell_admins(texts.DATABASE_BACK)
        self._down_since, self._told = None, False

    async def _tell_admins(self, text: str) -> None:
        bot = self.updates.application.bot
        for admin_id in self.admins:
            try:
                await bot.send_message(admin_id, text)
            except TelegramError as exc:
                log.warning("could not tell an admin about the database: %s", exc.message)


def health_file(database: Path) -> Path:
    """Beside the database: what `fieldrelay status` reads while writes are refused."""
    return database.with_name(database.name + ".health")


def _write_health(path: Path, state: dict[str, str]) -> None:
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(json.dumps(state))
    temporary.replace(path)


def read_health(database: Path) -> dict[str, str] | None:
    """The running bot's word that the database refuses writes, or None."""
    try:
        state: dict[str, str] = json.loads(health_file(database).read_text())
    except (FileNotFoundError, ValueError):
        return None
    return state
