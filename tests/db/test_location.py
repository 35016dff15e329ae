"""Start-up's look for the real database before it creates a new, empty one (bot/db/location.py)."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from bot.db.location import DatabaseRefused, holds_schema, refuse_new_database, sqlite_location


def test_an_empty_directory_may_get_a_new_database(tmp_path: Path) -> None:
    location = sqlite_location(f"sqlite+aiosqlite:///{tmp_path}/bot.sqlite3")
    assert location is not None and location.path == tmp_path / "bot.sqlite3" and not location.relative
    refuse_new_database(location)  # nothing found: no refusal
    (tmp_path / "notes.sqlite3").touch()  # not a stretchbot database
    sqlite3.connect(tmp_path / "other-app.sqlite3").execute("CREATE TABLE t (x)")
    refuse_new_database(location)


def test_another_stretchbot_database_in_the_directory_is_named(tmp_path: Path, migrated_sqlite: Path) -> None:
    shutil.copyfile(migrated_sqlite, tmp_path / "bot.sqlite3.rescued-20260302T060000Z")
    location = sqlite_location(f"sqlite+aiosqlite:///{tmp_path}/bot.sqlite3")
    assert location is not None
    with pytest.raises(DatabaseRefused, match="rescued-20260302T060000Z"):
        refuse_new_database(location)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bot.sqlite3.rescued-20260302T060000Z"], "only looked"


def test_a_leftover_write_ahead_log_means_the_database_was_deleted(tmp_path: Path) -> None:
    (tmp_path / "bot.sqlite3-wal").write_bytes(b"\0" * 32)
    location = sqlite_location(f"sqlite+aiosqlite:///{tmp_path}/bot.sqlite3")
    assert location is not None
    with pytest.raises(DatabaseRefused, match="write-ahead log"):
        refuse_new_database(location)


def test_a_relative_path_is_compared_with_the_same_path_under_the_checkout(
    tmp_path: Path, migrated_sqlite: Path
) -> None:
    checkout, elsewhere = tmp_path / "checkout", tmp_path / "elsewhere"
    (checkout / "data").mkdir(parents=True)
    elsewhere.mkdir()
    shutil.copyfile(migrated_sqlite, checkout / "data" / "bot.sqlite3")
    location = sqlite_location("sqlite+aiosqlite:///./data/bot.sqlite3", cwd=elsewhere)
    assert location is not None and location.relative and location.path == elsewhere / "data" / "bot.sqlite3"
    with pytest.raises(DatabaseRefused, match=str(checkout / "data" / "bot.sqlite3")):
        refuse_new_database(location, project_root=checkout)
    from_checkout = sqlite_location("sqlite+aiosqlite:///./data/bot.sqlite3", cwd=checkout)
    assert from_checkout is not None and holds_schema(from_checkout.path)


def test_memory_databases_have_no_location() -> None:
    assert sqlite_location("sqlite+aiosqlite:///:memory:") is None
