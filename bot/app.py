"""`build_application(settings)`: the one factory that wires the bot together. Importing it does nothing.

Start-up (`post_init`) checks the database (the right file, the schema up to date, writable: `bot.db.startup`),
registers the command menu and starts the components: the database watcher, the render pool (worker processes that
draw charts and reports), and those that rebuild their in-memory state from the database (the reminder dispatcher,
routine timers).
"""

from __future__ import annotations

import logging
from typing import Any

from telegram.ext import Application, ApplicationBuilder, ContextTypes
from telegram.request import BaseRequest

from bot.backup.scheduled import ScheduledBackup
from bot.charts.pool import RenderPool
from bot.config import Settings
from bot.content.loader import Content, load_content
from bot.context import APP_KEY, AppContext, BotContext, StartUp, app_context_of
from bot.db.commits import recording_commits
from bot.db.startup import prepare_database
from bot.db.unit_of_work import Database
from bot.domain.clock import Clock, SystemClock
from bot.handlers import register_handlers
from bot.handlers.throttled import reports_pain, throttled_reply
from bot.health.database_watcher import DatabaseWatcher
from bot.health.errors import ErrorReporter
from bot.health.http import HealthEndpoints, Readiness
from bot.health.metrics import Metrics
from bot.health.server import HealthServer
from bot.reminders.digest import CoachDigest
from bot.reminders.dispatcher import ReminderDispatcher
from bot.reminders.prompts import OutcomePrompter
from bot.reminders.sending import ReminderSender
from bot.routine.runtime import RoutineRuntime
from bot.telegram_io.aiohttp_request import AiohttpRequest
from bot.telegram_io.chat_pacer import MESSAGE_GAP_SECONDS, ChatPacer
from bot.telegram_io.chat_rate_limiter import PerChatRetry
from bot.telegram_io.reachability import TelegramReachability
from bot.telegram_io.sender import Sender
from bot.telegram_io.throttle import UserThrottle
from bot.telegram_io.update_processor import PerUserUpdateProcessor
from bot.views.menu import menu

log = logging.getLogger(__name__)


UPDATE_CONCURRENCY = 256  # updates of different users handled at once


def _request(
    settings: Settings,
    *,
    pool: int,
    read_timeout: float,
    reachability: TelegramReachability,
    metrics: Metrics,
    screen_updates: bool = False,
) -> BaseRequest:
    return AiohttpRequest(
        connection_pool_size=pool,
        read_timeout=read_timeout,
        pool_timeout=10.0,
        reachability=reachability,
        observer=metrics,
        screen_updates=screen_updates,
    )


