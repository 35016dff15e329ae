"""`/readyz` flips to 503 (with the reason) when the scheduler stops ticking and when the database goes, and back;
`/metrics` counts updates and routine walkthroughs (typed and tapped); no user id or typed text shows up in it.

The real application against the stand-in, with its health server on a free port (`HEALTH_PORT=0`). The database
stops for real on PostgreSQL (a private cluster of the test's own, with `stretchbot run` as a real process); on
SQLite its file is deleted under the running bot.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.app import build_application
from bot.config import Settings
from bot.domain.clock import FakeClock
from bot.standin import BotApiStandIn, ChatUser
from bot.standin.harness import running
from tests.conftest import TOKEN
from tests.e2e.helpers import AnyApp, ctx_of, onboard, read_until
from tests.e2e.test_health_process import free_port, samples, value
from tests.support.private_postgres import PrivatePostgres
from tests.support.processes import BotProcess, StandInProcess, wait_until


@asynccontextmanager
async def health_app(settings: Settings, clock: FakeClock, **changes: Any) -> AsyncIterator[tuple[AnyApp, str]]:
    application = build_application(settings.model_copy(update={"health_port": 0, **changes}), clock=clock)
    async with running(application):
        server = ctx_of(application).health_server
        assert server is not None
        yield application, f"http://127.0.0.1:{server.port}"


async def readyz(base: str) -> tuple[int, dict[str, Any]]:
    async with aiohttp.ClientSession() as session, session.get(base + "/readyz") as response:
        return response.status, json.loads(await response.text())


async def scrape(base: str) -> str:
    async with aiohttp.ClientSession() as session, session.get(base + "/metrics") as response:
        assert response.status == 200
        return await response.text()


async def test_readyz_is_503_while_the_scheduler_does_not_tick(
    standin: BotApiStandIn, settings: Settings, clock: FakeClock
) -> None:
    async with health_app(settings, clock, scheduler_tick_seconds=0.2, scheduler_first_tick_seconds=0.0) as (app, base):
        readiness = ctx_of(app).health.readiness
        readiness.tick_limit = readiness.first_tick_limit = 1.5  # 3 ticks + 30 s by default; the test waits less

        async def ready() -> bool:
            return (await readyz(base))[0] == 200

        async def ticking() -> bool:
            return value(samples(await scrape(base)), "stretchbot_scheduler_ticks_total") >= 2

        await wait_until(ready, 20, interval=0.1)
        await wait_until(ticking, 20, interval=0.1)
        scheduler = app.job_queue.scheduler  # type: ignore[union-attr]
        scheduler.pause()  # the JobQueue's scheduler stops: no more ticks

        async def scheduler_stuck() -> bool:
            status, body = await readyz(base)
            return status == 503 and body["checks"]["scheduler"].startswith("no tick for")

        await wait_until(scheduler_stuck, 20, interval=0.2)
        _status, body = await readyz(base)
        assert body["ready"] is False
        assert body["checks"]["database"] == "ok" and body["checks"]["telegram"] == "ok"
        found = samples(await scrape(base))
        assert value(found, "stretchbot_scheduler_tick_lag_seconds") > 1.0, "the lag grows while the scheduler is stuck"
        assert value(found, "stretchbot_ready") == 0
        assert value(found, "stretchbot_ready_check", check="scheduler") == 0
        assert value(found, "stretchbot_ready_check", check="database") == 1
        scheduler.resume()
        await wait_until(ready, 20, interval=0.1)
        assert value(samples(await scrape(base)), "stretchbot_ready") == 1


@pytest.mark.sqlite_only
async def test_readyz_is_503_once_the_database_file_is_gone(
    standin: BotApiStandIn, settings: Settings, clock: FakeClock, database_url: str
) -> None:
    async with health_app(settings, clock, database_check_seconds=0.2) as (_app, base):
        assert (await readyz(base))[0] == 200
        os.unlink(database_url.removeprefix("sqlite+aiosqlite:///"))

        async def database_lost() -> bool:
            status, body = await readyz(base)
            return status == 503 and body["checks"]["database"] != "ok"

        await wait_until(database_lost, 20, interval=0.2)
        assert (await readyz(base))[1]["checks"]["database"] == "lost: was deleted"


@pytest.fixture
def cluster() -> Iterator[PrivatePostgres]:
    made = PrivatePostgres.create()
    try:
        yield made
    finally:
        made.destroy()


@pytest.mark.postgres
@pytest.mark.slow
@pytest.mark.timeout(180)
async def test_readyz_is_503_while_postgres_is_down_and_200_once_it_is_back(
    cluster: PrivatePostgres, tmp_path: Path
) -> None:
    url = await cluster.create_database("bot")
    port = free_port()
    async with StandInProcess(TOKEN) as telegram:
        bot = BotProcess(
            tmp_path / "unused.sqlite3", telegram.url, TOKEN, tmp_path, DATABASE_URL=url, HEALTH_PORT=str(port)
        )
        base = f"http://127.0.0.1:{port}"
        try:
            await bot.start(timeout=60)
            assert (await readyz(base))[0] == 200
            cluster.stop()

            async def database_down() -> bool:
                status, body = await readyz(base)
                return status == 503 and body["checks"]["database"].startswith("unavailable")

            await wait_until(database_down, 30, interval=0.5)
            cluster.start()

            async def ready() -> bool:
                return (await readyz(base))[0] == 200

            await wait_until(ready, 60, interval=0.5)
        finally:
            await bot.stop()
    assert "stretchbot is up: @stretchbot_local_bot, polling, database PostgreSQL 127.0.0.1:" in bot.log()
    assert "postgres@" not in bot.log(), "no user name or password of the database in the log"


async def test_metrics_count_updates_and_walkthroughs_without_user_data(
    standin: BotApiStandIn, settings: Settings, clock: FakeClock
) -> None:
    async with health_app(settings, clock, time_scale=10.0) as (_app, base):
        user = ChatUser(standin, 4711, "Alex")
        await onboard(user, "07:15", "Berlin")
        await user.send("help")
        await user.next_message()
        await user.send("my back hurts a lot, marker-text")
        await user.next_message()
        await user.send("/stretch")
        await read_until(user, "how stiff is your back right now")
        await user.tap("Skip rating")
        await read_until(user, "1/6")
        await user.tap("Stop")
        await read_until(user, "Stopped.")
        text = await scrape(base)
        found = samples(text)
        assert value(found, "stretchbot_routine_sessions_started_total") == 1
        assert value(found, "stretchbot_routine_sessions_finished_total", how="stopped") == 1
        assert value(found, "stretchbot_routine_sessions_finished_total", how="completed") == 0
        assert value(found, "stretchbot_active_users") == 1

        async def every_update_timed() -> bool:
            # /start, 2 taps (onboarding), "help", the text, /stretch, 2 taps: each handled and timed once.
            return value(samples(await scrape(base)), "stretchbot_update_handling_seconds_count") == 8

        await wait_until(every_update_timed, 10)
        assert value(found, "stretchbot_telegram_requests_total", method="sendMessage", status="200") >= 5
        assert not re.search(r"(?<![\w.])4711(?![\w.])", text), "no user id"
        assert "marker-text" not in text and "hurts" not in text
        assert TOKEN not in text
        assert value(found, "stretchbot_errors_total", where="update") == 0
