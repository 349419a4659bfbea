"""Every text the bot says to people, by audience (contacts, editors, admins, the public),
so tone and language can change without touching logic.

Texts marked `N_(...)` are translated (bot/locales, see bot/i18n.py): everything a contact
reads, the welcomes and hints of editors and admins in their private chats (ORG_LANGUAGE),
and the fixed words of channel posts (POST_LANGUAGE). They are said with `i18n.say(language,
TEXT, **values)`. The rest, the editors' desk in the editors chat, is English for now."""

from bot.texts.admins import *  # noqa: F403
from bot.texts.contacts import *  # noqa: F403
from bot.texts.editors import *  # noqa: F403
from bot.texts.public import *  # noqa: F403
