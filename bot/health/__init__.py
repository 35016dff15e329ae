"""Watching the bot's own health: the database file under the running bot, the metrics, the health endpoints
(`/healthz`, `/readyz`, `/metrics`) and the reports of unhandled errors."""
