"""The one way media goes out, to the editors chat and to channels alike.

Photos and videos travel as albums of up to ten (a lone one on its own); other files follow
one by one, each replying to the first media message. The caption rides on the first
message sent."""

from __future__ import annotations

from collections.abc import Sequence

from bot.rich import Rich
from bot.sender import ChatId, OutgoingMedia, Sender, SentMedia

VISUAL = {"photo", "video"}
ALBUM_MAX = 10


async def send_media_set(
    sender: Sender,
    chat: ChatId,
    media: Sequence[OutgoingMedia],
    *,
    caption: str | Rich | None = None,
    reply_to: int | None = None,
) -> list[tuple[int, SentMedia]]:
    """Send `media`; return (index in `media`, what was sent) in the order it was sent."""
    visual = [(i, item) for i, item in enumerate(media) if item.kind in VISUAL]
    others = [(i, item) for i, item in enumerate(media) if item.kind not in VISUAL]
    sent: list[tuple[int, SentMedia]] = []
    for start in range(0, len(visual), ALBUM_MAX):
        chunk = visual[start : start + ALBUM_MAX]
        text, target = (caption, reply_to) if not sent else (None, None)
        if len(chunk) == 1:
            results = [await sender.send_media(chat, chunk[0][1], reply_to=target, caption=text)]
        else:
            items = [item for _, item in chunk]
            results = await sender.send_album(chat, items, reply_to=target, caption=text)
        sent += [(i, result) for (i, _), result in zip(chunk, results, strict=True)]
    for i, item in others:
        result = await sender.send_media(
            chat,
            item,
            reply_to=sent[0][1].message_id if sent else reply_to,
            caption=caption if not sent else None,
        )
        sent.append((i, result))
    return sent
