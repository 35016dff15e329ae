"""The database away for a few seconds in the middle of a fan-out doubles no reminder, and loses no input silently.

Real processes and a real database failure:
- PostgreSQL: a private cluster of the test's own (`tests/support/private_postgres.py`, never the shared server) is
  stopped for 3 s and started again while the bot sends 2,000 reminders.
- SQLite: its file lives on a small tmpfs that the test fills up (every write fails with SQLITE_FULL) and then frees,
  while the bot sends 2,000 reminders; meanwhile a user types a rating.
The lease is 5 s, so a forgotten outcome would come back as a duplicate within the test (the bug this guards
against: finished sends dropped when their outcomes could not be written, sent again when the lease ran out).
"""

from __future__ import annotations

import asyncio
import errno
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
import pytest

from tests.conftest import TOKEN
from tests.support.private_postgres import PrivatePostgres
from tests.support.processes import BotProcess, StandInProcess, seed_reminder_users, sql, wait_until

pytestmark = [pytest.mark.slow, pytest.mark.timeout(240)]

USERS = 2_000
FIRST_ID = 400_000
RATER = FIRST_ID + USERS  # not due: types a rating while the disk is full
BLIP_AFTER = 400  # sends before the database goes away
SETTINGS = {
    "SCHEDULER_TICK_SECONDS": "0.5",
    "BROADCAST_PER_SECOND": "300",
    "SEND_CONCURRENCY": "8",
    "REMINDER_LEASE_SECONDS": "5",
    "DATABASE_CHECK_SECONDS": "1",
}


async def sent_per_chat(standin: StandInProcess) -> dict[int, int]:
    stats = await standin.remote.stats()
    return {int(chat): n for chat, n in stats["sent_per_chat"].items()}


async def sends_reach(standin: StandInProcess, count: int) -> None:
    async def reached() -> bool:
        return sum((await sent_per_chat(standin)).values()) >= count

    await wait_until(reached, 60, interval=0.02)


def outage_lines(log: str, what: str) -> list[str]:
    return [line for line in log.splitlines() if what in line]


def received_once(received: dict[int, int]) -> tuple[list[int], int]:
    """(users who got nothing, duplicates)"""
    missing = [uid for uid in range(FIRST_ID, FIRST_ID + USERS) if received.get(uid, 0) == 0]
    return missing, sum(n - 1 for uid, n in received.items() if uid < RATER and n > 1)


# ---------------------------------------------------------------------------------------------------- PostgreSQL


async def _seed_postgres(cluster: PrivatePostgres, database: str, due: datetime) -> None:
    naive = due.astimezone(UTC).replace(tzinfo=None)
    connection = await asyncpg.connect(cluster.dsn(database))
    try:
        await connection.execute(
            """INSERT INTO users (id, chat_id, timezone, onboarded_at, status, snooze_minutes, routine_id,
                                  created_at, updated_at)
               SELECT g, g, 'UTC', $1, 'active', 15, 'pigeon', $1, $1 FROM generate_series($2::bigint, $3::bigint) g""",
            naive,
            FIRST_ID,
            FIRST_ID + USERS - 1,
        )
        await connection.execute(
            """INSERT INTO reminder_slots (user_id, slot, local_time, enabled, next_due_at)
               SELECT g, 1, $1, true, $2 FROM generate_series($3::bigint, $4::bigint) g""",
            naive.time(),
            naive,
            FIRST_ID,
            FIRST_ID + USERS - 1,
        )
    finally:
        await connection.close()


async def _postgres_sent(cluster: PrivatePostgres, database: str) -> int:
    try:
        connection = await asyncpg.connect(cluster.dsn(database), timeout=5)
    except (OSError, asyncpg.PostgresError):
        return -1
    try:
        return int(await connection.fetchval("SELECT count(*) FROM reminder_deliveries WHERE status = 'sent'"))
    finally:
        await connection.close()


@pytest.fixture
def cluster() -> Iterator[PrivatePostgres]:
    made = PrivatePostgres.create()
    try:
        yield made
    finally:
        made.destroy()


@pytest.mark.postgres
async def test_a_postgres_restart_mid_fan_out_doubles_no_reminder(cluster: PrivatePostgres, tmp_path: Path) -> None:
    url = await cluster.create_database("stretchbot")
    async with StandInProcess(TOKEN, chats=range(FIRST_ID, FIRST_ID + USERS)) as standin:
        bot = BotProcess(tmp_path / "unused.sqlite3", standin.url, TOKEN, tmp_path, DATABASE_URL=url, **SETTINGS)
        try:
            await bot.start()  # creates the schema in the empty database, and says so
            assert "Creating the schema in the empty database" in bot.log()
            await _seed_postgres(cluster, "stretchbot", datetime.now(UTC) - timedelta(minutes=1))
            await sends_reach(standin, BLIP_AFTER)
            away = bot.log_path.stat().st_size
            down_for = await asyncio.to_thread(cluster.restart, 3.0)
            sent_at_restart = sum((await sent_per_chat(standin)).values())

            async def all_recorded() -> bool:
                return await _postgres_sent(cluster, "stretchbot") == USERS

            await wait_until(all_recorded, 90, interval=0.3)
            await asyncio.sleep(1.0)  # a few more ticks: nothing is sent again
            assert bot.process is not None and bot.process.returncode is None, "a blip does not stop the bot"
            log = bot.log(away)
        finally:
            await bot.stop()
        received = await sent_per_chat(standin)
    missing, duplicates = received_once(received)
    assert not missing
    notable = [line for line in log.splitlines() if " WARNING " in line or " ERROR " in line or " CRITICAL " in line]
    assert duplicates == 0, (
        f"{duplicates} reminders sent twice after a {down_for:.1f} s restart; the bot logged:\n" + "\n".join(notable)
    )
    assert 1 <= len(outage_lines(log, "is unavailable (")) <= 2, log
    assert "SQLSTATE" in log or "cannot connect" in log or "connection lost" in log, "the failure is named by kind"
    assert len(outage_lines(log, "is available again")) >= 1
    print(
        f"\nPostgreSQL down for {down_for:.1f} s after {sent_at_restart} of {USERS} sends: every user once, "
        f"0 duplicates; {len(log.splitlines())} log lines from the restart to the end"
    )


