"""The only package that talks to python-telegram-bot's Bot: sending, request transport, update processing."""
