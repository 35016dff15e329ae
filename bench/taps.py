"""Button taps: 500 users mid-interaction tapping at once, through the real application.

The handler is bench-only but real: registered on the application `build_application` makes, it does what a
rating tap does — one INSERT through a unit of work (an ad-hoc rating, by the ratings repository's insert),
`answerCallbackQuery`, `editMessageText` — through the bot's own Sender. Latency is from the tap's injection into
the stand-in (stamped by the tapper process just before it posts it) to the moment answerCallbackQuery has been
answered, both on the system-wide monotonic clock.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import statistics
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from telegram import Update
from telegram.ext import ApplicationHandlerStop, CallbackQueryHandler

from bench.common import ROOT, bench_settings, create_chats, env_for_child, seeded_database, standin_process
from bot.app import build_application
from bot.context import BotContext, app_context_of
from bot.heap import settling_heap_after
from bot.standin.harness import running
from bot.ui.message import OutgoingMessage

TAP_PREFIX = "bt|"


@dataclass
class TapLog:
    answered: dict[str, float] = field(default_factory=dict)  # query id -> monotonic time answered
    failures: int = 0
    refused: int = 0  # taps the per-user throttle answered "slow down" (they never reach the handler)
    done: asyncio.Event = field(default_factory=asyncio.Event)
    expected: int = 0

    def settle(self) -> None:
        """Set `done` once every expected tap was answered, failed or refused."""
        if len(self.answered) + self.failures + self.refused >= self.expected > 0:
            self.done.set()


def add_tap_handler(application: Any, log: TapLog) -> None:
    async def on_tap(update: Update, context: BotContext) -> None:
        ctx = context.app
        query = update.callback_query
        assert query is not None and query.data is not None
        index = int(query.data.removeprefix(TAP_PREFIX))
        user_id = query.from_user.id
        now = ctx.clock.now()
        try:
            async with ctx.db.unit_of_work() as uow:
                await uow.ratings.insert(
                    user_id=user_id,
                    kind="adhoc",
                    value=float(index % 11),
                    source="button",
                    local_date=now.date(),
                    now=now,
                    update_id=update.update_id,
                )
            await ctx.sender.answer(query.id, f"Noted: {index % 11}/10")
            log.answered[query.id] = time.monotonic()
            if query.message is not None:
                await ctx.sender.edit(
                    user_id, query.message.message_id, OutgoingMessage(f"Tap {index}: {index % 11}/10")
                )
        except Exception:
            log.failures += 1
            raise
        finally:
            log.settle()
        raise ApplicationHandlerStop

    # Before the private-chat guard (group -1) and every other handler; it stops the update there.
    application.add_handler(CallbackQueryHandler(on_tap, pattern=f"^{TAP_PREFIX.replace('|', '[|]')}"), group=-2)


@dataclass
class TapsResult:
    transport: str
    taps: int
    answered: int
    failures: int
    p50_ms: float = 0.0
    p99_ms: float = 0.0
    max_ms: float = 0.0
    per_second: float = 0.0  # saturated: taps fully handled per second
    edits: int = 0
    problems: list[str] = field(default_factory=list)


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def _prepare(folder: Path, users: int, tag: str) -> tuple[Path, list[int]]:
    db_path = folder / f"taps-{tag}.sqlite3"
    await seeded_database(db_path, users, 0, datetime.now(UTC))
    return db_path, list(range(1, users + 1))


async def run_taps(
    folder: Path,
    *,
    users: int,
    rate: float,
    taps: int,
    saturated_taps: int,
    transport: str = "aiohttp",
    settle_heap: bool = True,
) -> tuple[TapsResult, TapsResult]:
    """(steady taps at `rate`, saturated: `saturated_taps` queued at once) with one transport; `settle_heap`:
    freeze the heap after start-up, as `stretchbot run` does (the usual approach does not)."""
    from bench.baseline_transport import transport_patch

    db_path, user_ids = await _prepare(folder, users, transport)
    async with standin_process() as standin:
        remote = standin.remote
        await create_chats(remote, user_ids)
        settings = bench_settings(standin.url, db_path)
        with transport_patch(transport):
            application = build_application(settings, migrate=False, start_components=False)
        if settle_heap:
            application.post_init = settling_heap_after(application.post_init)
        log = TapLog()
        add_tap_handler(application, log)
        ctx = app_context_of(application)
        targets: list[tuple[int, int]] = []
        async with running(application):
            for user_id in user_ids:  # the message each user taps on
                message_id = await ctx.sender.send(user_id, OutgoingMessage("How stiff right now?"))
                targets.append((user_id, message_id))
            await remote.reset()
            steady = await _steady(standin.url, log, rate, taps, targets, folder, transport)
            steady.edits = sum((await remote.stats())["edits_per_chat"].values())
            await remote.reset()
            saturated = await _saturated(application, remote, log, saturated_taps, targets, transport)
            stats = await remote.stats()
            saturated.edits = sum(stats["edits_per_chat"].values())
    for result in (steady, saturated):
        if result.answered != result.taps:
            result.problems.append(f"{result.taps - result.answered} of {result.taps} taps not answered")
    return steady, saturated


async def _steady(
    url: str, log: TapLog, rate: float, taps: int, targets: list[tuple[int, int]], folder: Path, transport: str
) -> TapsResult:
    log.answered.clear()
    log.failures = 0
    log.done.clear()
    log.expected = taps
    targets_file = folder / "targets.json"
    targets_file.write_text(json.dumps(targets), encoding="utf-8")
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bench.tapper",
        url,
        "--rate",
        str(rate),
        "--taps",
        str(taps),
        "--targets",
        str(targets_file),
        cwd=ROOT,
        env=env_for_child(),
        stdout=asyncio.subprocess.PIPE,
    )
    out, _ = await process.communicate()
    injected: dict[str, float] = json.loads(out)
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(log.done.wait(), timeout=30)
    latencies = [(log.answered[q] - t) * 1000 for q, t in injected.items() if q in log.answered]
    result = TapsResult(transport, taps, len(latencies), log.failures)
    result.p50_ms = statistics.median(latencies) if latencies else 0.0
    result.p99_ms = _percentile(latencies, 0.99)
    result.max_ms = max(latencies, default=0.0)
    return result


async def _saturated(
    application: Any, remote: Any, log: TapLog, taps: int, targets: list[tuple[int, int]], transport: str
) -> TapsResult:
    """All taps are queued in the stand-in while polling is paused; then polling resumes and the bot drains them.
    Throughput = taps answered / time from resuming to the last answer."""
    log.answered.clear()
    log.failures = 0
    log.done.clear()
    log.expected = taps
    updater = application.updater
    await updater.stop()
    pending = iter(range(taps))

    async def inject() -> None:
        for index in pending:
            user_id, message_id = targets[index % len(targets)]
            await remote.tap_data(user_id, message_id, f"{TAP_PREFIX}{index}")

    await asyncio.gather(*(inject() for _ in range(8)))
    started = time.monotonic()
    await updater.start_polling(poll_interval=0.0, timeout=1, allowed_updates=Update.ALL_TYPES)
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(log.done.wait(), timeout=60)
    times = sorted(log.answered.values())
    result = TapsResult(transport, taps, len(times), log.failures)
    if len(times) > 1:
        result.per_second = len(times) / (times[-1] - started)
    return result
