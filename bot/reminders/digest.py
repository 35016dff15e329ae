"""`CoachDigest`: a JobQueue tick that sends the coaches' digests that are due (`coaches.digest_due_at`), like the
outcome prompter: claim and move on in one unit of work, send after the commit (at most once); a digest that could
not go out within hours is dropped. A tick with nothing due only reads."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import datetime
from typing import Any

from apscheduler.jobstores.base import JobLookupError
from telegram.error import TelegramError
from telegram.ext import Application, ContextTypes

from bot.context import AppContext
from bot.logging_setup import log_failure
from bot.services.coaching import digest
from bot.telegram_io.sender import RecipientBlocked, ReplyTarget
from bot.ui.message import Reply
from bot.views import coaching_digest as views

log = logging.getLogger(__name__)


class CoachDigest:
    """A component (see `bot.context.Component`)."""

    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx
        self._lock = asyncio.Lock()
        self._job: Any = None

    async def start(self, application: Application[Any, Any, Any, Any, Any, Any]) -> None:
        if application.job_queue is None:
            raise RuntimeError("the coach digest needs python-telegram-bot[job-queue]")
        settings = self.ctx.settings
        self._job = application.job_queue.run_repeating(
            self._tick,
            interval=settings.scheduler_tick_seconds,
            first=settings.scheduler_first_tick_seconds,
            name="coach-digest",
            job_kwargs={"misfire_grace_time": None, "coalesce": True, "max_instances": 1},
        )

    async def stop(self) -> None:
        if self._job is not None:
            with contextlib.suppress(JobLookupError):
                self._job.schedule_removal()
            self._job = None
        async with self._lock:
            pass

    async def _tick(self, _context: ContextTypes.DEFAULT_TYPE) -> None:
        if self._lock.locked():
            return
        try:
            await self.run_once()
        except Exception as exc:
            if not self.ctx.db.health.record_failure(exc):
                log_failure(log, "coach digest tick failed; the next tick retries", exc)

    async def run_once(self, now: datetime | None = None) -> int:
        """Send every digest due at `now` (default: the clock); how many were sent."""
        async with self._lock:
            moment = now or self.ctx.clock.now()
            ctx = self.ctx
            async with ctx.db.unit_of_work(read_only=True) as uow:
                if not await digest.any_due(uow, moment):
                    return 0
            async with ctx.db.unit_of_work() as uow:
                due = await digest.claim_due(
                    uow, ctx.settings.admin_user_ids, ctx.content, moment, ctx.settings.default_timezone
                )
            sent = 0
            for item in due:
                if item.stale:
                    continue
                message = views.digest(await ctx.content_of_user(item.coach_id), list(item.lines))
                try:
                    await ctx.sender.deliver(ReplyTarget(item.coach_id), Reply.of(message))
                    sent += 1
                except RecipientBlocked:
                    log.info("a digest was not sent: the coach blocked the bot")
                except TelegramError as exc:
                    log.warning("a digest could not be sent (%s); it is not repeated", type(exc).__name__)
            return sent
