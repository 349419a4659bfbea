"""Every repository over one database: what the application wires its services from."""

from __future__ import annotations

from dataclasses import dataclass

from storage.acknowledgements import Acknowledgements
from storage.audit import AuditLog
from storage.cards import Cards
from storage.chatlog import ChatLog
from storage.conversations import ContactMessages, Prompts
from storage.database import Database
from storage.dead_letters import DeadLetters
from storage.desks import CardRequests, DeskMessages, Desks
from storage.inbox import Inbox
from storage.incoming import Incoming
from storage.media import Media
from storage.outbox import Outbox
from storage.people import Invites, People
from storage.questions import Questions
from storage.reports import Reports
from storage.similar import SimilarReports
from storage.state import StateStore
from storage.stories import Stories
from storage.web import WebMedia
from storage.written import Written


@dataclass(frozen=True, slots=True)
class Repositories:
    db: Database
    reports: Reports
    incoming: Incoming
    media: Media
    cards: Cards
    acknowledgements: Acknowledgements
    contact_messages: ContactMessages
    prompts: Prompts
    stories: Stories
    outbox: Outbox
    audit: AuditLog
    people: People
    invites: Invites
    state: StateStore
    inbox: Inbox
    chat_log: ChatLog
    desk_messages: DeskMessages
    desks: Desks
    card_requests: CardRequests
    written: Written
    web_media: WebMedia
    dead_letters: DeadLetters
    similar: SimilarReports
    questions: Questions

    @classmethod
    def over(cls, db: Database) -> Repositories:
        return cls(
            db=db,
            reports=Reports(db),
            incoming=Incoming(db),
            media=Media(db),
            cards=Cards(db),
            acknowledgements=Acknowledgements(db),
            contact_messages=ContactMessages(db),
            prompts=Prompts(db),
            stories=Stories(db),
            outbox=Outbox(db),
            audit=AuditLog(db),
            people=People(db),
            invites=Invites(db),
            state=StateStore(db),
            inbox=Inbox(db),
            chat_log=ChatLog(db),
            desk_messages=DeskMessages(db),
            desks=Desks(db),
            card_requests=CardRequests(db),
            written=Written(db),
            web_media=WebMedia(db),
            dead_letters=DeadLetters(db),
            similar=SimilarReports(db),
            questions=Questions(db),
        )
