"""A preview session: the stand-in, the real application on an `OffsetClock`, one terminal user, error counting.

Nothing here talks to Telegram or the real database: the token is made up, the Bot API is the in-process stand-in
and the SQLite file lives in the preview's data folder.
"""

from __future__ import annotations

import asyncio
import logging
import shutil
from contextlib import AsyncExitStack
from dataclasses import dataclass
from datetime import datetime, tzinfo
from pathlib import Path
from types import TracebackType
from typing import Any

from sqlalchemy import func, select
from telegram.ext import Application

from bot.config import load_settings
from bot.content.loader import Content
from bot.context import AppContext, app_context_of
from bot.db.models import ReminderSlot
from bot.domain.clock import OffsetClock
from bot.domain.local_time import user_zone
from bot.logging_setup import RedactTokens
from bot.standin import BotApiStandIn, ChatUser
from bot.standin.harness import running

# Made up: the stand-in accepts any well-formed token, and real Telegram never sees this one.
TOKEN = "4242424242:preview-not-a-real-token"
DATABASE_FILE = "preview.sqlite3"
LOG_FILE = "preview.log"
FILES_DIR = "files"
WATCHED_LOGGERS = ("bot", "telegram")
QUIET_SECONDS = 0.05


@dataclass(frozen=True)
class PreviewOptions:
    """Everything a preview needs; `content` is already loaded and valid."""

    data_dir: Path
    content: Content
    content_dir: Path
    speed: float = 10.0
    fresh: bool = False
    fire_reminder: bool = False
    user_id: int = 1001
    user_name: str = "You"
    as_coach: bool = False  # the preview user is a coach (ADMIN_USER_IDS), with demo clients planted
    language: str = "en"  # the simulated Telegram app's language_code (a new user is spoken to in it)
    settle_timeout: float = 10.0


