"""Shared pieces of the benchmarks: the stand-in in its own process, a seeded database, settings, result rows."""

from __future__ import annotations

import asyncio
import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from datetime import time as dtime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import psutil
from sqlalchemy import create_engine, insert

from bot.config import Settings
from bot.db.migrate import upgrade_database
from bot.db.models import ReminderSlot, User
from bot.db.unit_of_work import Database
from bot.standin.remote import RemoteStandIn

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "123456789:BENCH-token-for-the-local-stand-in-0000"
ZONES = ("UTC", "Europe/London", "Europe/Berlin", "America/New_York", "Asia/Tokyo", "Australia/Sydney")


@dataclass
class Row:
    """One line of the results table. `usual` is the usual approach measured in the same run."""

    scenario: str
    figure: str
    target: str
    usual: str = "—"
    ratio: str = "—"
    met: bool | None = None
    ok: bool = True  # correctness (every reminder exactly once, no 429 where none may be)
    notes: list[str] = field(default_factory=list)


class StandInProcess:
    """`python -m bot.standin --port 0` in another process, on loopback."""

    def __init__(self, *, rate_limit: bool = False) -> None:
        self.rate_limit = rate_limit
        self.process: subprocess.Popen[str] | None = None
        self.url = ""

    def start(self) -> str:
        args = [sys.executable, "-m", "bot.standin", "--port", "0"] + (["--rate-limit"] if self.rate_limit else [])
        self.process = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.PIPE, text=True)
        assert self.process.stdout is not None
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            line = self.process.stdout.readline()
            if line.startswith("STANDIN_URL="):
                self.url = line.strip().split("=", 1)[1]
                return self.url
            if not line and self.process.poll() is not None:
                break
        raise RuntimeError("the stand-in did not start")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None


@dataclass
class StandIn:
    url: str
    remote: RemoteStandIn
    pid: int

    def cpu_seconds(self) -> float:
        times = psutil.Process(self.pid).cpu_times()
        return float(times.user + times.system)


@asynccontextmanager
async def standin_process(*, rate_limit: bool = False) -> AsyncIterator[StandIn]:
    proc = StandInProcess(rate_limit=rate_limit)
    await asyncio.to_thread(proc.start)
    assert proc.process is not None
    remote = RemoteStandIn(proc.url)
    try:
        yield StandIn(proc.url, remote, proc.process.pid)
    finally:
        await remote.close()
        await asyncio.to_thread(proc.stop)


@contextmanager
def workdir() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="stretchbot-bench-") as name:
        yield Path(name)


def sqlite_url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


def bench_settings(url: str, db_path: Path, **overrides: Any) -> Settings:
    """Settings pointing at the stand-in; `overrides` are applied without validation (e.g. a pacing of 100000/s,
    above the bound a real deployment may configure)."""
    base = Settings(
        _env_file=None,  # type: ignore[call-arg]
        telegram_bot_token=TOKEN,
        telegram_api_url=url,
        database_url=sqlite_url(db_path),
        scheduler_tick_seconds=300,
        log_level="WARNING",
        # The tap scenarios queue many taps per user at once to measure throughput; the per-user throttle (which
        # would answer most of them with "slow down") is measured by tests/e2e/test_fairness.py instead.
        update_rate_per_user=1000.0,
        update_burst_per_user=10_000,
    )
    return base.model_copy(update=overrides)


async def migrate(db_path: Path) -> None:
    database = Database(sqlite_url(db_path))
    try:
        await upgrade_database(database)
    finally:
        await database.dispose()


def due_minute(now: datetime | None = None) -> datetime:
    """The start of the current minute (UTC): every due reminder is due at it."""
    now = now or datetime.now(UTC)
    return now.replace(second=0, microsecond=0)


