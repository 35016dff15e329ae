"""Keeping each user's reminder slots' `next_due_at` right: the database is the schedule.

Called whenever something that affects the schedule changes (time, timezone, pause, stop, block, a sent reminder).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, tzinfo

from bot.db.models import ReminderSlot, User
from bot.db.unit_of_work import UnitOfWork
from bot.domain.local_time import user_zone
from bot.domain.schedule import next_occurrence_respecting_pause
from bot.services.outcome_schedule import schedule_prompts

# `users.paused_until` value meaning "paused until /resume".
PAUSED_INDEFINITELY = date(9999, 12, 31)
MORNING = 1
SECOND = 2


@dataclass(frozen=True, slots=True)
class Scheduled:
    """A change went through; when the next reminder comes (and until when reminders are paused)."""

    next_due: datetime | None
    paused_until: date | None = None


def reminders_wanted(user: User) -> bool:
    return user.status == "active" and user.onboarding_step is None and user.timezone is not None


def next_due_for(
    local_time: time, zone: tzinfo, after: datetime, *, status: str, paused_until: date | None
) -> datetime | None:
    """When a slot at `local_time` fires next for a user with this status and pause, or None if not at all."""
    if status != "active" or paused_until == PAUSED_INDEFINITELY:
        return None
    return next_occurrence_respecting_pause(local_time, zone, after, paused_until)


def next_due(user: User, local_time: time, after: datetime, default_timezone: str) -> datetime | None:
    """When a slot at `local_time` fires next for `user`, or None if the user gets no reminders now."""
    if not reminders_wanted(user):
        return None
    zone = user_zone(user.timezone, default_timezone)
    return next_due_for(local_time, zone, after, status=user.status, paused_until=user.paused_until)


async def reschedule(uow: UnitOfWork, user: User, now: datetime, default_timezone: str) -> list[ReminderSlot]:
    """Recompute `next_due_at` of every slot of `user` from their settings."""
    slots = await uow.reminders.slots_of(user.id)
    for slot in slots:
        slot.next_due_at = next_due(user, slot.local_time, now, default_timezone) if slot.enabled else None
    await uow.flush()
    await schedule_prompts(uow, user, now, default_timezone)  # the outcome questions follow the morning reminder
    return slots


def earliest_due(slots: list[ReminderSlot]) -> datetime | None:
    dues = [slot.next_due_at for slot in slots if slot.enabled and slot.next_due_at is not None]
    return min(dues) if dues else None


async def next_reminder(uow: UnitOfWork, user_id: int) -> datetime | None:
    """When the user's next reminder comes, as the schedule stands."""
    return earliest_due(await uow.reminders.slots_of(user_id))
