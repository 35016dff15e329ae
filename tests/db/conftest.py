"""Fixtures for database tests: an empty database (no schema) on the selected dialect."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests import databases


@pytest.fixture
def empty_database_url(request: pytest.FixtureRequest, test_db: str, tmp_path: Path) -> Iterator[str]:
    """A database without any table: a new SQLite file, or a new PostgreSQL database (dropped afterwards)."""
    if test_db == "postgres":
        request.getfixturevalue("postgres_template")  # checks the server once, clearly
        name = databases.fresh_name("e")
        url = databases.run_sync(lambda: databases.create_database(name))
        yield url
        databases.run_sync(lambda: databases.drop_database(name))
        return
    yield f"sqlite+aiosqlite:///{tmp_path / 'empty.sqlite3'}"
