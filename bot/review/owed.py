"""What the courier owes, one message at a time: a message to a contact about their report
(an editor's question goes with ForceReply), an answer or a question owed to a desk, a
notice that a delivery is in doubt or failed. Each is marked done once Telegram took it;
one that keeps failing the same way is set aside (`Strikes`)."""

from __future__ import annotations

import logging
from functools import partial

from bot import texts
from bot.clock import Clock
from bot.review.callbacks import Action, CallbackData
from bot.sender import Button, Keyboard, Sender, SendError
from bot.strikes import Strikes
from bot.verification.questions import AnswerShowing
from storage import ContactMessage, DeskMessage, OutboxRow, PostState, Repositories

log = logging.getLogger(__name__)


class OwedMessages:
    def __init__(
        self,
        store: Repositories,
        sender: Sender,
        clock: Clock,
        strikes: Strikes,
        answers: AnswerShowing,
        editors_chat_id: int,
    ) -> None:
        self.store = store
        self.sender = sender
        self.clock = clock
        self.strikes = strikes
        self.answers = answers
        self.chat_id = editors_chat_id

    async def tell_contact(self, message: ContactMessage) -> None:
        aside = partial(self.store.contact_messages.mark_sent, message.id, self.clock.now())
        self.strikes.on(f"a message to the contact of R-{message.report_id}", aside)
        try:
            if message.question_id is None:
                await self.sender.send_text(
                    message.chat_id, message.text, reply_to=message.reply_to
                )
            else:  # an editor's question: their app opens a reply to it
                sent_id = await self.sender.send_prompt(
                    message.chat_id, message.text, reply_to=message.reply_to, mention=None
                )
                await self.store.questions.sent(message.question_id, sent_id, self.clock.now())
        except SendError as exc:
            if not exc.permanent:
                raise
            log.warning("could not tell the contact of R-%s: %s", message.report_id, exc)
        await self.store.contact_messages.mark_sent(message.id, self.clock.now())

    async def send_owed(self, owed: DeskMessage) -> None:
        """An answer or a question owed to the editors chat, queued by a handler."""
        aside = partial(self.store.desk_messages.sent, owed, None, self.clock.now())
        self.strikes.on(f"desk message {owed.id}", aside)
        message_id: int | None = None
        if owed.delete_message_id is not None:
            try:
                await self.sender.delete(owed.chat_id, owed.delete_message_id)
            except SendError as exc:
                if not exc.permanent:
                    raise
                # Too old to delete (Telegram allows 48 hours): say it is out of date.
                await self.sender.edit_text(owed.chat_id, owed.delete_message_id, owed.text)
        elif owed.edit_message_id is not None:
            await self.sender.edit_text(owed.chat_id, owed.edit_message_id, owed.text)
        elif owed.answer_id is not None:
            message_id = await self.answers.show(owed)
        elif owed.prompt_kind is not None:
            assert owed.editor_telegram_id is not None and owed.editor_name is not None
            message_id = await self.sender.send_prompt(
                owed.chat_id,
                owed.text,
                reply_to=owed.reply_to or 0,
                mention=(owed.editor_telegram_id, owed.editor_name),
                placeholder=owed.placeholder or "",
            )
        else:
            message_id = await self.sender.send_text(
                owed.chat_id, owed.text, reply_to=owed.reply_to
            )
        await self.store.desk_messages.sent(owed, message_id, self.clock.now())

    async def post_notice(self, post: OutboxRow) -> None:
        """Tell editors that a delivery is in doubt (with Resend / Mark as sent) or failed."""
        self.strikes.on(
            f"the notice of post {post.id}", partial(self.store.outbox.set_notice, post.id, 0)
        )
        report = await self.store.reports.get(post.report_id) if post.report_id else None
        what = (
            texts.NOTICE_UPDATE.format(number=report.number, code=report.code)
            if report is not None
            else texts.NOTICE_OPENING
        )
        if post.state == PostState.IN_DOUBT:
            text = texts.NOTICE_IN_DOUBT.format(what=what, channel=post.channel)
            keyboard: Keyboard = [
                [
                    Button(texts.BUTTON_RESEND, CallbackData(Action.RESEND, post.id).encode()),
                    Button(
                        texts.BUTTON_MARK_SENT, CallbackData(Action.MARK_SENT, post.id).encode()
                    ),
                ]
            ]
        else:
            text = texts.NOTICE_FAILED.format(
                what=what, channel=post.channel, error=post.error or "?"
            )
            keyboard = []
        message_id = await self.sender.send_text(self.chat_id, text, keyboard=keyboard)
        await self.store.outbox.set_notice(post.id, message_id)
