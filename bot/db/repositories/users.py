"""Users and their preferences."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select

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

    async def get_or_create(self, user_id: int, chat_id: int, now: datetime) -> tuple[User, bool]:
        """The user, and whether they were created just now."""
        user = await self.get(user_id, for_update=True)
        if user is not None:
            if user.chat_id != chat_id:
                user.chat_id = chat_id
            return user, False
        user = User(
            id=user_id,
            chat_id=chat_id,
            onboarding_step="time",
            status="active",
            snooze_minutes=15,
            routine_id="pigeon",
            created_at=now,
            updated_at=now,
        )
        self.session.add(user)
        await self.session.flush()
        return user, True

    async def delete_everything(self, user_id: int) -> None:
        """Erase every row that belongs to the user, in every table (children first)."""
        for model in ALL_USER_TABLES:
            column = model.__table__.c.id if model is User else model.__table__.c.user_id
            await self.session.execute(delete(model).where(column == user_id))
