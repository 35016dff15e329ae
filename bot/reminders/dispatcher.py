"""The reminder dispatcher: one scheduler tick that sends every due reminder, paced, with database bookkeeping.

A single repeating job (PTB's JobQueue on APScheduler, `misfire_grace_time=None`, one instance at a time) calls
`run_once`. Nothing is kept in memory between ticks: the schedule is `reminder_slots.next_due_at`, so a restart
rebuilds nothing and loses nothing, and start-up cost does not grow with the number of users.

Several instances on one PostgreSQL database each run this tick. A due reminder is claimed by exactly one of them
(`FOR UPDATE SKIP LOCKED` plus a lease of `REMINDER_LEASE_SECONDS`, see `bot.reminders.queue`), and an instance only
sends while its lease still has `lease_margin` to run, so a lease never expires under a send in progress. If an
instance dies, its unsent claims wait for their lease to run out and another instance sends them. What it had sent
but not yet recorded is sent again: at most `send_concurrency + RECORD_BATCH` reminders, because sending pauses
while a batch of outcomes is being written.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
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

CLAIM_BATCH = 500
RECORD_BATCH = 100
MAX_ATTEMPTS = 5

RenderReminder = Callable[[AppContext, ClaimedReminder], Awaitable[int]]


def lease_margin(lease: timedelta) -> timedelta:
    """How long before its lease ends an instance stops starting sends from a claim (a send can take a while)."""
    return min(lease / 4, timedelta(seconds=15))


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
            first=self.ctx.settings.scheduler_first_tick_seconds,
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
        lease = timedelta(seconds=settings.reminder_lease_seconds)
        now = fixed_now or self.ctx.clock.now()
        while True:
            async with self.ctx.db.unit_of_work() as uow:
                handled = await materialize_due(
                    uow.session, now, catch_up=catch_up, default_timezone=settings.default_timezone
                )
            if handled == 0:
                break
        sent = 0
        while not self._should_stop():
            now = fixed_now or self.ctx.clock.now()
            async with self.ctx.db.unit_of_work() as uow:
                batch = await claim_ready(
                    uow.session, now, lease=lease, catch_up=catch_up, limit=CLAIM_BATCH, max_attempts=MAX_ATTEMPTS
                )
            # Measured on the monotonic clock from the commit of the claim, whatever `now` says.
            send_until = time.monotonic() + (lease - lease_margin(lease)).total_seconds()
            if not batch:
                break
            sent += await self._send_batch(batch, send_until)
        return sent

    async def _send_batch(self, batch: list[ClaimedReminder], send_until: float) -> int:
        """Send a claimed batch; stop early at shutdown or when the lease gets short (`send_until`, monotonic).
        Unsent claims are given back for the next claim, here or on another instance."""
        queue: asyncio.Queue[ClaimedReminder] = asyncio.Queue()
        for claimed in batch:
            queue.put_nowait(claimed)
        outcomes: list[Outcome] = []
        not_recording = asyncio.Event()
        not_recording.set()
        sent = 0

        async def flush() -> None:
            if not outcomes:
                return
            pending = outcomes[:]
            outcomes.clear()
            not_recording.clear()
            try:
                async with self.ctx.db.unit_of_work() as uow:
                    await record_outcomes(uow.session, pending, self.ctx.clock.now())
            finally:
                not_recording.set()

        async def worker() -> None:
            nonlocal sent
            while not queue.empty() and not self._should_stop() and time.monotonic() < send_until:
                # Sent but unrecorded reminders (sent again if this process dies) stay below RECORD_BATCH plus
                # what is in flight: no new send starts while a batch of outcomes is being written.
                await not_recording.wait()
                if queue.empty():
                    break
                claimed = queue.get_nowait()
                outcome = await self._deliver(claimed)
                sent += outcome.status == "sent"
                outcomes.append(outcome)
                if len(outcomes) >= RECORD_BATCH and not_recording.is_set():
                    await flush()

        workers = [asyncio.create_task(worker()) for _ in range(self.ctx.settings.send_concurrency)]
        try:
            await asyncio.gather(*workers)
        finally:
            await flush()
            unsent = [queue.get_nowait().delivery_id for _ in range(queue.qsize())]
            if unsent:
                async with self.ctx.db.unit_of_work() as uow:
                    await release_claims(uow.session, unsent)
                log.info("%d claimed reminders released for the next claim", len(unsent))
        return sent

    async def _deliver(self, claimed: ClaimedReminder) -> Outcome:
        await self._pacer.acquire()
        try:
            message_id = await self._send_reminder(self.ctx, claimed)
        except RecipientBlocked:
            return Outcome(claimed.delivery_id, claimed.user_id, "blocked")
        except RetryAfter as exc:
            wait = exc.retry_after
            self._pacer.hold(wait.total_seconds() if isinstance(wait, timedelta) else float(wait))
            return Outcome(claimed.delivery_id, claimed.user_id, "retry")
        except BadRequest as exc:
            log.warning("reminder could not be sent (%s)", type(exc).__name__)
            return Outcome(claimed.delivery_id, claimed.user_id, "failed")
        except (TimedOut, NetworkError) as exc:
            log.warning("reminder send failed (%s); it is retried", type(exc).__name__)
            return Outcome(claimed.delivery_id, claimed.user_id, "retry")
        return Outcome(claimed.delivery_id, claimed.user_id, "sent", message_id)
