"""The 8 a.m. peak: every load of a morning at once, through the real application, for `seconds`.

100,000 users (10,000 due in the current minute); at t=0 one `ReminderDispatcher.run_once()` sends the due
reminders while, for the whole run, a separate process taps inline buttons at 300 taps/s from 500 users (the taps
scenario's handler: INSERT, answer, edit), 50 hands-free routines run their live timers and cues (begun at t=0,
staggered over the first seconds), and /progress (5/s) and /report (1/s) are typed by users with 45 days of data
each (a different user each time, injected into the stand-in from this process). The bot's render pool draws the
charts and reports in worker processes.

Measured: tap latency (injection -> answerCallbackQuery answered), chart and report latency (injection -> the
photo / the PDF sent; "busy" answers counted apart), reminders/s, timer lateness (a routine timer's due time -> its
outcome shown, cue included), and the event loop's longest stall (a 10 ms ticker in the bot's loop: how late it
woke). The usual approach (`bench/baseline_peak.py`) runs the taps, /progress and /report load in the same run.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, func, insert, select, update

from bench.common import (
    ROOT,
    bench_settings,
    create_chats,
    due_minute,
    env_for_child,
    seeded_database,
    standin_process,
)
from bench.taps import TapLog, add_tap_handler
from bot.app import build_application
from bot.context import app_context_of
from bot.db.models import Rating, ReminderDelivery, RoutineSession, User
from bot.heap import settling_heap_after
from bot.standin.harness import running
from bot.standin.remote import RemoteStandIn
from bot.ui.message import OutgoingMessage

BUSY_FRAGMENT = "try again in a minute"
DATA_DAYS = 45
HELD_SHARE = 10  # one routine chat in this many gets a 429 during the peak
HELD_RETRY_AFTER = 2  # seconds (Telegram's retry_after is whole seconds, never scaled)
HELD_AFTER_CALLS = 1  # the chat's 2nd request (its first cue after the routine's start) is answered 429


@dataclass
class Plan:
    users: int = 100_000
    due: int = 10_000
    tap_users: int = 500
    tap_rate: float = 300.0
    routines: int = 50
    progress_rate: float = 5.0
    report_rate: float = 1.0
    seconds: float = 60.0
    time_scale: float = 1.0  # the routines' timers (and the per-chat gap); the small run speeds them up

    @property
    def progress_requests(self) -> int:
        return round(self.progress_rate * self.seconds)

    @property
    def report_requests(self) -> int:
        return round(self.report_rate * self.seconds)

    def ids(self) -> dict[str, list[int]]:
        """Disjoint user ids per load (the due ones first: `seed` makes users 1..due due)."""
        sizes = {
            "due": self.due,
            "taps": self.tap_users,
            "routines": self.routines,
            "progress": self.progress_requests,
            "report": self.report_requests,
        }
        out: dict[str, list[int]] = {}
        first = 1
        for name, size in sizes.items():
            out[name] = list(range(first, first + size))
            first += size
        if first - 1 > self.users:
            raise ValueError(f"{first - 1} users needed, {self.users} seeded")
        return out


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


@dataclass
class Latencies:
    """Request -> answer, in seconds, and the answers that were "busy"."""

    done: list[float] = field(default_factory=list)
    busy: int = 0
    missing: int = 0

    def p50(self) -> float:
        return statistics.median(self.done) if self.done else 0.0

    def p95(self) -> float:
        return percentile(self.done, 0.95)

    def describe(self) -> str:
        text = f"p95 {self.p95():.2f} s (p50 {self.p50():.2f}, {len(self.done)} drawn"
        if self.busy:
            text += f", {self.busy} busy"
        if self.missing:
            text += f", {self.missing} unanswered"
        return text + ")"


@dataclass
class PeakResult:
    label: str
    tap_ms: list[float] = field(default_factory=list)
    taps_expected: int = 0
    taps_throttled: int = 0  # answered "slow down" by the per-user throttle (a user's backlog over its bound)
    charts: Latencies = field(default_factory=Latencies)
    reports: Latencies = field(default_factory=Latencies)
    reminders_sent: int = 0
    fanout_seconds: float = 0.0
    timer_lateness: list[float] = field(default_factory=list)  # the routines whose chat got no 429
    # Per-chat pacing: a 429 (retry_after) in `held_chats` routine chats, once each, during the peak.
    held_chats: int = 0
    held_lateness: list[float] = field(default_factory=list)  # the timers of the routines in those chats
    responses_429: int = 0
    early_requests: int = 0  # requests that arrived in a chat inside a 429 window it was told about
    smallest_gap: float = 0.0  # the shortest time between two new messages in one chat, in routine seconds
    chats_with_gaps: int = 0  # chats that got two or more new messages
    chats_too_fast: int = 0  # chats that got two new messages less than a (routine) second apart
    longest_stall: float = 0.0
    stall_p99: float = 0.0
    pool_workers: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def per_second(self) -> float:
        return self.reminders_sent / self.fanout_seconds if self.fanout_seconds > 0 else 0.0

    def tap_p(self, q: float) -> float:
        return percentile(self.tap_ms, q)


class StallMonitor:
    """How late a 10 ms ticker in the event loop wakes: the loop's stalls."""

    def __init__(self, period: float = 0.01) -> None:
        self.period = period
        self.lateness: list[float] = []
        self._task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            expected = loop.time() + self.period
            await asyncio.sleep(self.period)
            self.lateness.append(max(0.0, loop.time() - expected))

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task


