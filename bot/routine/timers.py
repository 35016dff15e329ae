"""`RoutineTimers`: the component that arms the walkthrough's timers on PTB's JobQueue (APScheduler) and, at
start, re-arms every active session's pending timer from `routine_sessions.timer_due_at` (an overdue one fires at
once), or asks the user whether to go on when a session's stored state cannot be continued.

A sweep every `SWEEP_SECONDS` re-arms any timer that is overdue by more than `OVERDUE_GRACE` and has no job
here: a timer of an instance that died (several instances on one database), or one lost for any other reason.
Firing twice is harmless: the second firing carries a stale timer_seq and changes nothing.

A timer carries (session id, user id, timer_seq, kind); when it fires it goes through `bot.routine.flow`, the
same path as a button tap: load the session, check timer_seq, transition, save, render. It also keeps one
asyncio lock per user, so a tap and a timer of one user are applied and rendered one after the other.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from telegram.ext import Application, CallbackContext, Job, JobQueue

from bot.logging_setup import log_failure
from bot.services import routine as service
from bot.services.routine import TimerPlan

if TYPE_CHECKING:
    from bot.context import AppContext

log = logging.getLogger(__name__)
OPTION_KEY = "routine_timers"
SWEEP_SECONDS = 15.0
OVERDUE_GRACE = timedelta(seconds=5)


def job_name(session_id: int | str) -> str:
    return f"routine:{session_id}"


class RoutineTimers:
    def __init__(self, ctx: AppContext) -> None:
        self._ctx = ctx
        self._application: Application[Any, Any, Any, Any, Any, Any] | None = None
        self._locks: dict[int, asyncio.Lock] = {}
        self._stopping = False
        ctx.options[OPTION_KEY] = self

    def lock(self, user_id: int) -> asyncio.Lock:
        lock = self._locks.get(user_id)
        if lock is None:
            lock = self._locks[user_id] = asyncio.Lock()
        return lock

    @property
    def _queue(self) -> JobQueue[Any] | None:
        if self._application is None or self._stopping:
            return None
        queue: JobQueue[Any] | None = self._application.job_queue
        return queue

    async def start(self, application: Application[Any, Any, Any, Any, Any, Any]) -> None:
        from bot.routine import flow

        self._application = application
        self._stopping = False
        ctx = self._ctx
        async with ctx.db.unit_of_work(read_only=True) as uow:
            pending = await service.pending_timers(uow, ctx.content, ctx.clock.now())
        for timer in pending:
            if timer.plan is not None:
                self.arm(timer.plan)
            else:
                await flow.ask_to_continue(ctx, timer)
        if pending:
            log.info("routine timers: %d session(s) re-armed", sum(t.plan is not None for t in pending))
        queue = self._queue
        if queue is not None:
            queue.run_repeating(
                self._sweep_job,
                interval=SWEEP_SECONDS,
                first=SWEEP_SECONDS,
                name=job_name("sweep"),
                job_kwargs={"misfire_grace_time": None, "coalesce": True, "max_instances": 1},
            )

    async def sweep(self) -> int:
        """Arm every overdue timer that has no job here; how many were armed."""
        queue = self._queue
        if queue is None:
            return 0
        ctx = self._ctx
        now = ctx.clock.now()
        async with ctx.db.unit_of_work(read_only=True) as uow:
            overdue = await service.pending_timers(uow, ctx.content, now, due_before=now - OVERDUE_GRACE)
        armed = 0
        for timer in overdue:
            if timer.plan is not None and not queue.get_jobs_by_name(job_name(timer.plan.session_id)):
                self.arm(timer.plan)
                armed += 1
        if armed:
            log.info("routine timers: %d overdue timer(s) picked up", armed)
        return armed

    async def _sweep_job(self, _context: CallbackContext[Any, Any, Any, Any]) -> None:
        try:
            await self.sweep()
        except Exception as exc:
            if not self._ctx.db.health.record_failure(exc):  # an unavailable database: logged once a minute there
                log_failure(log, "routine timer sweep failed", exc)

    async def stop(self) -> None:
        self._stopping = True
        if self._application is not None and self._application.job_queue is not None:
            for job in self._application.job_queue.jobs():
                if str(job.name).startswith("routine:"):
                    job.schedule_removal()
        self._application = None

    def arm(self, plan: TimerPlan) -> None:
        queue = self._queue
        if queue is None:
            log.warning("routine timer not armed: the timers are not running")
            return
        self.cancel(plan.session_id)
        queue.run_once(
            self._fire,
            when=max(0.0, plan.delay_seconds),
            data=plan,
            name=job_name(plan.session_id),
            job_kwargs={"misfire_grace_time": None},
        )

    def cancel(self, session_id: int) -> None:
        queue = self._queue
        if queue is None:
            return
        for job in queue.get_jobs_by_name(job_name(session_id)):
            job.schedule_removal()

    async def _fire(self, context: CallbackContext[Any, Any, Any, Any]) -> None:
        from bot.routine import flow

        job: Job[Any] | None = context.job
        if job is None or self._stopping or not isinstance(job.data, TimerPlan):
            return
        try:
            await flow.on_timer(self._ctx, job.data)
        except Exception as exc:  # a timer must never take the bot down; the user can tap on
            if not self._ctx.db.health.record_failure(exc):
                log_failure(log, "routine timer of session %s failed", exc, job.data.session_id)


def routine_timers(ctx: AppContext) -> RoutineTimers:
    timers = ctx.options.get(OPTION_KEY)
    if not isinstance(timers, RoutineTimers):
        timers = RoutineTimers(ctx)
    return timers
