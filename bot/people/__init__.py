"""People: invites that let contacts and editors in, and wiping a contact's chat."""
