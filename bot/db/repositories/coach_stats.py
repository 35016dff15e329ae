"""Aggregate queries across all users, for the coach's /stats. No per-user data leaves these counts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from bot.db.models import Rating, RoutineSession, User
from bot.db.session import AsyncSession


class CoachStatsQueries:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def active_users(self) -> int:
        """Users who finished set-up and have reminders on (not stopped, not blocked)."""
        statement = (
            select(func.count()).select_from(User).where(User.status == "active", User.onboarded_at.is_not(None))
        )
        return int((await self.session.execute(statement)).scalar_one())

    async def sessions_started_since(self, since: datetime) -> list[tuple[int, str]]:
        """(session id, status) of every session started at or after `since`."""
        statement = select(RoutineSession.id, RoutineSession.status).where(RoutineSession.started_at >= since)
        return [(int(row[0]), str(row[1])) for row in (await self.session.execute(statement)).all()]

    async def session_ratings(self, session_ids: list[int]) -> list[tuple[int, str, float]]:
        """(session id, kind, value) of the before/after ratings of these sessions."""
        if not session_ids:
            return []
        statement = select(Rating.session_id, Rating.kind, Rating.value).where(
            Rating.session_id.in_(session_ids), Rating.kind.in_(("before", "after"))
        )
        return [(int(r[0] or 0), str(r[1]), float(r[2])) for r in (await self.session.execute(statement)).all()]
