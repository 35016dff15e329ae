"""The Alembic migrations on the selected database: from empty to head, no drift from the models, down and up."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import Connection

from bot.db.migrate import downgrade_database, upgrade_database
from bot.db.models import Base
from bot.db.unit_of_work import Database

MODEL_TABLES = set(Base.metadata.tables)


@pytest.fixture
async def database(empty_database_url: str) -> AsyncIterator[Database]:
    db = Database(empty_database_url)
    yield db
    await db.dispose()


def _differences(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True, "compare_server_default": False})
    return list(compare_metadata(context, Base.metadata))


def _tables(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names())


async def _state(database: Database) -> tuple[set[str], list[Any]]:
    async with database.engine.connect() as connection:
        tables = await connection.run_sync(_tables)
        differences = await connection.run_sync(_differences)
    return tables, differences


async def test_upgrade_from_empty_matches_the_models(database: Database) -> None:
    async with database.engine.connect() as connection:
        assert await connection.run_sync(_tables) == set()
    await upgrade_database(database)
    tables, differences = await _state(database)
    assert tables == MODEL_TABLES | {"alembic_version"}
    assert differences == [], "models and migrations differ: write a migration (alembic revision --autogenerate)"


async def test_downgrade_to_base_and_upgrade_again(database: Database) -> None:
    await upgrade_database(database)
    await downgrade_database(database, "base")
    tables, _ = await _state(database)
    assert tables == {"alembic_version"}
    await upgrade_database(database)
    tables, differences = await _state(database)
    assert tables == MODEL_TABLES | {"alembic_version"}
    assert differences == []


async def test_upgrading_twice_is_a_no_op(database: Database) -> None:
    await upgrade_database(database)
    await upgrade_database(database)
    _, differences = await _state(database)
    assert differences == []


@pytest.mark.postgres
async def test_instances_starting_together_migrate_once(empty_database_url: str) -> None:
    """Three instances starting at once on an empty database: one migrates, the others wait and find it done."""
    instances = [Database(empty_database_url) for _ in range(3)]
    try:
        await asyncio.gather(*(upgrade_database(db) for db in instances))
        tables, differences = await _state(instances[0])
    finally:
        await asyncio.gather(*(db.dispose() for db in instances))
    assert tables == MODEL_TABLES | {"alembic_version"}
    assert differences == []
