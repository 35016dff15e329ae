"""Onboarding (/start): begin or continue set-up, or welcome back a user who finished it.

Progress is stored on the user (`onboarding_step`, the chosen time in the morning slot), so a user who leaves
half way continues where they stopped, even after a restart. The time and timezone themselves are set by
`bot.services.settings`, as they are later from /settings.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time

from bot.db.unit_of_work import UnitOfWork
from bot.services.scheduling import MORNING, reschedule
from bot.services.settings import SettingsSnapshot, snapshot
from bot.services.user_scope import UserScope


@dataclass(frozen=True, slots=True)
class StartResult:
    """`stage` is "time" or "timezone" while onboarding runs (`resumed`: it had started before), else "done"."""

    stage: str
    resumed: bool
    reactivated: bool
    pending_time: time | None
    snapshot: SettingsSnapshot


async def start(uow: UnitOfWork, scope: UserScope, *, default_snooze: int = 15) -> StartResult:
    """/start: begin (or continue) onboarding, or show the settings; also brings back a stopped/blocked user."""
    user, created = await uow.users.get_or_create(scope.user_id, scope.chat_id, scope.now)
    if created:
        user.snooze_minutes = default_snooze
        user.language = scope.language  # Telegram's language_code, when the bot speaks it (else English)
    reactivated = user.status != "active"
    user.status = "active"
    user.awaiting_input = None
    user.updated_at = scope.now
    if user.onboarding_step is not None:
        morning = await uow.reminders.slot(user.id, MORNING)
        return StartResult(
            stage=user.onboarding_step,
            resumed=not created,
            reactivated=False,
            pending_time=morning.local_time if morning else None,
            snapshot=await snapshot(uow, user),
        )
    await reschedule(uow, user, scope.now, scope.default_timezone)
    return StartResult(
        stage="done",
        resumed=True,
        reactivated=reactivated,
        pending_time=None,
        snapshot=await snapshot(uow, user),
    )
