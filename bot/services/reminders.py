"""Reminder use cases: what a tap on a reminder does (snooze, skip and its reason, starting), and the reminder
settings (pause, resume, stop, second reminder, snooze length). Every tap is checked against the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from bot.db.models import ReminderDelivery, SkippedDay, User
from bot.db.unit_of_work import UnitOfWork
from bot.domain.schedule import local_date_at
from bot.domain.timezones import resolve_zone
from bot.services.scheduling import PAUSED_INDEFINITELY, SECOND, earliest_due, reschedule
from bot.services.skips import record_skip

MAX_SNOOZES = 3
MAX_PAUSE_DAYS = 90


@dataclass(frozen=True, slots=True)
class Refused:
    """The tap does not apply (not yours, already handled, from an earlier day, limit reached): nothing changed."""

    why: str  # "stale" | "handled" | "old" | "snooze_limit"


@dataclass(frozen=True, slots=True)
class Snoozed:
    until: datetime
    timezone: str
    message_id: int | None


@dataclass(frozen=True, slots=True)
class Skipped:
    delivery_id: int
    message_id: int | None


@dataclass(frozen=True, slots=True)
class Scheduled:
    """A settings change went through; when the next reminder comes."""

    next_due: datetime | None
    timezone: str | None
    paused_until: date | None = None


def today_of(user: User, now: datetime) -> date:
    return local_date_at(now, resolve_zone(user.timezone or "UTC"))


async def _own_delivery(uow: UnitOfWork, delivery_id: int, user_id: int) -> tuple[User, ReminderDelivery] | Refused:
    user = await uow.users.get(user_id, for_update=True)
    statement = select(ReminderDelivery).where(ReminderDelivery.id == delivery_id).with_for_update()
    delivery = (await uow.session.execute(statement)).scalar_one_or_none()
    if user is None or delivery is None or delivery.user_id != user_id:
        return Refused("stale")
    return user, delivery


async def _own_todays_delivery(
    uow: UnitOfWork, delivery_id: int, user_id: int, now: datetime
) -> tuple[User, ReminderDelivery] | Refused:
    """The user's own reminder of their current local date (yesterday's buttons no longer act)."""
    found = await _own_delivery(uow, delivery_id, user_id)
    if isinstance(found, Refused):
        return found
    user, delivery = found
    if delivery.local_date != today_of(user, now):
        return Refused("old")
    return found


async def check_actionable(uow: UnitOfWork, delivery_id: int, user_id: int, now: datetime) -> Refused | None:
    """May the user still act on this reminder (start, rate)? None if yes."""
    found = await _own_todays_delivery(uow, delivery_id, user_id, now)
    return found if isinstance(found, Refused) else None


async def snooze(uow: UnitOfWork, delivery_id: int, user_id: int, now: datetime) -> Snoozed | Refused:
    found = await _own_todays_delivery(uow, delivery_id, user_id, now)
    if isinstance(found, Refused):
        return found
    user, delivery = found
    if delivery.status != "sent":
        return Refused("handled")
    if delivery.snoozes >= MAX_SNOOZES:
        return Refused("snooze_limit")
    until = now + timedelta(minutes=user.snooze_minutes)
    delivery.status = "pending"
    delivery.send_after = until
    delivery.lease_until = None
    delivery.snoozes += 1
    return Snoozed(until, user.timezone or "UTC", delivery.message_id)


async def skip(uow: UnitOfWork, delivery_id: int, user_id: int, now: datetime) -> Skipped | Refused:
    """Skip the reminder's day; the reason comes with the next tap (a skip without one is stored as such)."""
    found = await _own_todays_delivery(uow, delivery_id, user_id, now)
    if isinstance(found, Refused):
        return found
    _user, delivery = found
    if delivery.status not in ("sent", "pending"):
        return Refused("handled")
    delivery.status = "skipped"
    delivery.lease_until = None
    await record_skip(uow, user_id, delivery.local_date, None, now)
    return Skipped(delivery.id, delivery.message_id)


async def skip_reason(
    uow: UnitOfWork, delivery_id: int, user_id: int, reason: str | None, now: datetime
) -> Scheduled | Refused:
    found = await _own_delivery(uow, delivery_id, user_id)
    if isinstance(found, Refused):
        return found
    user, delivery = found
    if delivery.status != "skipped":
        return Refused("stale")
    statement = select(SkippedDay).where(SkippedDay.user_id == user_id, SkippedDay.local_date == delivery.local_date)
    day = (await uow.session.execute(statement)).scalar_one_or_none()
    if day is None or day.reason is not None or day.created_at < now - timedelta(days=1):
        return Refused("handled")  # the first answer stands; a double tap changes nothing
    day.reason = reason
    slots = await uow.reminders.slots_of(user_id)
    return Scheduled(earliest_due(slots), user.timezone)


async def _onboarded(uow: UnitOfWork, user_id: int) -> User | None:
    user = await uow.users.get(user_id, for_update=True)
    if user is None or user.onboarding_step is not None:
        return None
    return user


async def _scheduled(uow: UnitOfWork, user: User, now: datetime) -> Scheduled:
    slots = await reschedule(uow, user, now)
    return Scheduled(earliest_due(slots), user.timezone, user.paused_until)


async def pause(uow: UnitOfWork, user_id: int, days: int | None, now: datetime) -> Scheduled | None:
    """Pause for `days` days (reminders come back on local date today + days), or until /resume if None."""
    user = await _onboarded(uow, user_id)
    if user is None:
        return None
    if days is None:
        user.paused_until = PAUSED_INDEFINITELY
    else:
        user.paused_until = today_of(user, now) + timedelta(days=max(1, min(days, MAX_PAUSE_DAYS)))
    user.status = "active"
    user.updated_at = now
    return await _scheduled(uow, user, now)


async def resume(uow: UnitOfWork, user_id: int, now: datetime) -> tuple[Scheduled, bool] | None:
    """Resume reminders; (schedule, whether they had been paused or stopped)."""
    user = await _onboarded(uow, user_id)
    if user is None:
        return None
    was_paused = user.paused_until is not None or user.status != "active"
    user.paused_until = None
    user.status = "active"
    user.updated_at = now
    return await _scheduled(uow, user, now), was_paused


async def stop(uow: UnitOfWork, user_id: int, now: datetime) -> bool:
    user = await uow.users.get(user_id, for_update=True)
    if user is None:
        return False
    user.status = "stopped"
    user.updated_at = now
    await reschedule(uow, user, now)
    return True


async def set_second_reminder(
    uow: UnitOfWork, user_id: int, local_time: time | None, now: datetime
) -> Scheduled | None:
    user = await _onboarded(uow, user_id)
    if user is None:
        return None
    user.awaiting_input = None
    slot = await uow.reminders.slot(user_id, SECOND)
    if local_time is None:
        if slot is not None:
            slot.enabled = False
            slot.next_due_at = None
    else:
        await uow.reminders.set_slot(user_id, SECOND, local_time, None, enabled=True)
    return await _scheduled(uow, user, now)


async def set_snooze_minutes(uow: UnitOfWork, user_id: int, minutes: int, allowed: list[int]) -> Scheduled | None:
    """Set the snooze length; the (unchanged) schedule, to confirm with the next reminder's time."""
    user = await _onboarded(uow, user_id)
    if user is None or minutes not in allowed:
        return None
    user.snooze_minutes = minutes
    slots = await uow.reminders.slots_of(user_id)
    return Scheduled(earliest_due(slots), user.timezone, user.paused_until)
