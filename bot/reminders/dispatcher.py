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

Outages delay reminders, never drop them:
- Telegram unreachable (`TelegramReachability` saw several requests in a row fail): sending stops, the claims not
  yet tried are handed back, and each tick probes with one `getMe` until Telegram answers; then the fan-out goes
  on, paced as ever. A reminder whose own send failed waits `SEND_RETRY_SECONDS`, doubling up to
  `SEND_RETRY_MAX_SECONDS`. No number of failures gives a reminder up; only `CATCH_UP_HOURS` does (recorded as
  missed, one log line per tick).
- The database unavailable: finished sends stay in memory until their outcomes are written (retried with backoff,
  sending pauses meanwhile), and unsent claims are handed back once it is back. Nothing is forgotten, so a blip
  repeats no reminder.
- Either way, a reminder that goes out more than `LATE_NOTE_MINUTES` after its time because of it says so.

Every tick, claim and outcome is told to a `ReminderObserver` (the metrics, `bot.health.metrics`), which reads
counts and durations only.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any, Protocol

from apscheduler.jobstores.base import JobLookupError
from sqlalchemy.ext.asyncio import AsyncConnection
from telegram.error import BadRequest, NetworkError, RetryAfter, TelegramError, TimedOut
from telegram.ext import Application, ContextTypes

from bot.context import AppContext
from bot.logging_setup import log_failure
from bot.reminders.pacing import Paced, RatePacer
from bot.reminders.queue import (
    Claim,
    ClaimedReminder,
    Outcome,
    claim_ready,
    expire_overdue,
    materialize_due,
    record_outcomes,
    release_claims,
)
from bot.telegram_io.reachability import TelegramReachability
from bot.telegram_io.sender import RecipientBlocked

log = logging.getLogger(__name__)

CLAIM_BATCH = 500
# Due slots turned into deliveries per transaction. With SQLite in the event loop's thread a batch is one unbroken
# stretch of the loop: 5,000 at once stalled every update for 100-200 ms (bench: the morning peak's longest stall).
MATERIALIZE_BATCH = 500
# At most this many finished sends are not yet recorded at any time: what a crash can repeat, besides the sends
# in flight. Smaller means more transactions (one per RECORD_BATCH // 2 sends). Measured with `make bench` (10,000
# due, 100,000 users): 20 -> 2,350 reminders/s, 50 -> 3,300/s, 100 -> 3,580/s; 50 keeps a crash's duplicates
# at most 57 while meeting the 3,000/s target.
RECORD_BATCH = 50
RETRY_AFTER_ATTEMPTS = 3  # 429s for one reminder before it waits for its lease instead
# Writing outcomes while the database is away: first retry after this, doubling up to the ceiling.
WRITE_RETRY_FIRST_SECONDS = 0.2
WRITE_RETRY_MAX_SECONDS = 5.0
# Stopping while the database is away: how long finished sends still wait for their outcomes to be written.
STOP_GRACE_SECONDS = 10.0

# Renders and sends one reminder, returning its message id; every Bot API request it makes (a retry too) runs
# inside one `paced()` context.
RenderReminder = Callable[[ClaimedReminder, Paced], Awaitable[int]]


class ReminderObserver(Protocol):
    """Hears of the dispatcher's ticks and of each reminder's outcome (no ids, no texts)."""

    def scheduler_started(self, interval: float) -> None: ...
    def ticked(self) -> None: ...
    def reminders_claimed(self, first_sends: int) -> None: ...
    def reminder_sent(self, lateness_seconds: float, *, marked_late: bool) -> None: ...
    def reminder_not_sent(self, outcome: str) -> None: ...
    def reminders_given_up(self, missed: int) -> None: ...


class _NoObserver:
    def scheduler_started(self, interval: float) -> None:
        pass

    def ticked(self) -> None:
        pass

    def reminders_claimed(self, first_sends: int) -> None:
        pass

    def reminder_sent(self, lateness_seconds: float, *, marked_late: bool) -> None:
        pass

    def reminder_not_sent(self, outcome: str) -> None:
        pass

    def reminders_given_up(self, missed: int) -> None:
        pass


def lease_margin(lease: timedelta) -> timedelta:
    """How long before its lease ends an instance stops starting sends from a claim (a send can take a while)."""
    return min(lease / 4, timedelta(seconds=15))


