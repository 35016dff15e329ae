"""PostgreSQL is backed up with its own tools: the `pg_dump` / `pg_restore` recipe of docs/deployment.md, run
against the test server, gives back the data and a schema the bot accepts."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from bot.db.unit_of_work import Database
from tests import databases
from tests.support.cli import cli_env, run_cli

DOC = Path(__file__).resolve().parents[2] / "docs" / "deployment.md"
DUMP = ["pg_dump", "--format=custom"]
RESTORE = ["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction"]


def libpq(url: str) -> str:
    """The URL for libpq tools: DATABASE_URL without SQLAlchemy's `+asyncpg`."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def users(url: str) -> list[int]:
    database = Database(url)
    try:
        async with database.engine.connect() as connection:
            return [row[0] for row in await connection.execute(text("SELECT id FROM users ORDER BY id"))]
    finally:
        await database.dispose()


async def add_user(url: str, uid: int) -> None:
    database = Database(url)
    try:
        async with database.engine.begin() as connection:
            await connection.execute(
                text("INSERT INTO users (id, chat_id, created_at, updated_at) VALUES (:id, :id, now(), now())"),
                {"id": uid},
            )
    finally:
        await database.dispose()


def test_the_guide_gives_these_commands() -> None:
    guide = DOC.read_text()
    assert " ".join(DUMP) in guide
    assert " ".join(RESTORE) in guide


@pytest.mark.postgres
@pytest.mark.skipif(shutil.which("pg_dump") is None, reason="pg_dump is not installed")
def test_pg_dump_and_pg_restore_as_the_guide_says(database_url: str, tmp_path: Path) -> None:
    databases.run_sync(lambda: add_user(database_url, 1))
    databases.run_sync(lambda: add_user(database_url, 2))
    dump = tmp_path / "stretchbot.dump"
    subprocess.run([*DUMP, f"--file={dump}", libpq(database_url)], check=True, capture_output=True, timeout=60)
    databases.run_sync(lambda: add_user(database_url, 3))  # written after the backup: gone after the restore

    subprocess.run([*RESTORE, f"--dbname={libpq(database_url)}", dump], check=True, capture_output=True, timeout=60)
    assert databases.run_sync(lambda: users(database_url)) == [1, 2]

    name = databases.fresh_name("r")  # and into a new, empty database (a new server)
    fresh = databases.run_sync(lambda: databases.create_database(name))
    try:
        subprocess.run([*RESTORE, f"--dbname={libpq(fresh)}", dump], check=True, capture_output=True, timeout=60)
        assert databases.run_sync(lambda: users(fresh)) == [1, 2]
        current = run_cli("db", "current", env=cli_env(DATABASE_URL=fresh), cwd=tmp_path)
        assert current.stdout.endswith(": up to date\n"), current.stderr
        backup = run_cli("db", "backup", tmp_path / "b", env=cli_env(DATABASE_URL=fresh), cwd=tmp_path)
        assert backup.returncode == 2
        assert "the database is PostgreSQL: back it up with pg_dump" in backup.stderr
    finally:
        databases.run_sync(lambda: databases.drop_database(name))
