"""The database engine and its session factories, with SQLite tuned for a concurrent bot.

SQLite: WAL, foreign keys on, and `BEGIN IMMEDIATE` for read-write transactions, so two handlers that read then
write never deadlock into "database is locked" (the second waits for the first instead). Read-only units of work use
a plain deferred `BEGIN`, which WAL lets run beside a writer. SQLite calls run in the event loop's thread and writers
wait for each other in asyncio, never in SQLite's busy handler: see bot/db/sqlite_inline.py.
Statement parameters (ratings, typed text) never appear in database errors: `hide_parameters=True`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine

from bot.db.session import AsyncSession
from bot.db.sqlite_inline import STATEMENT_BUSY_TIMEOUT_MS, InlineConnection, begin_immediate, inline_connect


def _prepare_sqlite_path(url: str) -> None:
    database = make_url(url).database
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)


def sqlite_file(url: str) -> str:
    """The database a SQLite URL names, as one string per file (the key of its write queue)."""
    database = make_url(url).database or ":memory:"
    if database == ":memory:" or database.startswith("file:"):
        return database
    return str(Path(database).expanduser().resolve())


def database_description(url: str) -> str:
    """The database for a log line, without a password: an absolute SQLite path, or host:port/database."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return sqlite_file(url)
    return f"{parsed.host or 'localhost'}:{parsed.port or 5432}/{parsed.database or ''}"


def create_engine(url: str, *, echo: bool = False, pool_size: int = 10) -> AsyncEngine:
    """An async engine for `url` (sqlite+aiosqlite or postgresql+asyncpg)."""
    if url.startswith("sqlite"):
        _prepare_sqlite_path(url)
        engine = create_async_engine(
            url,
            echo=echo,
            hide_parameters=True,
            connect_args={"timeout": STATEMENT_BUSY_TIMEOUT_MS / 1000, "async_creator_fn": inline_connect},
        )
        _tune_sqlite(engine)
        return engine
    return create_async_engine(
        url, echo=echo, hide_parameters=True, pool_size=pool_size, max_overflow=pool_size, pool_pre_ping=True
    )


def _tune_sqlite(engine: AsyncEngine) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy (below) issue BEGIN itself instead of the driver's implicit transactions.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={STATEMENT_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Connection) -> None:
        if connection.get_execution_options().get("stretchbot_read_only", False):
            connection.exec_driver_sql("BEGIN")
        else:
            driver_connection = connection.connection.driver_connection
            assert isinstance(driver_connection, InlineConnection)
            begin_immediate(driver_connection._conn)


def session_factories(
    engine: AsyncEngine,
) -> tuple[async_sessionmaker[AsyncSession], async_sessionmaker[AsyncSession]]:
    """(read-write, read-only) session factories over one engine and one pool."""
    read_write = async_sessionmaker(engine, class_=AsyncSession, expire_on_commit=False, autoflush=False)
    read_only_engine = engine.execution_options(stretchbot_read_only=True)
    read_only = async_sessionmaker(read_only_engine, class_=AsyncSession, expire_on_commit=False, autoflush=False)
    return read_write, read_only