class Replies:
    """When each chat got its first photo/document/text after a request (wraps a send function)."""

    def __init__(self) -> None:
        self.first: dict[int, tuple[float, str]] = {}  # chat -> (monotonic time sent, "photo"|"document"|"busy"|"text")
        self.waiters: dict[int, asyncio.Event] = {}

    def note(self, chat_id: int, kind: str) -> None:
        if chat_id in self.waiters and chat_id not in self.first:
            self.first[chat_id] = (time.monotonic(), kind)
            self.waiters[chat_id].set()

    def expect(self, chat_id: int) -> asyncio.Event:
        event = self.waiters[chat_id] = asyncio.Event()
        return event


def kind_of(message: OutgoingMessage) -> str:
    if message.attachment is not None:
        return message.attachment.kind
    return "busy" if BUSY_FRAGMENT in message.text else "text"


async def inject_at_rate(
    remote: RemoteStandIn, replies: Replies, users: list[int], text: str, rate: float
) -> dict[int, float]:
    """Each user types `text` once, `rate` a second; returns user -> injection time."""
    injected: dict[int, float] = {}
    loop_start = time.monotonic() + 0.05
    tasks = []

    async def one(user_id: int) -> None:
        replies.expect(user_id)
        injected[user_id] = time.monotonic()
        await remote.send_text(user_id, text)

    for index, user_id in enumerate(users):
        delay = loop_start + index / rate - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(user_id)))
    await asyncio.gather(*tasks)
    return injected


def collect(replies: Replies, injected: dict[int, float], wanted: str) -> Latencies:
    result = Latencies()
    for user_id, at in injected.items():
        got = replies.first.get(user_id)
        if got is None:
            result.missing += 1
        elif got[1] == "busy":
            result.busy += 1
        elif got[1] == wanted:
            result.done.append(got[0] - at)
        else:
            result.missing += 1
    return result


def seed_history(db_path: Path, user_ids: list[int], today: datetime) -> None:
    """`DATA_DAYS` days of finished sessions with before and after ratings for each user."""
    engine = create_engine(f"sqlite:///{db_path}")
    sessions: list[dict[str, Any]] = []
    ratings: list[dict[str, Any]] = []
    session_id = 1
    for user_id in user_ids:
        for back in range(DATA_DAYS, 0, -1):
            day = (today - timedelta(days=back)).date()
            at = today - timedelta(days=back)
            before = 7.0 - 3.0 * (DATA_DAYS - back) / DATA_DAYS + (user_id + back) % 3 * 0.5
            sessions.append(
                {
                    "id": session_id, "user_id": user_id, "routine_id": "pigeon", "status": "finished",
                    "local_date": day, "started_at": at, "finished_at": at + timedelta(minutes=6), "state": None,
                    "seq": 0, "gentle": False, "tighter_side": "left" if back % 2 else "right",
                }
            )  # fmt: skip
            for kind, value in (("before", before), ("after", max(0.0, before - 2.0))):
                ratings.append(
                    {
                        "user_id": user_id, "session_id": session_id, "kind": kind, "value": value,
                        "source": "button", "local_date": day, "created_at": at, "updated_at": at,
                    }
                )  # fmt: skip
            session_id += 1
    with engine.begin() as connection:
        for start in range(0, len(sessions), 10_000):
            connection.execute(insert(RoutineSession.__table__), sessions[start : start + 10_000])
        for start in range(0, len(ratings), 20_000):
            connection.execute(insert(Rating.__table__), ratings[start : start + 20_000])
        connection.execute(update(User.__table__).values(routine_mode="hands_free"))
    engine.dispose()


