"""What handlers get besides the update: the caller's role and the services."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from telegram.ext import Application, CallbackContext, ExtBot

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
from bot.review.courier import Courier
from bot.review.decisions import ReviewService
from bot.review.listings import Listings
from bot.review.requests import DeskRequests
from bot.review.writing import WritingService
from bot.sender import Sender
from bot.settings import Settings
from bot.telegram.admission import Admission
from bot.web.worker import SiteWorker
from storage import Person, Repositories


@dataclass(frozen=True, slots=True)
class Caller:
    """Who sent an update, as the bot sees them. A stranger has neither person nor admin."""

    telegram_user_id: int
    person: Person | None
    is_admin: bool
    # What the bot speaks to them in: a contact's own choice (or their app's language as a
    # first guess), ORG_LANGUAGE for editors and admins, the app's language for strangers.
    language: str = "en"

    @property
    def is_contact(self) -> bool:
        return self.person is not None and self.person.role == "contact"

    @property
    def is_editor(self) -> bool:
        """An admin, or an editor who is in the editors chat."""
        person = self.person
        present = person is not None and person.role == "editor" and person.away_since is None
        return self.is_admin or present

    @property
    def is_known(self) -> bool:
        return self.is_admin or self.person is not None

    @property
    def name(self) -> str:
        """How the audit log and editors refer to them: the pseudonym, or "admin"."""
        return self.person.pseudonym if self.person is not None else "admin"


@dataclass(slots=True)
class Services:
    """What handlers call: the services, and the repositories they read."""

    settings: Settings
    clock: Clock
    store: Repositories
    invites: InviteService
    intake: IntakeService
    courier: Courier
    review: ReviewService
    sender: Sender
    publisher: Publisher
    wiper: ChatWiper
    revocation: RevocationService
    stories: StoryService
    writing: WritingService
    # Who may touch the disk (registered people and admins), checked before storing.
    alerts: AdminAlerts  # admins told through the desk's durable lane
    admission: Admission
    membership: EditorMembership  # editors act only while in the editors chat
    refusals: Refusals  # how often strangers are answered, and invite codes tried
    listings: Listings  # /queue and /history
    requests: DeskRequests  # questions, cards on demand, private desks, stale copies
    people: PeopleDirectory  # who is registered, as handlers ask
    site: SiteWorker | None = None  # the live blog, when SITE_DIR is set


class RelayContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """The context of every handler. `caller` is set by the access guard (group -1)."""

    def __init__(
        self,
        application: Application[Any, Any, Any, Any, Any, Any],
        chat_id: int | None = None,
        user_id: int | None = None,
    ) -> None:
        super().__init__(application, chat_id, user_id)
        self._caller: Caller | None = None

    @property
    def services(self) -> Services:
        services: Services = self.application.bot_data["services"]
        return services

    @property
    def caller(self) -> Caller:
        if self._caller is None:
            raise RuntimeError("the access guard did not run for this update")
        return self._caller

    @caller.setter
    def caller(self, value: Caller) -> None:
        self._caller = value
