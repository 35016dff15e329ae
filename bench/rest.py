"""At rest: start-up time (process start -> first getUpdates at the stand-in) and memory, with 0 and N users.

Ours is the real thing: `python -m bot run` in its own process, configured by environment variables only. The usual
approach is `python -m bench.baseline_jobqueue rest`, which adds one run_daily job per user before polling.
"""

from __future__ import annotations

import asyncio
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psutil

from bench.common import ROOT, TOKEN, StandIn, env_for_child, seeded_database, sqlite_url, standin_process


@dataclass
class StartResult:
    seconds: float  # process start -> first getUpdates arrives at the stand-in
    rss_mb: float  # resident memory once polling (after the first scheduler tick)
    add_seconds: float | None = None  # the usual approach: time to add every job
    pool_mb: float = 0.0  # the bot's child processes (the render pool's workers and forkserver): their PSS


@dataclass
class RestResult:
    users: int
    ours_empty: list[StartResult] = field(default_factory=list)
    ours_full: list[StartResult] = field(default_factory=list)
    usual_full: list[StartResult] = field(default_factory=list)

    @staticmethod
    def median(results: list[StartResult], attr: str) -> float:
        values = [getattr(r, attr) for r in results if getattr(r, attr) is not None]
        return statistics.median(values) if values else 0.0


# "At rest": nobody has asked for a chart for RENDER_IDLE_SECONDS, so the render pool's idle workers have retired
# (the bot's default is 300 s; the benchmark shortens it to 2 s and measures after the workers' warm-up and that).
AT_REST_IDLE_SECONDS = "2"
AT_REST_SETTLE = 8.0


async def _first_get_updates(standin: StandIn, process: subprocess.Popen[str], deadline: float) -> float | None:
    while time.monotonic() < deadline:
        stats = await standin.remote.stats()
        if stats["calls_per_method"].get("getUpdates", 0) > 0:
            return time.monotonic()
        if process.poll() is not None:
            return None
        await asyncio.sleep(0.005)
    return None


async def _measure(args: list[str], env: dict[str, str], cwd: Path, settle: float) -> StartResult:
    """A fresh stand-in each time: a long poll of the previous process may still be answered after it exited."""
    async with standin_process() as standin:
        args = [standin.url if a == "{url}" else a for a in args]
        env = {k: standin.url if v == "{url}" else v for k, v in env.items()}
        return await _measure_with(standin, args, env, cwd, settle)


async def _measure_with(
    standin: StandIn, args: list[str], env: dict[str, str], cwd: Path, settle: float
) -> StartResult:
    # The stand-in counts a call when it is answered; with an update waiting, the first long poll is answered at
    # once instead of after its timeout.
    await standin.remote.send_text(999_999_999, "hello")
    started = time.monotonic()
    process = subprocess.Popen(  # noqa: ASYNC220 (starting it does not block; we wait for it asynchronously)
        args, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    try:
        first = await _first_get_updates(standin, process, started + 300)
        if first is None:
            raise RuntimeError(f"{' '.join(args[1:3])} never polled (exit code {process.poll()})")
        await asyncio.sleep(settle)  # past the dispatcher's first tick, and the render pool warm
        rss = psutil.Process(process.pid).memory_info().rss / 2**20
        pool = children_pss_mb(process.pid)
    finally:
        process.terminate()
        try:
            out, _ = await asyncio.to_thread(process.communicate, timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            out, _ = process.communicate()
    add_seconds = None
    for line in (out or "").splitlines():
        if line.startswith("ADDED "):
            add_seconds = float(line.split()[2])
    return StartResult(first - started, rss, add_seconds, pool)


def children_pss_mb(pid: int) -> float:
    """Memory of a process's descendants (the render pool): proportional set size, so pages they share with each
    other (the forkserver's matplotlib, inherited by every worker) are counted once in all."""
    total = 0
    for child in psutil.Process(pid).children(recursive=True):
        try:
            total += child.memory_full_info().pss
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    return total / 2**20


async def run_rest(folder: Path, *, users: int, repeats: int, usual: bool = True) -> RestResult:
    result = RestResult(users)
    later = datetime.now(UTC) + timedelta(hours=6)  # nobody due while it runs
    empty_db, full_db = folder / "rest-empty.sqlite3", folder / f"rest-{users}.sqlite3"
    for path in (empty_db, full_db):  # another scenario in the same folder may have made one of that name
        await asyncio.to_thread(path.unlink, missing_ok=True)
    await seeded_database(empty_db, 0, 0, later)
    await seeded_database(full_db, users, 0, later)

    def bot_env(db: Path) -> dict[str, str]:
        return env_for_child(
            TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_URL="{url}", DATABASE_URL=sqlite_url(db), LOG_LEVEL="WARNING",
            RENDER_IDLE_SECONDS=AT_REST_IDLE_SECONDS,
        )  # fmt: skip

    ours = [sys.executable, "-m", "bot", "run"]
    usual_args = [sys.executable, "-m", "bench.baseline_jobqueue", "rest", "{url}", str(full_db)]
    for _ in range(repeats):  # interleaved, so a slow moment of the machine hits both alike
        result.ours_empty.append(await _measure(ours, bot_env(empty_db), folder, settle=AT_REST_SETTLE))
        result.ours_full.append(await _measure(ours, bot_env(full_db), folder, settle=AT_REST_SETTLE))
    if usual:
        result.usual_full.append(await _measure(usual_args, env_for_child(), ROOT, settle=1.0))
    return result