def seed_chunks(
    users: int, due: int, due_at: datetime, *, first_id: int = 1, seed_value: int = 7, chunk: int = 20_000
) -> Iterator[tuple[list[dict[str, Any]], list[dict[str, Any]]]]:
    """(user rows, reminder slot rows), `chunk` users at a time: `users` onboarded, active users with a timezone and
    one reminder slot each; the first `due` of them (user ids first_id..) are due at `due_at`, the others later
    today or tomorrow."""
    rng = random.Random(seed_value)
    created = due_at - timedelta(days=3)
    for start in range(0, users, chunk):
        user_rows: list[dict[str, Any]] = []
        slot_rows: list[dict[str, Any]] = []
        for index in range(start, min(users, start + chunk)):
            user_id = first_id + index
            zone_name = ZONES[index % len(ZONES)]
            zone = ZoneInfo(zone_name)
            # the due ones at due_at; the others somewhere in the next day, never in the due minute
            next_due = due_at if index < due else due_at + timedelta(minutes=rng.randint(5, 24 * 60 - 5))
            local_time: dtime = next_due.astimezone(zone).time().replace(second=0, microsecond=0)
            user_rows.append(
                {
                    "id": user_id,
                    "chat_id": user_id,
                    "timezone": zone_name,
                    "onboarding_step": None,
                    "onboarded_at": created,
                    "awaiting_input": None,
                    "status": "active",
                    "snooze_minutes": 15,
                    "paused_until": None,
                    "routine_id": "pigeon",
                    "created_at": created,
                    "updated_at": created,
                }
            )
            slot_rows.append(
                {"user_id": user_id, "slot": 1, "local_time": local_time, "enabled": True, "next_due_at": next_due}
            )
        yield user_rows, slot_rows


def seed(db_path: Path, users: int, due: int, due_at: datetime, *, first_id: int = 1, seed_value: int = 7) -> list[int]:
    """Bulk-insert the users of `seed_chunks` into a migrated SQLite file. Returns the due user ids."""
    engine = create_engine(f"sqlite:///{db_path}")
    with engine.begin() as connection:
        for user_rows, slot_rows in seed_chunks(users, due, due_at, first_id=first_id, seed_value=seed_value):
            connection.execute(insert(User.__table__), user_rows)
            connection.execute(insert(ReminderSlot.__table__), slot_rows)
    engine.dispose()
    return [first_id + i for i in range(due)]


async def seeded_database(path: Path, users: int, due: int, due_at: datetime) -> list[int]:
    await migrate(path)
    return await asyncio.to_thread(seed, path, users, due, due_at)


async def create_chats(remote: RemoteStandIn, user_ids: list[int], *, concurrency: int = 16) -> None:
    """Make the stand-in know each user's private chat (as if they had started the bot), without any update."""
    pending = iter(user_ids)

    async def worker() -> None:
        for user_id in pending:
            await remote.set_blocked(user_id, False)

    await asyncio.gather(*(worker() for _ in range(concurrency)))


def check_exactly_once(stats: dict[str, Any], expected: list[int], method_total: int | None = None) -> list[str]:
    """Problems with delivery: a due chat without exactly one message, or a message to a chat not due."""
    sent = {int(k): v for k, v in stats["sent_per_chat"].items()}
    problems: list[str] = []
    expected_set = set(expected)
    missing = [c for c in expected if sent.get(c, 0) == 0]
    doubled = [c for c in expected if sent.get(c, 0) > 1]
    stray = [c for c in sent if c not in expected_set]
    if missing:
        problems.append(f"{len(missing)} due users got no reminder")
    if doubled:
        problems.append(f"{len(doubled)} users got more than one")
    if stray:
        problems.append(f"{len(stray)} users not due got a message")
    return problems


def status_count(stats: dict[str, Any], status: int) -> int:
    return int(stats["status_counts"].get(str(status), 0))


def fmt_rate(value: float) -> str:
    return f"{value:,.0f}/s"


def ratio(ours: float, usual: float, *, higher_is_better: bool = True) -> str:
    if usual <= 0 or ours <= 0:
        return "∞" if (usual <= 0) == higher_is_better else "—"
    value = ours / usual if higher_is_better else usual / ours
    return f"{value:,.1f}×"


def env_for_child(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DATABASE_URL"))}
    env["PYTHONPATH"] = str(ROOT) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env.update(extra)
    return env
