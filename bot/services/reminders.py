"""What a tap on a reminder does: snooze, skip and its reason, and whether it may still start the routine.
Every tap is checked against the database: the reminder must be the user's own, of their current local date,
and in a state the tap applies to.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from bot.db.models import ReminderDelivery, RoutineSession, SkippedDay, User
from bot.db.unit_of_work import UnitOfWork
from bot.services.scheduling import Scheduled, next_reminder
from bot.services.skips import record_skip
from bot.services.user_scope import UserScope

MAX_SNOOZES = 3


@dataclass(frozen=True, slots=True)
class Refused:
    """The tap does not apply (not yours, already handled, from an earlier day, limit reached): nothing changed."""

    why: str  # "stale" | "handled" | "old" | "snooze_limit"


@dataclass(frozen=True, slots=True)
class OpenReminder:
    """Today's reminder, sent and not acted on yet: a rating typed now answers it."""

    delivery_id: int
    message_id: int | None


@dataclass(frozen=True, slots=True)
class Snoozed:
    until: datetime
    message_id: int | None


@dataclass(frozen=True, slots=True)
class Skipped:
    delivery_id: int
    message_id: int | None


async def _own_delivery(uow: UnitOfWork, delivery_id: int, user_id: int) -> tuple[User, ReminderDelivery] | Refused:
    user = await uow.users.get(user_id, for_update=True)
    statement = select(ReminderDelivery).where(ReminderDelivery.id == delivery_id).with_for_update()
    delivery = (await uow.session.execute(statement)).scalar_one_or_none()
    if user is None or delivery is None or delivery.user_id != user_id:
        return Refused("stale")
    return user, delivery


async def _own_todays_delivery(
    uow: UnitOfWork, scope: UserScope, delivery_id: int
) -> tuple[User, ReminderDelivery] | Refused:
    """The user's own reminder of their current local date (yesterday's buttons no longer act)."""
    found = await _own_delivery(uow, delivery_id, scope.user_id)
    if isinstance(found, Refused):
        return found
    if found[1].local_date != scope.today:
        return Refused("old")
    return found


async def check_actionable(uow: UnitOfWork, scope: UserScope, delivery_id: int) -> Refused | None:
    """May the user still act on this reminder (start, rate)? None if yes."""
    found = await _own_todays_delivery(uow, scope, delivery_id)
    return found if isinstance(found, Refused) else None


async def open_reminder(uow: UnitOfWork, scope: UserScope) -> OpenReminder | None:
    """The user's latest reminder of today that was sent and not acted on (no routine started from it, not
    skipped or snoozed), while no routine is running; None otherwise."""
    if await uow.sessions.active_of(scope.user_id) is not None:
        return None
    started = select(RoutineSession.id).where(RoutineSession.delivery_id == ReminderDelivery.id).exists()
    statement = (
        select(ReminderDelivery)
        .where(
            ReminderDelivery.user_id == scope.user_id,
            ReminderDelivery.local_date == scope.today,
            ReminderDelivery.status == "sent",
            ~started,
        )
        .order_by(ReminderDelivery.id.desc())
        .limit(1)
    )
    delivery = (await uow.session.execute(statement)).scalar_one_or_none()
    return OpenReminder(delivery.id, delivery.message_id) if delivery is not None else None


async def snooze(uow: UnitOfWork, scope: UserScope, delivery_id: int) -> Snoozed | Refused:
    found = await _own_todays_delivery(uow, scope, delivery_id)
    if isinstance(found, Refused):
        return found
    user, delivery = found
    if delivery.status != "sent":
        return Refused("handled")
    if delivery.snoozes >= MAX_SNOOZES:
        return Refused("snooze_limit")
    until = scope.now + timedelta(minutes=user.snooze_minutes)
    delivery.status = "pending"
    delivery.send_after = until
    delivery.lease_until = None
    delivery.snoozes += 1
    return Snoozed(until, delivery.message_id)


async def skip(uow: UnitOfWork, scope: UserScope, delivery_id: int) -> Skipped | Refused:
    """Skip the reminder's day; the reason comes with the next tap (a skip without one is stored as such)."""
    found = await _own_todays_delivery(uow, scope, delivery_id)
    if isinstance(found, Refused):
        return found
    _user, delivery = found
    if delivery.status not in ("sent", "pending"):
        return Refused("handled")
    delivery.status = "skipped"
    delivery.lease_until = None
    await record_skip(uow, scope.user_id, delivery.local_date, None, scope.now)
    return Skipped(delivery.id, delivery.message_id)


async def skip_reason(uow: UnitOfWork, scope: UserScope, delivery_id: int, reason: str | None) -> Scheduled | Refused:
    found = await _own_delivery(uow, delivery_id, scope.user_id)
    if isinstance(found, Refused):
        return found
    user, delivery = found
    if delivery.status != "skipped":
        return Refused("stale")
    statement = select(SkippedDay).where(
        SkippedDay.user_id == scope.user_id, SkippedDay.local_date == delivery.local_date
    )
    day = (await uow.session.execute(statement)).scalar_one_or_none()
    if day is None or day.reason is not None or day.created_at < scope.now - timedelta(days=1):
        return Refused("handled")  # the first answer stands; a double tap changes nothing
    day.reason = reason
    return Scheduled(await next_reminder(uow, scope.user_id), user.paused_until)
