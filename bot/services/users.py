"""User lifecycle: blocked (403 or a `my_chat_member` "kicked"), unblocked, stopped."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import update

from bot.context import AppContext
from bot.db.models import ReminderSlot, User
from bot.db.unit_of_work import UnitOfWork
from bot.services.scheduling import reschedule

log = logging.getLogger(__name__)


async def set_blocked(uow: UnitOfWork, user_id: int, now: datetime) -> bool:
    """Mark the user blocked and clear their schedule at once; True if they were known."""
    user = await uow.users.get(user_id, for_update=True)
    if user is None:
        return False
    user.status = "blocked"
    user.updated_at = now
    await uow.session.execute(update(ReminderSlot).where(ReminderSlot.user_id == user_id).values(next_due_at=None))
    return True


async def mark_blocked(ctx: AppContext, chat_id: int) -> None:
    """A send got 403: the user (private chat id == user id) blocked the bot."""
    async with ctx.db.unit_of_work() as uow:
        if await set_blocked(uow, chat_id, ctx.clock.now()):
            log.info("a user blocked the bot; reminders stopped for them")


async def set_unblocked(uow: UnitOfWork, user_id: int, now: datetime) -> User | None:
    user = await uow.users.get(user_id, for_update=True)
    if user is None or user.status != "blocked":
        return user
    user.status = "active"
    user.updated_at = now
    await reschedule(uow, user, now)
    return user
