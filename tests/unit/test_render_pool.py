"""The render pool's processes: drawing happens in them, and none outlives the bot, however the bot ends (a SIGKILL
included: a worker of a killed bot would otherwise wait for work forever and keep the forkserver alive)."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from bot.charts.pool import RenderBusy, RenderPool
from tests.e2e.render_blocker import hold_until_released, release

ROOT = Path(__file__).resolve().parent.parent.parent

BOT = """
import asyncio, json, os
from bot.charts.pool import RenderPool

async def main():
    pool = RenderPool(workers=2, queue=1)
    await pool.start()
    workers = await pool.wait_warm()
    assert await pool.run(os.getpid) in workers
    print(json.dumps([os.getpid(), workers]), flush=True)
    await asyncio.Event().wait()  # until killed

if __name__ == "__main__":
    asyncio.run(main())
"""


def test_no_pool_process_outlives_a_killed_bot(tmp_path: Path) -> None:
    script = tmp_path / "bot_with_pool.py"
    script.write_text(BOT, encoding="utf-8")
    bot = subprocess.Popen([sys.executable, str(script)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert bot.stdout is not None
        bot_pid, workers = json.loads(bot.stdout.readline())
        children = psutil.Process(bot_pid).children(recursive=True)  # resource tracker, forkserver, workers
        assert set(workers) <= {child.pid for child in children}
        assert len(children) >= 4
    finally:
        bot.send_signal(signal.SIGKILL)
        bot.wait()
    _gone, alive = psutil.wait_procs(children, timeout=60)
    assert alive == []


async def test_idle_workers_retire_and_the_next_render_forks_new_ones() -> None:
    pool = RenderPool(workers=1, queue=1, idle_seconds=1.0)
    await pool.start()
    try:
        [first] = await pool.wait_warm()
        assert await pool.run(os.getpid) == first
        for _ in range(200):  # the countdown starts after that render: 1 s
            if pool.retired:
                break
            await asyncio.sleep(0.05)
        assert pool.retired == 1 and pool.pids() == []
        _gone, alive = psutil.wait_procs([psutil.Process(first)] if psutil.pid_exists(first) else [], timeout=30)
        assert alive == []
        second = await pool.run(os.getpid)  # a fresh worker, forked on demand
        assert second != first and psutil.pid_exists(second)
    finally:
        await pool.stop()


async def test_a_render_that_would_wait_longer_than_max_wait_is_refused_at_once(tmp_path: Path) -> None:
    """The queue has room for ten, but with renders taking ~0.4 s each (kinds not timed yet count at the mean of
    those timed) and one worker, a fourth render would wait ~1.2 s for it: over the 1 s bound, it is refused at
    once; the admitted ones are all drawn."""
    pool = RenderPool(workers=1, queue=10, max_wait=1.0)
    await pool.start()
    fifo = tmp_path / "release"
    os.mkfifo(fifo)
    try:
        await pool.wait_warm()
        assert pool.expected_wait() == 0.0  # nothing timed yet: only the queue bounds it
        await pool.run(time.sleep, 0.4)  # a render that takes 0.4 s, as the worker measures it
        assert 0.39 <= pool.service_seconds["sleep"] < 1.0
        held = asyncio.create_task(pool.run(hold_until_released, str(fifo)))
        await asyncio.sleep(0)  # it takes the worker's place
        queued = [asyncio.create_task(pool.run(os.getpid))]  # waits one render: ~0.4 s
        await asyncio.sleep(0)
        assert pool.in_flight == 2 and pool.expected_wait() <= 1.0
        queued.append(asyncio.create_task(pool.run(os.getpid)))  # waits two: ~0.8 s
        await asyncio.sleep(0)
        assert pool.in_flight == 3 and pool.expected_wait() > 1.0 and pool.in_flight < pool.capacity
        with pytest.raises(RenderBusy):
            await pool.run(os.getpid)
        assert pool.in_flight == 3  # the refused render took no place
        await asyncio.to_thread(release, str(fifo))
        assert await held == "go"
        assert len(set(await asyncio.gather(*queued))) == 1  # drawn by the one worker
    finally:
        await pool.stop()


def test_the_expected_wait_shares_the_work_in_flight_among_the_workers() -> None:
    """Charts (1 s each) and reports (3 s each) on two workers, bounded at 3 s."""
    pool = RenderPool(workers=2, queue=10, max_wait=3.0)

    def in_flight(charts: int, reports: int) -> float:
        pool._in_flight = charts + reports
        pool._running_kinds = {"chart": charts, "report": reports}
        return pool.expected_wait()

    assert in_flight(5, 0) == 0.0  # nothing timed yet: only the queue bounds the wait
    pool._timed("chart", 2.0)
    pool._timed("chart", 0.0)  # the moving average: 2.0 + 0.3 * (0.0 - 2.0)
    assert pool.service_seconds["chart"] == 1.4
    pool.service_seconds = {"chart": 1.0, "report": 3.0}
    assert in_flight(1, 0) == 0.0  # a worker is free
    assert in_flight(2, 0) == 1.0 and in_flight(0, 2) == 3.0 and in_flight(3, 1) == 3.0
    assert not pool._busy()
    assert in_flight(4, 1) == 3.5 and pool._busy()
    pool.service_seconds = {"chart": 1.0}  # reports not timed yet: at the charts' mean
    assert in_flight(2, 2) == 2.0
    assert in_flight(2, 2) <= pool.max_wait and not pool._busy()
    assert in_flight(11, 1) == 6.0 and pool._busy()  # the queue (12) is full too


async def test_workers_draw_at_the_lowest_cpu_priority() -> None:
    """A burst of renders takes only the CPU the bot's event loop leaves (nice 19), so taps stay quick."""
    pool = RenderPool(workers=1, queue=1)
    await pool.start()
    try:
        await pool.wait_warm()
        assert os.nice(0) < 19
        assert await pool.run(os.nice, 0) == 19
    finally:
        await pool.stop()
