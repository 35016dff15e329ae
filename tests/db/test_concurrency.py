"""Many units of work at once on the same rows, on the selected database: read-then-write never surfaces
"database is locked" (SQLite) or a unique/serialization error (PostgreSQL) to the caller, no update is lost, and
several instances claiming the reminder queue never claim the same reminder twice."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import func, insert, select

from bot.db.models import ReminderDelivery, ReminderSlot, User
from bot.db.unit_of_work import Database
from bot.reminders.queue import claim_ready, materialize_due

NOW = datetime(2026, 3, 2, 6, 30, tzinfo=UTC)
WORKERS = 40


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    database = Database(database_url)
    yield database
    await database.dispose()


@pytest.fixture
async def instances(database_url: str) -> AsyncIterator[list[Database]]:
    """Four engines on one database, like four bot processes."""
    databases = [Database(database_url) for _ in range(4)]
    yield databases
    await asyncio.gather(*(d.dispose() for d in databases))


async def _seed_users(db: Database, count: int) -> list[int]:
    ids = list(range(5000, 5000 + count))
    async with db.unit_of_work() as uow:
        await uow.session.execute(
            insert(User),
            [
                {"id": i, "chat_id": i, "timezone": "UTC", "status": "active", "created_at": NOW, "updated_at": NOW}
                for i in ids
            ],
        )
    return ids


async def test_concurrent_get_or_create_and_increment_the_same_user(db: Database) -> None:
    """40 updates of a brand-new user at once (e.g. the same user on two instances): one creates the row, each
    increments a counter after reading it, none fails, and no increment is lost."""

    async def one() -> bool:
        async with db.unit_of_work() as uow:
            user, created = await uow.users.get_or_create(777, 777, NOW)
            await asyncio.sleep(0)  # let the others run between the read and the write
            user.snooze_minutes = user.snooze_minutes + 1
            return created

    created = await asyncio.gather(*(one() for _ in range(WORKERS)))
    assert created.count(True) == 1
    async with db.unit_of_work(read_only=True) as uow:
        user = await uow.users.get(777)
    assert user is not None
    assert user.snooze_minutes == 15 + WORKERS


async def test_concurrent_read_then_write_with_row_locks(db: Database) -> None:
    """The services' pattern: lock the user row, read, write. Concurrent ones queue instead of failing."""
    [user_id] = await _seed_users(db, 1)

    async def one(n: int) -> None:
        async with db.unit_of_work() as uow:
            user = await uow.users.get(user_id, for_update=True)
            assert user is not None
            await asyncio.sleep(0)
            user.snooze_minutes = user.snooze_minutes + 1
            user.awaiting_input = f"worker:{n}"

    await asyncio.gather(*(one(n) for n in range(WORKERS)))
    async with db.unit_of_work(read_only=True) as uow:
        user = await uow.users.get(user_id)
    assert user is not None
    assert user.snooze_minutes == 15 + WORKERS


async def test_instances_claim_each_pending_reminder_once(db: Database, instances: list[Database]) -> None:
    ids = await _seed_users(db, 600)
    async with db.unit_of_work() as uow:
        await uow.session.execute(
            insert(ReminderDelivery),
            [
                {"user_id": i, "slot": 1, "local_date": date(2026, 3, 2), "due_at": NOW, "send_after": NOW}
                | {"status": "pending", "attempts": 0, "snoozes": 0}
                for i in ids
            ],
        )

    async def claimer(database: Database) -> list[int]:
        mine: list[int] = []
        while True:
            async with database.unit_of_work() as uow:
                batch = await claim_ready(
                    uow.session, NOW, lease=timedelta(minutes=2), catch_up=timedelta(hours=2), limit=25
                )
            if not batch:
                return mine
            mine.extend(c.delivery_id for c in batch)
            await asyncio.sleep(0)

    claimed = await asyncio.gather(*(claimer(d) for instance in instances for d in (instance, instance)))
    everything = [delivery for batch in claimed for delivery in batch]
    assert len(everything) == len(set(everything)) == 600
    assert sum(1 for batch in claimed if batch) >= 2  # they really ran side by side


async def test_instances_materialize_each_due_slot_once(db: Database, instances: list[Database]) -> None:
    ids = await _seed_users(db, 300)
    async with db.unit_of_work() as uow:
        await uow.session.execute(
            insert(ReminderSlot),
            [{"user_id": i, "slot": 1, "local_time": time(6, 30), "enabled": True, "next_due_at": NOW} for i in ids],
        )

    async def materializer(database: Database) -> int:
        handled = 0
        while True:
            async with database.unit_of_work() as uow:
                n = await materialize_due(
                    uow.session, NOW, catch_up=timedelta(hours=2), default_timezone="UTC", limit=20
                )
            if n == 0:
                return handled
            handled += n

    handled = await asyncio.gather(*(materializer(d) for d in instances))
    assert sum(handled) == 300
    async with db.unit_of_work(read_only=True) as uow:
        deliveries = (await uow.session.execute(select(func.count()).select_from(ReminderDelivery))).scalar_one()
        next_due = set((await uow.session.execute(select(ReminderSlot.next_due_at))).scalars())
    assert deliveries == 300
    assert next_due == {NOW + timedelta(days=1)}
