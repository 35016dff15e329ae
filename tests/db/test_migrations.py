"""The Alembic migrations on the selected database (SQLite, or PostgreSQL in `make test-postgres`): from empty to
head, no drift from the models, and every revision up, down and up again with rows in its tables."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator, Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import MetaData, inspect, select, text
from sqlalchemy.engine import Connection

from bot.db.migrate import MIGRATIONS_DIR, downgrade_database, upgrade_database
from bot.db.models import Base
from bot.db.unit_of_work import Database
from tests.db.migration_samples import LATER_REVISION, SAMPLE_ROWS, head_revision

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


# ---- every revision: up, down and up again, with rows in the tables ------------------------------------------------


def revisions(migrations: Path = MIGRATIONS_DIR) -> list[tuple[str, str]]:
    """(revision, the revision before it or "base"), oldest first."""
    scripts = list(ScriptDirectory(str(migrations)).walk_revisions())
    return [(script.revision, str(script.down_revision or "base")) for script in reversed(scripts)]


Schema = dict[str, dict[str, Any]]
Rows = dict[str, set[tuple[tuple[str, str], ...]]]


def _schema(connection: Connection) -> Schema:
    inspector = inspect(connection)
    schema: Schema = {}
    for table in sorted(set(inspector.get_table_names()) - {"alembic_version"}):
        schema[table] = {
            "columns": [(c["name"], str(c["type"]), c["nullable"], str(c.get("default"))) for c in inspector.get_columns(table)],
            "primary key": inspector.get_pk_constraint(table)["constrained_columns"],
            "foreign keys": sorted(
                (tuple(fk["constrained_columns"]), fk["referred_table"], tuple(fk["referred_columns"]),
                 str(fk.get("options", {}).get("ondelete")))
                for fk in inspector.get_foreign_keys(table)
            ),
            "indexes": sorted(
                (ix["name"], tuple(ix["column_names"]), bool(ix["unique"]),
                 sorted((key, str(value)) for key, value in ix.get("dialect_options", {}).items()))
                for ix in inspector.get_indexes(table)
            ),
            "unique": sorted((u["name"], tuple(u["column_names"])) for u in inspector.get_unique_constraints(table)),
        }  # fmt: skip
    return schema


def _rows(connection: Connection) -> Rows:
    metadata = MetaData()
    metadata.reflect(connection)
    rows: Rows = {}
    for name, table in metadata.tables.items():
        if name != "alembic_version":
            rows[name] = {
                tuple(sorted((key, str(value)) for key, value in row._mapping.items()))
                for row in connection.execute(select(table))
            }
    return rows


async def _snapshot(database: Database) -> tuple[Schema, Rows]:
    async with database.engine.connect() as connection:
        return await connection.run_sync(_schema), await connection.run_sync(_rows)


async def _write_rows(database: Database, revision: str, samples: dict[str, Callable[[Connection], None]]) -> None:
    async with database.engine.begin() as connection:
        await connection.run_sync(samples[revision])


def _kept(before: Rows, after: Rows) -> list[str]:
    """The rows of `before` missing from `after`, compared on the columns both have."""
    missing = []
    for table, rows in before.items():
        now = after.get(table, set())
        shared = {key for row in rows for key, _ in row} & {key for row in now for key, _ in row}

        def project(row: tuple[tuple[str, str], ...], shared: set[str] = shared) -> tuple[tuple[str, str], ...]:
            return tuple((key, value) for key, value in row if key in shared)

        present = {project(row) for row in now}
        missing += [f"{table}: {dict(row)}" for row in rows if project(row) not in present]
    return missing


async def round_trip(
    database: Database,
    revision: str,
    parent: str,
    *,
    migrations: Path = MIGRATIONS_DIR,
    samples: dict[str, Callable[[Connection], None]] = SAMPLE_ROWS,
) -> None:
    """From `parent` with the rows of every earlier revision: up to `revision` (writing its rows), down to
    `parent` (the schema and rows exactly as before), up again (the same schema; the rows from before kept)."""
    for earlier, _ in revisions(migrations):
        if earlier == revision:
            break
        await upgrade_database(database, earlier, migrations=migrations)
        await _write_rows(database, earlier, samples)
    schema_before, rows_before = await _snapshot(database)

    await upgrade_database(database, revision, migrations=migrations)
    await _write_rows(database, revision, samples)
    schema_up, rows_up = await _snapshot(database)
    assert sum(map(len, rows_up.values())) > sum(map(len, rows_before.values())), f"{revision} wrote no rows"

    await downgrade_database(database, parent, migrations=migrations)
    schema_down, rows_down = await _snapshot(database)
    assert schema_down == schema_before, f"downgrading {revision} does not restore the schema of {parent}"
    assert _kept(rows_before, rows_down) == [], f"downgrading {revision} lost rows written before it"

    await upgrade_database(database, revision, migrations=migrations)
    schema_again, rows_again = await _snapshot(database)
    assert schema_again == schema_up, f"{revision} up, down and up again gives another schema"
    assert _kept(rows_before, rows_again) == [], f"{revision} up, down and up again lost rows written before it"


def test_every_revision_has_sample_rows() -> None:
    assert [revision for revision, _ in revisions()] == list(SAMPLE_ROWS), (
        "add rows for the new migration to tests/db/migration_samples.py"
    )


@pytest.mark.parametrize(("revision", "parent"), revisions())
async def test_revision_goes_up_down_and_up_again_with_rows(database: Database, revision: str, parent: str) -> None:
    await round_trip(database, revision, parent)
    await upgrade_database(database)
    _, differences = await _state(database)
    assert differences == []


# ---- the round trip notices a faulty downgrade (a later migration, as a newer version would bring it) ---------

NICKNAME_LATER = """
import sqlalchemy as sa
from alembic import op

