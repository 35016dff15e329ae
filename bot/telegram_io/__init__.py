"""Telegram I/O plumbing: the HTTP request class python-telegram-bot uses to reach the Bot API."""
