"""Crash safety with a real bot process: SIGKILL at random points, then a restart; and SIGTERM mid fan-out.

The stand-in runs in its own process and outlives every bot process, so its per-chat counters are the truth
about what users received. A SIGKILL runs no shutdown code at all: whatever was sent but not yet recorded is
sent again after the restart (at-least-once); the tests measure how much that is.
"""

from __future__ import annotations

import random
import shutil
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.reminders.dispatcher import RECORD_BATCH
from tests.conftest import TOKEN
from tests.support.processes import (
    BotProcess,
    StandInProcess,
    integrity_check,
    seed_reminder_users,
    sql,
    wait_until,
)

pytestmark = pytest.mark.slow

SEND_CONCURRENCY = 8
FAN_OUT = 10_000
FIRST_ID = 100_000


@pytest.fixture
def database(tmp_path: Path, migrated_sqlite: Path) -> Path:
    path = tmp_path / "bot.sqlite3"
    shutil.copyfile(migrated_sqlite, path)
    return path


@pytest.fixture
async def standin_process() -> AsyncIterator[StandInProcess]:
    async with StandInProcess(TOKEN) as standin:
        yield standin


def bot_process(database: Path, standin: StandInProcess, tmp_path: Path, **settings: str) -> BotProcess:
    return BotProcess(
        database,
        standin.url,
        TOKEN,
        tmp_path,
        SCHEDULER_TICK_SECONDS="0.5",
        BROADCAST_PER_SECOND="1000",
        SEND_CONCURRENCY=str(SEND_CONCURRENCY),
        **settings,
    )


async def sent_per_chat(standin: StandInProcess) -> dict[int, int]:
    stats = await standin.remote.stats()
    return {int(chat): n for chat, n in stats["sent_per_chat"].items()}


def leases_run_out(database: Path) -> None:
    """The dead process's leases expire (two minutes in real life; moved into the past instead of waiting)."""
    past = (datetime.now(UTC) - timedelta(seconds=1)).replace(tzinfo=None).isoformat(sep=" ")
    sql(database, "UPDATE reminder_deliveries SET lease_until = ? WHERE lease_until IS NOT NULL", past)


async def seeded_fan_out(database: Path, standin: StandInProcess, count: int) -> list[int]:
    user_ids = list(range(FIRST_ID, FIRST_ID + count))
    seed_reminder_users(database, user_ids, datetime.now(UTC) - timedelta(minutes=1))
    await standin.remote.add_chats(user_ids)
    return user_ids


async def test_sigkill_during_a_fan_out_of_10000_reminders(
    database: Path, standin_process: StandInProcess, tmp_path: Path
) -> None:
    rng = random.Random()
    seed = rng.randrange(1_000_000)
    rng.seed(seed)
    user_ids = await seeded_fan_out(database, standin_process, FAN_OUT)
    bot = bot_process(database, standin_process, tmp_path)
    kills = []
    try:
        began = time.monotonic()
        for _ in range(2):
            await bot.start()
            target = rng.randrange(500, 9_000) if not kills else rng.randrange(kills[-1] + 200, 9_800)

            async def reached(target: int = target) -> bool:
                return sum((await sent_per_chat(standin_process)).values()) >= target

            await wait_until(reached, 90, interval=0.02)
            bot.kill()
            await bot.wait(10)
            kills.append(sum((await sent_per_chat(standin_process)).values()))
            assert integrity_check(database) == "ok"
            leases_run_out(database)
        await bot.start()

        def recorded() -> bool:
            return sql(database, "SELECT count(*) FROM reminder_deliveries WHERE status = 'sent'")[0][0] == FAN_OUT

        await wait_until(recorded, 90, interval=0.2)
        elapsed = time.monotonic() - began
        bot.terminate()
        assert await bot.wait(30) == 0
    finally:
        await bot.stop()
    assert integrity_check(database) == "ok"
    received = await sent_per_chat(standin_process)
    missing = [uid for uid in user_ids if received.get(uid, 0) == 0]
    assert not missing, f"{len(missing)} users never got their reminder"
    duplicates = sum(n - 1 for n in received.values())
    bound = RECORD_BATCH + SEND_CONCURRENCY - 1
    print(
        f"\nseed {seed}: killed at {kills} sends; {duplicates} duplicate reminders over {len(kills)} kills "
        f"(bound {bound} per kill); {elapsed:.1f}s"
    )
    assert duplicates <= bound * len(kills)
    assert sql(database, "SELECT count(*) FROM reminder_deliveries")[0][0] == FAN_OUT
