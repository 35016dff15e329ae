"""The render pool's processes: drawing happens in them, and none outlives the bot, however the bot ends (a SIGKILL
included: a worker of a killed bot would otherwise wait for work forever and keep the forkserver alive)."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import psutil

from bot.charts.pool import RenderPool

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
