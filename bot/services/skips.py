"""Skipped days: a day the user chose not to stretch. With a reason it does not break the streak."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import delete, func, select, update

from bot.db.models import ReminderDelivery, SkippedDay
from bot.db.unit_of_work import UnitOfWork


async def record_skip(uow: UnitOfWork, user_id: int, local_date: date, reason: str | None, now: datetime) -> None:
    """Store the skipped day (once per date); a reason given later fills in a missing one."""
    statement = select(SkippedDay).where(SkippedDay.user_id == user_id, SkippedDay.local_date == local_date)
    row = (await uow.session.execute(statement)).scalar_one_or_none()
    if row is None:
        uow.session.add(SkippedDay(user_id=user_id, local_date=local_date, reason=reason, created_at=now))
    elif reason is not None and row.reason is None:
        row.reason = reason
    await uow.flush()


PAUSED = "paused"  # the reason of a day inside a /pause: it neither breaks nor extends the streak


async def record_paused(uow: UnitOfWork, user_id: int, first: date, last: date, now: datetime) -> None:
    """Mark the days `first`..`last` as paused (a day that already has a skip row keeps it)."""
    statement = select(SkippedDay.local_date).where(
        SkippedDay.user_id == user_id, SkippedDay.local_date >= first, SkippedDay.local_date <= last
    )
    taken = set((await uow.session.execute(statement)).scalars())
    day = first
    while day <= last:
        if day not in taken:
            uow.session.add(SkippedDay(user_id=user_id, local_date=day, reason=PAUSED, created_at=now))
        day += timedelta(days=1)
    await uow.flush()


async def unpause_after(uow: UnitOfWork, user_id: int, day: date) -> date | None:
    """Forget paused days after `day` (a pause ended early); the latest paused day left, if any."""
    await uow.session.execute(
        delete(SkippedDay).where(
            SkippedDay.user_id == user_id, SkippedDay.reason == PAUSED, SkippedDay.local_date > day
        )
    )
    statement = select(func.max(SkippedDay.local_date)).where(
        SkippedDay.user_id == user_id, SkippedDay.reason == PAUSED
    )
    latest: date | None = (await uow.session.execute(statement)).scalar_one_or_none()
    return latest


async def mark_reminder_skipped(uow: UnitOfWork, delivery_id: int | None) -> None:
    if delivery_id is not None:
        await uow.session.execute(
            update(ReminderDelivery)
            .where(ReminderDelivery.id == delivery_id, ReminderDelivery.status.in_(("sent", "pending")))
            .values(status="skipped", lease_until=None)
        )
