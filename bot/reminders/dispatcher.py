"""The reminder dispatcher: one scheduler tick that sends every due reminder, paced, with database bookkeeping.

A single repeating job (PTB's JobQueue on APScheduler, `misfire_grace_time=None`, one instance at a time) calls
`run_once`. Nothing is kept in memory between ticks: the schedule is `reminder_slots.next_due_at`, so a restart
rebuilds nothing and loses nothing, and start-up cost does not grow with the number of users.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

from apscheduler.jobstores.base import JobLookupError
from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut
from telegram.ext import Application, ContextTypes

from bot.context import AppContext
from bot.reminders.pacing import RatePacer
from bot.reminders.queue import (
    ClaimedReminder,
    Outcome,
    claim_ready,
    materialize_due,
    record_outcomes,
    release_claims,
)
from bot.telegram_io.sender import RecipientBlocked

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=2)
CLAIM_BATCH = 500
RECORD_BATCH = 200
MAX_ATTEMPTS = 5
RETRY_AFTER_ATTEMPTS = 3  # 429s for one reminder before it waits for its lease instead

RenderReminder = Callable[[AppContext, ClaimedReminder], Awaitable[int]]


class ReminderDispatcher:
    """Sends due reminders. `send_reminder(ctx, claimed)` renders and sends one, returning its message id."""

    def __init__(self, ctx: AppContext, send_reminder: RenderReminder) -> None:
        self.ctx = ctx
        self._send_reminder = send_reminder
        self._pacer = RatePacer(ctx.settings.broadcast_per_second)
        self._lock = asyncio.Lock()
        self._stopping = False
        self._job: Any = None
        self._application: Application[Any, Any, Any, Any, Any, Any] | None = None

    def _should_stop(self) -> bool:
        """Shutting down: the application stops running before it waits for jobs, so a fan-out ends early."""
        return self._stopping or (self._application is not None and not self._application.running)

    async def start(self, application: Application[Any, Any, Any, Any, Any, Any]) -> None:
        self._application = application
        job_queue = application.job_queue
        if job_queue is None:
            raise RuntimeError("the reminder dispatcher needs python-telegram-bot[job-queue]")
        self._job = job_queue.run_repeating(
            self._tick,
            interval=self.ctx.settings.scheduler_tick_seconds,
            first=0.5,
            name="reminder-dispatcher",
            job_kwargs={"misfire_grace_time": None, "coalesce": True, "max_instances": 1},
        )

    async def stop(self) -> None:
        self._stopping = True
        if self._job is not None:
            # The application stops its job queue before this runs; the job may already be gone with it.
            with contextlib.suppress(JobLookupError):
                self._job.schedule_removal()
            self._job = None
        async with self._lock:  # let a running fan-out finish its in-flight sends and bookkeeping
            pass

    async def _tick(self, _context: ContextTypes.DEFAULT_TYPE) -> None:
        try:
            await self.run_once()
        except Exception:
            log.exception("reminder tick failed; the next tick retries")

    async def run_once(self, now: datetime | None = None) -> int:
        """Send everything due at `now` (default: the clock); the number of reminders sent."""
        async with self._lock:
            return await self._run(now)

    async def _run(self, fixed_now: datetime | None) -> int:
        settings = self.ctx.settings
        catch_up = timedelta(hours=settings.catch_up_hours)
        now = fixed_now or self.ctx.clock.now()
        while True:
            async with self.ctx.db.unit_of_work() as uow:
                handled = await materialize_due(
                    uow.session, now, catch_up=catch_up, default_timezone=settings.default_timezone
                )
            if handled == 0:
                break
        return await self._fan_out(fixed_now, catch_up)

    async def _claim(self, fixed_now: datetime | None, catch_up: timedelta) -> list[ClaimedReminder]:
        now = fixed_now or self.ctx.clock.now()
        async with self.ctx.db.unit_of_work() as uow:
            return await claim_ready(
                uow.session, now, lease=LEASE, catch_up=catch_up, limit=CLAIM_BATCH, max_attempts=MAX_ATTEMPTS
            )

    async def _fan_out(self, fixed_now: datetime | None, catch_up: timedelta) -> int:
        """Claim, send and record as a pipeline: the next batch is claimed while this one is sent, and outcomes
        are written in the background (one write at a time), so the senders never wait for the database."""
        recorder = _Recorder(self.ctx)
        sent = 0
        try:
            batch = await self._claim(fixed_now, catch_up) if not self._should_stop() else []
            while batch:
                following = asyncio.create_task(self._claim(fixed_now, catch_up))
                try:
                    sent += await self._send_batch(batch, recorder)
                finally:
                    batch = await following
                if self._should_stop():
                    if batch:  # claimed but never tried: give them back instead of leaving them leased
                        async with self.ctx.db.unit_of_work() as uow:
                            await release_claims(uow.session, [c.delivery_id for c in batch])
                    break
        finally:
            unsent = await recorder.close()
            if unsent:
                log.info("shutting down: %d claimed reminders released for the next start", unsent)
        return sent

    async def _send_batch(self, batch: list[ClaimedReminder], recorder: _Recorder) -> int:
        pending = iter(batch)
        sent = 0

        async def worker() -> None:
            nonlocal sent
            for claimed in pending:
                if self._should_stop():  # shutting down: the rest go back unsent
                    recorder.add(Outcome(claimed.delivery_id, claimed.user_id, "unsent"))
                    continue
                outcome = await self._deliver(claimed)
                sent += outcome.status == "sent"
                recorder.add(outcome)

        await asyncio.gather(*(worker() for _ in range(self.ctx.settings.send_concurrency)))
        return sent

    async def _deliver(self, claimed: ClaimedReminder) -> Outcome:
        for _ in range(RETRY_AFTER_ATTEMPTS):
            await self._pacer.acquire()
            try:
                message_id = await self._send_reminder(self.ctx, claimed)
            except RecipientBlocked:
                return Outcome(claimed.delivery_id, claimed.user_id, "blocked")
            except RetryAfter as exc:
                # Everyone waits (Telegram counts the whole bot), then this one goes again through the pacer.
                wait = exc.retry_after
                seconds = wait.total_seconds() if isinstance(wait, timedelta) else float(wait)
                self._pacer.hold(seconds + 0.1)
                log.info("flood control: every reminder waits %.1f s", seconds)
                if self._should_stop():
                    break
                continue
            except BadRequest as exc:
                log.warning("reminder could not be sent (%s)", type(exc).__name__)
                return Outcome(claimed.delivery_id, claimed.user_id, "failed")
            except (TimedOut, NetworkError) as exc:
                log.warning("reminder send failed (%s); it is retried", type(exc).__name__)
                return Outcome(claimed.delivery_id, claimed.user_id, "retry")
            return Outcome(claimed.delivery_id, claimed.user_id, "sent", message_id)
        return Outcome(claimed.delivery_id, claimed.user_id, "retry")


class _Recorder:
    """Collects outcomes and writes them in batches of RECORD_BATCH, in the background, one write at a time."""

    def __init__(self, ctx: AppContext) -> None:
        self._ctx = ctx
        self._pending: list[Outcome] = []
        self._lock = asyncio.Lock()
        self._writes: list[asyncio.Task[None]] = []
        self.unsent = 0

    def add(self, outcome: Outcome) -> None:
        self._pending.append(outcome)
        self.unsent += outcome.status == "unsent"
        if len(self._pending) >= RECORD_BATCH:
            self._write_pending()

    def _write_pending(self) -> None:
        if self._pending:
            outcomes, self._pending = self._pending, []
            self._writes.append(asyncio.create_task(self._write(outcomes)))

    async def _write(self, outcomes: list[Outcome]) -> None:
        async with self._lock, self._ctx.db.unit_of_work() as uow:
            await record_outcomes(uow.session, outcomes, self._ctx.clock.now())

    async def close(self) -> int:
        """Write what is left and wait for every write; the number handed back unsent. The first failure is
        raised (the leases then expire and those reminders are sent again: at-least-once)."""
        self._write_pending()
        writes, self._writes = self._writes, []
        results = await asyncio.gather(*writes, return_exceptions=True)
        for result in results:
            if isinstance(result, BaseException):
                raise result
        return self.unsent
