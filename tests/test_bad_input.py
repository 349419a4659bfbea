"""Whatever a frightened person (or anyone else) sends: a clear answer, nothing lost, nothing
stored that should not be. One table, each case with its reply and the database after it."""

from __future__ import annotations

import pytest

from tests.bad_input_acts import ANSWERS, BUTTON_ANSWER
from tests.bad_inputs import TABLE
from tests.conftest import World


@pytest.mark.parametrize("name", list(TABLE))
async def test_bad_input(world: World, name: str) -> None:
    case = TABLE[name]
    contact = await world.join("contact", "Kirkuk-1")
    chat, answered = await case.act(world, contact)
    if chat == BUTTON_ANSWER:
        assert case.reply is not None and ANSWERS.pop(id(world)).startswith(case.reply)
    elif case.reply is not None:
        reply = await world.bot_says(chat, case.reply.split("{")[0], after=answered)
        assert reply["text"].startswith(case.reply.split("{")[0])
    else:
        await world.sync()
        sends = [
            call.method
            for call in world.sandbox.calls
            if str(call.params.get("chat_id")) == str(chat)
            and call.method.lower().startswith(("send", "copy", "forward"))
        ]
        assert sends == []  # the bot says nothing there (and leaves a group it was put in)
    if case.card is not None:
        await world.card_shows(1, case.card)
    if case.check is not None:
        await case.check(world)
    await world.sync()
    assert await world.services.store.reports.count() == case.reports
    people = await world.services.store.people.all()
    assert tuple(sorted(p.pseudonym for p in people if p.status == "active")) == case.people
    # Nothing of the strangers involved was kept.
    async with world.services.store.db.read() as conn:
        dump = "\n".join([line async for line in conn.iterdump()])
    assert "Curious Stranger" not in dump and "Second Stranger" not in dump
    assert "Real Name" not in dump


def test_the_table_covers_at_least_60_cases() -> None:
    assert len(TABLE) >= 60
