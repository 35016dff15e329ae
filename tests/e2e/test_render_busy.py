"""Charts and reports are drawn in the render pool's worker processes; with every worker busy and the queue full,
/progress and /report answer "busy, try again in a minute" at once, change nothing, and work again afterwards.

The pool here has one worker and no queue; a test job holds that worker until the test releases it (a FIFO), so the
pool is full deterministically.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest

from bot.app import build_application
from bot.config import Settings
from bot.domain.clock import FakeClock
from bot.standin import BotApiStandIn, ChatUser
from bot.standin.harness import running
from tests.e2e.data_helpers import App, add_day, ctx_of, onboard, reply_to, text_of
from tests.e2e.render_blocker import hold_until_released, release

TODAY = date(2026, 3, 2)
BUSY = "try again in a minute"


@pytest.fixture
async def app(settings: Settings, clock: FakeClock) -> AsyncIterator[App]:
    changed = {"render_workers": 1, "render_queue": 0, "render_warm_at_start": True}  # warm, as in production
    application = build_application(settings.model_copy(update=changed), clock=clock)
    async with running(application):
        yield application


@contextmanager
def pool_held(app: App, tmp_path: Path) -> Iterator[asyncio.Task[str]]:
    """The one render worker drawing (a test job that waits for the test), until the block ends."""
    fifo = tmp_path / "release"
    os.mkfifo(fifo)
    held = asyncio.get_running_loop().create_task(ctx_of(app).renders.run(hold_until_released, str(fifo)))
    try:
        yield held
    finally:
        if not held.done():
            asyncio.get_running_loop().run_in_executor(None, release, str(fifo))


async def wait_full(app: App) -> None:
    await asyncio.sleep(0)  # the held job's task takes its place in the pool as soon as it first runs
    renders = ctx_of(app).renders
    assert renders.in_flight == renders.capacity == 1


async def test_progress_and_report_answer_busy_while_the_pool_is_full(
    user: ChatUser, app: App, standin: BotApiStandIn, tmp_path: Path
) -> None:
    await onboard(app)
    await add_day(app, TODAY, 6, 4)
    with pool_held(app, tmp_path) as held:
        await wait_full(app)
        busy = await reply_to(user, "/progress")
        assert BUSY in text_of(busy) and busy.photo is None
        busy = await reply_to(user, "/report 30")  # typed period
        assert BUSY in text_of(busy) and busy.document is None
        question = await reply_to(user, "/report")
        await user.tap("Last 4 weeks")  # the period button: its question loses its buttons, then the answer
        answer = await user.next_message()
        while answer.edited:
            answer = await user.next_message()
        assert BUSY in text_of(answer) and answer.document is None
        assert question.message_id != answer.message_id
        # Other requests are not held up by the full pool.
        assert "/progress" in text_of(await reply_to(user, "/help"))
        busy = await reply_to(user, "/progress please")  # typed with words after it: the same command
        assert BUSY in text_of(busy) and busy.photo is None
        assert BUSY in text_of(await reply_to(user, "show my chart"))  # typed in words: the same answer
        assert "0 to 10" in text_of(await reply_to(user, "blorp"))  # nonsense: the usual friendly answer
        await asyncio.to_thread(release, str(tmp_path / "release"))
        assert await held == "go"
    assert ctx_of(app).renders.in_flight == 0
    await user.send("/progress")
    chart = await user.next_message(timeout=60)
    assert chart.photo is not None
    assert BUSY not in text_of(chart)


async def test_renders_run_in_warm_worker_processes(app: App) -> None:
    renders = ctx_of(app).renders
    pids = await renders.wait_warm()
    assert len(pids) == renders.workers == 1
    assert os.getpid() not in pids
    assert await renders.run(os.getpid) in pids  # drawn in that worker, not in the bot's process
    assert renders.pids() == pids