async def prepare(folder: Path, plan: Plan) -> tuple[Path, dict[str, list[int]]]:
    db_path = folder / f"peak-{plan.users}.sqlite3"
    ids = plan.ids()
    await seeded_database(db_path, plan.users, plan.due, due_minute())
    await asyncio.to_thread(seed_history, db_path, ids["progress"] + ids["report"], datetime.now(UTC))
    return db_path, ids


async def start_taps(url: str, folder: Path, targets: list[tuple[int, int]], plan: Plan) -> asyncio.subprocess.Process:
    targets_file = folder / "peak-targets.json"
    targets_file.write_text(json.dumps(targets), encoding="utf-8")
    taps = round(plan.tap_rate * plan.seconds)
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bench.tapper", url, "--rate", str(plan.tap_rate), "--taps", str(taps),
        "--targets", str(targets_file), cwd=ROOT, env=env_for_child(), stdout=asyncio.subprocess.PIPE,
    )  # fmt: skip


async def tap_targets(send: Callable[[int], Awaitable[int]], users: list[int]) -> list[tuple[int, int]]:
    return [(user_id, await send(user_id)) for user_id in users]


def tap_latencies(out: bytes, log: TapLog) -> tuple[list[float], int]:
    injected: dict[str, float] = json.loads(out)
    return [(log.answered[q] - t) * 1000 for q, t in injected.items() if q in log.answered], len(injected)


async def run_peak(folder: Path, plan: Plan) -> tuple[PeakResult, Any]:
    """Our bot under the whole peak; also returns one chart's and one report's input (for the usual approach)."""
    db_path, ids = await prepare(folder, plan)
    result = PeakResult("ours")
    samples: dict[str, Any] = {}
    async with standin_process() as standin:
        remote = standin.remote
        await create_chats(remote, [i for group in ids.values() for i in group])
        settings = bench_settings(
            standin.url, db_path, broadcast_per_second=100_000.0, scheduler_first_tick_seconds=3600.0,
            time_scale=plan.time_scale,
        )  # fmt: skip
        application = build_application(settings, migrate=False)
        application.post_init = settling_heap_after(application.post_init)
        ctx = app_context_of(application)
        log = TapLog()
        add_tap_handler(application, log)
        _count_refused_taps(application.update_processor, log)
        replies = Replies()
        _observe_sends(ctx.sender, replies)
        renders = ctx.renders
        original_run = renders.run

        async def sampling_run(function: Any, *args: Any) -> Any:
            samples.setdefault(function.__name__, args[0])
            return await original_run(function, *args)

        renders.run = sampling_run  # type: ignore[method-assign]
        every_routine = asyncio.Event()
        lateness = _observe_timers(ctx.routine.timers, plan.routines, every_routine)
        async with running(application):
            await renders.wait_warm()
            result.pool_workers = renders.workers
            targets = await tap_targets(lambda u: ctx.sender.send(u, OutgoingMessage("How stiff?")), ids["taps"])
            await remote.reset()
            held = ids["routines"][::HELD_SHARE]
            result.held_chats = len(held)
            for user_id in held:
                await remote.add_fault(
                    None, "retry_after", chat_id=user_id, retry_after=HELD_RETRY_AFTER, after=HELD_AFTER_CALLS
                )
            monitor = StallMonitor()
            monitor.start()
            log.expected = round(plan.tap_rate * plan.seconds)
            tapper = await start_taps(standin.url, folder, targets, plan)
            started = time.perf_counter()

            async def fanout() -> None:
                result.reminders_sent = await ctx.dispatcher.run_once()
                result.fanout_seconds = time.perf_counter() - started

            async def routines() -> None:
                spread = min(5.0, plan.seconds / 4) / max(1, len(ids["routines"]))
                for user_id in ids["routines"]:
                    await ctx.routine.begin(user_id=user_id, delivery_id=None, before=6, update_id=None)
                    await asyncio.sleep(spread)

            jobs = [
                fanout(),
                routines(),
                inject_at_rate(remote, replies, ids["progress"], "/progress", plan.progress_rate),
                inject_at_rate(remote, replies, ids["report"], "/report all", plan.report_rate),
            ]
            _, _, charts_in, reports_in = await asyncio.gather(*jobs)
            out, _ = await tapper.communicate()
            # The last requests' answers (bounded: a missing answer is reported, not waited for forever).
            waiting = [replies.waiters[u].wait() for u in [*charts_in, *reports_in]]
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.gather(*waiting), timeout=300)
            with contextlib.suppress(TimeoutError):  # a backlog of taps is measured, not cut off
                await asyncio.wait_for(log.done.wait(), timeout=300)
            with contextlib.suppress(TimeoutError):  # a short run: until each routine has had a timer
                await asyncio.wait_for(every_routine.wait(), timeout=300)
            await monitor.stop()
            result.tap_ms, result.taps_expected = tap_latencies(out, log)
            result.taps_throttled = log.refused
            result.charts = collect(replies, charts_in, "photo")
            result.reports = collect(replies, reports_in, "document")
            result.longest_stall = max(monitor.lateness, default=0.0)
            result.stall_p99 = percentile(monitor.lateness, 0.99)
            stats = await remote.stats()
            async with ctx.db.unit_of_work(read_only=True) as uow:
                db_sent = await uow.session.scalar(
                    select(func.count()).select_from(ReminderDelivery).where(ReminderDelivery.status == "sent")
                )
                held_sessions = set(
                    (await uow.session.scalars(select(RoutineSession.id).where(RoutineSession.user_id.in_(held)))).all()
                )
    for session_id, seconds in lateness:
        (result.held_lateness if session_id in held_sessions else result.timer_lateness).append(seconds)
    _pacing(result, stats, plan)
    sent = {int(k): v for k, v in stats["sent_per_chat"].items()}
    wrong = [u for u in ids["due"] if sent.get(u, 0) != 1]
    if wrong:
        result.problems.append(f"{len(wrong)} due users did not get exactly one reminder")
    if db_sent != plan.due:
        result.problems.append(f"{db_sent} deliveries recorded as sent, {plan.due} expected")
    if len(result.tap_ms) + result.taps_throttled < result.taps_expected:
        result.problems.append(
            f"{result.taps_expected - len(result.tap_ms) - result.taps_throttled} taps neither answered nor throttled"
        )
    if result.charts.missing or result.reports.missing:
        result.problems.append(f"{result.charts.missing + result.reports.missing} chart/report requests unanswered")
    if not result.timer_lateness:
        result.problems.append("no routine timer fired")
    if result.chats_too_fast:
        result.problems.append(f"{result.chats_too_fast} chats got two messages less than a second apart")
    if result.early_requests:
        result.problems.append(f"{result.early_requests} requests inside a 429 window")
    if result.responses_429 < result.held_chats:
        result.problems.append(f"{result.responses_429} × 429 served, {result.held_chats} armed")
    return result, samples


