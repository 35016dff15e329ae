"""`RoutineRuntime`: the component that runs guided routines. Every routine input takes one path through it:
button taps and typed answers (`run`, from the handlers), `begin` (the reminder's Start and /stretch), and fired
timers. `run` takes the user's lock, runs the service call in one unit of work, and after the commit answers the
tapped button and hands the outcome to the presenter (render, send, arm or cancel the timer).

At start it re-arms every active session's pending timer from `routine_sessions.timer_due_at` (an overdue one fires
at once), or asks the user whether to go on when a session's stored state cannot be continued. A sweep every
`SWEEP_SECONDS` re-arms any timer that is overdue by more than `OVERDUE_GRACE` and has no job here: a timer of an
instance that died (several instances on one database), or one lost for any other reason. Firing twice is harmless:
the second firing carries a stale timer_seq and changes nothing.

Walkthroughs begun and finished are told to a `RoutineObserver` (the metrics) after their commit.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import TYPE_CHECKING, Any, Protocol

from telegram.ext import Application

from bot.db.unit_of_work import UnitOfWork
from bot.domain.routine_effects import Finished
from bot.domain.routine_events import TimerFired
from bot.logging_setup import log_failure
from bot.routine import presenter
from bot.routine.timers import RoutineTimers
from bot.services.ratings import RatingSource
from bot.services.routine import starting, walking
from bot.services.routine.outcome import Outcome, Pacing, PendingTimer, RoutineEnv, TimerPlan
from bot.views import routine as views

if TYPE_CHECKING:
    from bot.context import AppContext

log = logging.getLogger(__name__)

SWEEP_SECONDS = 15.0
OVERDUE_GRACE = timedelta(seconds=5)

# A routine service call: runs in the unit of work and the runtime's environment, returns what to show.
Work = Callable[[UnitOfWork, RoutineEnv], Awaitable[Outcome]]


class RoutineObserver(Protocol):
    def routine_began(self) -> None: ...
    def routine_over(self, *, completed: bool) -> None: ...


def _observe(observer: RoutineObserver | None, outcome: Outcome) -> None:
    if observer is None:
        return
    if outcome.began:
        observer.routine_began()
    for effect in outcome.effects:
        if isinstance(effect, Finished):
            observer.routine_over(completed=effect.completed)


class RoutineRuntime:
    def __init__(self, app: AppContext, observer: RoutineObserver | None = None) -> None:
        self._app = app
        self.observer = observer
        self._locks: dict[int, tuple[asyncio.Lock, int]] = {}  # user id -> (lock, users of it)
        self.timers = RoutineTimers(self._on_timer)

    def env(self) -> RoutineEnv:
        app = self._app
        pacing = Pacing(tick_seconds=app.content.coach.live_update_seconds, time_scale=app.settings.time_scale)
        return RoutineEnv(app.content, app.clock.now(), pacing, app.settings.default_timezone)

    @asynccontextmanager
    async def locked(self, user_id: int) -> AsyncIterator[None]:
        """One routine input of a user at a time (a tap and a timer are applied and shown one after the other)."""
        lock, users = self._locks.get(user_id, (asyncio.Lock(), 0))
        self._locks[user_id] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[user_id]
            if users <= 1:
                del self._locks[user_id]
            else:
                self._locks[user_id] = (lock, users - 1)

    # --- inputs --------------------------------------------------------------------------------------

    async def run(self, user_id: int, work: Work, *, query_id: str | None = None) -> Outcome:
        """Apply one input of the user: `work` in a unit of work, then answer the tap and show the outcome."""
        app = self._app
        async with self.locked(user_id):
            async with app.db.unit_of_work() as uow:
                outcome = await work(uow, self.env())
                # The user's row is loaded by the work already (no query): the outcome is shown in their language.
                content = app.content_for(await uow.users.language_of(user_id))
            _observe(self.observer, outcome)
            if query_id is not None:
                await app.sender.answer(query_id, views.tap_answer(content, outcome.kind))
            await presenter.present(app, self.timers, outcome, content=content)
        return outcome

    async def begin(
        self,
        *,
        user_id: int,
        delivery_id: int | None,
        before: float | None,
        update_id: int | None,
        source: RatingSource = "button",
    ) -> None:
        """Start today's routine (the reminder's Start or 0-10 buttons, and /stretch).

        A session already active -> offer Resume / Start over and change nothing else. `before` None -> ask the
        before rating first. A high before rating -> the gentle offer first. Otherwise the walkthrough begins.
        """

        async def work(uow: UnitOfWork, env: RoutineEnv) -> Outcome:
            return await starting.start(
                uow, env, user_id=user_id, delivery_id=delivery_id, before=before, update_id=update_id, source=source
            )

        await self.run(user_id, work)

    async def _on_timer(self, plan: TimerPlan) -> None:
        async def work(uow: UnitOfWork, env: RoutineEnv) -> Outcome:
            event = TimerFired(plan.timer_seq, plan.kind)
            return await walking.apply_event(uow, env, user_id=plan.user_id, session_id=plan.session_id, event=event)

        try:
            await self.run(plan.user_id, work)
        except Exception as exc:  # a timer must never take the bot down; the user can tap on
            if not self._app.db.health.record_failure(exc):  # an unavailable database: logged once a minute there
                log_failure(log, "routine timer of session %s failed", exc, plan.session_id)
                await self._app.errors.report("job", exc)

    # --- the component ---------------------------------------------------------------------------------

    async def start(self, application: Application[Any, Any, Any, Any, Any, Any]) -> None:
        queue = application.job_queue
        if queue is None:
            raise RuntimeError("routine timers need python-telegram-bot[job-queue]")
        self.timers.attach(queue)
        app = self._app
        async with app.db.unit_of_work(read_only=True) as uow:
            pending = await walking.pending_timers(uow, self.env())
        for timer in pending:
            if timer.plan is not None:
                self.timers.arm(timer.plan)
                await self._refresh(timer)
            else:
                await self._ask_to_continue(timer)
        if pending:
            log.info("routine timers: %d session(s) re-armed", sum(t.plan is not None for t in pending))
        self.timers.repeat("sweep", SWEEP_SECONDS, self._sweep_job)

    async def stop(self) -> None:
        self.timers.detach()

    async def sweep(self) -> int:
        """Arm every overdue timer that has no job here; how many were armed."""
        if not self.timers.running:
            return 0
        env = self.env()
        async with self._app.db.unit_of_work(read_only=True) as uow:
            overdue = await walking.pending_timers(uow, env, due_before=env.now - OVERDUE_GRACE)
        armed = 0
        for timer in overdue:
            if timer.plan is not None and not self.timers.armed(timer.plan.session_id):
                self.timers.arm(timer.plan)
                armed += 1
        if armed:
            log.info("routine timers: %d overdue timer(s) picked up", armed)
        return armed

    async def _sweep_job(self) -> None:
        try:
            await self.sweep()
        except Exception as exc:
            if not self._app.db.health.record_failure(exc):
                log_failure(log, "routine timer sweep failed", exc)

    async def _refresh(self, pending: PendingTimer) -> None:
        """After a restart, show a running hold's or rest's live message with the time left now."""
        app = self._app
        try:
            async with self.locked(pending.user_id):
                async with app.db.unit_of_work(read_only=True) as uow:
                    outcome = await walking.refreshed_view(uow, self.env(), pending.session_id)
                if outcome is not None:
                    content = app.content_for(pending.language)
                    await presenter.present(app, self.timers, outcome, content=content)
        except Exception as exc:  # one unreachable user must not stop the others' timers
            log.warning("could not refresh an interrupted routine: %s", type(exc).__name__)

    async def _ask_to_continue(self, pending: PendingTimer) -> None:
        """After a restart, a session whose state cannot be continued: ask to start over or stop."""
        try:
            await presenter.ask_to_continue(self._app, pending)
        except Exception as exc:  # one unreachable user must not stop the others' timers
            log.warning("could not ask about an interrupted routine: %s", type(exc).__name__)
