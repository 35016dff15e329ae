"""`OutcomePrompter`: a JobQueue tick that sends the outcome questions that are due (`outcome_prompts`).

The morning-stiffness question goes out `stiffness_delay_minutes` (content) after the morning reminder's time;
the weekly check-in at the reminder's time. Each tick claims due rows in a unit of work that also moves them on
to their next time and opens the question (`bot.services.questions`, the check-in row), then sends after the
commit: a question is sent at most once, and one that could not go out within `STALE_AFTER` is dropped. Paused,
stopped and switched-off users are moved on without a message. Users get their schedule at set-up (and those who
set up before this feature from migration 0004).

A tick with nothing to do only reads (a unit of work that commits nothing would tell `DatabaseHealth` the database
is writable again while its disk is full), and start-up does no database work (a big database starts as fast).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import datetime, timedelta
from typing import Any

from apscheduler.jobstores.base import JobLookupError
from telegram.error import TelegramError
from telegram.ext import Application, ContextTypes

from bot.context import AppContext
from bot.logging_setup import log_failure
from bot.services import outcomes
from bot.services.outcome_schedule import KINDS, STIFFNESS, any_due, claim_due
from bot.telegram_io.sender import RecipientBlocked, ReplyTarget
from bot.ui.message import OutgoingMessage, Reply
from bot.views import outcomes as views

log = logging.getLogger(__name__)

BATCH = 200


class OutcomePrompter:
    """A component (see `bot.context.Component`)."""

    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx
        self._lock = asyncio.Lock()
        self._job: Any = None

    async def start(self, application: Application[Any, Any, Any, Any, Any, Any]) -> None:
        if application.job_queue is None:
            raise RuntimeError("the outcome prompter needs python-telegram-bot[job-queue]")
        settings = self.ctx.settings
        self._job = application.job_queue.run_repeating(
            self._tick,
            interval=settings.scheduler_tick_seconds,
            first=settings.scheduler_first_tick_seconds,
            name="outcome-prompter",
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
                log_failure(log, "outcome prompt tick failed; the next tick retries", exc)

    def _delay(self, kind: str) -> timedelta:
        minutes = self.ctx.content.coach.outcomes.stiffness_delay_minutes if kind == STIFFNESS else 0
        return timedelta(minutes=minutes)

    async def run_once(self, now: datetime | None = None) -> int:
        """Send every question due at `now` (default: the clock); how many were sent."""
        async with self._lock:
            sent = 0
            for kind in KINDS:
                while True:
                    batch, claimed = await self._claim(kind, now or self.ctx.clock.now())
                    for chat_id, message in batch:
                        sent += await self._send(chat_id, message)
                    if claimed < BATCH:
                        break
            return sent

    async def _claim(self, kind: str, now: datetime) -> tuple[list[tuple[int, OutgoingMessage]], int]:
        settings = self.ctx.settings
        messages: list[tuple[int, OutgoingMessage]] = []
        async with self.ctx.db.unit_of_work(read_only=True) as uow:
            if not await any_due(uow, kind, now - self._delay(kind)):
                return messages, 0
        async with self.ctx.db.unit_of_work() as uow:
            due = await claim_due(uow, kind, now, self._delay(kind), settings.default_timezone, BATCH)
            for prompt in due:
                if prompt.stale:
                    continue
                content = self.ctx.content_for(prompt.language)
                if kind == STIFFNESS:
                    if await outcomes.ask_stiffness(uow, prompt.user_id, prompt.local_date, now):
                        messages.append((prompt.chat_id, views.stiffness_question(content, prompt.local_date)))
                else:
                    row = await outcomes.open_checkin(uow, prompt.user_id, prompt.local_date, now)
                    if row is not None:
                        messages.append((prompt.chat_id, views.peg_question(content, row.id, 0, intro=True)))
        return messages, len(due)

    async def _send(self, chat_id: int, message: OutgoingMessage) -> int:
        try:
            await self.ctx.sender.deliver(ReplyTarget(chat_id), Reply.of(message))
        except RecipientBlocked:
            log.info("an outcome question was not sent: the user blocked the bot")
            return 0
        except TelegramError as exc:
            log.warning("an outcome question could not be sent (%s); it is not repeated", type(exc).__name__)
            return 0
        return 1
