"""Users and their preferences."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite

from bot.db.models import ALL_USER_TABLES, User
from bot.db.session import AsyncSession


class UserRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, user_id: int, *, for_update: bool = False) -> User | None:
        statement = select(User).where(User.id == user_id)
        if for_update:
            statement = statement.with_for_update()
        return (await self.session.execute(statement)).scalar_one_or_none()

    async def language_of(self, user_id: int) -> str | None:
        """The user's language; no query when this unit of work has loaded the user already."""
        user = await self.session.get(User, user_id)
        return user.language if user is not None else None

    async def get_or_create(self, user_id: int, chat_id: int, now: datetime) -> tuple[User, bool]:
        """The user (row-locked until the unit of work ends), and whether they were created just now.

        `INSERT ... ON CONFLICT DO NOTHING` first, so two units of work creating the same user at once (two
        instances, one database) never fail on the primary key: the second waits for the first, then locks its row.
        """
        values = {
            "id": user_id,
            "chat_id": chat_id,
            "onboarding_step": "time",
            "status": "active",
            "snooze_minutes": 15,
            "routine_id": "pigeon",
            "created_at": now,
            "updated_at": now,
        }
        dialect_insert = postgresql.insert if self.session.get_bind().dialect.name == "postgresql" else sqlite.insert
        statement = dialect_insert(User).values(values).on_conflict_do_nothing(index_elements=["id"])
        created = (await self.session.execute(statement.returning(User.id))).first() is not None
        user = await self.get(user_id, for_update=True)
        if user is None:  # pragma: no cover - the row exists: inserted above or by someone else
            raise RuntimeError(f"user {user_id} vanished while being created")
        if user.chat_id != chat_id:
            user.chat_id = chat_id
        return user, created

    async def delete_everything(self, user_id: int) -> None:
        """Erase every row that belongs to the user, in every table (children first)."""
        for model in ALL_USER_TABLES:
            column = model.__table__.c.id if model is User else model.__table__.c.user_id
            await self.session.execute(delete(model).where(column == user_id))
