"""Pausing, resuming and stopping reminders (/pause, /resume, /stop and their buttons).

The days of a pause are stored as skipped days with the reason "paused" (`bot.services.skips.PAUSED`): they
neither break nor extend the streak, and the chart draws them as paused. A pause ended early by /resume forgets
its later days; one "until /resume" fills in its days when it ends.
"""

from __future__ import annotations

from datetime import timedelta

from bot.db.models import User
from bot.db.unit_of_work import UnitOfWork
from bot.services.questions import QuestionKind, clear
from bot.services.scheduling import PAUSED_INDEFINITELY, Scheduled, earliest_due, reschedule
from bot.services.skips import record_paused, unpause_after
from bot.services.user_scope import UserScope

MAX_PAUSE_DAYS = 90


async def _onboarded(uow: UnitOfWork, user_id: int) -> User | None:
    user = await uow.users.get(user_id, for_update=True)
    if user is None or user.onboarding_step is not None:
        return None
    return user


async def _scheduled(uow: UnitOfWork, user: User, scope: UserScope) -> Scheduled:
    slots = await reschedule(uow, user, scope.now, scope.default_timezone)
    return Scheduled(earliest_due(slots), user.paused_until)


async def pause(uow: UnitOfWork, scope: UserScope, days: int | None) -> Scheduled | None:
    """Pause for `days` days (reminders come back on local date today + days), or until /resume if None."""
    user = await _onboarded(uow, scope.user_id)
    if user is None:
        return None
    await clear(uow, scope.user_id, QuestionKind.PAUSE)
    await unpause_after(uow, scope.user_id, scope.today)
    if days is None:
        user.paused_until = PAUSED_INDEFINITELY
        await record_paused(uow, scope.user_id, scope.today, scope.today, scope.now)  # the rest on /resume
    else:
        user.paused_until = scope.today + timedelta(days=max(1, min(days, MAX_PAUSE_DAYS)))
        last = user.paused_until - timedelta(days=1)
        await record_paused(uow, scope.user_id, scope.today, last, scope.now)
    user.status = "active"
    user.updated_at = scope.now
    return await _scheduled(uow, user, scope)


async def resume(uow: UnitOfWork, scope: UserScope) -> tuple[Scheduled, bool] | None:
    """Resume reminders; (schedule, whether they had been paused or stopped)."""
    user = await _onboarded(uow, scope.user_id)
    if user is None:
        return None
    was_paused = user.paused_until is not None or user.status != "active"
    latest = await unpause_after(uow, scope.user_id, scope.today)
    if user.paused_until == PAUSED_INDEFINITELY and latest is not None:
        # Paused until /resume: the days since the pause began were paused too.
        await record_paused(uow, scope.user_id, latest, scope.today, scope.now)
    user.paused_until = None
    user.status = "active"
    user.updated_at = scope.now
    return await _scheduled(uow, user, scope), was_paused


async def stop(uow: UnitOfWork, scope: UserScope) -> bool:
    """End reminders (the data stays); False for an unknown user."""
    user = await uow.users.get(scope.user_id, for_update=True)
    if user is None:
        return False
    user.status = "stopped"
    user.updated_at = scope.now
    await reschedule(uow, user, scope.now, scope.default_timezone)
    return True
