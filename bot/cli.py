"""The `fieldrelay` command: run, check, invite, people, demo."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import signal
import sys
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any, TypeVar

from telegram import Bot
from telegram.constants import ChatMemberStatus
from telegram.error import TelegramError

from bot.logs import redact
from bot.settings import Settings, SettingsError, load_settings
from bot.telegram.polling import read_health
from storage import Database, PostState, ReportStatus, StorageError

EXIT_OK, EXIT_PROBLEM, EXIT_CONFIG = 0, 1, 2
B = TypeVar("B", bound=Bot)


def _parser() -> argparse.ArgumentParser:
    """The command line: every command and its arguments."""
    parser = argparse.ArgumentParser(
        prog="fieldrelay", description="Relay reports from trusted contacts to supporters."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    run_cmd = commands.add_parser("run", help="run the bot (long polling, or --webhook)")
    run_cmd.add_argument(
        "--webhook", action="store_true", help="receive updates on WEBHOOK_URL instead of polling"
    )
    commands.add_parser("check", help="check settings and the bot's rights in every chat")
    invite = commands.add_parser("invite", help="make a single-use invite link")
    invite.add_argument("--role", choices=["contact", "editor"], required=True)
    invite.add_argument("--name", required=True, help="pseudonym, e.g. Kirkuk-1; never a real name")
    commands.add_parser("people", help="list contacts and editors")
    commands.add_parser("status", help="queues, last publish, deliveries in doubt, pause")
    backup_cmd = commands.add_parser("backup", help="an online, consistent copy of the database")
    backup_cmd.add_argument("path", help="the new file to write (must not exist)")
    restore_cmd = commands.add_parser(
        "restore", help="bring the database back from REPLICA_URL (a fresh machine)"
    )
    restore_cmd.add_argument(
        "--force", action="store_true", help="replace an existing database at DATABASE_PATH"
    )
    evidence_cmd = commands.add_parser(
        "evidence", help="a report's chain of custody as JSON: hashes, decisions, answers"
    )
    evidence_cmd.add_argument("report", help="the report, e.g. R-42")
    commands.add_parser("demo", help="play a short story against the local sandbox")
    commands.add_parser(
        "replay", help="have the running bot handle the kept failed updates again (after a fix)"
    )
    site_cmd = commands.add_parser("site", help="the live blog on the web (static pages, feeds)")
    site_actions = site_cmd.add_subparsers(dest="site_command", required=True)
    build_cmd = site_actions.add_parser("build", help="render the site once from the database")
    build_cmd.add_argument("dir", nargs="?", help="where to write it (default SITE_DIR)")
    serve_cmd = site_actions.add_parser(
        "serve", help="serve SITE_DIR on localhost for a look (a preview, not for production)"
    )
    serve_cmd.add_argument("--port", type=int, default=8080)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)

    if args.command == "demo":
        from bot.demo import run_demo

        return int(asyncio.run(run_demo()))
    try:
        settings = load_settings()
    except SettingsError as exc:
        for line in str(exc).splitlines():
            print(f"fieldrelay: {line}", file=sys.stderr)
        return EXIT_CONFIG
    actions: dict[str, Callable[[], Coroutine[Any, Any, int]]] = {
        "run": lambda: run(settings, webhook=getattr(args, "webhook", False)),
        "check": lambda: check(settings),
        "invite": lambda: make_invite(settings, args.role, args.name),
        "people": lambda: list_people(settings),
        "status": lambda: show_status(settings),
        "backup": lambda: make_backup(settings, args.path),
        "restore": lambda: restore_database(settings, force=getattr(args, "force", False)),
        "site": lambda: build_site(settings, getattr(args, "dir", None)),
        "replay": lambda: request_replay(settings),
        "evidence": lambda: print_evidence(settings, args.report),
    }
    if args.command == "site" and args.site_command == "serve":
        return serve_site(settings.site_dir, args.port)
    try:
        return asyncio.run(actions[args.command]())
    except StorageError as exc:
        print(f"fieldrelay: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    except KeyboardInterrupt:
        return EXIT_OK


def _bot(settings: Settings, kind: type[B]) -> B:
    """A bot of `kind` (Bot, or the RecordingBot the running relay uses) for these settings."""
    return kind(
        settings.token,
        base_url=settings.telegram_api_base_url,
        base_file_url=settings.telegram_file_base_url,
    )


async def run(settings: Settings, *, webhook: bool = False) -> int:
    from bot.app import FieldRelay
    from bot.logs import configure_logging

    problem = settings.webhook_problem() if webhook else None
    if problem:
        print(f"fieldrelay: {problem}", file=sys.stderr)
        return EXIT_CONFIG
    configure_logging(settings.log_level, settings.token)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await FieldRelay(settings).run_until_stopped(stop, webhook=webhook)
    return EXIT_OK


async def check(settings: Settings) -> int:
    """Say plainly whether the bot can do its job with these settings."""
    problems = 0

    def report(ok: bool, line: str) -> None:
        nonlocal problems
        problems += not ok
        # Telegram's error messages can quote the token; never print it.
        print(f"{'ok ' if ok else 'FAIL'} {redact(line, settings.token)}")

    report(True, "settings are valid")
    bot = _bot(settings, Bot)
    try:
        async with bot:
            report(True, f"token accepted: the bot is @{bot.username}")
            problems += await _check_editors_chat(bot, settings.editors_chat_id, report)
            for channel in settings.channel_ids:
                await _check_channel(bot, channel, report)
    except TelegramError as exc:
        report(False, f"Telegram refused: {exc.message} (is TELEGRAM_BOT_TOKEN right?)")
    try:
        async with Database(settings.database_path) as db:
            report(True, f"database {settings.database_path} at schema {await db.schema_version()}")
    except StorageError as exc:
        report(False, str(exc))
    if settings.replica_url:
        line = await replication_line(settings)
        report("FAILING" not in line, line)
    print("All good." if not problems else f"{problems} problem(s) to fix before `fieldrelay run`.")
    return EXIT_OK if not problems else EXIT_PROBLEM


async def _check_editors_chat(bot: Bot, chat_id: int, report: Callable[[bool, str], None]) -> int:
    try:
        chat = await bot.get_chat(chat_id)
        member = await bot.get_chat_member(chat_id, bot.id)
    except TelegramError as exc:
        report(False, f"editors chat {chat_id}: {exc.message} (add the bot to the group)")
        return 0
    can_post = member.status in (ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.MEMBER) or (
        member.status == ChatMemberStatus.RESTRICTED
        and bool(getattr(member, "can_send_messages", False))
    )
    report(
        can_post,
        f"editors chat {chat.title or chat_id}: bot is {member.status}"
        + ("" if can_post else " and cannot post there"),
    )
    return 0


async def _check_channel(bot: Bot, channel: int | str, report: Callable[[bool, str], None]) -> None:
    try:
        chat = await bot.get_chat(channel)
        member = await bot.get_chat_member(chat.id, bot.id)
    except TelegramError as exc:
        report(False, f"channel {channel}: {exc.message} (add the bot as an admin)")
        return
    allowed = member.status == ChatMemberStatus.ADMINISTRATOR and bool(
        getattr(member, "can_post_messages", False)
    )
    edit = bool(getattr(member, "can_edit_messages", False))
    detail = "admin, may post" + (" and edit" if edit else " (cannot edit others' posts)")
    report(
        allowed,
        f"channel {chat.title or channel}: "
        + (detail if allowed else f"bot is {member.status}, not an admin allowed to post"),
    )


async def make_invite(settings: Settings, role: str, name: str) -> int:
    from bot.clock import SystemClock
    from bot.people.invites import PSEUDONYM, InviteService, invite_link
    from storage import AuditLog, Invites, PseudonymTakenError

    if not PSEUDONYM.match(name):
        print("fieldrelay: a pseudonym is 1-32 letters, digits, '-' or '_'", file=sys.stderr)
        return EXIT_CONFIG
    try:
        async with _bot(settings, Bot) as bot:
            username = bot.username
    except TelegramError as exc:
        print(
            f"fieldrelay: cannot reach Telegram to learn the bot's name: {exc.message}",
            file=sys.stderr,
        )
        return EXIT_PROBLEM
    async with Database(settings.database_path) as db:
        service = InviteService(Invites(db), AuditLog(db), SystemClock(), settings.invite_ttl_hours)
        try:
            made = await service.create(role, name, created_by=settings.admin_ids[0])
        except PseudonymTakenError:
            print(f"fieldrelay: {name} is already in use", file=sys.stderr)
            return EXIT_PROBLEM
    print(
        f"Invite for {role} {name}, single use, valid until "
        f"{made.invite.expires_at:%Y-%m-%d %H:%M} UTC:"
    )
    print(invite_link(username, made.code))
    return EXIT_OK


async def list_people(settings: Settings) -> int:
    from storage import People

    async with Database(settings.database_path) as db:
        everyone = await People(db).all()
    if not everyone:
        print("Nobody is registered yet. Make an invite: fieldrelay invite --role contact --name X")
    for person in everyone:
        print(
            f"{person.pseudonym:<20} {person.role:<8} {person.status:<8} "
            f"since {person.created_at:%Y-%m-%d}"
        )
    return EXIT_OK


CLOSED = (ReportStatus.REJECTED, ReportStatus.WITHDRAWN)


async def show_status(settings: Settings) -> int:
    """What an operator wants to know at a glance, read from the database."""
    from storage import Repositories
    from storage.state import FAILED_INVITES_KEY

    async with Database(settings.database_path) as db:
        store = Repositories.over(db)
        reports = await store.reports.counts_by_status()
        cards = await store.cards.count_queued()
        last = await store.reports.last_published_at()
        posts = await store.outbox.counts()
        paused = await store.state.publishing_paused()
        story = await store.stories.current()
        dead = await store.dead_letters.counts()
        failed_invites = int(await store.state.get(FAILED_INVITES_KEY) or 0)
    health = read_health(settings.database_path)
    if health is not None:
        print(
            f"Database: REFUSING WRITES since {health['writes_refused_since']}"
            f" ({health['error']}); the bot waits, Telegram keeps the updates"
        )
    else:
        print("Database: taking writes")
    print(f"Publishing: {'PAUSED' if paused else 'running'}")
    print(f"Story: {story.title + f' ({story.last_number} updates)' if story else 'none open'}")
    print(
        "Reports: "
        + ", ".join(
            f"{reports.get(s, 0)} {s}"
            for s in (ReportStatus.PENDING, ReportStatus.APPROVED, ReportStatus.PUBLISHED)
        )
        + f", {sum(reports.get(s, 0) for s in CLOSED)} closed"
    )
    print(f"Cards waiting to be posted: {cards}")
    print(
        "Channel outbox: "
        + ", ".join(f"{posts.get(s, 0)} {s}" for s in PostState if s != PostState.IN_DOUBT)
    )
    print(f"Deliveries in doubt: {posts.get(PostState.IN_DOUBT, 0)}")
    print(f"Last publish: {last.isoformat() if last else 'never'}")
    print(f"Invite codes tried that did not work: {failed_invites}")
    if dead:
        kinds = "; ".join(f"{count} × {kind}" for kind, count in dead.items())
        print(
            f"Failed updates kept: {sum(dead.values())} ({kinds}): fieldrelay replay, after a fix"
        )
    else:
        print("Failed updates kept: 0")
    print(await replication_line(settings))
    return EXIT_OK


async def restore_database(settings: Settings, *, force: bool) -> int:
    """The database back from its replica: the first step on a fresh machine."""
    from bot.replication import ReplicationError, redact_url, restore

    if not settings.replica_url:
        print(
            "fieldrelay: REPLICA_URL is not set: there is no replica to restore from",
            file=sys.stderr,
        )
        return EXIT_CONFIG
    database = settings.database_path
    if database.exists() and not force:
        print(
            f"fieldrelay: {database} already exists; restore would replace it."
            " Move it away, or pass --force.",
            file=sys.stderr,
        )
        return EXIT_CONFIG
    where = redact_url(settings.replica_url)
    try:
        await restore(settings.replica_url, database, force=force)
    except ReplicationError as exc:
        print(f"fieldrelay: cannot restore from {where}: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    async with Database(database) as db:
        version = await db.schema_version()
    print(f"Restored {database} from {where} (schema {version}). Start the bot: fieldrelay run")
    return EXIT_OK


async def replication_line(settings: Settings) -> str:
    """Replication as `status` and `check` show it: the replica's last change and lag."""
    from bot.replication import ReplicationError, last_replicated, local_change, redact_url

    if not settings.replica_url:
        return "Replication: off (REPLICA_URL is not set; only `fieldrelay backup` copies)"
    where = redact_url(settings.replica_url)
    try:
        last = await last_replicated(settings.replica_url)
    except ReplicationError as exc:
        return f"Replication to {where}: FAILING ({exc})"
    if last is None:
        return f"Replication to {where}: nothing replicated yet"
    changed = local_change(settings.database_path)
    lag = max(0.0, (changed - last).total_seconds()) if changed is not None else 0.0
    when = f"{last:%Y-%m-%d %H:%M:%S} UTC"
    return f"Replication to {where}: last change replicated {when}, lag {lag:.0f} s"


