"""Test databases on SQLite (default) or on a real PostgreSQL server (`--db=postgres` / `STRETCHBOT_TEST_DB=postgres`).

PostgreSQL: the schema is migrated once per test session into a template database (`stretchbot_tmpl_<pid>`); each
test gets `CREATE DATABASE t_<uuid> TEMPLATE stretchbot_tmpl_<pid>` (a file-level copy, a few tens of ms) and the
database is dropped after the test. The admin connection is `TEST_POSTGRES_URL`.
"""

from __future__ import annotations

import asyncio
import os
import threading
import uuid
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import asyncpg
from sqlalchemy.engine import make_url

from bot.db.migrate import upgrade_database
from bot.db.unit_of_work import Database

DEFAULT_TEST_POSTGRES_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
DIALECTS = ("sqlite", "postgres")

T = TypeVar("T")


def admin_url() -> str:
    """The SQLAlchemy URL of the PostgreSQL admin connection (`TEST_POSTGRES_URL`)."""
    return os.environ.get("TEST_POSTGRES_URL") or DEFAULT_TEST_POSTGRES_URL


def url_for(database: str) -> str:
    """The SQLAlchemy URL of another database on the admin server."""
    return make_url(admin_url()).set(database=database).render_as_string(hide_password=False)


def dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def run_sync(make: Callable[[], Awaitable[T]]) -> T:
    """Run a coroutine to completion on its own loop in its own thread (safe from sync fixtures, whatever loop
    pytest-asyncio has set up in this thread)."""
    result: list[T] = []
    error: list[BaseException] = []

    def target() -> None:
        try:
            result.append(asyncio.run(_await(make)))
        except BaseException as exc:
            error.append(exc)

    thread = threading.Thread(target=target, name="test-db-admin")
    thread.start()
    thread.join()
    if error:
        raise error[0]
    return result[0]


async def _await(make: Callable[[], Awaitable[T]]) -> T:
    return await make()


async def admin_execute(*statements: str, database: str | None = None) -> list[Any]:
    """Run statements outside a transaction (CREATE/DROP DATABASE need that) on the admin server."""
    url = admin_url() if database is None else url_for(database)
    connection = await asyncpg.connect(dsn(url), timeout=10)
    try:
        results: list[Any] = []
        for statement in statements:
            results.append(await connection.fetch(statement))
        return results
    finally:
        await connection.close()


async def check_server() -> str:
    [[row]] = await admin_execute("SELECT version()")
    return str(row[0])


def _quote(name: str) -> str:
    if not name.replace("_", "").isalnum():
        raise ValueError(f"unexpected database name {name!r}")
    return f'"{name}"'


async def create_database(name: str, *, template: str | None = None) -> str:
    """A new database (empty, or a copy of `template`); returns its SQLAlchemy URL."""
    clause = f" TEMPLATE {_quote(template)}" if template else ""
    await admin_execute(f"CREATE DATABASE {_quote(name)}{clause}")
    return url_for(name)


async def drop_database(name: str) -> None:
    """Terminate every connection to `name`, then drop it."""
    await admin_execute(
        f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}' AND pid <> pg_backend_pid()",
        f"DROP DATABASE IF EXISTS {_quote(name)} WITH (FORCE)",
    )


def fresh_name(prefix: str = "t") -> str:
    return f"{prefix}_{uuid.uuid4().hex}"


def template_name() -> str:
    return f"stretchbot_tmpl_{os.getpid()}"


async def migrate(url: str) -> None:
    database = Database(url)
    try:
        await upgrade_database(database)
    finally:
        await database.dispose()


async def create_template() -> str:
    """Create and migrate this session's template database; returns its name."""
    name = template_name()
    await drop_database(name)
    url = await create_database(name)
    await migrate(url)  # the engine is disposed: a template must have no connections when it is copied
    return name
