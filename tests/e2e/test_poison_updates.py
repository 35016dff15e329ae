"""Poison updates (issue 15, point 1): an update python-telegram-bot cannot parse is skipped, logged once (id, kind,
error type, never its content), the offset moves past it, and everyone else is served; in polling (a real bot
process against the stand-in process, the update injected through its control API) and by webhook (400 to bodies
that are not a JSON object, the poison update answered 200 and skipped)."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.conftest import TOKEN
from tests.support.processes import BotProcess, StandInProcess, wait_until

pytestmark = [pytest.mark.slow, pytest.mark.sqlite_only, pytest.mark.timeout(120)]

ALEX, SAM = 610_001, 610_002
PRIVATE = "my back is a 7 today"  # typed by someone: it must never reach the log


@pytest.fixture
async def telegram() -> AsyncIterator[StandInProcess]:
    async with StandInProcess(TOKEN, chats=[ALEX, SAM]) as standin:
        yield standin


@pytest.fixture
def database(tmp_path: Path, migrated_sqlite: Path) -> Path:
    path = tmp_path / "bot.sqlite3"
    shutil.copyfile(migrated_sqlite, path)
    return path


# A poll as a Bot API server older than 10.0 sends it (without the fields PTB 22 requires), and a message without a
# chat or date: PTB cannot parse either.
OLD_POLL = {"poll": {"id": "5", "question": PRIVATE, "options": [{"text": PRIVATE, "voter_count": 1}]}}
BROKEN_MESSAGE = {"message": {"message_id": 9, "text": PRIVATE, "from": {"id": ALEX, "is_bot": False}}}


async def replies(telegram: StandInProcess, user_id: int) -> list[str]:
    return [str(m.get("text", "")) for m in await telegram.remote.messages(user_id)]


async def test_an_update_ptb_cannot_parse_is_skipped_and_everyone_else_is_served(
    database: Path, telegram: StandInProcess, tmp_path: Path
) -> None:
    bot = BotProcess(database, telegram.url, TOKEN, tmp_path, SCHEDULER_TICK_SECONDS="0.5")
    try:
        await bot.start()
        offset = bot.log_path.stat().st_size
        await telegram.remote.inject_update(OLD_POLL)
        await telegram.remote.send_text(ALEX, "/start")  # in the same batch as the poison, or the next
        await telegram.remote.inject_update(BROKEN_MESSAGE)
        await telegram.remote.send_text(SAM, "/help")

        async def both_answered() -> bool:
            return bool(await replies(telegram, ALEX)) and bool(await replies(telegram, SAM))

        await wait_until(both_answered, 20)
        calls_before = (await telegram.remote.stats())["calls_per_method"].get("getUpdates", 0)
        await asyncio.sleep(2)  # no hot loop of getUpdates on the poison (it was 732 a second)
        calls_after = (await telegram.remote.stats())["calls_per_method"].get("getUpdates", 0)
        assert await telegram.remote.pending_updates() == [], "the offset moved past every update"
        log = bot.log(offset)
    finally:
        await bot.stop()
    assert calls_after - calls_before <= 5, "long polling, not a retry loop"
    skipped = [line for line in log.splitlines() if "Skipped update" in line]
    assert len(skipped) == 2, log
    assert "(poll)" in skipped[0] and "TypeError" in skipped[0]
    assert "(message)" in skipped[1]
    assert PRIVATE not in log and "my back" not in log
    assert "Error while parsing" not in log and "CRITICAL" not in log and "Traceback" not in log
    print(
        f"\npoison updates: 2 skipped, {calls_after - calls_before} getUpdates in the 2 s after; log:\n"
        + "\n".join(skipped)
    )
