"""`DatabaseTick`: the scaffolding of a component that, every scheduler tick, sends what the database says is due.

The outcome prompter (`bot.reminders.prompts`) and the coaches' digest (`bot.reminders.digest`) both claim their due
rows in a unit of work that moves them on, then send after the commit (at most once). This owns what they share: the
JobQueue job (one run at a time; a tick that finds the previous one still running returns), a failed tick logged
and retried by the next one (an unavailable database is logged by `DatabaseHealth` instead), stopping after the
running tick, and sending one message that is never repeated. (The reminder dispatcher has its own job: it leases,
retries and paces, which these do not.)
"""

from __future__ import annotations

import abc
import asyncio
import contextlib
import logging
from datetime import datetime
from typing import Any, ClassVar

from apscheduler.jobstores.base import JobLookupError
from telegram.error import TelegramError
from telegram.ext import Application, ContextTypes

from bot.context import AppContext
from bot.logging_setup import log_failure
from bot.telegram_io.sender import RecipientBlocked, ReplyTarget
from bot.ui.message import OutgoingMessage, Reply

log = logging.getLogger(__name__)


class DatabaseTick(abc.ABC):
    """A component (see `bot.context.Component`) whose job runs `run_once` every `scheduler_tick_seconds`."""

    job_name: ClassVar[str]  # the JobQueue job's name
    what: ClassVar[str]  # what it sends, for the logs: "an outcome question"
    recipient: ClassVar[str]  # who gets it, for the logs: "the user"

    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx
        self._lock = asyncio.Lock()
        self._job: Any = None

    async def start(self, application: Application[Any, Any, Any, Any, Any, Any]) -> None:
        if application.job_queue is None:
            raise RuntimeError(f"{self.job_name} needs python-telegram-bot[job-queue]")
        settings = self.ctx.settings
        self._job = application.job_queue.run_repeating(
            self._tick,
            interval=settings.scheduler_tick_seconds,
            first=settings.scheduler_first_tick_seconds,
            name=self.job_name,
            job_kwargs={"misfire_grace_time": None, "coalesce": True, "max_instances": 1},
        )

    async def stop(self) -> None:
        if self._job is not None:
            with contextlib.suppress(JobLookupError):
                self._job.schedule_removal()
            self._job = None
        async with self._lock:  # let a running tick finish
            pass

    async def _tick(self, _context: ContextTypes.DEFAULT_TYPE) -> None:
        if self._lock.locked():
            return
        try:
            await self.run_once()
        except Exception as exc:
            if not self.ctx.db.health.record_failure(exc):
                log_failure(log, f"{self.job_name} tick failed; the next tick retries", exc)

    async def run_once(self, now: datetime | None = None) -> int:
        """Send everything due at `now` (default: the clock); how many were sent."""
        async with self._lock:
            return await self._run(now)

    @abc.abstractmethod
    async def _run(self, now: datetime | None) -> int:
        """Claim what is due (at `now`, or the clock's time when None) and send it; how many were sent."""

    async def _send(self, chat_id: int, message: OutgoingMessage) -> int:
        """Send one claimed message; 1 if it went out. It is never repeated: a failure is logged and dropped."""
        try:
            await self.ctx.sender.deliver(ReplyTarget(chat_id), Reply.of(message))
        except RecipientBlocked:
            log.info("%s was not sent: %s blocked the bot", self.what, self.recipient)
            return 0
        except TelegramError as exc:
            log.warning("%s could not be sent (%s); it is not repeated", self.what, type(exc).__name__)
            return 0
        return 1
