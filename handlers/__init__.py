"""Thin python-telegram-bot handlers: parse the update, check the role, call a service, reply.

One module per audience; the order in which they run is set in `bot/telegram/application.py`
(`add_handlers`).
"""
