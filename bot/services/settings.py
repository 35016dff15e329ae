"""Changing a user's settings: the reminder time and timezone (during set-up and later), the second reminder and
the snooze length; which of them a typed answer sets is the open question (`bot.services.questions`).

Every change is checked against the database: a button or typed answer that does not fit what the user is doing
now returns `NotExpected` and changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from bot.db.models import User
from bot.db.unit_of_work import UnitOfWork
from bot.services.questions import QuestionKind, ask, clear, is_open
from bot.services.scheduling import MORNING, SECOND, Scheduled, earliest_due, reschedule
from bot.services.user_scope import UserScope

# The questions these settings ask (a typed message answers the open one).
AWAIT_TIME = QuestionKind.TIME
AWAIT_SECOND_TIME = QuestionKind.SECOND_TIME
AWAIT_TIMEZONE = QuestionKind.TIMEZONE
AWAIT_SNOOZE = QuestionKind.SNOOZE


@dataclass(frozen=True, slots=True)
class SettingsSnapshot:
    morning: time | None
    second: time | None
    timezone: str | None
    snooze_minutes: int
    status: str
    paused_until: date | None
    next_due: datetime | None
    ask_stiffness: bool = True  # the morning-stiffness question (issue 18)
    weekly_checkin: bool = True  # the weekly check-in
    hands_free: bool = True
    sound_cues: bool = True


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
        ask_stiffness=user.ask_stiffness,
        weekly_checkin=user.weekly_checkin,
        hands_free=user.routine_mode != "taps",
        sound_cues=user.sound_cues,
    )


async def current(uow: UnitOfWork, user_id: int) -> SettingsSnapshot | None:
    """The settings of a user who finished set-up; None otherwise."""
    user = await uow.users.get(user_id)
    if user is None or user.onboarding_step is not None:
        return None
    return await snapshot(uow, user)


async def expecting_time(uow: UnitOfWork, user_id: int, now: datetime) -> int | None:
    """Which slot a time (button or typed) would set now, or None if the user is not being asked for one."""
    question = await is_open(uow, user_id, now, AWAIT_TIME, AWAIT_SECOND_TIME)
    if question is None:
        return None
    return MORNING if question.kind == AWAIT_TIME else SECOND


async def expecting_timezone(uow: UnitOfWork, user_id: int, now: datetime) -> bool:
    return await is_open(uow, user_id, now, AWAIT_TIMEZONE) is not None


async def ask_for(uow: UnitOfWork, scope: UserScope, awaiting: QuestionKind) -> bool:
    """Remember that the next typed message answers `awaiting` (only for an onboarded user)."""
    user = await uow.users.get(scope.user_id, for_update=True)
    if user is None or user.onboarding_step is not None:
        return False
    await ask(uow, scope.user_id, awaiting, scope.now)
    return True


async def set_time(uow: UnitOfWork, scope: UserScope, local_time: time) -> TimeSet | NotExpected:
    """Set the time of the slot the user is being asked about (the morning one during set-up)."""
    user = await uow.users.get(scope.user_id, for_update=True)
    expected = await expecting_time(uow, scope.user_id, scope.now)
    if user is None or expected is None:
        return NotExpected()
    during_onboarding = user.onboarding_step == "time"
    await uow.reminders.set_slot(user.id, expected, local_time, None, enabled=True)
    if during_onboarding:
        user.onboarding_step = "timezone"
    await clear(uow, scope.user_id, AWAIT_TIME, AWAIT_SECOND_TIME)
    user.updated_at = scope.now
    await reschedule(uow, user, scope.now, scope.default_timezone)
    return TimeSet(during_onboarding, expected, local_time, await snapshot(uow, user))


async def set_timezone(
    uow: UnitOfWork, scope: UserScope, name: str, is_fixed_offset: bool
) -> TimezoneSet | NotExpected:
    user = await uow.users.get(scope.user_id, for_update=True)
    if user is None or not await expecting_timezone(uow, scope.user_id, scope.now):
        return NotExpected()
    during_onboarding = user.onboarding_step == "timezone"
    user.timezone = name
    if during_onboarding:
        user.onboarding_step = None
        user.onboarded_at = scope.now
    await clear(uow, scope.user_id, AWAIT_TIMEZONE)
    user.updated_at = scope.now
    await reschedule(uow, user, scope.now, scope.default_timezone)
    return TimezoneSet(during_onboarding, name, is_fixed_offset, await snapshot(uow, user))


async def _onboarded(uow: UnitOfWork, user_id: int) -> User | None:
    user = await uow.users.get(user_id, for_update=True)
    if user is None or user.onboarding_step is not None:
        return None
    return user


async def set_second_reminder(uow: UnitOfWork, scope: UserScope, local_time: time | None) -> Scheduled | None:
    """Turn the second daily reminder on at `local_time`, or off (None)."""
    user = await _onboarded(uow, scope.user_id)
    if user is None:
        return None
    await clear(uow, scope.user_id, AWAIT_SECOND_TIME)
    slot = await uow.reminders.slot(scope.user_id, SECOND)
    if local_time is None:
        if slot is not None:
            slot.enabled = False
            slot.next_due_at = None
    else:
        await uow.reminders.set_slot(scope.user_id, SECOND, local_time, None, enabled=True)
    slots = await reschedule(uow, user, scope.now, scope.default_timezone)
    return Scheduled(earliest_due(slots), user.paused_until)


async def set_routine_pref(uow: UnitOfWork, scope: UserScope, what: str) -> SettingsSnapshot | None:
    """Hands-free or a tap per step; sound cues on or off (from the next routine on, and the running one's cues).
    None when the user has not finished set-up or `what` is not a choice."""
    user = await _onboarded(uow, scope.user_id)
    if user is None:
        return None
    if what in ("hands_free", "taps"):
        user.routine_mode = what
    elif what in ("sound_on", "sound_off"):
        user.sound_cues = what == "sound_on"
    else:
        return None
    await uow.flush()
    return await snapshot(uow, user)


async def set_snooze_minutes(uow: UnitOfWork, scope: UserScope, minutes: int, allowed: list[int]) -> Scheduled | None:
    """Set the snooze length; the (unchanged) schedule, to confirm with the next reminder's time."""
    user = await _onboarded(uow, scope.user_id)
    if user is None or minutes not in allowed:
        return None
    user.snooze_minutes = minutes
    await clear(uow, scope.user_id, AWAIT_SNOOZE)
    slots = await uow.reminders.slots_of(scope.user_id)
    return Scheduled(earliest_due(slots), user.paused_until)
