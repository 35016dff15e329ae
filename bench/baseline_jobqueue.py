"""The usual approach: one `JobQueue.run_daily` job per user (PTB's default JobQueue on APScheduler, its default
`misfire_grace_time`), PTB's default `HTTPXRequest` transport, each job sending its reminder itself.

No database bookkeeping at all (which only favours it). Counts what happens when many are due in the same second:
sent, failed (exceptions in the job, e.g. "Pool timeout" or a 429), missed (APScheduler's EVENT_JOB_MISSED).
Run as `python -m bench.baseline_jobqueue rest DB_PATH` it is the at-rest process: loads every user's job, then polls.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from datetime import time as dtime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.events import EVENT_JOB_MISSED
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, ApplicationBuilder, ContextTypes

from bench.common import TOKEN, create_chats, standin_process, status_count

TEXT = "Good morning! Time for your 10-minute stretch.\n\nHow stiff is your back right now? (0 = not at all, 10 = very)"


def _keyboard(user_id: int) -> InlineKeyboardMarkup:
    rating = [InlineKeyboardButton(str(v), callback_data=f"r|{user_id}|{v}") for v in range(11)]
    return InlineKeyboardMarkup(
        [
            rating[:6],
            rating[6:],
            [
                InlineKeyboardButton("Start ▶", callback_data=f"s|{user_id}"),
                InlineKeyboardButton("Snooze 15 min", callback_data=f"z|{user_id}"),
                InlineKeyboardButton("Skip today", callback_data=f"k|{user_id}"),
            ],
        ]
    )


def _application(url: str) -> Application[Any, Any, Any, Any, Any, Any]:
    """PTB as its documentation sets it up: defaults everywhere (HTTPXRequest, JobQueue)."""
    return ApplicationBuilder().token(TOKEN).base_url(f"{url}/bot").base_file_url(f"{url}/file/bot").build()


@dataclass
class JobQueueResult:
    due: int
    sent: int = 0
    failed: int = 0
    missed: int = 0
    seconds: float = 0.0  # from the due second to the last job finished
    add_seconds: float = 0.0
    responses_429: int = 0
    failures: Counter[str] = field(default_factory=Counter)

    def describe(self) -> str:
        return f"{self.sent:,} sent / {self.failed:,} failed / {self.missed:,} missed"


async def run_daily_fanout(*, due: int, rate_limit: bool = False) -> JobQueueResult:
    """`due` users, one run_daily job each, all due at the same second."""
    result = JobQueueResult(due)
    user_ids = list(range(1, due + 1))
    async with standin_process(rate_limit=rate_limit) as standin:
        await create_chats(standin.remote, user_ids)
        application = _application(standin.url)
        finished = asyncio.Event()

        async def remind(context: ContextTypes.DEFAULT_TYPE) -> None:
            job = context.job
            assert job is not None and job.chat_id is not None
            try:
                await context.bot.send_message(job.chat_id, TEXT, reply_markup=_keyboard(job.chat_id))
                result.sent += 1
            except Exception as exc:
                result.failed += 1
                result.failures[type(exc).__name__ + ": " + str(exc)[:40]] += 1
            if result.sent + result.failed + result.missed >= due:
                finished.set()

        def on_missed(_event: Any) -> None:
            result.missed += 1
            if result.sent + result.failed + result.missed >= due:
                finished.set()

        async with application:
            await application.start()
            job_queue = application.job_queue
            assert job_queue is not None
            job_queue.scheduler.add_listener(on_missed, EVENT_JOB_MISSED)
            # The due second: far enough ahead to add every job first (about 0.3 ms a job, with margin).
            at = (datetime.now(UTC) + timedelta(seconds=2 + due * 0.0006)).replace(microsecond=0)
            added = time.perf_counter()
            for user_id in user_ids:
                job_queue.run_daily(remind, time=at.timetz(), chat_id=user_id, name=f"reminder-{user_id}")
            result.add_seconds = time.perf_counter() - added
            await asyncio.sleep(max(0.0, (at - datetime.now(UTC)).total_seconds()))
            started = time.perf_counter()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(finished.wait(), timeout=60 + due / 100)
            result.seconds = time.perf_counter() - started
            await application.stop()
        stats = await standin.remote.stats()
        result.responses_429 = status_count(stats, 429)
    return result


def _load_jobs(application: Application[Any, Any, Any, Any, Any, Any], db_path: Path) -> int:
    """Every user's daily job, read from the same database the bot uses."""

    async def remind(context: ContextTypes.DEFAULT_TYPE) -> None:
        job = context.job
        assert job is not None and job.chat_id is not None
        await context.bot.send_message(job.chat_id, TEXT, reply_markup=_keyboard(job.chat_id))

    job_queue = application.job_queue
    assert job_queue is not None
    connection = sqlite3.connect(db_path)
    rows = connection.execute(
        "SELECT u.id, u.chat_id, u.timezone, s.local_time FROM users u JOIN reminder_slots s ON s.user_id = u.id "
        "WHERE u.status = 'active'"
    ).fetchall()
    connection.close()
    zones: dict[str, ZoneInfo] = {}
    for user_id, chat_id, zone_name, local_time in rows:
        zone = zones.setdefault(zone_name, ZoneInfo(zone_name))
        at = dtime.fromisoformat(local_time).replace(tzinfo=zone)
        job_queue.run_daily(remind, time=at, chat_id=chat_id, user_id=user_id, name=f"reminder-{user_id}")
    return len(rows)


def rest_main(url: str, db_path: str) -> None:
    """The usual bot at rest: load every job, then poll until SIGTERM. Prints the time spent adding jobs."""
    application = _application(url)

    async def post_init(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
        added = time.perf_counter()
        count = _load_jobs(app, Path(db_path))
        print(f"ADDED {count} {time.perf_counter() - added:.3f}", flush=True)

    application.post_init = post_init
    application.run_polling(allowed_updates=Update.ALL_TYPES)


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "rest":
        rest_main(sys.argv[2], sys.argv[3])
    else:
        print("usage: python -m bench.baseline_jobqueue rest STANDIN_URL DB_PATH", file=sys.stderr)
        sys.exit(2)
