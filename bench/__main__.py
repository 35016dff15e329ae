"""`python -m bench [--small] [--only NAME]`: every scenario, one table; full size also writes bench/RESULTS.md.

Exit status: 1 if a scenario crashed or delivered wrongly (a due reminder not delivered exactly once, a 429 where
none may be); missing a speed target is printed, never an error (benchmarks measure, tests assert).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import math
import os
import platform
import sys
import time
import traceback
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any

import psutil

from bench.baseline_jobqueue import run_daily_fanout
from bench.baseline_peak import run_usual_peak
from bench.baseline_transport import run_plain_sends
from bench.common import Row, fmt_rate, ratio, workdir
from bench.fanout import run_fanout
from bench.flood import run_flood
from bench.growth import GrowthPoint, run_growth
from bench.peak import Plan, percentile, run_peak
from bench.rest import RestResult, run_rest
from bench.taps import run_taps
from bot.event_loop import use_fastest_event_loop

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


@dataclass(frozen=True)
class Size:
    users: int = 100_000
    due: int = 10_000
    due_small_burst: int = 1_000
    limited: int = 10_000
    tap_users: int = 500
    tap_rate: float = 300.0
    tap_seconds: float = 20.0
    saturated_taps: int = 6_000
    flood_others: int = 20
    flood_messages: int = 500
    flood_seconds: float = 10.0
    rest_users: int = 100_000
    rest_repeats: int = 5
    plain_sends: int = 10_000
    send_concurrency: int | None = None  # None: the bot's default
    peak: Plan = field(default_factory=Plan)
    growth_sizes: tuple[int, ...] = (10_000, 100_000, 1_000_000)
    growth_postgres_users: int | None = 100_000
    growth_repeats: int = 3


FULL = Size()
SMALL = Size(
    users=2_000,
    due=200,
    due_small_burst=100,
    limited=300,
    tap_users=100,
    tap_seconds=2.0,
    saturated_taps=600,
    flood_others=5,
    flood_messages=40,
    flood_seconds=2.0,
    rest_users=2_000,
    rest_repeats=1,
    plain_sends=500,
    peak=Plan(
        users=2_000, due=200, tap_users=50, tap_rate=50.0, routines=4, progress_rate=2.0, report_rate=1.0,
        seconds=3.0, time_scale=20.0,
    ),
    growth_sizes=(1_000, 4_000),
    growth_postgres_users=None,
    growth_repeats=1,
)  # fmt: skip
MISSED = (
    "Where a target is missed (**no**), `bench/README.md` explains why with the profile: see 'Where the targets "
    "are missed, and why'."
)
UNLIMITED = 100_000.0  # reminders/s: pacing out of the way when the stand-in has no limit


async def scenario_fanout(size: Size, folder: Path) -> list[Row]:
    ours = await run_fanout(
        folder, users=size.users, due=size.due, rate_limit=False, broadcast_per_second=UNLIMITED,
        send_concurrency=size.send_concurrency,
    )  # fmt: skip
    usual = await run_daily_fanout(due=size.due)
    usual_rate = usual.sent / usual.seconds if usual.seconds > 0 else 0.0
    row = Row(
        f"Reminder fan-out: {size.users:,} users, {size.due:,} due in one minute, no rate limit",
        f"{fmt_rate(ours.per_second)} ({ours.seconds:.2f} s; bot CPU {ours.bot_cpu / ours.due * 1e6:.0f} µs each)",
        "≥ 3,000/s, each exactly once",
        f"run_daily ×{size.due:,}, httpx: {usual.describe()}",
        ratio(ours.per_second, usual_rate),
        ours.per_second >= 3000 and not ours.problems,
        ok=not ours.problems,
        notes=ours.problems,
    )
    burst = await run_fanout(
        folder, users=size.due_small_burst * 2, due=size.due_small_burst, rate_limit=False,
        broadcast_per_second=UNLIMITED, send_concurrency=size.send_concurrency,
    )  # fmt: skip
    usual_burst = await run_daily_fanout(due=size.due_small_burst)
    row_burst = Row(
        f"{size.due_small_burst:,} due at the same second, no rate limit",
        f"{burst.sent:,} sent, 0 missed ({burst.seconds:.2f} s)" if not burst.problems else "; ".join(burst.problems),
        "all delivered, none missed",
        f"run_daily, httpx: {usual_burst.describe()}",
        ratio(burst.sent, usual_burst.sent),
        not burst.problems,
        ok=not burst.problems,
        notes=burst.problems,
    )
    return [row, row_burst]


async def scenario_ratelimited(size: Size, folder: Path) -> list[Row]:
    ours = await run_fanout(folder, users=size.limited * 2, due=size.limited, rate_limit=True)
    ideal = size.limited / 30
    usual = await run_daily_fanout(due=size.limited, rate_limit=True)
    problems = list(ours.problems)
    if ours.responses_429:
        problems.append(f"{ours.responses_429} responses were 429")
    return [
        Row(
            f"Fan-out at Telegram's limits (30/s, 1/s per chat): {size.limited:,} due",
            f"{ours.seconds:.1f} s ({ours.per_second:.1f}/s), {ours.responses_429} × 429",
            f"≤ {ideal * 1.05:.1f} s (ideal {ideal:.1f} s), zero 429",
            f"run_daily, httpx: {usual.describe()}, {usual.responses_429:,} × 429",
            ratio(ours.sent, usual.sent),
            ours.seconds <= ideal * 1.05 and not problems,
            ok=not problems,
            notes=problems,
        )
    ]


async def scenario_taps(size: Size, folder: Path) -> list[Row]:
    taps = int(size.tap_rate * size.tap_seconds)
    kwargs: dict[str, Any] = {
        "users": size.tap_users, "rate": size.tap_rate, "taps": taps, "saturated_taps": size.saturated_taps
    }  # fmt: skip
    steady, saturated = await run_taps(folder, transport="aiohttp", **kwargs)
    usual_steady, usual_saturated = await run_taps(folder, transport="httpx", settle_heap=False, **kwargs)
    problems = steady.problems + saturated.problems
    return [
        Row(
            f"Button taps: {size.tap_users} users, {size.tap_rate:.0f} taps/s for {size.tap_seconds:.0f} s "
            "(insert + answer + edit)",
            f"p99 {steady.p99_ms:.1f} ms (p50 {steady.p50_ms:.1f}, max {steady.max_ms:.0f})",
            "p99 < 20 ms",
            f"httpx: p99 {usual_steady.p99_ms:.1f} ms (p50 {usual_steady.p50_ms:.1f})",
            ratio(steady.p99_ms, usual_steady.p99_ms, higher_is_better=False),
            steady.p99_ms < 20 and not steady.problems,
            ok=not problems,
            notes=problems,
        ),
        Row(
            f"Button taps saturated: {size.saturated_taps:,} queued at once",
            fmt_rate(saturated.per_second),
            "≥ 700/s",
            f"httpx: {fmt_rate(usual_saturated.per_second)}",
            ratio(saturated.per_second, usual_saturated.per_second),
            saturated.per_second >= 700 and not saturated.problems,
            ok=not saturated.problems,
        ),
    ]


async def scenario_flood(size: Size, folder: Path) -> list[Row]:
    result = await run_flood(
        folder, others=size.flood_others, messages=size.flood_messages, taps=size.flood_messages,
        seconds=size.flood_seconds,
    )  # fmt: skip
    quiet = await run_flood(folder, others=size.flood_others, messages=0, taps=0, seconds=size.flood_seconds)
    return [
        Row(
            f"Fairness: {size.flood_others} users' taps while one user sends {size.flood_messages} messages and "
            f"{size.flood_messages} taps in {size.flood_seconds:.0f} s (1 msg/s per chat)",
            f"p99 {result.p99_ms:.1f} ms (p50 {result.p50_ms:.1f}, max {result.max_ms:.0f}; "
            f"{result.others_taps} taps; flooder's taps answered {result.flooder_taps_answered}/{result.flooder_taps})",
            "p99 < 100 ms",
            f"no flood: p99 {quiet.p99_ms:.1f} ms (p50 {quiet.p50_ms:.1f})",
            ratio(result.p99_ms, quiet.p99_ms, higher_is_better=False),
            met=result.p99_ms < 100 and not result.problems,
            ok=not result.problems,
            notes=result.problems,
        )
    ]


async def scenario_rest(size: Size, folder: Path) -> list[Row]:
    rest: RestResult = await run_rest(folder, users=size.rest_users, repeats=size.rest_repeats)
    empty, full = RestResult.median(rest.ours_empty, "seconds"), RestResult.median(rest.ours_full, "seconds")
    rss = RestResult.median(rest.ours_full, "rss_mb")
    pool = RestResult.median(rest.ours_full, "pool_mb")
    usual_start = RestResult.median(rest.usual_full, "seconds")
    usual_add = RestResult.median(rest.usual_full, "add_seconds")
    usual_rss = RestResult.median(rest.usual_full, "rss_mb")
    growth = (full / empty - 1) * 100 if empty else 0.0
    return [
        Row(
            f"At rest, start-up: process start → first getUpdates, {size.rest_users:,} users vs 0",
            f"{full:.2f} s vs {empty:.2f} s ({growth:+.0f}%)",
            "within 10%",
            f"run_daily ×{size.rest_users:,}: {usual_start:.1f} s ({usual_add:.1f} s adding jobs)",
            ratio(full, usual_start, higher_is_better=False),
            abs(growth) <= 10,
        ),
        Row(
            f"At rest, memory with {size.rest_users:,} users (the bot's RSS + its render pool's PSS)",
            f"{rss:.0f} MB RSS + {pool:.0f} MB render pool = {rss + pool:.0f} MB",
            "< 120 MB (RSS)",
            f"run_daily ×{size.rest_users:,}: {usual_rss:.0f} MB",
            ratio(rss, usual_rss, higher_is_better=False),
            rss < 120,
        ),
    ]


async def scenario_sends(size: Size, folder: Path) -> list[Row]:
    results = await run_plain_sends(messages=size.plain_sends)
    ours = results["aiohttp (ours)"]
    default = results["httpx (PTB default)"]
    pooled = next(v for k, v in results.items() if k.startswith("httpx pool"))
    failed = sum(r.failed for r in results.values())
    return [
        Row(
            f"Plain sends through PTB (send_message ×{size.plain_sends:,}, 8 at a time)",
            f"aiohttp {fmt_rate(ours.per_second)}",
            "— (transport only)",
            f"httpx {fmt_rate(default.per_second)} (pool 16: {fmt_rate(pooled.per_second)})",
            ratio(ours.per_second, default.per_second),
            None,
            ok=failed == 0,
            notes=[f"{failed} sends failed"] if failed else [],
        )
    ]


async def scenario_peak(size: Size, folder: Path) -> list[Row]:
    plan = size.peak
    ours, samples = await run_peak(folder, plan)
    usual = await run_usual_peak(folder, plan, samples)
    problems = ours.problems
    delivery = [p for p in problems if "reminder" in p or "deliveries" in p]
    head = (
        f"Morning peak ({plan.users:,} users, {plan.due:,} due, {plan.tap_rate:.0f} taps/s from {plan.tap_users}, "
        f"{plan.routines} routines, /progress {plan.progress_rate:g}/s, /report {plan.report_rate:g}/s, "
        f"{plan.seconds:.0f} s; render pool of {ours.pool_workers})"
    )
    lateness_ms = [v * 1000 for v in ours.timer_lateness]  # the routines whose chat got no 429
    held_ms = [v * 1000 for v in ours.held_lateness]
    pacing_problems = [p for p in problems if "429" in p or "apart" in p]
    return [
        Row(
            f"{head}: taps",
            f"p99 {ours.tap_p(0.99):.1f} ms (p50 {ours.tap_p(0.5):.1f}, max {max(ours.tap_ms, default=0):.0f}"
            + (
                f"; {ours.taps_throttled:,} answered 'slow down' by the per-user throttle)"
                if ours.taps_throttled
                else ")"
            ),
            "p99 < 20 ms",
            f"pyplot in the handler: p99 {usual.tap_p(0.99):.1f} ms (p50 {usual.tap_p(0.5):.1f})",
            ratio(ours.tap_p(0.99), usual.tap_p(0.99), higher_is_better=False),
            ours.tap_p(0.99) < 20 and not problems,
            ok=not problems,
            notes=problems,
        ),
        Row(
            "Morning peak: /progress chart (request → photo sent)",
            ours.charts.describe(),
            "p95 < 1 s",
            f"pyplot in the handler: {usual.charts.describe()}",
            ratio(ours.charts.p95(), usual.charts.p95(), higher_is_better=False),
            bool(ours.charts.done) and ours.charts.p95() < 1.0,
        ),
        Row(
            "Morning peak: /report (request → PDF sent)",
            ours.reports.describe(),
            "p95 < 3 s",
            f"in the handler: {usual.reports.describe()}",
            ratio(ours.reports.p95(), usual.reports.p95(), higher_is_better=False),
            bool(ours.reports.done) and ours.reports.p95() < 3.0,
        ),
        Row(
            "Morning peak: routine timers (due → outcome and cue shown; chats without a 429)",
            f"lateness p99 {percentile(lateness_ms, 0.99):.0f} ms (p50 {percentile(lateness_ms, 0.5):.0f}, "
            f"{len(lateness_ms)} timers)",
            "p99 < 250 ms",
            "—",
            "—",
            bool(lateness_ms) and percentile(lateness_ms, 0.99) < 250,
        ),
        Row(
            f"Morning peak: per-chat pacing (every new message in every chat; a 429 in {ours.held_chats} of the "
            f"{plan.routines} routine chats)",
            f"smallest gap {ours.smallest_gap:.2f} s ({ours.chats_with_gaps:,} chats with 2+ messages, "
            f"{ours.chats_too_fast} under 1 s); {ours.responses_429} × 429, {ours.early_requests} requests inside "
            f"the window; timers of the other routines p99 {percentile(lateness_ms, 0.99):.0f} ms, of the held "
            f"ones p99 {percentile(held_ms, 0.99):.0f} ms",
            "≥ 1 s in every chat, none inside a 429 window, the other chats' timers p99 < 250 ms",
            "—",
            "—",
            not pacing_problems and bool(lateness_ms) and percentile(lateness_ms, 0.99) < 250,
            ok=not pacing_problems,
            notes=pacing_problems,
        ),
        Row(
            "Morning peak: reminder fan-out",
            f"{fmt_rate(ours.per_second)} ({ours.reminders_sent:,} in {ours.fanout_seconds:.2f} s)",
            "≥ 3,000/s, each exactly once",
            "—",
            "—",
            ours.per_second >= 3000 and not delivery,
            ok=not delivery,
            notes=delivery,
        ),
        Row(
            "Morning peak: the event loop's longest stall",
            f"{ours.longest_stall * 1000:.0f} ms (p99 {ours.stall_p99 * 1000:.1f})",
            "≤ 50 ms",
            f"pyplot in the handler: {usual.longest_stall * 1000:.0f} ms (p99 {usual.stall_p99 * 1000:.1f})",
            ratio(ours.longest_stall, usual.longest_stall, higher_is_better=False),
            ours.longest_stall <= 0.05,
        ),
    ]


def slope(points: list[GrowthPoint], attr: str) -> float:
    """The log-log slope of a figure over the number of users: 0 = flat, 1 = grows in proportion."""
    pairs = [(math.log(p.users), math.log(max(getattr(p, attr), 1e-9))) for p in points]
    if len(pairs) < 2:
        return 0.0
    mean_x = sum(x for x, _ in pairs) / len(pairs)
    mean_y = sum(y for _, y in pairs) / len(pairs)
    var = sum((x - mean_x) ** 2 for x, _ in pairs)
    return sum((x - mean_x) * (y - mean_y) for x, y in pairs) / var if var else 0.0


def growth_section(points: list[GrowthPoint]) -> str:
    lines = [
        "| database | users | instances | due | fan-out | bot CPU / reminder | start-up (0 users) | memory at rest: "
        "bot + render pool | due query: idle tick / 5,000 due |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for p in points:
        problems = f" **INCORRECT: {'; '.join(p.problems)}**" if p.problems else ""
        cpu = f"{p.bot_cpu_us:.0f} µs" if p.bot_cpu_us else "—"
        start = (
            f"{p.start_seconds:.2f} s ({p.start_empty_seconds:.2f} s, {p.start_growth:+.0f}%)"
            if p.start_seconds
            else "—"
        )
        memory = f"{p.rss_mb:.0f} + {p.pool_mb:.0f} = {p.memory_mb:.0f} MB" if p.rss_mb else "—"
        lines.append(
            f"| {p.database} | {p.users:,} | {p.instances} | {p.due:,} | {fmt_rate(p.per_second)} "
            f"({p.fanout_seconds:.1f} s){problems} | {cpu} | {start} | {memory} | "
            f"{p.idle_query_ms:.2f} ms / {p.batch_query_ms:.0f} ms |"
        )
    sqlite = [p for p in points if p.database == "SQLite"]
    figures = (
        ("fan-out/s", "per_second"), ("bot CPU per reminder", "bot_cpu_us"), ("start-up", "start_seconds"),
        ("memory at rest", "memory_mb"), ("idle due query", "idle_query_ms"), ("5,000-due query", "batch_query_ms"),
    )  # fmt: skip
    slopes = ", ".join(f"{name} {slope(sqlite, attr):+.2f}" for name, attr in figures)
    plans = "\n".join(f"- {p.database}, {p.users:,} users: `{p.plan}`" for p in points if p.plan and p.instances == 1)
    return (
        "\n".join(lines)
        + f"\n\nLog-log slope over the SQLite sizes (figure ∝ users^slope; 0 = flat, 1 = in proportion): {slopes}."
        + "\n\nQuery plans of the due query (`bot.reminders.queue.due_slots`, an idle tick):\n\n"
        + plans
        + "\n"
    )


SECTIONS: list[tuple[str, str]] = []  # (title, markdown) written to RESULTS.md after the table


async def scenario_growth(size: Size, folder: Path) -> list[Row]:
    points = await run_growth(
        folder, sizes=size.growth_sizes, postgres_users=size.growth_postgres_users, repeats=size.growth_repeats
    )
    SECTIONS.append(("Growth", growth_section(points)))
    sqlite = [p for p in points if p.database == "SQLite"]
    small, big = sqlite[0], sqlite[-1]
    problems = [f"{p.database} {p.users:,}: {x}" for p in points for x in p.problems]
    postgres = [p for p in points if p.database == "PostgreSQL"]
    pg_text = ", ".join(f"{p.instances} instance(s) {fmt_rate(p.per_second)}" for p in postgres) or "not run"
    return [
        Row(
            f"Growth: fan-out at {big.users:,} users, {big.due:,} due in one minute (SQLite)",
            f"{fmt_rate(big.per_second)} ({big.fanout_seconds:.1f} s; at {small.users:,}: "
            f"{fmt_rate(small.per_second)}); PostgreSQL {postgres[0].users if postgres else 0:,} users: {pg_text}",
            "≥ 3,000/s, each exactly once",
            "—",
            "—",
            big.per_second >= 3000 and not problems,
            ok=not problems,
            notes=problems,
        ),
        Row(
            f"Growth: start-up with {big.users:,} users vs 0",
            f"{big.start_seconds:.2f} s vs {big.start_empty_seconds:.2f} s ({big.start_growth:+.0f}%)",
            "within 10%",
            "—",
            "—",
            abs(big.start_growth) <= 10,
        ),
        Row(
            f"Growth: memory at rest with {big.users:,} users (bot RSS + render pool PSS)",
            f"{big.rss_mb:.0f} + {big.pool_mb:.0f} = {big.memory_mb:.0f} MB",
            "< 150 MB",
            "—",
            "—",
            big.memory_mb < 150,
        ),
        Row(
            f"Growth: the scheduler's due query, {small.users:,} → {big.users:,} users",
            f"idle tick {small.idle_query_ms:.2f} → {big.idle_query_ms:.2f} ms; 5,000 due {small.batch_query_ms:.0f} → "
            f"{big.batch_query_ms:.0f} ms (index: {'yes' if all('INDEX' in p.plan.upper() for p in points) else 'NO'})",
            "independent of the user count (an index)",
            "—",
            "—",
            all("INDEX" in p.plan.upper() for p in points) and big.idle_query_ms < max(1.0, 3 * small.idle_query_ms),
        ),
    ]


SCENARIOS: dict[str, Callable[[Size, Path], Awaitable[list[Row]]]] = {
    "fanout": scenario_fanout,
    "ratelimited": scenario_ratelimited,
    "taps": scenario_taps,
    "flood": scenario_flood,
    "rest": scenario_rest,
    "sends": scenario_sends,
    "peak": scenario_peak,
    "growth": scenario_growth,
}


def table(rows: list[Row]) -> str:
    header = "| scenario | figure | target | usual approach (same run) | ratio | met? |"
    lines = [header, "|---|---|---|---|---|---|"]
    for row in rows:
        met = "—" if row.met is None else ("yes" if row.met else "**no**")
        if not row.ok:
            met += " (INCORRECT: " + "; ".join(row.notes) + ")"
        lines.append(f"| {row.scenario} | {row.figure} | {row.target} | {row.usual} | {row.ratio} | {met} |")
    return "\n".join(lines)


def machine() -> str:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    packages = ", ".join(
        f"{name} {version(name)}"
        for name in ("python-telegram-bot", "APScheduler", "SQLAlchemy", "aiosqlite", "aiohttp", "httpx", "uvloop")
    )
    load = ", ".join(f"{v:.2f}" for v in os.getloadavg())
    return "\n".join(
        [
            f"- CPU: {cpu}, {psutil.cpu_count()} cores; RAM {psutil.virtual_memory().total / 2**30:.1f} GiB",
            f"- Python {platform.python_version()} ({platform.platform()})",
            f"- {packages}",
            f"- load average at the end (1/5/15 min): {load}",
            f"- event loop: {EVENT_LOOP[0]} (as `stretchbot run` picks it; the usual approach ran on it too)",
            "- CPU speed check (a fixed pure-Python loop, lower is faster), before each scenario: "
            + ", ".join(f"{name} {seconds:.2f} s" for name, seconds in SPEED_CHECKS)
            + " (this shared host's speed varies between runs; the figures above move with it)",
            f"- date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        ]
    )


EVENT_LOOP = ["asyncio"]
SPEED_CHECKS: list[tuple[str, float]] = []


def speed_check() -> float:
    """Seconds a fixed pure-Python loop takes: how fast this machine is right now."""
    started = time.perf_counter()
    total = 0
    for number in range(3_000_000):
        total += number
    return time.perf_counter() - started


async def run(names: list[str], size: Size) -> tuple[list[Row], list[str]]:
    rows: list[Row] = []
    crashed: list[str] = []
    with workdir() as folder:
        for name in names:
            started = time.perf_counter()
            # Each scenario starts from a clean heap: no garbage of the ones before to collect, nothing frozen.
            gc.unfreeze()
            gc.collect()
            SPEED_CHECKS.append((name, speed_check()))
            print(f"running {name} (speed check {SPEED_CHECKS[-1][1]:.2f} s) ...", file=sys.stderr, flush=True)
            try:
                rows.extend(await SCENARIOS[name](size, folder))
            except Exception:
                traceback.print_exc()
                crashed.append(name)
                rows.append(Row(name, "CRASHED", "—", ok=False, notes=["crashed"]))
            print(f"  {name}: {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
    return rows, crashed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--small", action="store_true", help="about 1/50 of the full size (CI)")
    parser.add_argument("--only", choices=sorted(SCENARIOS), action="append", help="run only this scenario")
    args = parser.parse_args(argv)
    # The usual approach's APScheduler logs one line per missed job; it is counted instead.
    logging.getLogger("apscheduler").setLevel(logging.ERROR)
    names = args.only or list(SCENARIOS)
    size = SMALL if args.small else FULL
    started = time.perf_counter()
    EVENT_LOOP[0] = use_fastest_event_loop()  # as `stretchbot run` does
    rows, crashed = asyncio.run(run(names, size))
    text = table(rows)
    print(text)
    for title, body in SECTIONS:
        print(f"\n## {title}\n\n{body}")
    incorrect = [row for row in rows if not row.ok]
    if not args.small and not args.only:
        RESULTS.write_text(
            "# Benchmark results\n\n`python -m bench` (full size), "
            f"{time.perf_counter() - started:.0f} s in all.\n\n{text}\n\n{MISSED}\n\n"
            + "".join(f"## {title}\n\n{body}\n" for title, body in SECTIONS)
            + f"## Machine\n\n{machine()}\n",
            encoding="utf-8",
        )
        print(f"wrote {RESULTS}", file=sys.stderr)
    return 1 if crashed or incorrect else 0


if __name__ == "__main__":
    sys.exit(main())