# ------------------------------------------------------------------------------------------------- SQLite, disk full


@pytest.fixture
def small_disk() -> Iterator[Path]:
    """A 24 MB tmpfs, unmounted afterwards; skipped where mounting is not allowed."""
    if os.geteuid() != 0:
        pytest.skip("mounting a size-limited tmpfs needs root")
    mount_point = Path(tempfile.mkdtemp(prefix="stretchbot-full-"))
    result = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs", str(mount_point)], capture_output=True, text=True
    )
    if result.returncode != 0:
        mount_point.rmdir()
        pytest.skip(f"cannot mount a tmpfs here: {result.stderr.strip() or result.returncode}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)
        mount_point.rmdir()


def fill(disk: Path) -> Path:
    """Write a file until the disk is full; the file (delete it to free the space)."""
    filler = disk / "filler"
    chunk = b"\0" * (256 * 1024)
    with filler.open("wb", buffering=0) as out:
        for size in (len(chunk), 512):  # then the last few kilobytes too
            try:
                while True:
                    out.write(chunk[:size])
            except OSError as exc:
                if exc.errno != errno.ENOSPC:
                    raise
    return filler


@pytest.fixture
async def telegram() -> AsyncIterator[StandInProcess]:
    async with StandInProcess(TOKEN, chats=range(FIRST_ID, RATER + 1)) as standin:
        yield standin


@pytest.mark.sqlite_only
async def test_a_full_sqlite_disk_mid_fan_out_doubles_no_reminder_and_a_rating_is_refused_truthfully(
    small_disk: Path, migrated_sqlite: Path, telegram: StandInProcess, tmp_path: Path
) -> None:
    database = small_disk / "bot.sqlite3"
    shutil.copyfile(migrated_sqlite, database)
    seed_reminder_users(database, list(range(FIRST_ID, FIRST_ID + USERS)), datetime.now(UTC) - timedelta(minutes=1))
    seed_reminder_users(database, [RATER], datetime.now(UTC) + timedelta(hours=12))
    bot = BotProcess(database, telegram.url, TOKEN, tmp_path, **SETTINGS)
    remote = telegram.remote

    async def reply_to_rater(fragment: str) -> str:
        async def found() -> str | None:
            texts = [m.get("text", "") for m in await remote.messages(RATER)]
            return next((t for t in reversed(texts) if fragment in t), None)

        text: str = await wait_until(found, 30, interval=0.05)
        return text

    try:
        await bot.start()
        await sends_reach(telegram, BLIP_AFTER)
        away = bot.log_path.stat().st_size
        filler = fill(small_disk)
        full_at = time.monotonic()
        await wait_until(lambda: "SQLITE_FULL" in bot.log(away), 30)
        await remote.send_text(RATER, "6")  # cannot be stored: the user is told so, and to send it again
        refused = await reply_to_rater("couldn't save")
        await asyncio.sleep(2.0)
        filler.unlink()  # space again
        full_for = time.monotonic() - full_at

        def all_recorded() -> bool:
            return sql(database, "SELECT count(*) FROM reminder_deliveries WHERE status = 'sent'")[0][0] == USERS

        await wait_until(all_recorded, 90, interval=0.3)
        await remote.send_text(RATER, "6")
        await reply_to_rater("Saved: 6/10")
        await asyncio.sleep(1.0)
        assert bot.process is not None and bot.process.returncode is None, "a full disk does not stop the bot"
        log = bot.log(away)
    finally:
        await bot.stop()
    received = await sent_per_chat(telegram)
    missing, duplicates = received_once(received)
    assert not missing
    assert duplicates == 0, f"{duplicates} reminders sent twice after the disk was full for {full_for:.1f} s"
    assert "send it again" in refused
    assert sql(database, "SELECT value FROM ratings WHERE user_id = ?", RATER) == [(6.0,)], "stored once, when it could"
    assert len(outage_lines(log, "is unavailable (SQLITE_FULL)")) == 1, log
    assert len(outage_lines(log, "is available again")) >= 1
    assert "6/10" not in log, "the rating stays out of the log"
    assert sql(database, "PRAGMA integrity_check") == [("ok",)]
    print(f"\ndisk full for {full_for:.1f} s during a {USERS}-reminder fan-out: every user once, 0 duplicates")
