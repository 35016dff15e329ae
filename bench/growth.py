"""Growth: how fan-out, start-up, memory and the scheduler's due query change with the number of users.

SQLite at each size in `sizes` (10,000, 100,000 and 1,000,000 at full size), a tenth of the users due in the same
minute: one `run_once` sends them (reminders/s, each exactly once); `python -m bot run` starts against the database
(process start -> first getUpdates, vs an empty database) and its memory at rest is taken with the render pool's
worker processes counted; the scheduler's due query (`bot.reminders.queue.due_slots`) is timed on an idle tick
(nothing due) and with its full batch due, and its query plan is kept. PostgreSQL (the server at
`TEST_POSTGRES_URL`) at `postgres_users`: the same fan-out by one bot instance and by three sharing the database,
start-up and memory, and the due query's plan.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
from sqlalchemy import create_engine, func, insert, select
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from bench.common import (
    TOKEN,
    bench_settings,
    check_exactly_once,
    due_minute,
    env_for_child,
    seed_chunks,
    standin_process,
)
from bench.fanout import run_fanout
from bench.rest import AT_REST_IDLE_SECONDS, AT_REST_SETTLE, RestResult, _measure, run_rest
from bot.app import build_application
from bot.context import app_context_of
from bot.db.migrate import upgrade_database
from bot.db.models import ReminderDelivery, ReminderSlot, User
from bot.db.unit_of_work import Database
from bot.heap import settling_heap_after
from bot.lifecycle import running_application
from bot.reminders.queue import due_slots
from bot.standin.harness import running

UNLIMITED = 100_000.0
DEFAULT_POSTGRES_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"


@dataclass
class GrowthPoint:
    database: str  # "SQLite" | "PostgreSQL"
    users: int
    instances: int = 1
    due: int = 0
    per_second: float = 0.0
    fanout_seconds: float = 0.0
    bot_cpu_us: float = 0.0
    start_seconds: float = 0.0
    start_empty_seconds: float = 0.0
    rss_mb: float = 0.0  # the bot's own process
    pool_mb: float = 0.0  # its render pool's processes (PSS)
    idle_query_ms: float = 0.0  # the due query on a tick with nothing due
    batch_query_ms: float = 0.0  # the due query with its full batch (5,000) due
    plan: str = ""
    problems: list[str] = field(default_factory=list)

    @property
    def memory_mb(self) -> float:
        return self.rss_mb + self.pool_mb

    @property
    def start_growth(self) -> float:
        return (self.start_seconds / self.start_empty_seconds - 1) * 100 if self.start_empty_seconds else 0.0


def _timed(run: Any, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def sqlite_due_query(db_path: Path, due_at: datetime, repeats: int = 15) -> tuple[float, float, str]:
    """(idle ms, batch ms, EXPLAIN QUERY PLAN) of the due query on a SQLite file."""
    engine = create_engine(f"sqlite:///{db_path}")
    try:
        with engine.connect() as connection:
            idle = due_slots(due_at - timedelta(minutes=1))
            batch = due_slots(due_at + timedelta(days=2))
            idle_ms = _timed(lambda: connection.execute(idle).all(), repeats)
            batch_ms = _timed(lambda: connection.execute(batch).all(), max(3, repeats // 5))
            compiled = idle.compile(dialect=engine.dialect)
            params = compiled.construct_params()
            processors = compiled._bind_processors
            values = tuple(
                processors[key](params[key]) if key in processors else params[key] for key in compiled.positiontup or ()
            )
            rows = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + str(compiled), values).all()
            plan = "; ".join(str(row[-1]) for row in rows)
    finally:
        engine.dispose()
    return idle_ms, batch_ms, plan


async def postgres_due_query(url: str, due_at: datetime, repeats: int = 15) -> tuple[float, float, str]:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as connection:

            async def timed(statement: Any, times: int) -> float:
                values = []
                for _ in range(times):
                    started = time.perf_counter()
                    (await connection.execute(statement)).all()
                    values.append(time.perf_counter() - started)
                    await connection.rollback()
                return statistics.median(values) * 1000

            idle = due_slots(due_at - timedelta(minutes=1), postgres=True)
            batch = due_slots(due_at + timedelta(days=2), postgres=True)
            idle_ms = await timed(idle, repeats)
            batch_ms = await timed(batch, max(3, repeats // 5))
            compiled = idle.compile(dialect=engine.dialect, compile_kwargs={"literal_binds": True})
            rows = (await connection.exec_driver_sql("EXPLAIN " + str(compiled))).all()
            plan = "; ".join(" ".join(str(row[0]).split()) for row in rows)
            await connection.rollback()
    finally:
        await engine.dispose()
    return idle_ms, batch_ms, plan


async def sqlite_point(folder: Path, users: int, *, repeats: int) -> GrowthPoint:
    due = max(1, users // 10)
    point = GrowthPoint("SQLite", users, due=due)
    db_path = folder / f"fanout-{users}-{due}-0.sqlite3"
    await asyncio.to_thread(db_path.unlink, missing_ok=True)  # the fanout scenario may have left one of that name
    fanout = await run_fanout(folder, users=users, due=due, rate_limit=False, broadcast_per_second=UNLIMITED)
    point.per_second, point.fanout_seconds = fanout.per_second, fanout.seconds
    point.bot_cpu_us = fanout.bot_cpu / max(1, due) * 1e6
    point.problems += fanout.problems
    point.idle_query_ms, point.batch_query_ms, point.plan = await asyncio.to_thread(
        sqlite_due_query, db_path, due_minute()
    )
    await asyncio.to_thread(db_path.unlink, missing_ok=True)
    rest: RestResult = await run_rest(folder, users=users, repeats=repeats, usual=False)
    point.start_seconds = RestResult.median(rest.ours_full, "seconds")
    point.start_empty_seconds = RestResult.median(rest.ours_empty, "seconds")
    point.rss_mb = RestResult.median(rest.ours_full, "rss_mb")
    point.pool_mb = RestResult.median(rest.ours_full, "pool_mb")
    await asyncio.to_thread(_remove, folder, "rest-*.sqlite3")
    return point


def _remove(folder: Path, pattern: str) -> None:
    for leftover in folder.glob(pattern):
        leftover.unlink()


# ----- PostgreSQL ---------------------------------------------------------------------------------------------


def postgres_admin_url() -> str:
    return os.environ.get("TEST_POSTGRES_URL") or DEFAULT_POSTGRES_URL


def _dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def create_postgres_database() -> tuple[str, str]:
    """(name, SQLAlchemy URL) of a new, empty database on the PostgreSQL server."""
    name = f"stretchbot_bench_{uuid.uuid4().hex[:10]}"
    connection = await asyncpg.connect(_dsn(postgres_admin_url()))
    try:
        await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()
    return name, make_url(postgres_admin_url()).set(database=name).render_as_string(hide_password=False)


async def drop_postgres_database(name: str) -> None:
    connection = await asyncpg.connect(_dsn(postgres_admin_url()))
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await connection.close()


async def seed_postgres(url: str, users: int, due: int, due_at: datetime) -> list[int]:
    database = Database(url)
    try:
        await upgrade_database(database)
    finally:
        await database.dispose()
    engine = create_async_engine(url)
    try:
        for user_rows, slot_rows in seed_chunks(users, due, due_at, chunk=10_000):
            async with engine.begin() as connection:
                await connection.execute(insert(User.__table__), user_rows)
                await connection.execute(insert(ReminderSlot.__table__), slot_rows)
        async with engine.begin() as connection:
            await connection.exec_driver_sql("ANALYZE")
    finally:
        await engine.dispose()
    return list(range(1, due + 1))


async def postgres_fanout(url: str, due_ids: list[int], instances: int) -> tuple[float, float, list[str]]:
    """`instances` bot applications on the same database, each running one `run_once` at the same moment:
    (seconds until all are done, reminders/s, problems)."""
    async with standin_process() as standin:
        remote = standin.remote
        for start in range(0, len(due_ids), 10_000):
            await remote.add_chats(due_ids[start : start + 10_000])
        settings = bench_settings(standin.url, Path("unused"), broadcast_per_second=UNLIMITED)
        settings = settings.model_copy(update={"database_url": url, "render_workers": 1})
        apps = [build_application(settings, migrate=False, start_components=False) for _ in range(instances)]
        for application in apps:
            application.post_init = settling_heap_after(application.post_init)
        async with _all_running(apps):
            await remote.reset()
            started = time.perf_counter()
            sent = await asyncio.gather(*(app_context_of(a).dispatcher.run_once() for a in apps))
            seconds = time.perf_counter() - started
            stats = await remote.stats()
            async with app_context_of(apps[0]).db.unit_of_work(read_only=True) as uow:
                db_sent = await uow.session.scalar(
                    select(func.count()).select_from(ReminderDelivery).where(ReminderDelivery.status == "sent")
                )
    problems = check_exactly_once(stats, due_ids)
    if sum(sent) != len(due_ids):
        problems.append(f"the dispatchers sent {sum(sent)} of {len(due_ids)}")
    if db_sent != len(due_ids):
        problems.append(f"{db_sent} deliveries recorded as sent, {len(due_ids)} expected")
    return seconds, len(due_ids) / seconds if seconds > 0 else 0.0, problems


class _all_running:
    """Every application started; only the first polls (the stand-in, like Telegram, allows one poller)."""

    def __init__(self, apps: list[Any]) -> None:
        async def no_updates(_updater: Any) -> None:
            return None

        self.contexts = [running(apps[0]), *(running_application(a, no_updates) for a in apps[1:])]

    async def __aenter__(self) -> None:
        for context in self.contexts:
            await context.__aenter__()

    async def __aexit__(self, *exc: object) -> None:
        for context in reversed(self.contexts):
            await context.__aexit__(None, None, None)


async def postgres_points(users: int, *, repeats: int) -> list[GrowthPoint]:
    due = max(1, users // 10)
    points = []
    for instances in (1, 3):
        point = GrowthPoint("PostgreSQL", users, instances=instances, due=due)
        name, url = await create_postgres_database()
        try:
            due_at = due_minute()
            due_ids = await seed_postgres(url, users, due, due_at)
            point.fanout_seconds, point.per_second, point.problems = await postgres_fanout(url, due_ids, instances)
            point.idle_query_ms, point.batch_query_ms, point.plan = await postgres_due_query(url, due_at)
            if instances == 1:
                empty_name, empty_url = await create_postgres_database()
                try:
                    await seed_postgres(empty_url, 0, 0, due_at)
                    ours = [sys.executable, "-m", "bot", "run"]
                    full, empty = [], []
                    for _ in range(repeats):
                        for target, into in ((empty_url, empty), (url, full)):
                            env = env_for_child(
                                TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_URL="{url}", DATABASE_URL=target,
                                LOG_LEVEL="WARNING", RENDER_IDLE_SECONDS=AT_REST_IDLE_SECONDS,
                            )  # fmt: skip
                            into.append(await _measure(ours, env, Path.cwd(), settle=AT_REST_SETTLE))
                    point.start_seconds = RestResult.median(full, "seconds")
                    point.start_empty_seconds = RestResult.median(empty, "seconds")
                    point.rss_mb = RestResult.median(full, "rss_mb")
                    point.pool_mb = RestResult.median(full, "pool_mb")
                finally:
                    await drop_postgres_database(empty_name)
        finally:
            await drop_postgres_database(name)
        points.append(point)
    return points


async def run_growth(
    folder: Path, *, sizes: tuple[int, ...], postgres_users: int | None, repeats: int
) -> list[GrowthPoint]:
    points = []
    for users in sizes:
        print(f"  growth: SQLite, {users:,} users ...", file=sys.stderr, flush=True)
        # Start-up is measured `repeats` times, interleaved with an empty database, at every size: measured once at a
        # million users it read +35% in one run and -10% in another (a slow moment of the shared host).
        points.append(await sqlite_point(folder, users, repeats=repeats))
    if postgres_users:
        print(f"  growth: PostgreSQL, {postgres_users:,} users ...", file=sys.stderr, flush=True)
        points += await postgres_points(postgres_users, repeats=repeats)
    return points
