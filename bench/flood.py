"""Fairness: other users' button taps while one user floods the bot, under Telegram's flood control.

One user sends `messages` messages and `taps` taps over `seconds` (evenly) while `others` users each tap an old
button every half second; the stand-in (a process of its own, with Telegram's limits: 1 message a second per chat)
measures how long each tap waited for its answerCallbackQuery. The same run without a flood (`messages=taps=0`) is
the baseline. The application is the real one with the default per-user throttle (`UPDATE_BURST_PER_USER`,
`UPDATE_RATE_PER_USER`). `tests/e2e/test_fairness.py` asserts the behaviour on a real bot process; this measures.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from bench.common import bench_settings, create_chats, seeded_database, standin_process
from bot.app import build_application
from bot.context import app_context_of
from bot.heap import settling_heap_after
from bot.standin import RemoteStandIn
from bot.standin.harness import running
from bot.ui.message import OutgoingMessage


@dataclass
class FloodResult:
    others_taps: int = 0
    p50_ms: float = 0.0
    p99_ms: float = 0.0
    max_ms: float = 0.0
    flooder_taps_answered: int = 0
    flooder_taps: int = 0
    problems: list[str] = field(default_factory=list)


async def _flood(
    remote: RemoteStandIn, user_id: int, message_id: int, messages: int, taps: int, seconds: float
) -> None:
    started = time.monotonic()
    total = messages + taps
    for i in range(total):
        if i % 2 and i // 2 < taps:
            await remote.tap_data(user_id, message_id, f"junk:{i}")
        else:
            await remote.send_text(user_id, f"{i % 11} my back")
        await asyncio.sleep(max(0.0, started + (i + 1) * seconds / total - time.monotonic()))


async def _others(remote: RemoteStandIn, targets: list[tuple[int, int]], seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        await asyncio.gather(*(remote.tap_data(user_id, message_id, "old:button") for user_id, message_id in targets))
        await asyncio.sleep(0.5)


async def run_flood(folder: Path, *, others: int, messages: int, taps: int, seconds: float) -> FloodResult:
    db_path = folder / f"flood-{messages}.sqlite3"
    await seeded_database(db_path, others + 1, 0, datetime.now(UTC))
    user_ids = list(range(1, others + 2))
    flooder = user_ids[0]
    async with standin_process(rate_limit=True) as standin:
        remote = standin.remote
        await create_chats(remote, user_ids)
        settings = bench_settings(standin.url, db_path, update_rate_per_user=2.0, update_burst_per_user=8)
        application = build_application(settings, migrate=False, start_components=False)
        application.post_init = settling_heap_after(application.post_init)
        ctx = app_context_of(application)
        async with running(application):
            targets = []
            for user_id in user_ids:
                message_id = await ctx.sender.send(user_id, OutgoingMessage("How stiff right now?"))
                targets.append((user_id, message_id))
                await asyncio.sleep(1.0 / 25)  # under the stand-in's 30/s
            await asyncio.gather(
                _flood(remote, flooder, targets[0][1], messages, taps, seconds), _others(remote, targets[1:], seconds)
            )
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                queries = await remote.queries()
                if all(q["latency"] is not None for q in queries):
                    break
                await asyncio.sleep(0.2)
    result = FloodResult()
    latencies = [q["latency"] for q in queries if q["user_id"] != flooder and q["latency"] is not None]
    flooders = [q for q in queries if q["user_id"] == flooder]
    result.others_taps = len(latencies)
    result.flooder_taps = len(flooders)
    result.flooder_taps_answered = sum(q["latency"] is not None for q in flooders)
    unanswered = sum(q["latency"] is None for q in queries)
    if unanswered:
        result.problems.append(f"{unanswered} taps not answered")
    if latencies:
        ms = sorted(value * 1000 for value in latencies)
        result.p50_ms = statistics.median(ms)
        result.p99_ms = statistics.quantiles(ms, n=100, method="inclusive")[98] if len(ms) > 1 else ms[0]
        result.max_ms = ms[-1]
    return result
