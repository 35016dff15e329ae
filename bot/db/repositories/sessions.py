"""Routine sessions: the one active run of a user and its stored state machine state."""

from __future__ import annotations

from sqlalchemy import select

from bot.db.models import RoutineSession
from bot.db.session import AsyncSession


class SessionRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, session_id: int) -> RoutineSession | None:
        return await self.session.get(RoutineSession, session_id)

    async def active_of(self, user_id: int) -> RoutineSession | None:
        statement = select(RoutineSession).where(RoutineSession.user_id == user_id, RoutineSession.status == "active")
        return (await self.session.execute(statement)).scalar_one_or_none()
