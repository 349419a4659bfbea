"""Every service, wired: what each is given (the repositories, the clock, the settings) and
which workers it wakes. Called by the composition root (bot/app.py) once the database is
open."""

from __future__ import annotations

from collections.abc import Callable

from bot.alerts import AdminAlerts
from bot.clock import Clock
from bot.fairness import Refusals
from bot.intake.service import IntakeService
from bot.people.directory import PeopleDirectory
from bot.people.invites import InviteService
from bot.people.membership import EditorMembership
from bot.people.revocation import RevocationService
from bot.people.wipe import ChatWiper
from bot.publishing.publisher import Publisher
from bot.publishing.stories import StoryService
from bot.review.base import Decisions
from bot.review.courier import Courier
from bot.review.decisions import ReviewService
from bot.review.listings import Listings
from bot.review.requests import DeskRequests
from bot.review.writing import WritingService
from bot.sender import ChatId
from bot.settings import Settings
from bot.telegram.admission import Admission
from bot.telegram.context import Services
from bot.telegram.recording import RecordingBot
from bot.telegram.sender import TelegramSender
from bot.web.site import SiteBuilder
from bot.web.worker import SiteWorker
from storage import Repositories
from storage.state import FAILED_INVITES_KEY


def build_services(
    store: Repositories,
    settings: Settings,
    clock: Clock,
    bot: RecordingBot,
    *,
    schedule_wakeup: Callable[[float], None],
) -> Services:
    """Every service, each given the repositories and the workers it wakes."""
    sender = _sender(bot, settings)
    chat_log = store.chat_log
    bot.record_private_messages(lambda chat, message: chat_log.record(chat, message, clock.now()))
    courier = Courier(store, sender, settings, clock)
    alerts = courier.alerts
    intake = _intake(store, settings, clock, courier, alerts)
    site = _site_worker(store, settings, sender, alerts)
    publisher = Publisher(
        store,
        sender,
        settings,
        clock,
        wake_courier=courier.wake,
        schedule_wakeup=schedule_wakeup,
        wake_site=site.wake if site is not None else lambda: None,
    )
    core = Decisions(
        store, clock, settings, wake_courier=courier.wake, wake_publisher=publisher.wake
    )
    wiper = ChatWiper(chat_log, sender, clock)
    gate = _gatekeepers(store, settings, clock, sender, alerts)
    refusals, admission, membership = gate
    return Services(
        alerts=alerts,
        admission=admission,
        membership=membership,
        refusals=refusals,
        listings=Listings(store, settings, clock),
        people=PeopleDirectory(store, clock),
        requests=DeskRequests(
            store, clock, wake_courier=courier.wake, desks_changed=courier.desks_changed
        ),
        settings=settings,
        clock=clock,
        store=store,
        invites=_invites(store, settings, clock, gate),
        intake=intake,
        courier=courier,
        review=ReviewService(core),
        sender=sender,
        publisher=publisher,
        wiper=wiper,
        revocation=_revocation(store, clock, intake, wiper, admission),
        stories=StoryService(
            store.stories, store.audit, clock, settings, wake_publisher=publisher.wake
        ),
        writing=WritingService(core),
        site=site,
    )


def _revocation(
    store: Repositories,
    clock: Clock,
    intake: IntakeService,
    wiper: ChatWiper,
    admission: Admission,
) -> RevocationService:
    """Revoking a contact ends their albums, wipes their chat and shuts the door."""
    return RevocationService(
        store.people, store.audit, store.desks, intake, wiper, clock, on_revoked=admission.discard
    )


def _intake(
    store: Repositories, settings: Settings, clock: Clock, courier: Courier, alerts: AdminAlerts
) -> IntakeService:
    return IntakeService(
        store,
        clock,
        quiet_seconds=settings.album_quiet_seconds,
        default_label=settings.default_label,
        on_ready=courier.wake,
        editors_chat_id=settings.editors_chat_id,
        per_minute=settings.contact_reports_per_minute,
        alerts=alerts,
    )


def _sender(bot: RecordingBot, settings: Settings) -> TelegramSender:
    def protect(chat: ChatId) -> bool:
        """Cards, media and what contacts are sent cannot be forwarded or saved; channel
        posts are for sharing."""
        in_private = isinstance(chat, int) and chat > 0
        return settings.protect_content and (chat == settings.editors_chat_id or in_private)

    return TelegramSender(bot, protect, link_previews=settings.link_previews)


def _invites(
    store: Repositories,
    settings: Settings,
    clock: Clock,
    gate: tuple[Refusals, Admission, EditorMembership],
) -> InviteService:
    """Invites: one that works lets its person touch the disk; one that does not is
    counted, and throttled per sender."""
    refusals, admission, _ = gate

    async def failed(telegram_user_id: int) -> None:
        refusals.failed_invite(telegram_user_id)
        await store.state.increment(FAILED_INVITES_KEY)

    return InviteService(
        store.invites,
        store.audit,
        clock,
        settings.invite_ttl_hours,
        on_joined=admission.add,
        on_failed=failed,
    )


def _site_worker(
    store: Repositories, settings: Settings, sender: TelegramSender, alerts: AdminAlerts
) -> SiteWorker | None:
    """The live blog, when SITE_DIR is set."""
    if settings.site_dir is None:
        return None
    return SiteWorker(
        SiteBuilder(store, settings, sender.download),
        settings.site_dir,
        delay=settings.site_render_delay_seconds,
        sync_command=settings.site_sync_command,
        sync_timeout=settings.site_sync_timeout_seconds,
        alerts=alerts,
    )


def _gatekeepers(
    store: Repositories,
    settings: Settings,
    clock: Clock,
    sender: TelegramSender,
    alerts: AdminAlerts,
) -> tuple[Refusals, Admission, EditorMembership]:
    """Who is answered, who may touch the disk, and which editors may act."""
    refusals = Refusals(
        settings.stranger_refusal_seconds,
        settings.stranger_refusals_per_minute,
        settings.invite_attempts_per_hour,
    )
    admission = Admission(
        settings.admin_ids, settings.editors_chat_id, may_try_invite=refusals.may_try_invite
    )
    membership = EditorMembership(
        store,
        clock,
        alerts,
        lambda user_id: sender.is_member(settings.editors_chat_id, user_id),
        cache_seconds=settings.editor_membership_cache_seconds,
    )
    return refusals, admission, membership
