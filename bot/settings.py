"""Settings from the environment and `.env`, validated once at start-up."""

from __future__ import annotations

import re
from datetime import datetime, time
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

TELEGRAM_API = "https://api.telegram.org/bot"
TELEGRAM_FILES = "https://api.telegram.org/file/bot"


def _split_list(value: Any) -> Any:
    """Accept `1,2,3` (and spaces) as well as a real list."""
    if isinstance(value, str):
        parts = [part.strip() for part in value.split(",") if part.strip()]
        return [int(part) if part.lstrip("-").isdigit() else part for part in parts]
    if isinstance(value, int):
        return [value]
    return value


def _zone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(
            f"unknown time zone {name!r} (use an IANA name like Asia/Baghdad)"
        ) from exc
    return name


def _default_label(zone: str) -> str:
    """The zone's abbreviation (EST/EDT), or its city where it has only an offset (+03)."""
    abbreviation = datetime.now(ZoneInfo(zone)).tzname() or zone
    if abbreviation[:1] in "+-":
        return zone.rsplit("/", 1)[-1].replace("_", " ")
    return abbreviation


class Settings(BaseSettings):
    """Every setting of the bot; names are the environment variables, upper-cased."""

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", case_sensitive=False
    )

    telegram_bot_token: SecretStr
    telegram_api_base_url: str = TELEGRAM_API
    telegram_file_base_url: str = TELEGRAM_FILES

    admin_ids: Annotated[list[int], NoDecode] = Field(min_length=1)
    editors_chat_id: int
    channel_ids: Annotated[list[int | str], NoDecode] = Field(min_length=1)

    database_path: Path = Path("fieldrelay.db")

    local_tz: str = "UTC"
    local_tz_label: str | None = None
    audience_tz: str = "UTC"
    # None: the zone's own abbreviation at the moment shown (EST in winter, EDT in summer).
    audience_tz_label: str | None = None

    # Approved reports go out at the next of these times (in SLOT_TZ, default AUDIENCE_TZ).
    # Empty: approved reports go out at once.
    publish_slots: Annotated[list[time], NoDecode] = Field(
        default_factory=lambda: [time(8), time(12), time(16), time(20)]
    )
    slot_tz: str | None = None
    # The label a new report starts with: one contact's word is unconfirmed until checked.
    default_label: Literal["unconfirmed", "confirmed"] = "unconfirmed"
    # Tell contacts when their report is published or will not be.
    notify_contacts: bool = True
    # Each update replies to its story's opening post, so a channel reads as a thread.
    thread_updates: bool = True
    # Retract: "edit" every copy to "Retracted: <reason>", or "delete" every copy.
    retract_mode: Literal["edit", "delete"] = "edit"
    # Cards and media in the editors chat, and what the bot sends people in private, are
    # sent so that Telegram lets no one forward or save them (channel posts never are).
    protect_content: bool = True
    # The live blog on the web: a static site (pages, Atom and JSON feeds, cleaned photos)
    # rendered into SITE_DIR after every publish, confirm, correction and retraction, and on
    # start. Unset: no site. SITE_URL is its public address (feed links and entry ids).
    site_dir: Path | None = None
    site_url: str = ""
    site_title: str = "Live updates"
    # Run after each render that changed a file, e.g. `rsync -a --delete site/ host:/srv/www/`
    # or `aws s3 sync site/ s3://bucket/`; it gets SITE_DIR in the environment.
    site_sync_command: str = ""
    site_sync_timeout_seconds: float = Field(default=120, gt=0)
    # Changes within this many seconds make one render.
    site_render_delay_seconds: float = Field(default=1.0, ge=0, le=60)
    # Whether a link in a post shows Telegram's preview of the page (off: the post stays
    # short, and the reader's first view is the organisation's words, not a stranger's card).
    link_previews: bool = False
    # A written draft nobody approved, published or rejected for this long (minutes) is
    # reminded to its writer, once. It is never published for them. 0: no reminders.
    draft_remind_minutes: float = Field(default=20, ge=0, le=24 * 60)
    # Languages: editors and admins are spoken to in ORG_LANGUAGE; the fixed words of
    # channel posts ("UPDATE", "Unconfirmed", ...) are in POST_LANGUAGE. Contacts choose their
    # own (Telegram's language_code is the first guess). One of en, ar, ckb, tr.
    org_language: Literal["en", "ar", "ckb", "tr"] = "en"
    post_language: Literal["en", "ar", "ckb", "tr"] = "en"
    # A safety sweep: the publisher looks for due reports at least this often.
    publish_sweep_seconds: float = Field(default=30, gt=0)

    # Messages of a contact's chat with the bot older than this are deleted from their phone.
    # Telegram lets bots delete private messages only within 48 hours. 0 turns it off.
    auto_wipe_hours: float = Field(default=12, ge=0, lt=48)
    auto_wipe_check_minutes: float = Field(default=10, gt=0)

    # Admins are told when the database has refused writes (locked by another program, a
    # full disk) for this long, and when it takes them again.
    database_alert_seconds: float = Field(default=60, gt=0)
    # Replication off the machine (Litestream): s3://bucket/path, sftp://host/path or
    # file:///path. Empty: no replica (backups only). Admins are told when the replica has
    # fallen behind the database for longer than REPLICA_ALERT_MINUTES, and when it is back.
    replica_url: str | None = None
    replica_alert_minutes: float = Field(default=5, gt=0)

    # Burst review. Once this many cards wait to be posted in the editors chat, a queue
    # message lists the reports waiting for a decision (up to DESK_QUEUE_SIZE, four buttons
    # each: Telegram allows 100 under a message), edited at most every
    # DESK_QUEUE_REFRESH_SECONDS; an editor's private desk (/desk) every
    # PRIVATE_DESK_REFRESH_SECONDS.
    desk_queue_after: int = Field(default=3, ge=1)
    desk_queue_size: int = Field(default=20, ge=1, le=25)
    desk_queue_refresh_seconds: float = Field(default=6, gt=0, le=600)
    private_desk_refresh_seconds: float = Field(default=1, gt=0, le=600)

    album_quiet_seconds: float = Field(default=1.5, gt=0, le=60)
    # Group commit: bookkeeping writes of a burst (acknowledgements sent, messages to wipe
    # later) wait at most this long to be committed together. Reports themselves are
    # committed as soon as their getUpdates batch is handled.
    group_commit_seconds: float = Field(default=0.05, ge=0, le=1)
    invite_ttl_hours: float = Field(default=72, gt=0, le=24 * 30)
    # Telegram's Bot API lets bots download files up to 20 MB.
    max_file_mb: float = Field(default=20, gt=0, le=20)
    # Cleaning files by content (bot/intake/cleaning.py). An image over MAX_IMAGE_PIXELS is
    # refused from its header (a JPEG is decoded reduced instead): well under Pillow's own
    # 89 MP, above any phone's usual photo. The cleaning runs in a child process capped at
    # CLEAN_MEMORY_MB of address space and CLEAN_TIMEOUT_SECONDS.
    # Fair shares. A contact sending more than CONTACT_REPORTS_PER_MINUTE has the excess kept
    # but collapsed (one "slow down", no acknowledgement or card each; admins alerted). A
    # stranger is answered at most once per STRANGER_REFUSAL_SECONDS, and strangers all
    # together at most STRANGER_REFUSALS_PER_MINUTE times; a sender's wrong invite codes
    # stop being read after INVITE_ATTEMPTS_PER_HOUR.
    contact_reports_per_minute: int = Field(default=60, ge=1, le=10_000)
    stranger_refusal_seconds: float = Field(default=3600, ge=0)
    stranger_refusals_per_minute: int = Field(default=30, ge=0)
    invite_attempts_per_hour: int = Field(default=5, ge=1, le=1000)
    # How long the bot trusts its last word from Telegram on whether an editor acting at
    # their private desk is still in the editors chat.
    editor_membership_cache_seconds: float = Field(default=60, ge=0, le=3600)
    # A card, a message owed to a chat or a delivery notice that fails the same way this many
    # times is set aside (admins are told once), so that it never blocks the work behind it.
    work_retries: int = Field(default=5, ge=1, le=100)
    max_image_pixels: int = Field(default=40_000_000, ge=1_000_000, le=89_000_000)
    # Verification. Reports alike within SIMILAR_WINDOW_HOURS are linked on their cards: the
    # same picture (perceptual hashes at most SIMILAR_PICTURE_DISTANCE bits apart of 64),
    # the same file, or words at least SIMILAR_TEXT_SCORE (0-100) alike. A question to a
    # contact has at most QUESTION_MAX_CHARS.
    similar_window_hours: float = Field(default=24, gt=0, le=24 * 30)
    similar_picture_distance: int = Field(default=8, ge=0, le=20)
    similar_text_score: float = Field(default=88, ge=50, le=100)
    question_max_chars: int = Field(default=1000, ge=10, le=3000)
    clean_memory_mb: int = Field(default=768, ge=256, le=8192)
    clean_timeout_seconds: float = Field(default=60, gt=0, le=600)
    # Telegram's limits: ~30 messages/s overall, ~20 messages/min in a group or channel.
    global_messages_per_second: float = Field(default=25, gt=0)
    group_messages_per_minute: float = Field(default=20, gt=0)
    retry_after_max_retries: int = Field(default=5, ge=0)
    # Network and server errors are retried with doubling waits, never longer than this.
    retry_backoff_max_seconds: float = Field(default=30, gt=0)
    # A handler whose reply Telegram refused (an outage, 5xx, a timeout) is run again by
    # itself this many times, once every PUBLISH_SWEEP_SECONDS, before its update is kept as
    # a failed update for `fieldrelay replay`. The updates after it are not held up. A
    # database that refuses writes is waited for without a limit.
    handler_retries: int = Field(default=5, ge=0, le=100)
    poll_timeout_seconds: int = Field(default=30, ge=0, le=50)
    # How long a call to Telegram may take before it counts as timed out. A timed-out send
    # may still have arrived: channel posts that time out are "in doubt" for editors.
    request_timeout_seconds: float = Field(default=20, gt=0)
    # Webhook mode (`fieldrelay run --webhook`): Telegram posts updates to WEBHOOK_URL, whose
    # path (never the token) is served on WEBHOOK_LISTEN:WEBHOOK_PORT, and every request must
    # carry WEBHOOK_SECRET.
    webhook_url: str | None = None
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = Field(default=8443, gt=0, lt=65536)
    webhook_secret: SecretStr | None = None
    # Telegram's updates are small: a body over this is refused before it is read. Headers
    # and bodies that trickle in slower than WEBHOOK_TIMEOUT_SECONDS, and connections idle
    # that long, are closed; at most WEBHOOK_MAX_CONNECTIONS are open at once.
    webhook_max_body_bytes: int = Field(default=256 * 1024, ge=1024, le=50 * 1024 * 1024)
    webhook_timeout_seconds: float = Field(default=10, gt=0, le=300)
    webhook_max_connections: int = Field(default=100, ge=1, le=10_000)
    log_level: str = "INFO"

    @field_validator("admin_ids", "channel_ids", mode="before")
    @classmethod
    def _comma_separated(cls, value: Any) -> Any:
        return _split_list(value)

    @property
    def channel_keys(self) -> list[str]:
        """The channels as the outbox keys them (text: an id or an @name)."""
        return [str(channel) for channel in self.channel_ids]

    @field_validator("site_dir", mode="before")
    @classmethod
    def _no_site_when_empty(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("publish_slots", mode="before")
    @classmethod
    def _slots(cls, value: Any) -> Any:
        if isinstance(value, str):
            parts = [part.strip() for part in value.split(",") if part.strip()]
            slots = []
            for part in parts:
                try:
                    slots.append(time.fromisoformat(part))
                except ValueError:
                    raise ValueError(f"{part!r} is not a time like 08:00") from None
            return sorted(set(slots))
        return value

    @field_validator("channel_ids")
    @classmethod
    def _channel_ids(cls, value: list[int | str]) -> list[int | str]:
        for item in value:
            if isinstance(item, str) and not item.startswith("@"):
                raise ValueError(f"{item!r} is neither a numeric chat id nor an @channelname")
        return value

    @field_validator("local_tz", "audience_tz", "slot_tz")
    @classmethod
    def _known_zone(cls, value: str | None) -> str | None:
        return _zone(value) if value else None

    @field_validator("telegram_bot_token")
    @classmethod
    def _token_shape(cls, value: SecretStr) -> SecretStr:
        bot_id, _, secret = value.get_secret_value().partition(":")
        if not bot_id.isdigit() or not secret:
            raise ValueError("expected the form 123456:ABC... as given by @BotFather")
        return value

    @field_validator("webhook_secret")
    @classmethod
    def _webhook_secret(cls, value: SecretStr | None) -> SecretStr | None:
        # Telegram allows 1-256 characters of A-Z, a-z, 0-9, _ and -.
        if value is not None and not re.fullmatch(
            r"[A-Za-z0-9_-]{16,256}", value.get_secret_value()
        ):
            raise ValueError(
                "use 16-256 letters, digits, '_' or '-' (e.g. from `openssl rand -hex 32`)"
            )
        return value

    @field_validator("log_level")
    @classmethod
    def _log_level(cls, value: str) -> str:
        level = value.upper()
        if level not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
            raise ValueError("use DEBUG, INFO, WARNING or ERROR")
        return level

    @model_validator(mode="after")
    def _labels(self) -> Settings:
        if not self.local_tz_label:
            self.local_tz_label = _default_label(self.local_tz)
        if not self.slot_tz:
            self.slot_tz = self.audience_tz
        return self

    @property
    def max_file_bytes(self) -> int:
        return int(self.max_file_mb * 1024 * 1024)

    @property
    def token(self) -> str:
        return self.telegram_bot_token.get_secret_value()

    @property
    def bot_id(self) -> int:
        return int(self.token.partition(":")[0])

    def webhook_problem(self) -> str | None:
        """Why webhook mode cannot start with these settings, or None."""
        if not self.webhook_url or not self.webhook_url.startswith(("https://", "http://")):
            return "setting WEBHOOK_URL is missing (the public https URL Telegram posts to)"
        if self.token in self.webhook_url or self.token.partition(":")[2] in self.webhook_url:
            return "setting WEBHOOK_URL must not contain the bot token"
        if self.webhook_secret is None:
            return "setting WEBHOOK_SECRET is missing (e.g. `openssl rand -hex 32`)"
        return None


class SettingsError(Exception):
    """Settings that cannot be used, explained in one line per setting."""


def describe_errors(error: ValidationError) -> str:
    """One line per broken setting, naming the environment variable, never its value."""
    lines = []
    for item in error.errors():
        name = str(item["loc"][0]).upper() if item["loc"] else "SETTINGS"
        if item["type"] == "missing":
            lines.append(f"setting {name} is missing (see .env.example)")
        else:
            message = item["msg"].removeprefix("Value error, ")
            lines.append(f"setting {name} is malformed: {message}")
    return "\n".join(dict.fromkeys(lines))


def load_settings(**overrides: Any) -> Settings:
    """Read the settings; raise SettingsError with a readable message when they are wrong."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        raise SettingsError(describe_errors(exc)) from None
