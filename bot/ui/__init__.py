"""What the bot shows, as plain data: messages, keyboards and callback data. No `telegram` import here."""
