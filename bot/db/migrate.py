"""Schema upgrades and downgrades through Alembic, callable from the CLI (`stretchbot db upgrade`, `db downgrade`,
`db current`) and at start-up.

Several instances may start at once against one PostgreSQL database: the upgrade runs under a transaction-level
advisory lock, so one instance migrates and the others wait, then find the schema at head and do nothing.
(PostgreSQL DDL is transactional, so a failed upgrade leaves nothing half-done.)
"""

from __future__ import annotations

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


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
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


async def upgrade_database(database: Database, revision: str = "head") -> None:
    """Bring the schema to `revision` over the database's own engine, in one transaction."""
    config = alembic_config(database.url)
    async with database.engine.begin() as connection:
        await connection.run_sync(_upgrade, config, revision)


async def downgrade_database(database: Database, revision: str) -> None:
    """Take the schema back to `revision` ("base" drops every table), in one transaction."""
    config = alembic_config(database.url)
    async with database.engine.begin() as connection:
        await connection.run_sync(_downgrade, config, revision)


def _current(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


async def current_revision(database: Database) -> str | None:
    """The schema revision the database is at (None: no schema yet)."""
    async with database.engine.connect() as connection:
        return await connection.run_sync(_current)
