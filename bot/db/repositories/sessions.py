"""Routine sessions: the one active run of a user and its stored state machine state."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from bot.db.models import RoutineSession
from bot.db.session import AsyncSession


class SessionRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, session_id: int, *, for_update: bool = False) -> RoutineSession | None:
        statement = select(RoutineSession).where(RoutineSession.id == session_id)
        if for_update:
            statement = statement.with_for_update()
        return (await self.session.execute(statement)).scalar_one_or_none()

    async def active_of(self, user_id: int, *, for_update: bool = False) -> RoutineSession | None:
        statement = select(RoutineSession).where(RoutineSession.user_id == user_id, RoutineSession.status == "active")
        if for_update:
            statement = statement.with_for_update()
        return (await self.session.execute(statement)).scalar_one_or_none()

    async def active_with_timers(self) -> Sequence[RoutineSession]:
        """Every active session with a pending timer (to re-arm after a restart)."""
        statement = select(RoutineSession).where(
            RoutineSession.status == "active", RoutineSession.timer_due_at.is_not(None)
        )
        return (await self.session.execute(statement)).scalars().all()
