"""Reminder slots (the schedule) and reminder deliveries (what was sent for which local date)."""

from __future__ import annotations

from datetime import datetime, time

from sqlalchemy import select

from bot.db.models import ReminderSlot
from bot.db.session import AsyncSession


class ReminderRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def slots_of(self, user_id: int) -> list[ReminderSlot]:
        statement = select(ReminderSlot).where(ReminderSlot.user_id == user_id).order_by(ReminderSlot.slot)
        return list((await self.session.execute(statement)).scalars())

    async def slot(self, user_id: int, slot: int) -> ReminderSlot | None:
        statement = select(ReminderSlot).where(ReminderSlot.user_id == user_id, ReminderSlot.slot == slot)
        return (await self.session.execute(statement)).scalar_one_or_none()

    async def set_slot(
        self, user_id: int, slot: int, local_time: time, next_due_at: datetime | None, *, enabled: bool = True
    ) -> ReminderSlot:
        row = await self.slot(user_id, slot)
        if row is None:
            row = ReminderSlot(user_id=user_id, slot=slot, local_time=local_time)
            self.session.add(row)
        row.local_time = local_time
        row.enabled = enabled
        row.next_due_at = next_due_at if enabled else None
        await self.session.flush()
        return row
