"""The Telegram edge: the Application and its handlers, polling, webhook, and the sender."""
