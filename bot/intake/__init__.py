"""Intake: a contact's message becomes a stored, pending report (albums collected first)."""
