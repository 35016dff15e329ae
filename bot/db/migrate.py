"""Schema upgrades through Alembic, callable from the CLI (`stretchbot db upgrade`) and at start-up."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Connection

from bot.db.unit_of_work import Database

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url)
    return config


def _upgrade(connection: Connection, config: Config, revision: str) -> None:
    config.attributes["connection"] = connection
    command.upgrade(config, revision)


async def upgrade_database(database: Database, revision: str = "head") -> None:
    """Bring the schema to `revision` over the database's own engine, in one transaction."""
    config = alembic_config(database.url)
    async with database.engine.begin() as connection:
        await connection.run_sync(_upgrade, config, revision)
