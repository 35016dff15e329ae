"""Stiffness ratings."""

from __future__ import annotations

from sqlalchemy import select

from bot.db.models import Rating
from bot.db.session import AsyncSession


class RatingRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def of_session(self, session_id: int, kind: str) -> Rating | None:
        statement = select(Rating).where(Rating.session_id == session_id, Rating.kind == kind)
        return (await self.session.execute(statement)).scalar_one_or_none()
