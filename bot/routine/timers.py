"""`RoutineTimers`: the walkthrough's timers as jobs on PTB's JobQueue (APScheduler), one per session.

It only arms, cancels and fires: what a fired timer does is the `fire` callback it was made with (the routine
runtime's, which feeds the timer to the session like a tap), so this module knows nothing of the routine.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from telegram.ext import CallbackContext, Job, JobQueue

from bot.services.routine.outcome import TimerPlan

log = logging.getLogger(__name__)

Fire = Callable[[TimerPlan], Awaitable[None]]
Repeat = Callable[[], Awaitable[None]]


def job_name(session_id: int | str) -> str:
    return f"routine:{session_id}"


class RoutineTimers:
    def __init__(self, fire: Fire) -> None:
        self._fire_plan = fire
        self._queue: JobQueue[Any] | None = None

    def attach(self, queue: JobQueue[Any]) -> None:
        """Start arming timers on `queue`."""
        self._queue = queue

    def detach(self) -> None:
        """Remove every routine job and arm no more (shutdown)."""
        queue, self._queue = self._queue, None
        if queue is not None:
            for job in queue.jobs():
                if str(job.name).startswith("routine:"):
                    job.schedule_removal()

    @property
    def running(self) -> bool:
        return self._queue is not None

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
        if self._queue is not None:
            for job in self._queue.get_jobs_by_name(job_name(session_id)):
                job.schedule_removal()

    def armed(self, session_id: int) -> bool:
        return self._queue is not None and bool(self._queue.get_jobs_by_name(job_name(session_id)))

    def repeat(self, name: str, seconds: float, callback: Repeat) -> None:
        """Run `callback` every `seconds` (one at a time) while the timers are attached."""
        if self._queue is None:
            return

        async def run(_context: CallbackContext[Any, Any, Any, Any]) -> None:
            await callback()

        self._queue.run_repeating(
            run,
            interval=seconds,
            first=seconds,
            name=job_name(name),
            job_kwargs={"misfire_grace_time": None, "coalesce": True, "max_instances": 1},
        )

    async def _fire(self, context: CallbackContext[Any, Any, Any, Any]) -> None:
        job: Job[Any] | None = context.job
        if job is None or self._queue is None or not isinstance(job.data, TimerPlan):
            return
        await self._fire_plan(job.data)
