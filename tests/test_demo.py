"""`make demo`, the README's first command, plays its whole story."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.demo import run_demo


async def test_demo_plays_the_whole_story(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # the demo writes its live blog where it runs
    assert await run_demo() == 0
    shown = capsys.readouterr().out
    assert "The demo story did not finish" not in shown
    channel = shown.split("The supporters' channel, as a reader sees it =====")[1]
    assert "Attack on Kirkuk" in channel
    assert "Confirmed (" in channel and "UPDATE #1 (" in channel
    assert "Unconfirmed: Smoke over the old city, from my roof." in channel
    assert "Checked: the contacts' real names and usernames appear nowhere" in shown
    assert "Checked: the channel shows 7 numbered updates and no pseudonym" in shown
    assert "its card, for editors only: Sources: R-3 (Kirkuk-2), R-4 (Kirkuk-1)" in shown
    assert "BREAKING: Kirkuk is under attack." in channel
    assert "My mother is in Kirkuk and she says the streets are empty" in channel
    # Desk-1 asked a contact: the answer reached the desk and was never published.
    assert "Answer to R-3 (Kirkuk-2)" in shown and "The north gate" in shown
    assert "The north gate" not in channel
    assert "📌 Key updates: Attack on Kirkuk" in channel
    for secret in ("Kirkuk-1", "Kirkuk-2", "Desk-1", "R-3", "Real Name"):
        assert secret not in channel
    index = tmp_path / "demo-site" / "index.html"
    assert f"Live blog: {index}" in shown and index.exists()
    page = (tmp_path / "demo-site" / "story-1" / "index.html").read_text()
    assert page.count('<section class="update') == 7 and 'id="update-7"' in page
    assert "Checked: the live blog shows no pseudonym, writer or report id either." in shown
