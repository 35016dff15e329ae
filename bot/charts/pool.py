"""The render pool: charts and reports are drawn in worker processes, never in the event loop's interpreter.

A matplotlib chart is ~90 ms of CPU under the interpreter's global lock: drawn in a thread of the bot's process it
stalls every update for as long. `RenderPool` owns a `ProcessPoolExecutor` (forkserver start: a small server
forks the workers; each worker imports matplotlib once, in its warm-up) sized to the machine. Workers are started
and warmed up (fonts loaded, one tiny figure drawn) when the application starts and run at a lower CPU priority
than the bot, so a burst of renders slows renders, not taps. Inputs and outputs are plain picklable data (the render
functions' dataclasses in, bytes out).

Workers that have drawn nothing for `idle_seconds` (RENDER_IDLE_SECONDS) retire, so a bot at rest keeps only the
forkserver and multiprocessing's resource tracker (~17 MB together, measured; matplotlib is deliberately not
preloaded in the forkserver, which would keep ~60 MB at rest). The next render forks new workers, which import
matplotlib and warm up first (about a second), and they stay while renders keep coming.

The queue is bounded twice: with `workers` renders running and `queue` waiting, or when the renders ahead would make
the next one wait more than `max_wait` seconds before a worker takes it (estimated from the recent renders' service
times, as each worker measures them: a busy machine slows renders, and the bound tightens with it), the next `run`
raises `RenderBusy` at once and the handler answers "busy, try again in a minute" instead of making the user wait.
A component: started and stopped with the application (`AppContext.components`); importing this module starts nothing.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

from bot.charts import worker

log = logging.getLogger(__name__)

T = TypeVar("T")
MAX_AUTO_WORKERS = 4
SERVICE_WEIGHT = 0.3  # of the latest render in the moving average of service times
# Imported by the forkserver: only the small worker module (matplotlib in the forkserver would stay in memory at rest).
PRELOAD = ["bot.charts.worker"]


class RenderBusy(Exception):
    """Every worker is drawing and the queue is full: tell the user to try again in a minute."""


def machine_workers() -> int:
    """Workers for this machine: one per core the process may use, at most MAX_AUTO_WORKERS."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cores = os.cpu_count() or 1
    return max(1, min(MAX_AUTO_WORKERS, cores))


def _context() -> Any:
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(PRELOAD)
        return context
    return multiprocessing.get_context("spawn")


