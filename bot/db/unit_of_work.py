"""The unit of work: one session and one transaction per update (or per scheduler batch).

Repositories take the session and never commit; leaving the `async with` block commits, an exception rolls back.
"""

from __future__ import annotations

from types import TracebackType

from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from bot.db.engine import create_engine, session_factories
from bot.db.repositories.ratings import RatingRepository
from bot.db.repositories.reminders import ReminderRepository
from bot.db.repositories.sessions import SessionRepository
from bot.db.repositories.users import UserRepository
from bot.db.session import AsyncSession


class UnitOfWork:
    """`async with db.unit_of_work() as uow:` gives `uow.users`, `uow.reminders`, ... over one transaction."""

    def __init__(self, factory: async_sessionmaker[AsyncSession]) -> None:
        self._factory = factory
        self._session: AsyncSession | None = None

    @property
    def session(self) -> AsyncSession:
        if self._session is None:
            raise RuntimeError("UnitOfWork used outside `async with`")
        return self._session

    async def __aenter__(self) -> UnitOfWork:
        self._session = self._factory()
        session = self._session
        self.users = UserRepository(session)
        self.reminders = ReminderRepository(session)
        self.sessions = SessionRepository(session)
        self.ratings = RatingRepository(session)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        session = self.session
        try:
            if exc_type is None:
                await session.commit()
            else:
                await session.rollback()
        finally:
            await session.close()
            self._session = None

    async def flush(self) -> None:
        await self.session.flush()


class Database:
    """The engine plus unit-of-work factories. Made once by `build_application`, disposed at shutdown."""

    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = url
        self.engine: AsyncEngine = create_engine(url, echo=echo)
        self._read_write, self._read_only = session_factories(self.engine)

    @property
    def is_sqlite(self) -> bool:
        return self.url.startswith("sqlite")

    def unit_of_work(self, *, read_only: bool = False) -> UnitOfWork:
        return UnitOfWork(self._read_only if read_only else self._read_write)

    async def dispose(self) -> None:
        await self.engine.dispose()
