"""Running the bot on Telegram: long polling, or a webhook with a secret token."""

from __future__ import annotations

import secrets

from telegram import Update

from bot.app import build_application
from bot.config import Settings
from bot.logging_setup import configure_logging


def run_bot(settings: Settings, *, webhook_url: str | None = None, listen: str = "0.0.0.0", port: int = 8443) -> int:
    configure_logging(settings.log_level)
    application = build_application(settings)
    if webhook_url:
        secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else secrets.token_urlsafe(32)
        application.run_webhook(
            listen=listen,
            port=port,
            webhook_url=webhook_url,
            secret_token=secret,
            allowed_updates=Update.ALL_TYPES,
        )
    else:
        application.run_polling(allowed_updates=Update.ALL_TYPES)
    return 0