async def print_evidence(settings: Settings, reference: str) -> int:
    """`fieldrelay evidence R-42`: the report's chain of custody, as JSON on stdout."""
    from bot.i18n import report_id_in
    from bot.verification.evidence import evidence
    from storage import Repositories

    report_id = report_id_in(reference)
    if report_id is None:
        print("fieldrelay: give a report, e.g. fieldrelay evidence R-42", file=sys.stderr)
        return EXIT_CONFIG
    async with Database(settings.database_path) as db:
        record = await evidence(Repositories.over(db), settings, report_id)
    if record is None:
        print(f"fieldrelay: there is no report R-{report_id}", file=sys.stderr)
        return EXIT_CONFIG
    print(json.dumps(record, ensure_ascii=False, indent=2))
    return EXIT_OK


async def make_backup(settings: Settings, path: str) -> int:

    from storage import backup

    version = await asyncio.to_thread(backup, settings.database_path, Path(path))
    print(f"Backed up {settings.database_path} to {path} (schema {version}).")
    return EXIT_OK


async def build_site(settings: Settings, folder: str | None) -> int:
    """`site build [DIR]`: render the live blog once from the database (photos not yet on
    the site are fetched through the Bot API)."""
    target = Path(folder) if folder else settings.site_dir
    if target is None:
        print(
            "fieldrelay: set SITE_DIR, or give a folder: fieldrelay site build DIR", file=sys.stderr
        )
        return EXIT_CONFIG
    from bot.telegram.recording import RecordingBot
    from bot.telegram.sender import TelegramSender
    from bot.web.site import SiteBuilder
    from storage import Repositories

    bot = _bot(settings, RecordingBot)
    async with Database(settings.database_path) as db, bot:
        builder = SiteBuilder(Repositories.over(db), settings, TelegramSender(bot).download)
        changed = await builder.build(target)
    print(f"Live blog: {target.resolve() / 'index.html'} ({changed} file(s) written)")
    return EXIT_OK


