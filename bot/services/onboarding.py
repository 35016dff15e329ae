"""Onboarding and the basic settings it shares with /settings: reminder time and timezone.

Progress is stored on the user (`onboarding_step`, the chosen time in the morning slot), so a user who leaves
half way continues where they stopped, even after a restart.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from bot.db.models import User
from bot.db.unit_of_work import UnitOfWork
from bot.services.scheduling import MORNING, SECOND, earliest_due, reschedule

# What a typed message answers next (users.awaiting_input).
AWAIT_TIME = "time:1"
AWAIT_SECOND_TIME = "time:2"
AWAIT_TIMEZONE = "timezone"


@dataclass(frozen=True, slots=True)
class SettingsSnapshot:
    morning: time | None
    second: time | None
    timezone: str | None
    snooze_minutes: int
    status: str
    paused_until: date | None
    next_due: datetime | None


@dataclass(frozen=True, slots=True)
class StartResult:
    """`stage` is "time" or "timezone" while onboarding runs (`resumed`: it had started before), else "done"."""

    stage: str
    resumed: bool
    reactivated: bool
    pending_time: time | None
    snapshot: SettingsSnapshot


@dataclass(frozen=True, slots=True)
class TimeSet:
    during_onboarding: bool
    slot: int
    local_time: time
    snapshot: SettingsSnapshot


@dataclass(frozen=True, slots=True)
class TimezoneSet:
    during_onboarding: bool
    timezone: str
    is_fixed_offset: bool
    snapshot: SettingsSnapshot


@dataclass(frozen=True, slots=True)
class NotExpected:
    """The input (a button or text) does not fit what the user is doing now: nothing changed."""


async def snapshot(uow: UnitOfWork, user: User) -> SettingsSnapshot:
    slots = {slot.slot: slot for slot in await uow.reminders.slots_of(user.id)}
    morning = slots.get(MORNING)
    second = slots.get(SECOND)
    return SettingsSnapshot(
        morning=morning.local_time if morning else None,
        second=second.local_time if second is not None and second.enabled else None,
        timezone=user.timezone,
        snooze_minutes=user.snooze_minutes,
        status=user.status,
        paused_until=user.paused_until,
        next_due=earliest_due(list(slots.values())),
    )


async def start(uow: UnitOfWork, user_id: int, chat_id: int, now: datetime, *, default_snooze: int = 15) -> StartResult:
    """/start: begin (or continue) onboarding, or show the settings; also brings back a stopped/blocked user."""
    user, created = await uow.users.get_or_create(user_id, chat_id, now)
    if created:
        user.snooze_minutes = default_snooze
    reactivated = user.status != "active"
    user.status = "active"
    user.awaiting_input = None
    user.updated_at = now
    if user.onboarding_step is not None:
        morning = await uow.reminders.slot(user.id, MORNING)
        return StartResult(
            stage=user.onboarding_step,
            resumed=not created,
            reactivated=False,
            pending_time=morning.local_time if morning else None,
            snapshot=await snapshot(uow, user),
        )
    await reschedule(uow, user, now)
    return StartResult(
        stage="done",
        resumed=True,
        reactivated=reactivated,
        pending_time=None,
        snapshot=await snapshot(uow, user),
    )


async def expecting_time(uow: UnitOfWork, user_id: int) -> int | None:
    """Which slot a time (button or typed) would set now, or None if the user is not being asked for one."""
    user = await uow.users.get(user_id)
    if user is None:
        return None
    if user.onboarding_step == "time" or user.awaiting_input == AWAIT_TIME:
        return MORNING
    if user.awaiting_input == AWAIT_SECOND_TIME:
        return SECOND
    return None


async def expecting_timezone(uow: UnitOfWork, user_id: int) -> bool:
    user = await uow.users.get(user_id)
    return user is not None and (user.onboarding_step == "timezone" or user.awaiting_input == AWAIT_TIMEZONE)


async def set_time(
    uow: UnitOfWork, user_id: int, local_time: time, now: datetime, *, slot: int | None = None
) -> TimeSet | NotExpected:
    user = await uow.users.get(user_id, for_update=True)
    expected = await expecting_time(uow, user_id)
    if user is None or expected is None or (slot is not None and slot != expected):
        return NotExpected()
    during_onboarding = user.onboarding_step == "time"
    await uow.reminders.set_slot(user.id, expected, local_time, None, enabled=True)
    if during_onboarding:
        user.onboarding_step = "timezone"
    user.awaiting_input = None
    user.updated_at = now
    await reschedule(uow, user, now)
    return TimeSet(during_onboarding, expected, local_time, await snapshot(uow, user))


async def set_timezone(
    uow: UnitOfWork, user_id: int, name: str, is_fixed_offset: bool, now: datetime
) -> TimezoneSet | NotExpected:
    user = await uow.users.get(user_id, for_update=True)
    if user is None or not await expecting_timezone(uow, user_id):
        return NotExpected()
    during_onboarding = user.onboarding_step == "timezone"
    user.timezone = name
    if during_onboarding:
        user.onboarding_step = None
        user.onboarded_at = now
    user.awaiting_input = None
    user.updated_at = now
    await reschedule(uow, user, now)
    return TimezoneSet(during_onboarding, name, is_fixed_offset, await snapshot(uow, user))


async def ask_for(uow: UnitOfWork, user_id: int, awaiting: str, now: datetime) -> bool:
    """Remember that the next typed message answers `awaiting` (only for an onboarded user)."""
    user = await uow.users.get(user_id, for_update=True)
    if user is None or user.onboarding_step is not None:
        return False
    user.awaiting_input = awaiting
    user.updated_at = now
    return True
