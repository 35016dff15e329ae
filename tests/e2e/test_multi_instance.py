"""Several bot processes, one PostgreSQL database: every due reminder is sent exactly once, and after `kill -9` of
one process mid fan-out everyone still gets theirs, with duplicates bounded by what that process had in flight.

Real processes all the way: the stand-in (`python -m bot.standin`), three `python -m bot run --webhook ...` with the
real clock, 10,000 onboarded users seeded in SQL with their reminder due a few seconds ahead. The stand-in counts
what each chat received.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from bot.reminders.dispatcher import RECORD_BATCH
from bot.standin import RemoteStandIn
from tests import databases
from tests.e2e.test_webhook import free_port
from tests.support.processes import StandInProcess

pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.timeout(240)]

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "424242:multi-instance-test-token"
SECRET = "multi-instance-secret"
USERS = 10_000
FIRST_ID = 100_001
INSTANCES = 3
SEND_CONCURRENCY = 8
LEASE_SECONDS = 3.0
DUE_IN = timedelta(seconds=2.5)


@dataclass
class Instance:
    process: asyncio.subprocess.Process
    log: Path


@pytest.fixture
async def standin_url() -> AsyncIterator[str]:
    async with StandInProcess(TOKEN) as standin:
        yield standin.url


async def _create_chats(remote: RemoteStandIn) -> None:
    """Each user has talked to the bot before (the stand-in, like Telegram, refuses to message unknown chats)."""
    gate = asyncio.Semaphore(64)

    async def one(user_id: int) -> None:
        async with gate:
            await remote.send_text(user_id, "/start")

    await asyncio.gather(*(one(FIRST_ID + i) for i in range(USERS)))


async def _seed(url: str, due: datetime) -> None:
    """10,000 onboarded users in UTC with one reminder slot due at `due`, in two set-based statements."""
    naive = due.astimezone(UTC).replace(tzinfo=None)
    connection = await asyncpg.connect(databases.dsn(url))
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


async def _delivery_states(url: str) -> dict[str, int]:
    connection = await asyncpg.connect(databases.dsn(url))
    try:
        rows = await connection.fetch("SELECT status, count(*) FROM reminder_deliveries GROUP BY status")
    finally:
        await connection.close()
    return {str(r[0]): int(r[1]) for r in rows}


async def _start(database_url: str, api_url: str, workdir: Path, run: str) -> list[Instance]:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DATABASE_URL", "WEBHOOK_"))},
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": database_url,
        "TELEGRAM_API_URL": api_url,
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "WEBHOOK_SECRET": SECRET,
        "SCHEDULER_TICK_SECONDS": "0.5",
        "BROADCAST_PER_SECOND": "1000",
        "SEND_CONCURRENCY": str(SEND_CONCURRENCY),
        "REMINDER_LEASE_SECONDS": str(LEASE_SECONDS),
        "LOG_LEVEL": "WARNING",
    }
    instances = []
    for n in range(INSTANCES):
        port = free_port()
        log = workdir / f"{run}-instance-{n}.log"
        with log.open("wb") as out:
            process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "bot",
                "run",
                "--webhook",
                f"http://127.0.0.1:{port}/hook",
                "--listen",
                "127.0.0.1",
                "--port",
                str(port),
                cwd=workdir,  # no developer .env is read
                env=env,
                stdout=out,
                stderr=asyncio.subprocess.STDOUT,
            )
        instances.append(Instance(process, log))
    return instances


async def _wait_until_up(remote: RemoteStandIn, instances: list[Instance]) -> None:
    """Each instance registers its webhook once its start-up (schema check, menu) is done."""
    deadline = time.monotonic() + 60
    while (await remote.stats())["calls_per_method"].get("setWebhook", 0) < len(instances):
        for instance in instances:
            if instance.process.returncode is not None:
                pytest.fail(f"an instance exited early:\n{instance.log.read_text()[-3000:]}")
        assert time.monotonic() < deadline, "the instances did not start"
        await asyncio.sleep(0.2)


async def _stop(instances: list[Instance]) -> None:
    for instance in instances:
        if instance.process.returncode is None:
            instance.process.send_signal(signal.SIGTERM)
    for instance in instances:
        try:
            await asyncio.wait_for(instance.process.wait(), 20)
        except TimeoutError:
            instance.process.kill()
            await instance.process.wait()


def _reminders(stats: dict[str, Any]) -> dict[int, int]:
    wanted = range(FIRST_ID, FIRST_ID + USERS)
    return {int(chat): n for chat, n in stats["sent_per_chat"].items() if int(chat) in wanted}


async def _wait_for_everyone(remote: RemoteStandIn, timeout: float, settle: float) -> dict[int, int]:  # noqa: ASYNC109
    """Per-chat reminder counts once every user has one and nothing more has arrived for `settle` seconds."""
    deadline = time.monotonic() + timeout
    last_total, last_change = -1, time.monotonic()
    while True:
        counts = _reminders(await remote.stats())
        total = sum(counts.values())
        if total != last_total:
            last_total, last_change = total, time.monotonic()
        if len(counts) == USERS and time.monotonic() - last_change >= settle:
            return counts
        if time.monotonic() > deadline:
            return counts
        await asyncio.sleep(0.25)


@pytest.fixture
async def run_database(postgres_template: str) -> AsyncIterator[Any]:
    """Makes fresh migrated databases for the runs and drops them afterwards."""
    names: list[str] = []

    async def make() -> str:
        name = databases.fresh_name("multi")
        names.append(name)
        return await databases.create_database(name, template=postgres_template)

    yield make
    for name in names:
        await databases.drop_database(name)


async def test_three_instances_send_each_reminder_once_and_survive_a_kill(
    standin_url: str, run_database: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    began = time.monotonic()
    async with RemoteStandIn(standin_url) as remote:
        await _create_chats(remote)
        chats_ready = time.monotonic() - began

        # Run 1: three instances, nobody dies: exactly one reminder each.
        url = await run_database()
        await remote.reset()
        instances = await _start(url, standin_url, tmp_path, "run1")
        try:
            await _wait_until_up(remote, instances)
            await _seed(url, datetime.now(UTC) + DUE_IN)
            fan_out_began = time.monotonic()
            counts = await _wait_for_everyone(remote, timeout=60, settle=LEASE_SECONDS + 1)
            first_fan_out = time.monotonic() - fan_out_began
        finally:
            await _stop(instances)
        assert len(counts) == USERS, f"{USERS - len(counts)} users got no reminder"
        extra = {chat: n for chat, n in counts.items() if n != 1}
        assert extra == {}, f"{len(extra)} users got more than one reminder"
        assert await _delivery_states(url) == {"sent": USERS}

        # Run 2: kill -9 one instance in the middle of the fan-out; the others finish once its leases run out.
        url = await run_database()
        await remote.reset()
        instances = await _start(url, standin_url, tmp_path, "run2")
        try:
            await _wait_until_up(remote, instances)
            await _seed(url, datetime.now(UTC) + DUE_IN)
            kill_at = USERS * 3 // 10
            while True:
                if sum(_reminders(await remote.stats()).values()) >= kill_at:
                    break
                await asyncio.sleep(0.02)
            victim = instances[0].process
            victim.send_signal(signal.SIGKILL)
            await victim.wait()
            sent_at_kill = sum(_reminders(await remote.stats()).values())
            counts = await _wait_for_everyone(remote, timeout=60, settle=LEASE_SECONDS + 1)
        finally:
            await _stop(instances)
        states = await _delivery_states(url)

    missing = USERS - len(counts)
    duplicates = sum(n - 1 for n in counts.values())
    bound = SEND_CONCURRENCY + RECORD_BATCH
    with capsys.disabled():
        print(
            f"\nmulti-instance: {USERS} users, {INSTANCES} instances; chats created in {chats_ready:.1f}s; "
            f"run 1: every user got exactly 1 reminder, fan-out {first_fan_out:.1f}s after seeding; "
            f"run 2: killed one instance at {sent_at_kill} sent, missing {missing}, duplicates {duplicates} "
            f"(bound {bound}), deliveries {states}; total {time.monotonic() - began:.1f}s"
        )
    assert missing == 0, f"{missing} users got no reminder after the kill"
    assert duplicates <= bound
    assert states == {"sent": USERS}