class RenderPool:
    """Worker processes for CPU-heavy drawing, with a bounded queue (see the module docstring)."""

    def __init__(
        self,
        workers: int = 0,
        queue: int = 12,
        idle_seconds: float = 0.0,
        *,
        warm_at_start: bool = True,
        max_wait: float = 0.0,
    ) -> None:
        self.workers = workers if workers > 0 else machine_workers()
        self.queue = queue
        self.max_wait = max_wait  # seconds a render may wait for a worker; 0: only the queue bounds it
        # Each kind of render's recent service time (a moving average): a report takes longer than a chart.
        self.service_seconds: dict[str, float] = {}
        self._running_kinds: dict[str, int] = {}  # renders accepted and not finished, by kind
        self.idle_seconds = idle_seconds  # 0: workers never retire
        self.warm_at_start = warm_at_start  # False: no process until the first render
        self._ready: asyncio.Task[ProcessPoolExecutor] | None = None
        self._running = False
        self._in_flight = 0
        self._warming: list[Future[int]] = []
        self._retire: asyncio.TimerHandle | None = None
        self.retired = 0  # how many times idle workers retired (tests, benchmarks)

    @property
    def in_flight(self) -> int:
        """Renders accepted and not finished (running or waiting)."""
        return self._in_flight

    @property
    def capacity(self) -> int:
        """Renders accepted at once: one running per worker, plus the queue."""
        return self.workers + self.queue

    def expected_wait(self) -> float:
        """Seconds the next render would wait for a worker: 0 while one is free, else the work in flight (each
        render's kind at its recent service time; a kind not timed yet at the mean of the others) shared by the
        workers. 0 until a render has been timed."""
        if self._in_flight < self.workers or not self.service_seconds:
            return 0.0
        known = self.service_seconds
        mean = sum(known.values()) / len(known)
        work = sum(known.get(kind, mean) * count for kind, count in self._running_kinds.items())
        return work / self.workers

    def _busy(self) -> bool:
        if self._in_flight >= self.capacity:
            return True
        return self.max_wait > 0 and self.expected_wait() > self.max_wait

    def _timed(self, kind: str, seconds: float) -> None:
        previous = self.service_seconds.get(kind)
        self.service_seconds[kind] = seconds if previous is None else previous + SERVICE_WEIGHT * (seconds - previous)

    def pids(self) -> list[int]:
        """The worker processes' ids (for the benchmarks and tests)."""
        ready = self._ready
        if ready is None or not ready.done() or ready.exception() is not None:
            return []
        processes = getattr(ready.result(), "_processes", None) or {}
        return [int(pid) for pid in processes]

    async def start(self, application: Any = None) -> None:
        """Start the workers and warm them up, in the background: start-up does not wait for it (each worker
        imports matplotlib first, a second or two); a render asked for meanwhile waits for it. Without
        `warm_at_start`, the first render starts them."""
        del application
        if not self._running:
            self._running = True
            if self.warm_at_start:
                self._ready = asyncio.get_running_loop().create_task(asyncio.to_thread(self._spawn, warm=True))
                self._schedule_retirement()

    def _spawn(self, *, warm: bool) -> ProcessPoolExecutor:
        """(In a thread: starting the forkserver blocks.) A new executor; with `warm`, every worker started now
        (one warm-up task each, submitted at once: the executor starts a process for each)."""
        executor = ProcessPoolExecutor(
            self.workers, mp_context=_context(), initializer=worker.warm_up, initargs=(os.getpid(),)
        )
        if warm:
            self._warming = [executor.submit(worker.ready) for _ in range(self.workers)]
            log.debug("render pool: %d workers, queue %d", self.workers, self.queue)
        return executor

    async def wait_warm(self) -> list[int]:
        """Wait until every worker has warmed up; their process ids (benchmarks, tests)."""
        if self._ready is None:
            raise RuntimeError("the render pool is not running")
        await asyncio.shield(self._ready)
        return list(await asyncio.gather(*(asyncio.wrap_future(f) for f in self._warming)))

    def _schedule_retirement(self) -> None:
        """(Re)start the idle countdown: with nothing drawn for `idle_seconds`, the workers retire."""
        if self._retire is not None:
            self._retire.cancel()
            self._retire = None
        if self.idle_seconds > 0 and self._running:
            self._retire = asyncio.get_running_loop().call_later(self.idle_seconds, self._retire_if_idle)

    def _retire_if_idle(self) -> None:
        self._retire = None
        ready = self._ready
        if ready is None or self._in_flight:
            return  # retired already, or drawing: the countdown starts again when the last render ends
        if not ready.done() or not all(f.done() for f in self._warming):  # still starting: count again
            self._schedule_retirement()
            return
        self._ready = None  # the next render starts new workers
        self.retired += 1
        if ready.exception() is None:
            log.debug("render pool: workers idle for %.0f s, retiring them", self.idle_seconds)
            ready.result().shutdown(wait=False, cancel_futures=True)

    async def stop(self) -> None:
        self._running = False
        if self._retire is not None:
            self._retire.cancel()
            self._retire = None
        ready, self._ready = self._ready, None
        if ready is not None:
            executor = await ready
            await asyncio.to_thread(executor.shutdown, wait=True, cancel_futures=True)

    async def run(self, function: Callable[..., T], *args: Any) -> T:
        """`function(*args)` in a worker: its result, or `RenderBusy` at once when the queue is full or the wait
        would be longer than `max_wait`.
        `function` and `args` must be picklable (module-level functions, plain dataclasses)."""
        if not self._running:
            raise RuntimeError("the render pool is not running")
        if self._busy():
            raise RenderBusy
        ready = self._ready
        if ready is None:  # the idle workers retired: start new ones (they warm up first)
            ready = self._ready = asyncio.get_running_loop().create_task(asyncio.to_thread(self._spawn, warm=False))
        kind = getattr(function, "__qualname__", "render")
        self._in_flight += 1
        self._running_kinds[kind] = self._running_kinds.get(kind, 0) + 1
        try:
            executor = await asyncio.shield(ready)
            try:
                seconds, result = await asyncio.wrap_future(executor.submit(worker.timed, function, *args))
                self._timed(kind, seconds)
                return result
            except BrokenProcessPool:
                # A worker died (killed, out of memory): this render fails; the next ones get a fresh pool.
                if self._ready is ready:
                    log.error("render pool broken: starting new workers")
                    self._ready = asyncio.get_running_loop().create_task(asyncio.to_thread(self._spawn, warm=False))
                    executor.shutdown(wait=False, cancel_futures=True)
                raise
        finally:
            self._in_flight -= 1
            self._running_kinds[kind] -= 1
            if not self._in_flight:
                self._schedule_retirement()
