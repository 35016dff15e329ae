"""Two processes polling one token (issue 15, point 5): each 409 Conflict is not a traceback a second labelled "job",
but one line a minute that names the cause: another instance is polling this bot."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.telegram_io.polling import PollingErrors
from tests.conftest import TOKEN
from tests.support.processes import BotProcess, StandInProcess

pytestmark = [pytest.mark.slow, pytest.mark.sqlite_only, pytest.mark.timeout(120)]


@pytest.fixture
async def telegram() -> AsyncIterator[StandInProcess]:
    async with StandInProcess(TOKEN) as standin:
        yield standin


async def test_a_second_poller_is_named_in_one_line_not_a_traceback_a_second(
    tmp_path: Path, migrated_sqlite: Path, telegram: StandInProcess
) -> None:
    bots = []
    for name in ("a", "b"):
        workdir = tmp_path / name
        workdir.mkdir()
        shutil.copyfile(migrated_sqlite, workdir / "bot.sqlite3")
        bots.append(BotProcess(workdir / "bot.sqlite3", telegram.url, TOKEN, workdir))
    try:
        for bot in bots:
            await bot.start()
        await asyncio.sleep(8)
        logs = [bot.log() for bot in bots]
    finally:
        for bot in bots:
            await bot.stop()
    conflicts = (await telegram.remote.stats())["status_counts"].get("409", 0)
    assert conflicts >= 2, "the two really polled against each other"
    named = [line for log in logs for line in log.splitlines() if "another instance is polling this bot" in line]
    assert 1 <= len(named) <= 2, "one line a minute per process"
    assert all("409 Conflict" in line for line in named)
    assert not any("Traceback" in log or " ERROR " in log for log in logs), logs
    print(f"\n{conflicts} 409s in 8 s; the log says:\n{named[0]}")


def test_the_conflict_line_comes_once_a_minute(caplog: pytest.LogCaptureFixture) -> None:
    from telegram.error import Conflict

    now = [0.0]
    errors = PollingErrors(clock=lambda: now[0])
    for second in range(125):
        now[0] = float(second)
        errors(Conflict("terminated by other getUpdates request"))
    lines = [r.getMessage() for r in caplog.records if "another instance" in r.getMessage()]
    assert len(lines) == 3 and "(1 since" in lines[0] and "(60 since" in lines[1]