revision = "{revision}"
down_revision = "{down_revision}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch_op:
        batch_op.add_column(sa.Column("nickname", sa.String(32), nullable=True))
        batch_op.create_index("ix_users_nickname", ["nickname"])


def downgrade() -> None:
    with op.batch_alter_table("users") as batch_op:
        {downgrade}
"""

CORRECT_DOWNGRADE = 'batch_op.drop_index("ix_users_nickname")\n        batch_op.drop_column("nickname")'


def _rows_later(connection: Connection) -> None:
    connection.execute(text("UPDATE users SET nickname = 'Al' WHERE id = 5001"))
    connection.execute(
        text("INSERT INTO users (id, chat_id, nickname, created_at, updated_at) VALUES (5003, 5003, 'Bo', :t, :t)"),
        {"t": datetime(2026, 3, 2, 6, 0)},
    )


def _with_later(tmp_path: Path, downgrade: str) -> Path:
    migrations = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS_DIR, migrations, ignore=shutil.ignore_patterns("__pycache__"))
    source = NICKNAME_LATER.format(revision=LATER_REVISION, down_revision=head_revision(), downgrade=downgrade)
    (migrations / "versions" / f"{LATER_REVISION}_nickname.py").write_text(source)
    return migrations


@pytest.mark.parametrize(
    ("downgrade", "finding"),
    [
        (CORRECT_DOWNGRADE, None),
        ('batch_op.drop_index("ix_users_nickname")', "does not restore the schema"),  # keeps the column
        (CORRECT_DOWNGRADE + '\n    op.execute("DELETE FROM skipped_days")', "lost rows written before it"),
    ],
)
async def test_the_round_trip_notices_a_faulty_downgrade(
    database: Database, tmp_path: Path, downgrade: str, finding: str | None
) -> None:
    migrations = _with_later(tmp_path, downgrade)
    samples = {**SAMPLE_ROWS, LATER_REVISION: _rows_later}
    if finding is None:
        await round_trip(database, LATER_REVISION, head_revision(), migrations=migrations, samples=samples)
        return
    with pytest.raises(AssertionError, match=finding):
        await round_trip(database, LATER_REVISION, head_revision(), migrations=migrations, samples=samples)


async def test_0004_schedules_the_outcome_questions_of_users_who_set_up_before_it(database: Database) -> None:
    from datetime import datetime, timedelta

    from sqlalchemy import text

    await upgrade_database(database, "0003")
    await _write_rows(database, "0001", SAMPLE_ROWS)  # 5001 set up (morning reminder due at T0), 5002 setting up
    await upgrade_database(database, "0004")
    async with database.unit_of_work(read_only=True) as uow:
        rows = (
            await uow.session.execute(text("SELECT user_id, kind, next_due_at FROM outcome_prompts ORDER BY kind"))
        ).all()
    t0 = datetime(2026, 3, 2, 6, 0)
    assert [(r[0], r[1], str(r[2])[:16]) for r in rows] == [
        (5001, "stiffness", str(t0)[:16]),
        (5001, "weekly", str(t0 + timedelta(days=7))[:16]),
    ]
