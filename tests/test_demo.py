"""`make demo`, the README's first command, plays its whole story."""

from __future__ import annotations

import pytest

from bot.demo import run_demo


async def test_demo_plays_the_whole_story(capsys: pytest.CaptureFixture[str]) -> None:
    assert await run_demo() == 0
    shown = capsys.readouterr().out
    assert "The demo story did not finish" not in shown
    channel = shown.split("The supporters' channel, as a reader sees it =====")[1]
    assert "Attack on Kirkuk" in channel
    assert "Confirmed (" in channel and "UPDATE #1 (" in channel
    assert "Unconfirmed: Smoke over the old city, from my roof." in channel
    assert "Checked: the contact's real name and username appear nowhere" in shown
