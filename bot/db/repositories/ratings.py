"""Stiffness ratings."""

from __future__ import annotations

from datetime import date, datetime
from typing import cast

from sqlalchemy import Table, insert, select

from bot.db.models import Rating
from bot.db.session import AsyncSession

_RATINGS = cast(Table, Rating.__table__)
# Built once: a statement made per call spends more time being built and cache-keyed than being executed.
_INSERT = insert(_RATINGS).returning(_RATINGS.c.id)


class RatingRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def of_session(self, session_id: int, kind: str) -> Rating | None:
        statement = select(Rating).where(Rating.session_id == session_id, Rating.kind == kind)
        return (await self.session.execute(statement)).scalar_one_or_none()

    async def get(self, rating_id: int, *, for_update: bool = False) -> Rating | None:
        statement = select(Rating).where(Rating.id == rating_id)
        if for_update:
            statement = statement.with_for_update()
        return (await self.session.execute(statement)).scalar_one_or_none()

    async def of_update(self, user_id: int, update_id: int) -> Rating | None:
        """The rating a Telegram update created, if any (a re-sent update must not create a second)."""
        statement = select(Rating).where(Rating.user_id == user_id, Rating.update_id == update_id)
        return (await self.session.execute(statement)).scalar_one_or_none()

    async def of_session_for_update(self, session_id: int, kind: str) -> Rating | None:
        statement = select(Rating).where(Rating.session_id == session_id, Rating.kind == kind).with_for_update()
        return (await self.session.execute(statement)).scalar_one_or_none()

    async def of_user(self, user_id: int, *, since: date | None = None, kind: str | None = None) -> list[Rating]:
        """The user's ratings, oldest first; only from local date `since` on, only of `kind`, if given."""
        statement = select(Rating).where(Rating.user_id == user_id)
        if since is not None:
            statement = statement.where(Rating.local_date >= since)
        if kind is not None:
            statement = statement.where(Rating.kind == kind)
        statement = statement.order_by(Rating.local_date, Rating.created_at, Rating.id)
        return list((await self.session.execute(statement)).scalars())

    async def insert(
        self,
        *,
        user_id: int,
        kind: str,
        value: float,
        source: str,
        local_date: date,
        now: datetime,
        session_id: int | None = None,
        update_id: int | None = None,
    ) -> int:
        """A new rating in one INSERT, not loaded into the session (no ORM flush: the button-tap hot path); its id."""
        values = {
            "user_id": user_id,
            "session_id": session_id,
            "kind": kind,
            "value": value,
            "source": source,
            "local_date": local_date,
            "created_at": now,
            "updated_at": now,
            "update_id": update_id,
        }
        return int((await self.session.execute(_INSERT, values)).scalar_one())

    async def delete(self, rating: Rating) -> None:
        await self.session.delete(rating)
        await self.session.flush()
