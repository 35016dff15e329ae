"""The unit of work: one session and one transaction per update (or per scheduler batch).

Repositories take the session and never commit; leaving the `async with` block commits, an exception rolls back.
Every unit of work first asks the database's `DatabaseHealth` whether it may be used at all (not once its file was
deleted or it turned read-only); a read-write one reports its commit to it and notes it for the update being
handled (`bot.db.commits`), so an error reply can say whether the user's input was stored.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from types import TracebackType

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, async_sessionmaker

from bot.db.commits import note_commit
from bot.db.engine import create_engine, database_description, session_factories, sqlite_file
from bot.db.health import DatabaseHealth
from bot.db.repositories.coaching import CoachingRepository
from bot.db.repositories.media import MediaRepository
from bot.db.repositories.outcomes import OutcomeRepository
from bot.db.repositories.ratings import RatingRepository
from bot.db.repositories.reminders import ReminderRepository
from bot.db.repositories.sessions import SessionRepository
from bot.db.repositories.users import UserRepository
from bot.db.session import AsyncSession
from bot.db.sqlite_inline import acquire_write_lock


class UnitOfWork:
    """`async with db.unit_of_work() as uow:` gives `uow.users`, `uow.reminders`, ... over one transaction."""

    def __init__(
        self,
        factory: async_sessionmaker[AsyncSession],
        health: DatabaseHealth,
        write_queue: str | None = None,
        *,
        read_only: bool = False,
    ) -> None:
        self._factory = factory
        self._health = health
        self._read_only = read_only
        self._write_queue = write_queue  # SQLite: the file whose write lock this unit of work queues for
        self._write_lock: asyncio.Lock | None = None
        self._session: AsyncSession | None = None

    @property
    def session(self) -> AsyncSession:
        if self._session is None:
            raise RuntimeError("UnitOfWork used outside `async with`")
        return self._session

    async def __aenter__(self) -> UnitOfWork:
        self._health.ensure_usable()
        if self._write_queue is not None:
            self._write_lock = await acquire_write_lock(self._write_queue)
        self._session = self._factory()
        session = self._session
        self.users = UserRepository(session)
        self.reminders = ReminderRepository(session)
        self.sessions = SessionRepository(session)
        self.ratings = RatingRepository(session)
        self.outcomes = OutcomeRepository(session)
        self.media = MediaRepository(session)
        self.coaching = CoachingRepository(session)
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
                if not self._read_only:  # only a write proves the database usable again (reads work on a full disk)
                    self._health.record_success()
                    note_commit()
            else:
                await session.rollback()
        finally:
            try:
                await session.close()
            finally:
                self._session = None
                if self._write_lock is not None:
                    self._write_lock.release()
                    self._write_lock = None

    async def flush(self) -> None:
        await self.session.flush()


class Database:
    """The engine plus unit-of-work factories. Made once by `build_application`, disposed at shutdown."""

    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = url
        self.engine: AsyncEngine = create_engine(url, echo=echo)
        self._read_write, self._read_only = session_factories(self.engine)
        # SQLite has one writer at a time, and runs in the event loop's thread (bot/db/sqlite_inline.py): writers
        # of this process queue in asyncio, per file, never inside SQLite. PostgreSQL needs no such queue.
        self._write_queue: str | None = sqlite_file(url) if self.is_sqlite else None
        self.health = DatabaseHealth(database_description(url))

    @property
    def is_sqlite(self) -> bool:
        return self.url.startswith("sqlite")

    def unit_of_work(self, *, read_only: bool = False) -> UnitOfWork:
        if read_only:
            return UnitOfWork(self._read_only, self.health, read_only=True)
        return UnitOfWork(self._read_write, self.health, self._write_queue)

    @asynccontextmanager
    async def write_connection(self) -> AsyncIterator[AsyncConnection]:
        """A plain connection in a read-write transaction (no ORM session), queued like a unit of work."""
        self.health.ensure_usable()
        lock = None if self._write_queue is None else await acquire_write_lock(self._write_queue)
        try:
            async with self.engine.begin() as connection:
                yield connection
        finally:
            if lock is not None:
                lock.release()
        self.health.record_success()
        note_commit()

    async def dispose(self) -> None:
        await self.engine.dispose()
