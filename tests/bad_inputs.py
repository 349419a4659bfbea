"""The bad-input table: whatever a frightened person (or anyone else) sends, the reply it
gets and the database after it (tests/test_bad_input.py runs each case)."""

from __future__ import annotations

from bot import texts
from tests.bad_input_acts import (
    MB,
    RTL,
    Case,
    answered_once,
    bomb,
    callback,
    card_shows_cleaned,
    channel_post,
    command,
    corrupt_jpeg,
    edit_approved,
    edit_published,
    edit_seen_card,
    file_as,
    huge_text,
    kept_whole_and_split,
    not_editor_in_group,
    not_published,
    note_to_editors,
    photo_with_caption,
    press_as,
    random_group,
    refusal,
    revoked_contact,
    rtl_text,
    send,
    send_big,
    stranger_edit,
    used_code,
    withdraw_other,
    wrong_arguments,
)

TABLE: dict[str, Case] = {
    "unknown sender": Case(send("stranger", text="hi"), texts.NOT_INVITED, 0),
    "unknown sender's photo": Case(
        send(
            "stranger",
            caption="x",
            photo=[{"file_id": "f", "file_unique_id": "u", "width": 1, "height": 1}],
        ),
        texts.NOT_INVITED,
        0,
    ),
    "revoked contact": Case(revoked_contact, texts.NOT_INVITED, 0, people=()),
    "sticker": Case(refusal("sticker"), texts.REFUSED_STICKER, 0),
    "location": Case(refusal("location"), texts.REFUSED_LOCATION, 0),
    "venue": Case(refusal("venue"), texts.REFUSED_LOCATION, 0),
    "poll": Case(refusal("poll"), texts.REFUSED_POLL, 0),
    "contact card": Case(refusal("contact card"), texts.REFUSED_CONTACT, 0),
    "dice": Case(refusal("dice"), texts.REFUSED_DICE, 0),
    "video note": Case(refusal("video note"), texts.REFUSED_UNSUPPORTED, 0),
    "60 MB file": Case(refusal("60 MB video"), "This file is too big (60 MB)", 0),
    "0-byte file": Case(refusal("0-byte file"), texts.REFUSED_EMPTY_FILE, 0),
    "whitespace-only text": Case(refusal("whitespace-only text"), texts.REFUSED_EMPTY, 0),
    "voice note": Case(
        send(voice={"file_id": "v1", "file_unique_id": "uv1", "duration": 3}),
        "Received — report R-1",
        1,
        card="Media: 1 voice",
    ),
    "corrupt JPEG as a document": Case(
        corrupt_jpeg, "Received — report R-1", 1, card="could not be shown safely"
    ),
    "PNG bomb as a document": Case(
        bomb, "Received — report R-1", 1, card="could not be shown safely"
    ),
    "10,000-character text": Case(
        huge_text, "Received — report R-1", 1, check=kept_whole_and_split
    ),
    "Arabic and Kurdish with emoji": Case(rtl_text, "Received — report R-1", 1, card=RTL),
    "forwarded message": Case(
        send(
            text="forwarded warning",
            forward_origin={
                "type": "hidden_user",
                "date": 1,
                "sender_user_name": "Original Author",
            },
        ),
        "Received — report R-1",
        1,
        card="Forwarded from a hidden account — not first-hand",
    ),
    "edit of a published report": Case(edit_published, "Report R-1 has already been reviewed", 1),
    "forged callback data": Case(
        lambda w, c: callback(w, c, "v1:approve:99999"), texts.BUTTON_UNKNOWN_REPORT, 1
    ),
    "oversized callback data": Case(
        lambda w, c: callback(w, c, "v1:approve:" + "1" * 80), texts.BUTTON_NOT_UNDERSTOOD, 1
    ),
    "old callback version": Case(
        lambda w, c: callback(w, c, "v0:approve:1"), texts.BUTTON_NOT_UNDERSTOOD, 1
    ),
    "command with wrong arguments": Case(wrong_arguments, texts.INVITE_USAGE, 0),
    "unknown command": Case(refusal("unknown command"), texts.UNKNOWN_COMMAND, 0),
    "/start with a used code": Case(
        used_code, texts.INVITE_USED, 0, people=("Kirkuk-1", "Other-1")
    ),
    "/start with a made-up code": Case(
        send(
            "stranger",
            text="/start abcdef",
            entities=[{"type": "bot_command", "offset": 0, "length": 6}],
        ),
        texts.INVITE_UNKNOWN,
        0,
    ),
    "JPEG claiming to be a PDF": Case(
        file_as("JPEG", mime="application/pdf", name="report.pdf"),
        "Received — report R-1",
        1,
        check=card_shows_cleaned("1 photo", "GPS location"),
    ),
    "PDF claiming to be a JPEG": Case(
        file_as("PDF", mime="image/jpeg", name="roof.jpg"),
        "Received — report R-1",
        1,
        check=card_shows_cleaned("1 document", "author"),
    ),
    "JPEG as application/octet-stream": Case(
        file_as("JPEG", mime="application/octet-stream", name="Ahmed_Hassan_roof.jpg"),
        "Received — report R-1",
        1,
        check=card_shows_cleaned("GPS location"),
    ),
    "HEIC sent as a file": Case(
        file_as("HEIF", mime="image/heic", name="IMG_0001.HEIC"),
        "Received — report R-1",
        1,
        check=card_shows_cleaned("GPS location"),
    ),
    "TIFF with a camera and an artist": Case(
        file_as("TIFF", mime="image/tiff"),
        "Received — report R-1",
        1,
        check=card_shows_cleaned("author", "camera make and model"),
    ),
    "GIF with a comment": Case(
        file_as("GIF", mime="image/gif"),
        "Received — report R-1",
        1,
        check=card_shows_cleaned("comment"),
    ),
    "WebP with GPS": Case(
        file_as("WEBP", mime="image/webp"),
        "Received — report R-1",
        1,
        check=card_shows_cleaned("GPS location"),
    ),
    "PNG with GPS": Case(
        file_as("PNG", mime="image/png"),
        "Received — report R-1",
        1,
        check=card_shows_cleaned("GPS location"),
    ),
    "Word document with its author": Case(
        file_as("DOCX", name="list.docx"),
        "Received — report R-1",
        1,
        check=card_shows_cleaned("1 document"),
    ),
    "video with GPS": Case(
        file_as("MP4", kind="video", mime="video/mp4"),
        "Received — report R-1",
        1,
        check=card_shows_cleaned("GPS location"),
    ),
    "voice note with a name tag": Case(
        file_as("OGG", kind="voice", mime="audio/ogg"),
        "Received — report R-1",
        1,
        card="A voice identifies its speaker",
    ),
    "9400×9400 PNG": Case(
        file_as("BOMB", mime="image/png"),
        "Received — report R-1",
        1,
        card="could not be shown safely",
    ),
    "file of no known kind": Case(
        file_as("JUNK", name="notes.xyz"),
        "Received — report R-1",
        1,
        card="Not cleaned",
    ),
    "20 MB and one byte": Case(
        send_big(20 * MB + 1),
        "This file is too big (20 MB)",
        0,
    ),
    "control characters in a text": Case(
        send(text="Smoke\x0b over\x1b[31m the\x08 bridge\ufffe"),
        "Received — report R-1",
        1,
        card="Smoke",
    ),
    "right-to-left override in a text": Case(
        send(text="\u202egnidliub eht\u202c near the bridge"),
        "Received — report R-1",
        1,
        card="near the bridge",
    ),
    "HTML in a text": Case(
        send(text="<b>bold?</b> <script>x</script> & more"),
        "Received — report R-1",
        1,
        card="<script>x</script> & more",
    ),
    "text of exactly 4,096 characters": Case(
        send(text="x" * 4096),
        "Received — report R-1",
        1,
    ),
    "photo caption with control characters": Case(
        photo_with_caption("roof\x1b\x0b from my window"),
        "Received — report R-1",
        1,
        card="from my window",
    ),
    "press from a stranger": Case(
        press_as("stranger", "v2:now:1:1"), texts.ONLY_EDITORS, 1, check=not_published
    ),
    "press from a contact on a card": Case(
        press_as("contact", "v2:now:1:1"), texts.ONLY_EDITORS, 1, check=not_published
    ),
    "a contact pressing Ask on their own report's card": Case(
        press_as("contact", "v1:ask:1"), texts.ONLY_EDITORS, 1, check=not_published
    ),
    "a stranger pressing Publish anyway": Case(
        press_as("stranger", "v2:anyway:1:1"), texts.ONLY_EDITORS, 1, check=not_published
    ),
    "Publish anyway on a report with nothing to override": Case(
        press_as("admin", "v2:anyway:1:1"), "Approved R-1", 1
    ),
    "press on a card its report changed since": Case(
        edit_seen_card, "R-1 changed since this card", 1, check=not_published
    ),
    "press with a version from the future": Case(
        press_as("admin", "v2:now:1:99"), "R-1 changed since this card", 1, check=not_published
    ),
    "press with a superscript digit": Case(
        press_as("admin", "v1:approve:²"), texts.BUTTON_NOT_UNDERSTOOD, 1, check=not_published
    ),
    "press with a negative id": Case(
        press_as("admin", "v1:approve:-1"), texts.BUTTON_NOT_UNDERSTOOD, 1, check=not_published
    ),
    "press with a field too many": Case(
        press_as("admin", "v2:now:1:1:1"), texts.BUTTON_NOT_UNDERSTOOD, 1, check=not_published
    ),
    "edit after approval": Case(
        edit_approved, "Report R-1 has already been reviewed", 1, check=note_to_editors
    ),
    "/withdraw of someone else's report": Case(
        withdraw_other,
        "There is no report R-1 of yours.",
        1,
        people=("Kirkuk-1", "Kirkuk-2"),
    ),
    "/withdraw with no report": Case(command("/withdraw"), texts.WITHDRAW_USAGE, 0),
    "/withdraw of a report that does not exist": Case(
        command("/withdraw R-99999"), "There is no report R-99999 of yours.", 0
    ),
    "/invite from a contact": Case(command("/invite contact X-1"), texts.ONLY_ADMINS, 0),
    "/invite with a 200-character pseudonym": Case(
        command("/invite contact " + "K" * 200, "admin"), texts.INVITE_BAD_PSEUDONYM[:30], 0
    ),
    "/revoke of nobody": Case(
        command("/revoke Nobody-9", "admin"), "No active person is called Nobody-9.", 0
    ),
    "/start with a 300-character code": Case(
        command("/start " + "a" * 300, "stranger"), texts.INVITE_UNKNOWN, 0
    ),
    "/start with an emoji code": Case(
        command("/start 🔑🔑🔑", "stranger"), texts.INVITE_UNKNOWN, 0
    ),
    "stranger's sticker": Case(
        send(
            "stranger",
            sticker={
                "file_id": "s",
                "file_unique_id": "s1",
                "type": "regular",
                "width": 1,
                "height": 1,
                "is_animated": False,
                "is_video": False,
            },
        ),
        texts.NOT_INVITED,
        0,
    ),
    "stranger's edit": Case(stranger_edit, texts.NOT_INVITED, 0, check=answered_once),
    "a non-editor in the editors chat": Case(not_editor_in_group, None, 0),
    "message in a random group": Case(random_group, None, 0),
    "post in a channel": Case(channel_post, None, 0),
}