class ReminderDispatcher:
    """Sends due reminders. `send_reminder(claimed, paced)` renders and sends one, returning its message id
    (`bot.reminders.sending.ReminderSender`)."""

    def __init__(
        self,
        ctx: AppContext,
        send_reminder: RenderReminder,
        reachability: TelegramReachability | None = None,
        observer: ReminderObserver | None = None,
    ) -> None:
        self.ctx = ctx
        self.observer: ReminderObserver = observer if observer is not None else _NoObserver()
        self._send_reminder = send_reminder
        # Whether Telegram answers (also for a readiness check): shared with every Bot API request of the application.
        self.reachability = reachability if reachability is not None else TelegramReachability()
        self._interrupted = False  # a write had to wait for the database since the fan-out (re)started
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
        self.observer.scheduler_started(self.ctx.settings.scheduler_tick_seconds)
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
        self.observer.ticked()  # the scheduler runs (readiness), even while a long fan-out holds the lock
        if self._lock.locked():
            return  # the previous tick is still sending; the next one picks up what became due meanwhile
        try:
            await self.run_once()
        except Exception as exc:
            if not self.ctx.db.health.record_failure(exc):  # an unavailable database is logged once a minute there
                log_failure(log, "reminder tick failed; the next tick retries", exc)
                await self.ctx.errors.report("job", exc)

    async def run_once(self, now: datetime | None = None) -> int:
        """Send everything due at `now` (default: the clock); the number of reminders sent."""
        async with self._lock:
            return await self._run(now)

    async def _run(self, fixed_now: datetime | None) -> int:
        settings = self.ctx.settings
        catch_up = timedelta(hours=settings.catch_up_hours)
        lease = timedelta(seconds=settings.reminder_lease_seconds)
        late_after = timedelta(minutes=settings.late_note_minutes)
        now = fixed_now or self.ctx.clock.now()
        # Reminders meant for more than `late_after` before the fan-out began waited for something: they say so.
        late_before = now - late_after
        self._interrupted = False
        while True:
            async with self.ctx.db.unit_of_work() as uow:
                handled = await materialize_due(
                    uow.session, now, catch_up=catch_up, default_timezone=settings.default_timezone,
                    limit=MATERIALIZE_BATCH,
                )  # fmt: skip
            if handled == 0:
                break
        sent = missed = 0
        expire = True  # at the start of a fan-out and after an interruption: claims see only what they fetch
        try:
            while not self._should_stop():
                reachable = self.reachability.reachable
                if not reachable and await self._probe():
                    reachable, self._interrupted = True, True
                now = fixed_now or self.ctx.clock.now()
                if self._interrupted:  # Telegram or the database was away: the fan-out starts again from here
                    late_before, self._interrupted, expire = now - late_after, False, True
                async with self.ctx.db.unit_of_work() as uow:
                    if expire:
                        missed += await expire_overdue(uow.session, now, catch_up=catch_up)
                        expire = False
                    batch = (
                        await claim_ready(
                            uow.session, now, lease=lease, catch_up=catch_up, limit=CLAIM_BATCH, late_before=late_before
                        )
                        if reachable
                        else Claim()
                    )
                missed += batch.missed
                self.observer.reminders_claimed(sum(claimed.attempt == 1 for claimed in batch))
                # Measured on the monotonic clock from the commit of the claim, whatever `now` says.
                send_until = time.monotonic() + (lease - lease_margin(lease)).total_seconds()
                if not batch:
                    break
                sent += await self._send_batch(batch, send_until, now + lease)
        finally:
            if missed:
                self.observer.reminders_given_up(missed)
                log.warning(
                    "%d reminders were more than CATCH_UP_HOURS (%g h) past their time and were recorded as missed",
                    missed,
                    settings.catch_up_hours,
                )
        return sent

    async def _probe(self) -> bool:
        """Telegram was unreachable: one cheap request (getMe) to see whether it is back."""
        try:
            await self.ctx.sender.bot.get_me()
        except TelegramError:
            return False
        return self.reachability.reachable

    async def _write(self, write: Callable[[AsyncConnection], Awaitable[None]]) -> bool:
        """Run one bookkeeping write, retrying with backoff while the database is unavailable (sending waits
        meanwhile). False if it could not be written: the bot is stopping and the database did not come back within
        STOP_GRACE_SECONDS, or the database is lost (its file deleted or read-only)."""
        delay = WRITE_RETRY_FIRST_SECONDS
        give_up_at: float | None = None
        while True:
            try:
                async with self.ctx.db.write_connection() as connection:
                    await write(connection)
                return True
            except Exception as exc:
                if not self.ctx.db.health.record_failure(exc):
                    raise
            self._interrupted = True
            if self.ctx.db.health.lost:
                return False
            if self._should_stop():
                give_up_at = give_up_at or time.monotonic() + STOP_GRACE_SECONDS
                if time.monotonic() >= give_up_at:
                    return False
            await asyncio.sleep(delay)
            delay = min(delay * 2, WRITE_RETRY_MAX_SECONDS)

    async def _send_batch(self, batch: list[ClaimedReminder], send_until: float, lease_until: datetime) -> int:
        """Send a claimed batch with `send_concurrency` workers, recording outcomes as they come; stop early at
        shutdown, when the lease gets short (`send_until`, monotonic) or when Telegram becomes unreachable. Unsent
        claims (under `lease_until`) are given back for the next claim, here or on another instance.

        At no time are more than RECORD_BATCH finished sends unrecorded (a worker waits for the record before its
        next send), so a crash repeats at most RECORD_BATCH + send_concurrency - 1 reminders. A finished send stays
        in `outcomes` until its outcome is written: if the database is away, the write is retried and sending
        waits, so a database blip repeats none. An unexpected failure stops the batch, but the sends already on
        their way finish and are recorded before it is raised, so it repeats none either.
        """
        settings = self.ctx.settings
        retry_after = timedelta(seconds=settings.send_retry_seconds)
        retry_max = timedelta(seconds=settings.send_retry_max_seconds)
        queue: asyncio.Queue[ClaimedReminder] = asyncio.Queue()
        for claimed in batch:
            queue.put_nowait(claimed)
        outcomes: list[Outcome] = []  # finished sends whose outcome is not written yet (the oldest first)
        record_lock = asyncio.Lock()
        sent = 0
        failed = False  # a worker failed: the others finish the send they are in and start no other

        async def flush(at_least: int = RECORD_BATCH // 2) -> None:
            """Record the finished sends while `at_least` of them wait (1: every one). The sends that finish while
            a record is written wait for the next one unless they reach `at_least` meanwhile: writing each small
            remainder at once made a transaction per 14 sends instead of per 25 (bench: fan-out)."""
            async with record_lock:
                while outcomes and len(outcomes) >= at_least:
                    pending = outcomes[:]

                    async def write(connection: AsyncConnection, pending: list[Outcome] = pending) -> None:
                        now = self.ctx.clock.now()
                        await record_outcomes(connection, pending, now, retry_after=retry_after, retry_max=retry_max)

                    if not await self._write(write):
                        return
                    del outcomes[: len(pending)]  # only now: sends finished meanwhile stay for the next write

        def may_send() -> bool:
            return (
                not failed
                and not queue.empty()
                and not self._should_stop()
                and time.monotonic() < send_until
                and self.reachability.reachable
            )

        async def worker() -> None:
            nonlocal sent, failed
            try:
                while may_send():
                    if len(outcomes) >= RECORD_BATCH:
                        await flush()  # waits for a running record, then records what is left
                        if len(outcomes) >= RECORD_BATCH:
                            return  # could not be written (stopping, database lost): send nothing more
                        continue
                    claimed = queue.get_nowait()
                    outcome = await self._deliver(claimed)
                    sent += outcome.status == "sent"
                    outcomes.append(outcome)
                    if len(outcomes) >= RECORD_BATCH // 2 and not record_lock.locked():
                        await flush()
            except BaseException:
                failed = True
                raise

        workers = [asyncio.create_task(worker()) for _ in range(settings.send_concurrency)]
        try:
            # After a failure the other workers are not cancelled: a send cancelled after its request left would be
            # delivered but never recorded, and sent again when its lease ran out. They finish it and stop instead.
            results = await asyncio.gather(*workers, return_exceptions=True)
        finally:
            for task in workers:  # cancelled from outside (gather has cancelled them already): nothing left to run
                task.cancel()
            await asyncio.gather(*workers, return_exceptions=True)
            await flush(at_least=1)
            if outcomes:
                log.error(
                    "%d reminders were sent but their outcome could not be written (the database is unavailable): "
                    "they will be sent again",
                    len(outcomes),
                )
            unsent = [queue.get_nowait().delivery_id for _ in range(queue.qsize())]
            if unsent and await self._write(lambda connection: release_claims(connection, unsent, lease_until)):
                log.info("%d claimed reminders released for the next claim", len(unsent))
        for result in results:
            if isinstance(result, BaseException):
                raise result  # the first failure, once every finished send is recorded
        return sent

    async def _deliver(self, claimed: ClaimedReminder) -> Outcome:
        outcome = await self._try_delivering(claimed)
        if outcome.status == "sent":
            lateness = (self.ctx.clock.now() - claimed.due_at).total_seconds()
            self.observer.reminder_sent(lateness, marked_late=claimed.late)
        else:
            self.observer.reminder_not_sent(outcome.status)
        return outcome

    async def _try_delivering(self, claimed: ClaimedReminder) -> Outcome:
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
                # While Telegram is unreachable its outage is logged once a minute instead (TelegramReachability).
                level = logging.INFO if self.reachability.reachable else logging.DEBUG
                log.log(level, "reminder send failed (%s); it is retried with backoff", type(exc).__name__)
                return Outcome(claimed.delivery_id, claimed.user_id, "retry", attempt=claimed.attempt)
            return Outcome(claimed.delivery_id, claimed.user_id, "sent", message_id)
        return Outcome(claimed.delivery_id, claimed.user_id, "retry", attempt=claimed.attempt)
