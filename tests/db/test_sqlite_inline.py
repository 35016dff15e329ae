"""SQLite in the event loop's thread (bot/db/sqlite_inline.py): no worker threads, and a write lock held by another
process is waited for in asyncio sleeps, so the event loop keeps serving everyone else meanwhile."""

from __future__ import annotations

import asyncio
import sys
import threading
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, insert, select

from bot.db import sqlite_inline
from bot.db.migrate import upgrade_database
from bot.db.models import User
from bot.db.unit_of_work import Database

NOW = datetime(2026, 3, 2, 6, 30, tzinfo=UTC)
HOLD_SECONDS = 0.6

# Another process takes SQLite's write lock, says so, holds it, then commits.
HOLDER = """
import sqlite3, sys, time
connection = sqlite3.connect(sys.argv[1], isolation_level=None)
connection.execute("BEGIN IMMEDIATE")
connection.execute("INSERT INTO users (id, chat_id, timezone, status, created_at, updated_at) "
                   "VALUES (1, 1, 'UTC', 'active', '2026-03-02 06:30:00', '2026-03-02 06:30:00')")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
connection.execute("COMMIT")
"""


@pytest.fixture
async def sqlite_db(tmp_path: Path) -> AsyncIterator[tuple[Database, Path]]:
    path = tmp_path / "inline.sqlite3"
    url = f"sqlite+aiosqlite:///{path}"
    database = Database(url)
    await upgrade_database(database)
    yield database, path
    await database.dispose()


async def _add_user(database: Database, user_id: int) -> None:
    async with database.unit_of_work() as uow:
        await uow.session.execute(
            insert(User),
            [{"id": user_id, "chat_id": user_id, "timezone": "UTC", "status": "active", "created_at": NOW,
              "updated_at": NOW}],
        )  # fmt: skip


async def test_sqlite_calls_start_no_worker_threads(sqlite_db: tuple[Database, Path]) -> None:
    database, _ = sqlite_db
    before = threading.active_count()
    await asyncio.gather(*(_add_user(database, 100 + n) for n in range(20)))
    async with database.unit_of_work(read_only=True) as uow:
        assert await uow.session.scalar(select(func.count()).select_from(User)) == 20
    assert threading.active_count() == before


async def test_a_write_lock_held_by_another_process_is_waited_for_without_stopping_the_event_loop(
    sqlite_db: tuple[Database, Path],
) -> None:
    database, path = sqlite_db
    holder = await asyncio.create_subprocess_exec(
        sys.executable, "-c", HOLDER, str(path), str(HOLD_SECONDS), stdout=asyncio.subprocess.PIPE
    )
    try:
        assert holder.stdout is not None
        assert (await holder.stdout.readline()).strip() == b"locked"
        ticks = 0

        async def ticker() -> None:
            nonlocal ticks
            while True:
                await asyncio.sleep(0.01)
                ticks += 1

        ticking = asyncio.create_task(ticker())
        started = time.monotonic()
        await _add_user(database, 2)  # waits for the other process's commit
        waited = time.monotonic() - started
        ticking.cancel()
    finally:
        await asyncio.wait_for(holder.wait(), 10)
    assert holder.returncode == 0
    assert waited >= HOLD_SECONDS * 0.5  # it really did wait for the lock...
    assert ticks >= 10  # ...while the event loop went on (SQLite's busy handler would have frozen it: 0 ticks)
    async with database.unit_of_work(read_only=True) as uow:
        ids = set(await uow.session.scalars(select(User.id)))
    assert ids == {1, 2}  # both writes landed


async def test_two_engines_in_one_process_share_one_write_queue_per_file(tmp_path: Path) -> None:
    path = tmp_path / "shared.sqlite3"
    url = f"sqlite+aiosqlite:///{path}"
    first, second = Database(url), Database(f"sqlite+aiosqlite:///{tmp_path}/./shared.sqlite3")
    try:
        await upgrade_database(first)
        assert sqlite_inline.write_lock(str(path.resolve())) is sqlite_inline.write_lock(str(path.resolve()))
        await asyncio.gather(*(_add_user(db, 300 + n) for n, db in enumerate([first, second] * 15)))
        async with first.unit_of_work(read_only=True) as uow:
            assert await uow.session.scalar(select(func.count()).select_from(User)) == 30
    finally:
        await first.dispose()
        await second.dispose()