class ErrorLog(logging.Handler):
    """Collects ERROR records of the `bot` and `telegram` loggers (the app's error handler logs there too)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []
        self.addFilter(RedactTokens())

    def emit(self, record: logging.LogRecord) -> None:
        message = f"{record.name}: {record.getMessage()}"
        if record.exc_info and record.exc_info[1] is not None:
            message += f" ({type(record.exc_info[1]).__name__}: {record.exc_info[1]})"
        self.messages.append(message)


class _LogCapture:
    """Sends the watched loggers to `<data-dir>/preview.log` and the `ErrorLog` instead of the terminal."""

    def __init__(self, log_path: Path, errors: ErrorLog) -> None:
        self.file = logging.FileHandler(log_path, encoding="utf-8")
        self.file.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        self.file.addFilter(RedactTokens())
        self.errors = errors
        self._saved: list[tuple[logging.Logger, int, bool]] = []

    def install(self) -> None:
        for name in WATCHED_LOGGERS:
            logger = logging.getLogger(name)
            self._saved.append((logger, logger.level, logger.propagate))
            logger.setLevel(logging.INFO)
            logger.propagate = False
            logger.addHandler(self.file)
            logger.addHandler(self.errors)

    def remove(self) -> None:
        for logger, level, propagate in self._saved:
            logger.removeHandler(self.file)
            logger.removeHandler(self.errors)
            logger.setLevel(level)
            logger.propagate = propagate
        self._saved.clear()
        self.file.close()


def prepare_data_dir(data_dir: Path, *, fresh: bool) -> None:
    """Creates the data folder; with `fresh`, first removes the preview database, its files and log."""
    if fresh:
        for name in (DATABASE_FILE, f"{DATABASE_FILE}-wal", f"{DATABASE_FILE}-shm", f"{DATABASE_FILE}-journal"):
            (data_dir / name).unlink(missing_ok=True)
        shutil.rmtree(data_dir / FILES_DIR, ignore_errors=True)
        (data_dir / LOG_FILE).unlink(missing_ok=True)
    data_dir.mkdir(parents=True, exist_ok=True)


class PreviewSession:
    """`async with PreviewSession(options) as session:` runs the whole bot until the block ends."""

    def __init__(self, options: PreviewOptions) -> None:
        self.options = options
        self.clock = OffsetClock()
        self.standin = BotApiStandIn(TOKEN, clock=self.clock)
        self.errors = ErrorLog()
        self.data_dir = options.data_dir
        self.files_dir = options.data_dir / FILES_DIR
        self._stack = AsyncExitStack()
        self._application: Application[Any, Any, Any, Any, Any, Any] | None = None
        self._user: ChatUser | None = None
        self._zone_name: str | None = None

    async def __aenter__(self) -> PreviewSession:
        prepare_data_dir(self.data_dir, fresh=self.options.fresh)
        capture = _LogCapture(self.data_dir / LOG_FILE, self.errors)
        capture.install()
        self._stack.callback(capture.remove)
        try:
            url = await self.standin.start()
            self._stack.push_async_callback(self.standin.stop)
            database = (self.data_dir / DATABASE_FILE).resolve()
            settings = load_settings(
                telegram_bot_token=TOKEN,
                telegram_api_url=url,
                database_url=f"sqlite+aiosqlite:///{database}",
                time_scale=self.options.speed,
                content_dir=self.options.content_dir,
                backup_dir=None,  # a BACKUP_DIR in .env is for the real bot, not for the preview's database
                # One person, and a script plays their inputs faster than anyone types: no per-user throttle.
                update_rate_per_user=1000.0,
                update_burst_per_user=10_000,
                **({"admin_user_ids": str(self.options.user_id)} if self.options.as_coach else {}),
            )
            from bot.app import build_application

            application = build_application(settings, clock=self.clock, content=self.options.content)
            self._application = await self._stack.enter_async_context(running(application))
            self._user = ChatUser(
                self.standin, self.options.user_id, self.options.user_name, language_code=self.options.language
            )
            if self.options.as_coach:
                from bot.preview.coach_demo import plant_demo_clients

                await plant_demo_clients(self.ctx, self.options.user_id)
            await self.refresh_timezone()
        except BaseException:
            await self._stack.aclose()
            raise
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self._stack.aclose()

    # ----- parts ------------------------------------------------------------------------------
    @property
    def application(self) -> Application[Any, Any, Any, Any, Any, Any]:
        if self._application is None:
            raise RuntimeError("the preview session is not running")
        return self._application

    @property
    def user(self) -> ChatUser:
        if self._user is None:
            raise RuntimeError("the preview session is not running")
        return self._user

    @property
    def ctx(self) -> AppContext:
        return app_context_of(self.application)

    # ----- time -------------------------------------------------------------------------------
    @property
    def zone_name(self) -> str:
        """The user's timezone, or the default one before they chose it."""
        return self._zone_name or self.ctx.settings.default_timezone

    @property
    def zone_chosen(self) -> bool:
        return self._zone_name is not None

    @property
    def zone(self) -> tzinfo:
        return user_zone(self._zone_name, self.ctx.settings.default_timezone)

    def local(self, moment: datetime) -> datetime:
        return moment.astimezone(self.zone)

    async def refresh_timezone(self) -> None:
        async with self.ctx.db.unit_of_work(read_only=True) as uow:
            user = await uow.users.get(self.options.user_id)
            self._zone_name = user.timezone if user is not None else None

    async def next_due(self) -> datetime | None:
        """When the user's next reminder is due (the earliest enabled slot), or None."""
        async with self.ctx.db.unit_of_work(read_only=True) as uow:
            query = select(func.min(ReminderSlot.next_due_at)).where(
                ReminderSlot.user_id == self.options.user_id, ReminderSlot.enabled.is_(True)
            )
            due: datetime | None = (await uow.session.execute(query)).scalar_one_or_none()
        return due

    async def is_onboarded(self) -> bool:
        async with self.ctx.db.unit_of_work(read_only=True) as uow:
            user = await uow.users.get(self.options.user_id)
            return user is not None and user.onboarding_step is None and user.onboarded_at is not None

    # ----- waiting ----------------------------------------------------------------------------
    def busy(self) -> bool:
        """Updates are waiting to be fetched, queued, or being handled."""
        application = self.application
        return (
            bool(self.standin.state.updates)
            or not application.update_queue.empty()
            or application.update_processor.current_concurrent_updates > 0
        )

    async def settle(self, timeout: float | None = None) -> bool:  # noqa: ASYNC109
        """Waits until the bot has handled everything the user did (False if it is still busy after `timeout`)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + (self.options.settle_timeout if timeout is None else timeout)
        quiet_since: float | None = None
        while loop.time() < deadline:
            if self.busy():
                quiet_since = None
            elif quiet_since is None:
                quiet_since = loop.time()
            elif loop.time() - quiet_since >= QUIET_SECONDS:
                await self.refresh_timezone()
                return True
            await asyncio.sleep(0.01)
        return False
