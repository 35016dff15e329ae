"""Reminder fan-out through the real dispatcher: materialise, lease-claim, send, record, all timed together."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select

from bench.common import (
    bench_settings,
    check_exactly_once,
    create_chats,
    due_minute,
    seeded_database,
    standin_process,
    status_count,
)
from bot.app import build_application
from bot.context import app_context_of
from bot.db.models import ReminderDelivery
from bot.heap import settling_heap_after
from bot.standin.harness import running


@dataclass
class FanOutResult:
    due: int
    sent: int  # what the dispatcher reported
    delivered: int  # what the stand-in received (messages created)
    seconds: float
    responses_429: int
    db_sent: int
    problems: list[str]
    bot_cpu: float = 0.0  # CPU seconds of the bot process during the fan-out (all its threads)
    standin_cpu: float = 0.0

    @property
    def per_second(self) -> float:
        return self.sent / self.seconds if self.seconds > 0 else 0.0


async def run_fanout(
    folder: Path,
    *,
    users: int,
    due: int,
    rate_limit: bool,
    send_concurrency: int | None = None,
    broadcast_per_second: float | None = None,
) -> FanOutResult:
    """`users` users, `due` of them due in the same minute; one `run_once` sends them all."""
    db_path = folder / f"fanout-{users}-{due}-{int(rate_limit)}.sqlite3"
    due_ids = await seeded_database(db_path, users, due, due_minute())
    async with standin_process(rate_limit=rate_limit) as standin:
        url, remote = standin.url, standin.remote
        await create_chats(remote, due_ids)
        overrides: dict[str, object] = {}
        if send_concurrency is not None:
            overrides["send_concurrency"] = send_concurrency
        if broadcast_per_second is not None:
            overrides["broadcast_per_second"] = broadcast_per_second
        settings = bench_settings(url, db_path, **overrides)
        application = build_application(settings, migrate=False, start_components=False)
        application.post_init = settling_heap_after(application.post_init)  # as `stretchbot run` does
        ctx = app_context_of(application)
        dispatcher = ctx.dispatcher
        async with running(application):
            await remote.reset()
            started, cpu, standin_cpu = time.perf_counter(), time.process_time(), standin.cpu_seconds()
            sent = await dispatcher.run_once()
            seconds = time.perf_counter() - started
            cpu, standin_cpu = time.process_time() - cpu, standin.cpu_seconds() - standin_cpu
            stats = await remote.stats()
            async with ctx.db.unit_of_work(read_only=True) as uow:
                db_sent = await uow.session.scalar(
                    select(func.count()).select_from(ReminderDelivery).where(ReminderDelivery.status == "sent")
                )
    problems = check_exactly_once(stats, due_ids)
    if sent != due:
        problems.append(f"the dispatcher sent {sent} of {due}")
    if db_sent != due:
        problems.append(f"{db_sent} deliveries recorded as sent, {due} expected")
    delivered = sum(stats["sent_per_chat"].values())
    return FanOutResult(
        due, sent, delivered, seconds, status_count(stats, 429), int(db_sent or 0), problems, cpu, standin_cpu
    )
