"""A user's own history for progress, /history and /export: sessions, skipped days, reported pain (ratings:
`ratings.py`).

Built on the unit of work's session (`UserHistory(uow.session)`); like every repository it never commits.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from bot.db.models import ReminderSlot, RoutineSession, SafetyEvent, SkippedDay
from bot.db.session import AsyncSession


class UserHistory:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def sessions(self, user_id: int, *, since: date | None = None) -> list[RoutineSession]:
        """The user's routine sessions, oldest first (from local date `since` on, if given)."""
        statement = select(RoutineSession).where(RoutineSession.user_id == user_id)
        if since is not None:
            statement = statement.where(RoutineSession.local_date >= since)
        statement = statement.order_by(RoutineSession.local_date, RoutineSession.started_at, RoutineSession.id)
        return list((await self.session.execute(statement)).scalars())

    async def skipped_days(self, user_id: int, *, since: date | None = None) -> list[SkippedDay]:
        statement = select(SkippedDay).where(SkippedDay.user_id == user_id)
        if since is not None:
            statement = statement.where(SkippedDay.local_date >= since)
        statement = statement.order_by(SkippedDay.local_date)
        return list((await self.session.execute(statement)).scalars())

    async def safety_events(self, user_id: int, *, since: date | None = None) -> list[SafetyEvent]:
        """Pain and warning signs the user reported, oldest first."""
        statement = select(SafetyEvent).where(SafetyEvent.user_id == user_id)
        if since is not None:
            statement = statement.where(SafetyEvent.local_date >= since)
        statement = statement.order_by(SafetyEvent.local_date, SafetyEvent.created_at, SafetyEvent.id)
        return list((await self.session.execute(statement)).scalars())

    async def reminder_slots(self, user_id: int) -> list[ReminderSlot]:
        statement = select(ReminderSlot).where(ReminderSlot.user_id == user_id).order_by(ReminderSlot.slot)
        return list((await self.session.execute(statement)).scalars())
