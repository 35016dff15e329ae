"""Running the bot on Telegram: long polling, or a webhook with a secret token.

Webhook mode uses python-telegram-bot's own webhook server (tornado, `Updater.start_webhook`). Telegram sends the
secret in the `X-Telegram-Bot-Api-Secret-Token` header of every update; a request without it or with another one
gets 403 and is not processed. Several instances behind a load balancer share one `WEBHOOK_SECRET` (a generated
one differs per instance, and the last instance to start would win `setWebhook`).

`serving_webhook` is the whole start-up/shut-down path, usable inside a running event loop (tests drive it the
same way `stretchbot run --webhook` does).

If the database is lost while the bot runs (its file deleted or replaced, or read-only:
`bot.health.database_watcher`), the bot stops gracefully and `run_bot` returns `EXIT_DATABASE_LOST` (4), so the
service manager restarts it loudly.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import signal
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from typing import Any
from urllib.parse import urlsplit

from telegram import Update
from telegram.ext import Application, Updater

from bot.app import build_application
from bot.config import Settings
from bot.context import app_context_of
from bot.event_loop import use_fastest_event_loop
from bot.health.sentry import init_sentry
from bot.heap import settling_heap_after
from bot.lifecycle import running_application
from bot.logging_setup import configure_logging

log = logging.getLogger(__name__)

AnyApplication = Application[Any, Any, Any, Any, Any, Any]


def webhook_secret(settings: Settings) -> str:
    """WEBHOOK_SECRET, or a random one for this run (fine for a single instance)."""
    if settings.webhook_secret is not None and settings.webhook_secret.get_secret_value().strip():
        return settings.webhook_secret.get_secret_value().strip()
    return secrets.token_urlsafe(32)


def url_path_of(webhook_url: str) -> str:
    """The path the server listens on: the path of the public URL (a proxy forwards it unchanged)."""
    return urlsplit(webhook_url).path.strip("/")


@asynccontextmanager
async def serving_webhook(
    application: AnyApplication,
    *,
    webhook_url: str,
    secret_token: str,
    listen: str = "0.0.0.0",
    port: int = 8443,
) -> AsyncIterator[AnyApplication]:
    """Initialise `application`, run its start-up, start PTB's webhook server on `listen:port` (registering
    `webhook_url` with `setWebhook` and the secret) and start processing; undo it all on exit."""

    async def start_webhook(updater: Updater) -> None:
        await updater.start_webhook(
            listen=listen,
            port=port,
            url_path=url_path_of(webhook_url),
            webhook_url=webhook_url,
            secret_token=secret_token,
            allowed_updates=Update.ALL_TYPES,
            bootstrap_retries=-1,  # Telegram away at start: setWebhook is retried (with backoff) until it answers
        )

    async with running_application(application, start_webhook) as started:
        log.info("webhook server listening on %s:%d", listen, port)
        yield started


async def _serve_webhook(application: AnyApplication, *, webhook_url: str, secret: str, listen: str, port: int) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        with suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    app_context_of(application).db.health.on_lost(stop.set)
    async with serving_webhook(application, webhook_url=webhook_url, secret_token=secret, listen=listen, port=port):
        await stop.wait()
        log.info("stopping")


def run_bot(settings: Settings, *, webhook_url: str | None = None, listen: str = "0.0.0.0", port: int = 8443) -> int:
    """Run until SIGTERM/SIGINT (0) or until the database is lost (`EXIT_DATABASE_LOST`). A database the bot must
    not start on raises `DatabaseRefused` (the CLI exits with `EXIT_DATABASE_REFUSED`)."""
    configure_logging(settings.log_level, log_format=settings.log_format)
    if settings.sentry_dsn is not None:
        init_sentry(settings.sentry_dsn.get_secret_value())
    # A missing token or bad setting stops here, in one clear line.
    application = build_application(settings, mode="webhook" if webhook_url else "polling")
    log.debug("event loop: %s", use_fastest_event_loop())
    application.post_init = settling_heap_after(application.post_init)  # after start-up, before the first update
    if webhook_url:
        secret = webhook_secret(settings)
        asyncio.run(_serve_webhook(application, webhook_url=webhook_url, secret=secret, listen=listen, port=port))
    else:
        # From a job, `stop_running` ends `run_polling` the graceful way (updates in hand are answered first).
        app_context_of(application).db.health.on_lost(application.stop_running)
        # Telegram away at start: getMe and deleteWebhook are retried (backoff up to 30 s) until it answers, rather
        # than the process exiting.
        application.run_polling(allowed_updates=Update.ALL_TYPES, bootstrap_retries=-1)
    return app_context_of(application).db.health.exit_code or 0
