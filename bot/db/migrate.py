"""Schema upgrades and downgrades through Alembic, callable from the CLI (`stretchbot db upgrade`, `db downgrade`,
`db current`) and at start-up.

Several instances may start at once against one PostgreSQL database: the upgrade runs under a transaction-level
advisory lock, so one instance migrates and the others wait, then find the schema at head and do nothing.
(PostgreSQL DDL is transactional, so a failed upgrade leaves nothing half-done.)
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.engine import Connection

from bot.db.unit_of_work import Database

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# pg_advisory_xact_lock key for schema changes: any constant shared by every instance ("stretchb" in ASCII).
MIGRATION_LOCK_KEY = 0x7374726574636862


def alembic_config(url: str, migrations: Path = MIGRATIONS_DIR) -> Config:
    config = Config()
    config.set_main_option("script_location", str(migrations))
    config.set_main_option("sqlalchemy.url", url)
    return config


def _lock(connection: Connection) -> None:
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY})


def _upgrade(connection: Connection, config: Config, revision: str) -> None:
    _lock(connection)
    config.attributes["connection"] = connection
    command.upgrade(config, revision)


def _downgrade(connection: Connection, config: Config, revision: str) -> None:
    _lock(connection)
    config.attributes["connection"] = connection
    command.downgrade(config, revision)


def _sqlite_foreign_keys(connection: Connection, enabled: bool) -> None:
    """`PRAGMA foreign_keys` only changes outside a transaction: run on the driver connection, before BEGIN."""
    cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(f"PRAGMA foreign_keys={'ON' if enabled else 'OFF'}")
    finally:
        cursor.close()


def _check_foreign_keys(connection: Connection) -> None:
    violations = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if violations:
        tables = sorted({str(row[0]) for row in violations})
        raise RuntimeError(f"the migration left rows without their parent in {', '.join(tables)}; rolled back")


async def _migrate(
    database: Database, step: Callable[[Connection, Config, str], None], config: Config, revision: str
) -> None:
    """Run one Alembic command in one transaction. On SQLite with foreign keys off: batch mode rebuilds a table
    (create a copy, drop the original, rename), and dropping `users` with foreign keys on would delete every
    rating, session and reminder through ON DELETE CASCADE. The keys are checked before the commit instead."""
    async with database.engine.connect() as connection:
        if database.is_sqlite:
            await connection.run_sync(_sqlite_foreign_keys, False)
        try:
            async with connection.begin():
                await connection.run_sync(step, config, revision)
                if database.is_sqlite:
                    await connection.run_sync(_check_foreign_keys)
        finally:
            if database.is_sqlite:
                await connection.run_sync(_sqlite_foreign_keys, True)


async def upgrade_database(database: Database, revision: str = "head", *, migrations: Path = MIGRATIONS_DIR) -> None:
    """Bring the schema to `revision` over the database's own engine, in one transaction."""
    await _migrate(database, _upgrade, alembic_config(database.url, migrations), revision)


async def downgrade_database(database: Database, revision: str, *, migrations: Path = MIGRATIONS_DIR) -> None:
    """Take the schema back to `revision` ("base" drops every table), in one transaction."""
    await _migrate(database, _downgrade, alembic_config(database.url, migrations), revision)


def _current(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


async def current_revision(database: Database) -> str | None:
    """The schema revision the database is at (None: no schema yet)."""
    async with database.engine.connect() as connection:
        return await connection.run_sync(_current)
