"""Telegram away for longer than the whole retry schedule: reminders are delayed, never dropped, and say they are late;
away for longer than CATCH_UP_HOURS: recorded as missed, one log line per tick. The log says "unavailable" once, not
once per request.

Real processes: the stand-in (`python -m bot.standin`) is stopped (its port refuses connections) and started again on
the same port; the bot (`python -m bot run`) runs with short settings so the whole story takes seconds: retries after
0.3 s doubling up to 1 s (the old five-attempt schedule was over in about 3 s), a late note after 3 s, and
an outage of 10 s.
"""

from __future__ import annotations

import asyncio
import shutil
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.conftest import TOKEN
from tests.support.processes import BotProcess, StandInProcess, seed_reminder_users, sql, wait_until

pytestmark = [pytest.mark.slow, pytest.mark.sqlite_only, pytest.mark.timeout(180)]

USERS = 100
FIRST_ID = 300_000
OUTAGE_SECONDS = 10.0
LATE_NOTE = "sorry it comes late"


@pytest.fixture
def database(tmp_path: Path, migrated_sqlite: Path) -> Path:
    path = tmp_path / "bot.sqlite3"
    shutil.copyfile(migrated_sqlite, path)
    return path


@pytest.fixture
async def telegram() -> AsyncIterator[StandInProcess]:
    """A stand-in with Telegram's flood control (30/s overall, 1/s per chat) that knows every test user."""
    async with StandInProcess(TOKEN, chats=range(FIRST_ID, FIRST_ID + USERS), rate_limit=True) as standin:
        yield standin


def bot_process(database: Path, telegram: StandInProcess, tmp_path: Path, **settings: str) -> BotProcess:
    defaults = {
        "SCHEDULER_TICK_SECONDS": "0.5",
        "BROADCAST_PER_SECOND": "29",
        "SEND_RETRY_SECONDS": "0.3",
        "SEND_RETRY_MAX_SECONDS": "1",
        "LATE_NOTE_MINUTES": "0.05",
    }
    return BotProcess(database, telegram.url, TOKEN, tmp_path, **(defaults | settings))


async def start_polling_bot(bot: BotProcess, telegram: StandInProcess) -> None:
    """Start the bot and wait until it polls (the outage is meant to hit a bot that runs, not one that starts)."""
    await bot.start()

    async def polling() -> bool:
        return bool((await telegram.remote.stats())["calls_per_method"].get("getUpdates"))

    await wait_until(polling, 20)


def fall_due_now(database: Path) -> None:
    """Every seeded reminder falls due now (the bot is running; its next tick picks them up)."""
    now = datetime.now(UTC).replace(tzinfo=None).isoformat(sep=" ")
    sql(database, "UPDATE reminder_slots SET next_due_at = ? WHERE user_id >= ?", now, FIRST_ID)


def statuses(database: Path) -> dict[str, int]:
    return dict(sql(database, "SELECT status, count(*) FROM reminder_deliveries GROUP BY status"))


async def reminders_received(telegram: StandInProcess) -> dict[int, list[str]]:
    received = {}
    for user_id in range(FIRST_ID, FIRST_ID + USERS):
        texts = [m.get("text", "") for m in await telegram.remote.messages(user_id)]
        received[user_id] = [t for t in texts if "How stiff" in t]
    return received


def outage_lines(log: str) -> list[str]:
    """What the bot logged while Telegram was away (between the markers the test writes)."""
    return [line for line in log.splitlines() if line.strip() and not line.startswith((" ", "Traceback"))]


async def test_telegram_away_longer_than_the_retry_schedule_delays_every_reminder_and_drops_none(
    database: Path, telegram: StandInProcess, tmp_path: Path
) -> None:
    user_ids = list(range(FIRST_ID, FIRST_ID + USERS))
    seed_reminder_users(database, user_ids, datetime.now(UTC) + timedelta(hours=6))
    bot = bot_process(database, telegram, tmp_path)
    try:
        await start_polling_bot(bot, telegram)
        await telegram.stop(abruptly=True)  # Telegram is away: every connection is refused
        away = bot.log_path.stat().st_size
        fall_due_now(database)
        await asyncio.sleep(OUTAGE_SECONDS)
        during = bot.log(away)
        assert statuses(database).get("pending") == USERS, "nothing given up, nothing sent"
        await telegram.start()  # back on the same port
        back = time.monotonic()

        def all_sent() -> bool:
            return statuses(database).get("sent") == USERS

        await wait_until(all_sent, 60, interval=0.2)
        caught_up_in = time.monotonic() - back
        after = bot.log(away)
    finally:
        await bot.stop()
    received = await reminders_received(telegram)
    assert [len(received[uid]) for uid in user_ids] == [1] * USERS, "every reminder once, none dropped or doubled"
    assert all(LATE_NOTE in texts[0] for texts in received.values()), "each says it comes late"
    stats = await telegram.remote.stats()
    assert stats["status_counts"].get("429", 0) == 0, "the catch-up was paced: no flood control"
    assert statuses(database) == {"sent": USERS}
    # The log: the outage once (and once a minute, which 10 s never reach), not a line per request or reminder.
    lines = outage_lines(during)
    assert sum("Telegram Bot API is unavailable" in line for line in lines) == 1, during
    assert len(lines) <= 5, during
    assert "Traceback" not in during
    assert sum("Telegram Bot API is available again" in line for line in outage_lines(after)) == 1
    print(
        f"\n{USERS} reminders due during a {OUTAGE_SECONDS:.0f} s outage: all sent once, late note on each, "
        f"the last {caught_up_in:.1f} s after Telegram came back (paced at 29/s, no 429); "
        f"{len(lines)} log lines during the outage"
    )


async def test_telegram_away_longer_than_catch_up_records_missed_in_one_line_per_tick(
    database: Path, telegram: StandInProcess, tmp_path: Path
) -> None:
    user_ids = list(range(FIRST_ID, FIRST_ID + USERS))
    seed_reminder_users(database, user_ids, datetime.now(UTC) + timedelta(hours=6))
    bot = bot_process(database, telegram, tmp_path, CATCH_UP_HOURS="0.002")  # 7.2 s
    try:
        await start_polling_bot(bot, telegram)
        await telegram.stop(abruptly=True)
        away = bot.log_path.stat().st_size
        fall_due_now(database)

        def all_missed() -> bool:
            return statuses(database).get("missed") == USERS

        await wait_until(all_missed, 30, interval=0.2)
        await telegram.start()
        await wait_until(lambda: "Telegram Bot API is available again" in bot.log(away), 30)
        await asyncio.sleep(1.0)  # a few more ticks: nothing is sent
        log = bot.log(away)
    finally:
        await bot.stop()
    received = await reminders_received(telegram)
    assert all(texts == [] for texts in received.values())
    summaries = [line for line in outage_lines(log) if "recorded as missed" in line]
    assert summaries and len(summaries) <= 3, log  # one line per tick that found some, not one per reminder
    assert sum(int(line.split(" reminders were")[0].rsplit(" ", 1)[1]) for line in summaries) == USERS
    assert statuses(database) == {"missed": USERS}
