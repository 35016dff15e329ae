"""User lifecycle: blocked (403 or a `my_chat_member` "kicked") and unblocked."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update

from bot.db.models import ReminderSlot, User
from bot.db.unit_of_work import UnitOfWork
from bot.services.scheduling import reschedule


async def set_blocked(uow: UnitOfWork, user_id: int, now: datetime) -> bool:
    """Mark the user blocked and clear their schedule at once; True if they were known."""
    user = await uow.users.get(user_id, for_update=True)
    if user is None:
        return False
    user.status = "blocked"
    user.updated_at = now
    await uow.session.execute(update(ReminderSlot).where(ReminderSlot.user_id == user_id).values(next_due_at=None))
    return True


async def set_unblocked(uow: UnitOfWork, user_id: int, now: datetime, default_timezone: str) -> User | None:
    user = await uow.users.get(user_id, for_update=True)
    if user is None or user.status != "blocked":
        return user
    user.status = "active"
    user.updated_at = now
    await reschedule(uow, user, now, default_timezone)
    return user
