"""What an editor's press or command asks of the desk, besides a decision: a question to
answer (the text of an edit, a reason, where a copy is), a card brought to their private
chat, a private desk opened or closed, a notice brought up to date, a stale card copy
retired. All of it is queued for the courier's paced lanes; nothing here waits on
Telegram."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot import texts
from bot.clock import Clock
from bot.review.base import Editor, Outcome
from storage import Prompt, PromptKind, Repositories

PROMPTS = {
    PromptKind.EDIT: (texts.PROMPT_EDIT, texts.PROMPT_EDIT_PLACEHOLDER),
    PromptKind.REJECT_REASON: (texts.PROMPT_REASON, texts.PROMPT_REASON_PLACEHOLDER),
    PromptKind.CORRECT: (texts.PROMPT_CORRECT, texts.PROMPT_CORRECT_PLACEHOLDER),
    PromptKind.RETRACT: (texts.PROMPT_RETRACT, texts.PROMPT_RETRACT_PLACEHOLDER),
    PromptKind.ASK: (texts.PROMPT_ASK, texts.PROMPT_ASK_PLACEHOLDER),
    PromptKind.CONFIRM_TEXT: (texts.PROMPT_CONFIRM_TEXT, texts.PROMPT_CONFIRM_TEXT_PLACEHOLDER),
}


class DeskRequests:
    def __init__(
        self,
        store: Repositories,
        clock: Clock,
        *,
        wake_courier: Callable[..., None],
        desks_changed: Callable[[], Awaitable[None]],
    ) -> None:
        self.store = store
        self.clock = clock
        self.wake_courier = wake_courier
        self.desks_changed = desks_changed

    async def ask(self, outcome: Outcome, editor: Editor, chat_id: int) -> None:
        """Ask the editor who pressed for the text or reason, replying to the card in the
        chat they pressed in."""
        assert outcome.report is not None and outcome.prompt is not None
        report = outcome.report
        cards = await self.store.cards.messages(report.id, chat_id)
        card_id = next((m.message_id for m in cards if m.part == "card"), None)
        template, placeholder = PROMPTS[outcome.prompt]
        await self.store.desk_messages.add(
            chat_id,
            template.format(mention="{mention}", code=report.reference),
            self.clock.now(),
            reply_to=card_id,
            prompt=(
                outcome.prompt,
                report.id,
                editor.telegram_user_id,
                editor.name,
                placeholder.format(code=report.reference),
            ),
        )
        self.wake_courier(private=chat_id > 0)

    async def settled(
        self, outcome: Outcome, editor: Editor, chat_id: int, message_id: int, text: str
    ) -> None:
        """A delivery notice was settled (Resend / Mark as sent): the notice says how, and
        after Mark as sent the editor is asked for the link to that copy, so that later
        edits reach it."""
        await self.store.desk_messages.add(
            chat_id, f"{text}\n\n{outcome.answer}", self.clock.now(), edit_message_id=message_id
        )
        if outcome.prompt is not None and outcome.report is not None and outcome.post:
            number, channel = outcome.report.number, outcome.post.channel
            await self.store.desk_messages.add(
                chat_id,
                texts.PROMPT_POST_LINK.format(mention="{mention}", number=number, channel=channel),
                self.clock.now(),
                reply_to=message_id,
                prompt=(
                    PromptKind.POST_LINK,
                    outcome.report.id,
                    editor.telegram_user_id,
                    editor.name,
                    texts.PROMPT_POST_LINK_PLACEHOLDER.format(number=number),
                ),
                post_id=outcome.post.id,
            )
        self.wake_courier()

    async def open_card(self, report_id: int, editor_id: int, chat_id: int) -> str:
        """A queue message's 📖: the report's full card, in the presser's private chat (its
        own pace, not the editors chat's shared 20 a minute)."""
        report = await self.store.reports.get(report_id)
        if report is None:
            return texts.BUTTON_UNKNOWN_REPORT
        if await self.store.cards.messages(report_id, editor_id) or not (
            await self.store.card_requests.add(report_id, editor_id, self.clock.now())
        ):
            return texts.ANSWER_OPEN_ALREADY.format(code=report.code)
        self.wake_courier(private=True)
        if chat_id == editor_id:
            return texts.ANSWER_OPEN_COMING.format(code=report.code)
        return texts.ANSWER_OPEN_PRIVATE.format(code=report.code)

    async def retire_if_stale(self, chat_id: int, message_id: int, report_id: int) -> None:
        """A card copy the bot does not know (posted just before a crash, then posted again
        after the restart): the press counted, as on any copy; this copy is then deleted (or,
        when too old to delete, marked out of date without its buttons), so that only the
        current card is left to act on."""
        if await self.store.cards.report_at(chat_id, message_id) == report_id:
            return
        desk = await self.store.desks.get(chat_id)
        if desk is not None and desk.queue_message_id == message_id:
            return  # the queue message: its buttons name every waiting report
        await self.store.desk_messages.add(
            chat_id,
            texts.CARD_STALE_COPY.format(code=f"R-{report_id}"),
            self.clock.now(),
            delete_message_id=message_id,
        )
        self.wake_courier(private=chat_id > 0)

    async def say(self, chat_id: int, text: str, *, reply_to: int | None = None) -> None:
        """A message owed to the editors chat (an answer to a command), sent at its pace."""
        await self.store.desk_messages.add(chat_id, text, self.clock.now(), reply_to=reply_to)
        self.wake_courier()

    async def card_replied_to(self, chat_id: int, message_id: int) -> int | None:
        """The report whose card a message replies to, if it is one (/write cites it)."""
        return await self.store.cards.report_at(chat_id, message_id)

    async def prompt_answered(self, chat_id: int, replied_to: int) -> Prompt | None:
        """The bot's question a message replies to, if it is one."""
        return await self.store.prompts.get(chat_id, replied_to)

    async def open_desk(self, chat_id: int, editor: Editor) -> bool:
        """/desk: False if it was already open."""
        opened = await self.store.desks.open(chat_id, editor.telegram_user_id, self.clock.now())
        if opened:
            await self.store.audit.record(
                at=self.clock.now(),
                actor=editor.name,
                actor_telegram_id=editor.telegram_user_id,
                action="desk.open",
            )
            await self.desks_changed()
        return opened

    async def close_desk(self, chat_id: int) -> bool:
        """/desk off: False if none was open."""
        closed = await self.store.desks.close(chat_id)
        await self.desks_changed()
        return closed is not None
