"""The reminder dispatcher: one scheduler tick that sends every due reminder, paced, with database bookkeeping.

A single repeating job (PTB's JobQueue on APScheduler, `misfire_grace_time=None`, one instance at a time) calls
`run_once`. Nothing is kept in memory between ticks: the schedule is `reminder_slots.next_due_at`, so a restart
rebuilds nothing and loses nothing, and start-up cost does not grow with the number of users.

Several instances on one PostgreSQL database each run this tick. A due reminder is claimed by exactly one of them
(`FOR UPDATE SKIP LOCKED` plus a lease of `REMINDER_LEASE_SECONDS`, see `bot.reminders.queue`), and an instance only
sends while its lease still has `lease_margin` to run, so a lease never expires under a send in progress. If an
instance dies, its unsent claims wait for their lease to run out and another instance sends them. What it had sent
but not yet recorded is sent again: at most `RECORD_BATCH + send_concurrency - 1` reminders, because a worker
starts no new send while RECORD_BATCH outcomes are unrecorded (see docs/guarantees.md).
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
from bot.logging_setup import log_failure
from bot.reminders.pacing import Paced, RatePacer
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
# At most this many finished sends are not yet recorded at any time: what a crash can repeat, besides the sends
# in flight. Smaller means more transactions (one per RECORD_BATCH // 2 sends). Measured with `make bench` (10,000
# due, 100,000 users): 20 -> 2,350 reminders/s, 50 -> 3,300/s, 100 -> 3,580/s; 50 keeps a crash's duplicates
# at most 57 while meeting the 3,000/s target.
RECORD_BATCH = 50
RETRY_AFTER_ATTEMPTS = 3  # 429s for one reminder before it waits for its lease instead
MAX_ATTEMPTS = 5

# Renders and sends one reminder, returning its message id; every Bot API request it makes (a retry too) runs
# inside one `paced()` context.
RenderReminder = Callable[[ClaimedReminder, Paced], Awaitable[int]]


def lease_margin(lease: timedelta) -> timedelta:
    """How long before its lease ends an instance stops starting sends from a claim (a send can take a while)."""
    return min(lease / 4, timedelta(seconds=15))


class ReminderDispatcher:
    """Sends due reminders. `send_reminder(claimed, paced)` renders and sends one, returning its message id
    (`bot.reminders.sending.ReminderSender`)."""

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
            # A second instance returns at once while a long fan-out runs (APScheduler would warn on every tick).
            job_kwargs={"misfire_grace_time": None, "coalesce": True, "max_instances": 2},
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
        if self._lock.locked():
            return  # the previous tick is still sending; the next one picks up what became due meanwhile
        try:
            await self.run_once()
        except Exception as exc:
            log_failure(log, "reminder tick failed; the next tick retries", exc)

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
        """Send a claimed batch with `send_concurrency` workers, recording outcomes as they come; stop early at
        shutdown or when the lease gets short (`send_until`, monotonic). Unsent claims are given back for the next
        claim, here or on another instance.

        At no time are more than RECORD_BATCH finished sends unrecorded (a worker waits for the record before its
        next send), so a crash repeats at most RECORD_BATCH + send_concurrency - 1 reminders.
        """
        queue: asyncio.Queue[ClaimedReminder] = asyncio.Queue()
        for claimed in batch:
            queue.put_nowait(claimed)
        outcomes: list[Outcome] = []
        recording = 0  # outcomes in a transaction that has not committed yet
        record_lock = asyncio.Lock()
        sent = 0

        async def flush() -> None:
            nonlocal recording
            async with record_lock:
                if not outcomes:
                    return
                pending = outcomes[:]
                outcomes.clear()
                recording = len(pending)
                try:
                    async with self.ctx.db.write_connection() as connection:  # no ORM session: hot path
                        await record_outcomes(connection, pending, self.ctx.clock.now())
                finally:
                    recording = 0

        async def worker() -> None:
            nonlocal sent
            while not queue.empty() and not self._should_stop() and time.monotonic() < send_until:
                while len(outcomes) + recording >= RECORD_BATCH:
                    await flush()  # waits for a running record, then records what is left
                if queue.empty():
                    break
                claimed = queue.get_nowait()
                outcome = await self._deliver(claimed)
                sent += outcome.status == "sent"
                outcomes.append(outcome)
                if len(outcomes) >= RECORD_BATCH // 2 and not record_lock.locked():
                    await flush()

        workers = [asyncio.create_task(worker()) for _ in range(self.ctx.settings.send_concurrency)]
        try:
            await asyncio.gather(*workers)
        finally:
            for task in workers:  # after a failure, the others stop too (their sends are retried after the lease)
                task.cancel()
            await asyncio.gather(*workers, return_exceptions=True)
            await flush()
            unsent = [queue.get_nowait().delivery_id for _ in range(queue.qsize())]
            if unsent:
                async with self.ctx.db.unit_of_work() as uow:
                    await release_claims(uow.session, unsent)
                log.info("%d claimed reminders released for the next claim", len(unsent))
        return sent

    async def _deliver(self, claimed: ClaimedReminder) -> Outcome:
        for _ in range(RETRY_AFTER_ATTEMPTS):
            try:
                message_id = await self._send_reminder(claimed, self._pacer.request)
            except RecipientBlocked:
                return Outcome(claimed.delivery_id, claimed.user_id, "blocked")
            except RetryAfter as exc:
                # Telegram's flood control counts the whole bot: every sender waits, then this one goes again.
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
                return Outcome(claimed.delivery_id, claimed.user_id, "retry", attempt=claimed.attempt)
            return Outcome(claimed.delivery_id, claimed.user_id, "sent", message_id)
        return Outcome(claimed.delivery_id, claimed.user_id, "retry", attempt=claimed.attempt)