def serve_site(folder: Path | None, port: int) -> int:
    """`site serve`: a local preview of SITE_DIR (Python's http.server, localhost only). In
    production any static host or the organisation's own web server serves the folder."""
    import functools
    import http.server

    if folder is None or not (folder / "index.html").exists():
        print("fieldrelay: SITE_DIR has no site yet: run fieldrelay site build", file=sys.stderr)
        return EXIT_PROBLEM
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
    with http.server.ThreadingHTTPServer(("127.0.0.1", port), handler) as server:
        print(f"Serving {folder} on http://127.0.0.1:{port}/ (a preview; Ctrl-C stops it)")
        with contextlib.suppress(KeyboardInterrupt):
            server.serve_forever()
    return EXIT_OK


async def request_replay(settings: Settings) -> int:
    """`fieldrelay replay`: mark every kept failed update for the running bot to handle
    again (within PUBLISH_SWEEP_SECONDS, or at its next start). Handling them here would
    start a second bot beside the first."""
    from datetime import UTC, datetime

    from storage import Repositories

    async with Database(settings.database_path) as db:
        store = Repositories.over(db)
        letters = await store.dead_letters.all()
        if not letters:
            print("No failed updates are kept: nothing to replay.")
            return EXIT_OK
        for letter in letters:
            print(f"  update {letter.update_id}: {letter.kind} ({letter.attempts} attempt(s))")
        asked = await store.dead_letters.request_replay(datetime.now(UTC))
    print(
        f"{asked} update(s) marked for replay: the running bot handles them within"
        f" {settings.publish_sweep_seconds:g} s (or at its next start); fieldrelay status"
        " shows what is still kept."
    )
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