def _count_refused_taps(processor: Any, log: TapLog) -> None:
    """A tap the per-user throttle refuses never reaches the handler: count it in `log` (so `log.done` is set once
    every tap was answered or refused, not at the timeout)."""
    original = processor.on_throttled

    async def on_throttled(update: Any, note: bool) -> None:
        await original(update, note)
        if getattr(update, "callback_query", None) is not None:
            log.refused += 1
            log.settle()

    processor.on_throttled = on_throttled


def _pacing(result: PeakResult, stats: dict[str, Any], plan: Plan) -> None:
    """Telegram's per-chat limit as the stand-in saw it: the gaps between new messages in each chat (in routine
    seconds: the pacer's gap is divided by the time scale, like the timers), and requests inside a 429 window."""
    gaps = [float(gap) * plan.time_scale for gap in stats["smallest_gap_per_chat"].values()]
    result.chats_with_gaps = len(gaps)
    result.smallest_gap = min(gaps, default=0.0)
    result.chats_too_fast = sum(gap < 0.999 for gap in gaps)  # a millisecond for the float round trip
    result.early_requests = len(stats["early_requests"])
    result.responses_429 = int(stats["status_counts"].get("429", 0))


def _observe_sends(sender: Any, replies: Replies) -> None:
    original = sender.send

    async def send(chat_id: int, message: OutgoingMessage) -> int:
        message_id = await original(chat_id, message)
        replies.note(chat_id, kind_of(message))
        return message_id

    sender.send = send


def _observe_timers(timers: Any, routines: int, every_routine: asyncio.Event) -> list[tuple[int, float]]:
    """Wrap the routine timers: (session id, lateness) for each timer, lateness = when its outcome was shown -
    when it was due; `every_routine` is set once a timer of each of the `routines` has fired."""
    lateness: list[tuple[int, float]] = []
    sessions: set[int] = set()
    due: dict[int, float] = {}
    arm, fire = timers.arm, timers._fire_plan

    def armed(plan: Any) -> None:
        due[plan.session_id] = time.monotonic() + max(0.0, plan.delay_seconds)
        arm(plan)

    async def fired(plan: Any) -> None:
        expected = due.get(plan.session_id)
        await fire(plan)
        if expected is not None:
            lateness.append((plan.session_id, time.monotonic() - expected))
            sessions.add(plan.session_id)
            if len(sessions) >= routines:
                every_routine.set()

    timers.arm = armed
    timers._fire_plan = fired
    return lateness