def build_application(
    settings: Settings,
    *,
    clock: Clock | None = None,
    content: Content | None = None,
    migrate: bool = True,
    start_components: bool = True,
) -> Application[Any, Any, Any, Any, Any, Any]:
    """The bot, ready for `run_polling`, `run_webhook`, or manual `initialize`/`start` in tests and the preview."""
    token = settings.require_token()
    content = content if content is not None else load_content(settings.content_dir)
    api = settings.telegram_api_url
    reachability = TelegramReachability()  # every Bot API request reports to it (bot.telegram_io.reachability)
    metrics = Metrics()  # this application's own registry (bot.health.metrics)
    # One user's flood cannot delay anyone else: their updates wait for their turn without a global slot, and
    # beyond a burst and a few a second they are answered, not handled (bot.telegram_io.update_processor).
    processor = PerUserUpdateProcessor(
        UPDATE_CONCURRENCY,
        around_each=recording_commits,
        throttle=UserThrottle(settings.update_rate_per_user, settings.update_burst_per_user),
        on_handled=metrics.update_handled,
    )
    application = (
        ApplicationBuilder()
        .token(token)
        .base_url(f"{api}/bot")
        .base_file_url(f"{api}/file/bot")
        # A connection for each update that may run at once (PTB's own default pool size), plus the reminder senders.
        .request(
            _request(
                settings,
                pool=UPDATE_CONCURRENCY + settings.send_concurrency,
                read_timeout=10.0,
                reachability=reachability,
                metrics=metrics,
            )
        )
        # Each getUpdates batch is screened for updates PTB cannot parse (skipped one by one, the offset advances).
        .get_updates_request(
            _request(
                settings, pool=2, read_timeout=40.0, reachability=reachability, metrics=metrics, screen_updates=True
            )
        )
        .concurrent_updates(processor)
        .context_types(ContextTypes(context=BotContext))
        .rate_limiter(PerChatRetry(max_retries=3))  # a 429 holds only its own chat
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
        .build()
    )
    # At most one new message a second in each chat (Telegram's limit), scaled like every routine timer.
    sender = Sender(application.bot, ChatPacer(MESSAGE_GAP_SECONDS / settings.time_scale))
    ctx = AppContext(
        settings=settings,
        content=content,
        db=Database(settings.database_url),
        clock=clock if clock is not None else SystemClock(),
        sender=sender,
        startup=StartUp(migrate=migrate, start_components=start_components),
    )
    ctx.reachability = reachability
    ctx.metrics = metrics
    ctx.errors = ErrorReporter(metrics, sender, content, settings)
    ctx.watcher = DatabaseWatcher(ctx.db, settings.database_check_seconds)
    ctx.dispatcher = ReminderDispatcher(
        ctx, ReminderSender(content, sender, settings.default_timezone), reachability, observer=metrics
    )
    ctx.routine = RoutineRuntime(ctx, observer=metrics)
    ctx.backup = ScheduledBackup(settings)
    ctx.prompter = OutcomePrompter(ctx)
    ctx.digest = CoachDigest(ctx)
    ctx.renders = RenderPool(
        settings.render_workers,
        settings.render_queue,
        settings.render_idle_seconds,
        warm_at_start=settings.render_warm_at_start,
        max_wait=settings.render_max_wait_seconds,
    )
    ctx.health = HealthEndpoints(ctx, metrics, Readiness(ctx, metrics, reachability))
    if settings.health_port is not None:
        ctx.health_server = HealthServer(ctx.health, settings.health_listen, settings.health_port)
    processor.on_throttled = throttled_reply(ctx)
    processor.exempt = reports_pain(ctx)
    application.bot_data[APP_KEY] = ctx
    register_handlers(application)
    return application


async def _post_init(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    ctx = app_context_of(application)
    await prepare_database(ctx.db, migrate=ctx.startup.migrate)
    for note in ctx.content.notes:  # a partial translation: English is used for what it lacks
        log.warning("content: %s", note)
    await _register_languages(application, ctx.content)
    if ctx.startup.start_components:
        for component in ctx.components:
            await component.start(application)
    log.debug("start-up done: database ready, components started")


async def _register_languages(application: Application[Any, Any, Any, Any, Any, Any], content: Content) -> None:
    """The command menu, description and short description in every language (English for the rest)."""
    done: set[str] = set()
    for code in content.language_names():
        texts = content.for_language(code).texts
        telegram_code = None if code == content.language else code.split("_", 1)[0].lower()
        if (telegram_code or "") in done:
            continue
        done.add(telegram_code or "")
        bot = application.bot
        await bot.set_my_commands(menu(texts), language_code=telegram_code)
        await bot.set_my_description(texts.render("about.description"), language_code=telegram_code)
        await bot.set_my_short_description(texts.render("about.short_description"), language_code=telegram_code)


def startup_summary(application: Application[Any, Any, Any, Any, Any, Any], mode: str) -> str:
    """What runs, for the "stretchbot is up" line: the bot's @username, the mode, the database (no credentials), the
    content."""
    ctx = app_context_of(application)
    routines = ", ".join(f"{r.id} ({len(r.steps)} steps)" for r in ctx.content.routines.values())
    database = f"{'SQLite' if ctx.db.is_sqlite else 'PostgreSQL'} {ctx.db.health.description}"
    texts = len(ctx.content.texts.keys())
    languages = ", ".join(ctx.content.language_names())
    return (
        f"@{application.bot.username}, {mode}, database {database}, content: {texts} texts in {languages}, "
        f"routines: {routines}"
    )


async def _post_shutdown(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    ctx = app_context_of(application)
    if ctx.startup.start_components:
        for component in reversed(ctx.components):
            await component.stop()
    await ctx.db.dispose()
