"""Watching the bot's own health: the database file under the running bot (and, later, the health endpoints)."""
