"""Running the bot on Telegram: long polling, or a webhook with a secret token, and its exit code.

Start-up explains itself (`bot.failures` has the exit codes): Telegram is reached first (`getMe`, retried with
backoff for `STARTUP_RETRY_SECONDS` while it does not answer, `bot.telegram_io.startup`), then the database is
checked (`bot.db.startup`), then updates are taken. Each failure is one line naming the cause and the fix, never the
token (every line the process writes is redacted: `bot.redaction`), and a distinct exit code.

Webhook mode runs the bot's own aiohttp server (`bot.telegram_io.webhook_server`: the secret header checked before
the body is read, bodies over `WEBHOOK_MAX_BODY_BYTES` refused unread). Telegram sends the secret in the
`X-Telegram-Bot-Api-Secret-Token` header of every update; a request without it or with another one gets 403. Several
instances behind a load balancer share one `WEBHOOK_SECRET` (a generated one differs per instance, and the last
instance to start would win `setWebhook`). "stretchbot is up" is logged once updates can arrive (the server listens).

While running: the database lost (`bot.health.database_watcher`) stops the bot with `EXIT_DATABASE_LOST`; the token
revoked (any request answered 401) with `EXIT_TOKEN_REJECTED`. SIGTERM/SIGINT stop it gracefully; if that takes
longer than `STOP_TIMEOUT_SECONDS` (a watchdog thread, so even a blocked event loop), it exits hard with
`EXIT_STOP_TIMED_OUT`.
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import signal
import threading
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager, suppress
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web
from telegram import Update
from telegram.ext import Application, Updater

from bot.app import build_application, startup_summary
from bot.config import Settings
from bot.context import app_context_of
from bot.db.location import DatabaseRefused
from bot.event_loop import use_fastest_event_loop
from bot.failures import (
    EXIT_BAD_SETTING,
    EXIT_CANNOT_LISTEN,
    EXIT_DATABASE_LOST,
    EXIT_DATABASE_REFUSED,
    EXIT_OK,
    EXIT_STOP_TIMED_OUT,
    EXIT_TELEGRAM_UNEXPECTED,
    EXIT_TELEGRAM_UNREACHABLE,
    EXIT_TOKEN_REJECTED,
    StartupFailure,
)
from bot.health.sentry import init_sentry
from bot.heap import settling_heap_after
from bot.lifecycle import running_application
from bot.logging_setup import configure_logging
from bot.redaction import redact_standard_streams
from bot.telegram_io.polling import start_polling
from bot.telegram_io.startup import (
    BadApiUrl,
    StartupProblem,
    TelegramAnsweredOddly,
    TelegramUnreachable,
    TokenRejected,
    reach_telegram,
    with_retries,
)
from bot.telegram_io.webhook_server import DEFAULT_MAX_BODY, CannotListen, WebhookServer

log = logging.getLogger(__name__)

AnyApplication = Application[Any, Any, Any, Any, Any, Any]

_PROBLEM_CODES: dict[type[StartupProblem], int] = {
    TokenRejected: EXIT_TOKEN_REJECTED,
    TelegramUnreachable: EXIT_TELEGRAM_UNREACHABLE,
    TelegramAnsweredOddly: EXIT_TELEGRAM_UNEXPECTED,
    BadApiUrl: EXIT_BAD_SETTING,
}


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
    max_body: int = DEFAULT_MAX_BODY,
    routes: Sequence[web.RouteDef] = (),
) -> AsyncIterator[AnyApplication]:
    """Initialise `application`, run its start-up, start the webhook server on `listen:port` (with `routes` beside
    the webhook), register `webhook_url` with `setWebhook` and the secret, and start processing; undo it all on exit.
    `CannotListen` if the port cannot be had."""
    server = WebhookServer(
        application.bot,
        application.update_queue,
        path=url_path_of(webhook_url),
        secret=secret_token,
        listen=listen,
        port=port,
        max_body=max_body,
        routes=routes,
    )
    api_url = app_context_of(application).settings.telegram_api_url

    async def start_webhook(_updater: Updater) -> None:
        await server.start()

        async def register() -> bool:
            registered: bool = await application.bot.set_webhook(
                webhook_url, secret_token=secret_token, allowed_updates=Update.ALL_TYPES
            )
            return registered

        await with_retries(register, what="setWebhook", api_url=api_url, window=float("inf"))

    try:
        async with running_application(application, start_webhook) as started:
            log.info("webhook server listening on %s:%d", listen, port)
            try:
                yield started
            finally:
                await server.stop()  # no more updates in, then the application answers what it holds
    finally:
        await server.stop()


class _Stop:
    """Why the bot stops: an exit code (0 for SIGTERM), set once; a watchdog bounds how long stopping takes."""

    def __init__(self, timeout: float) -> None:
        self.event = asyncio.Event()
        self.code = EXIT_OK
        self._timeout = timeout
        self._watchdog: threading.Timer | None = None

    def request(self, code: int = EXIT_OK) -> None:
        if not self.event.is_set():
            self.code = code
            self.event.set()
        self._arm()

    def _arm(self) -> None:
        if self._watchdog is None:
            self._watchdog = threading.Timer(self._timeout, self._hard_stop)
            self._watchdog.daemon = True
            self._watchdog.start()

    def _hard_stop(self) -> None:
        log.critical(
            "did not stop within STOP_TIMEOUT_SECONDS (%.0f s): stopping hard with exit code %d; claimed reminders are "
            "given back by their lease",
            self._timeout,
            EXIT_STOP_TIMED_OUT,
        )
        logging.shutdown()
        os._exit(EXIT_STOP_TIMED_OUT)

    def disarm(self) -> None:
        if self._watchdog is not None:
            self._watchdog.cancel()


async def serve(application: AnyApplication, settings: Settings, *, webhook: dict[str, Any] | None) -> int:
    """Start-up, serving until told to stop, shut-down: the exit code (`bot.failures`)."""
    stop = _Stop(settings.stop_timeout_seconds)
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        with suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.request)
    ctx = app_context_of(application)
    ctx.db.health.on_lost(lambda: stop.request(ctx.db.health.exit_code or EXIT_DATABASE_LOST))
    ctx.reachability.reporting = False
    early_health = ctx.health_server  # HEALTH_PORT: /healthz answers while Telegram is still being reached
    try:
        if early_health is not None:
            try:
                await early_health.start(application)
            except OSError as exc:
                raise StartupFailure(EXIT_CANNOT_LISTEN, str(exc)) from None
        await _race(reach_telegram(application.bot, api_url=settings.telegram_api_url,
                                   window=settings.startup_retry_seconds), stop)  # fmt: skip
        ctx.reachability.reporting = True
        if stop.event.is_set():
            return stop.code
        user = application.bot.bot
        log.info("connected to Telegram as @%s (%s)", user.username, settings.telegram_api_url)
        ctx.reachability.on_token_rejected(lambda: _token_revoked(stop))
        if webhook is not None:
            async with serving_webhook(application, **webhook):
                await _serving(stop, application, "webhook")
        else:
            async with running_application(application, start_polling):
                await _serving(stop, application, "polling")
    except StartupProblem as problem:
        raise StartupFailure(_PROBLEM_CODES.get(type(problem), EXIT_TELEGRAM_UNEXPECTED), str(problem)) from None
    except DatabaseRefused as exc:
        raise StartupFailure(EXIT_DATABASE_REFUSED, f"refusing to start: {exc}") from None
    except CannotListen as exc:
        raise StartupFailure(EXIT_CANNOT_LISTEN, str(exc)) from None
    finally:
        stop.disarm()
        if early_health is not None:
            await early_health.stop()
    code = stop.code
    log.info("stopped (exit code %d)", code)
    return code


async def _serving(stop: _Stop, application: AnyApplication, mode: str) -> None:
    log.info("stretchbot is up: %s", startup_summary(application, mode))
    await stop.event.wait()
    log.info("stopping")


def _token_revoked(stop: _Stop) -> None:
    log.critical(
        "Telegram rejected TELEGRAM_BOT_TOKEN (401 Unauthorized) while the bot ran: it was revoked. Copy the current "
        "token from @BotFather into TELEGRAM_BOT_TOKEN and start again; stopping with exit code %d",
        EXIT_TOKEN_REJECTED,
    )
    stop.request(EXIT_TOKEN_REJECTED)


async def _race(start: Any, stop: _Stop) -> None:
    """Run `start`, unless a stop is requested first (SIGTERM while Telegram is away at start)."""
    task = asyncio.ensure_future(start)
    waiter = asyncio.ensure_future(stop.event.wait())
    try:
        await asyncio.wait({task, waiter}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        waiter.cancel()
    if not task.done():
        task.cancel()
        with suppress(asyncio.CancelledError):
            await task
        return
    task.result()


def run_bot(
    settings: Settings,
    *,
    webhook_url: str | None = None,
    listen: str = "0.0.0.0",
    port: int = 8443,
    routes: Sequence[web.RouteDef] = (),
) -> int:
    """Run until SIGTERM/SIGINT (0) or a failure (its exit code, `bot.failures`); a failure at start raises
    `StartupFailure` (the CLI prints its one line). `routes` (health, metrics) are served beside the webhook."""
    secret = webhook_secret(settings) if webhook_url else None
    redact_standard_streams()
    token = settings.telegram_bot_token.get_secret_value() if settings.telegram_bot_token is not None else None
    configure_logging(settings.log_level, secrets=(token, secret), log_format=settings.log_format)
    if settings.sentry_dsn is not None:
        init_sentry(settings.sentry_dsn.get_secret_value())
    application = build_application(settings)  # a missing token or bad setting stops here, in one clear line
    log.debug("event loop: %s", use_fastest_event_loop())
    application.post_init = settling_heap_after(application.post_init)  # after start-up, before the first update
    webhook = None
    if webhook_url and secret is not None:
        webhook = {
            "webhook_url": webhook_url,
            "secret_token": secret,
            "listen": listen,
            "port": port,
            "max_body": settings.webhook_max_body_bytes,
            # /healthz, /readyz, /metrics share the webhook's port (and HEALTH_PORT too, when set).
            "routes": [*app_context_of(application).health.routes(), *routes],
        }
    return asyncio.run(serve(application, settings, webhook=webhook))
