"""Backups of a running bot's SQLite database, with real processes: the bot (`python -m bot run`) sends a reminder
fan-out and takes typed ratings while `stretchbot db backup` and the scheduled backup copy its database. Every copy
is sound and consistent, the bot is not disturbed, and a copy taken mid-load restores (`stretchbot db restore`) and
runs. A restore while the bot runs is refused.
"""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.backup.generations import generations
from tests.conftest import TOKEN
from tests.support.cli import cli_env, run_cli_async, sqlite_url
from tests.support.processes import BotProcess, StandInProcess, seed_reminder_users, sql, wait_until

pytestmark = [pytest.mark.slow, pytest.mark.sqlite_only]

FAN_OUT = 3_000
RATERS = 300
FIRST_ID = 200_000


@pytest.fixture
def database(tmp_path: Path, migrated_sqlite: Path) -> Path:
    path = tmp_path / "data" / "stretchbot.sqlite3"
    path.parent.mkdir()
    shutil.copyfile(migrated_sqlite, path)
    return path


@pytest.fixture
async def standin() -> AsyncIterator[StandInProcess]:
    async with StandInProcess(TOKEN) as process:
        yield process


def snapshot_problems(path: Path) -> list[str]:
    """What is wrong with a copy: integrity, foreign keys, and rows that one transaction writes together."""
    connection = sqlite3.connect(path)
    try:
        problems = [row[0] for row in connection.execute("PRAGMA integrity_check")]
        problems = [] if problems == ["ok"] else problems
        problems += [f"foreign key: {row}" for row in connection.execute("PRAGMA foreign_key_check")]
        half_sent = connection.execute(
            "SELECT count(*) FROM reminder_deliveries WHERE status = 'sent' AND (sent_at IS NULL OR message_id IS NULL)"
        ).fetchone()[0]
        if half_sent:
            problems.append(f"{half_sent} deliveries marked sent without their message")
        return problems
    finally:
        connection.close()


def count(path: Path, query: str) -> int:
    return int(sql(path, query)[0][0])


async def test_backups_under_a_fan_out_and_ratings_are_consistent_and_one_restores(
    database: Path, standin: StandInProcess, tmp_path: Path
) -> None:
    now = datetime.now(UTC)
    due = list(range(FIRST_ID, FIRST_ID + FAN_OUT))
    raters = list(range(FIRST_ID + FAN_OUT, FIRST_ID + FAN_OUT + RATERS))
    seed_reminder_users(database, due, now - timedelta(minutes=1))
    seed_reminder_users(database, raters, now + timedelta(hours=12))
    await standin.remote.add_chats(due + raters)
    scheduled_dir = tmp_path / "scheduled"
    bot = BotProcess(
        database, standin.url, TOKEN, tmp_path,
        SCHEDULER_TICK_SECONDS="0.5", SCHEDULER_FIRST_TICK_SECONDS="1", BROADCAST_PER_SECOND="500",
        BACKUP_DIR=str(scheduled_dir), BACKUP_KEEP="3", BACKUP_INTERVAL_HOURS=str(0.5 / 3600),
    )  # fmt: skip
    env = cli_env(DATABASE_URL=sqlite_url(database))
    manual_dir = tmp_path / "manual"

    async def sent() -> int:
        return sum((await standin.remote.stats())["sent_per_chat"].values())

    async def rate() -> None:
        for start in range(0, RATERS, 30):
            await asyncio.gather(*(standin.remote.send_text(uid, "6") for uid in raters[start : start + 30]))
            await asyncio.sleep(0.05)

    try:
        await bot.start()
        await wait_until(lambda: count(database, "SELECT count(*) FROM reminder_deliveries") > 0, 30)
        rating = asyncio.create_task(rate())
        manual: list[Path] = []
        while len(manual) < 2 or await sent() < FAN_OUT or not rating.done():
            code, out, err = await run_cli_async("db", "backup", manual_dir, "--keep", "100", env=env, cwd=tmp_path)
            assert code == 0, err
            manual.append(Path(out.split()[2]))
        await rating

        def settled() -> bool:
            return (
                count(database, "SELECT count(*) FROM reminder_deliveries WHERE status = 'sent'") == FAN_OUT
                and count(database, "SELECT count(*) FROM ratings") == RATERS
            )

        await wait_until(settled, 60, interval=0.2)
        try:
            await wait_until(lambda: bot.log().count("backup written") >= 4, 30)
        except TimeoutError:
            raise AssertionError(f"the scheduled backups stopped:\n{bot.log()[-3000:]}") from None
        bot.terminate()
        assert await bot.wait(30) == 0
    finally:
        await bot.stop()

    received = (await standin.remote.stats())["sent_per_chat"]
    assert [received.get(str(uid), 0) for uid in due] == [1] * FAN_OUT, "the backups disturbed the fan-out"
    log = bot.log()
    assert " ERROR " not in log and "Traceback" not in log, log[-3000:]
    kept = [g.path for g in generations(scheduled_dir, "stretchbot")]
    assert len(kept) == 3, "the scheduled backups are pruned to BACKUP_KEEP"
    copies = manual + kept
    for copy in copies:
        assert snapshot_problems(copy) == [], copy
    mid_load = [
        copy for copy in manual
        if 0 < count(copy, "SELECT count(*) FROM reminder_deliveries WHERE status = 'sent'") < FAN_OUT
    ]  # fmt: skip
    assert mid_load, "no backup was taken while the fan-out ran"
    chosen = mid_load[0]
    sent_in_copy = count(chosen, "SELECT count(*) FROM reminder_deliveries WHERE status = 'sent'")
    ratings_in_copy = count(chosen, "SELECT count(*) FROM ratings")
    print(
        f"\n{len(manual)} manual and {bot.log().count('backup written')} scheduled backups during the load; "
        f"restoring one taken after {sent_in_copy} of {FAN_OUT} reminders and {ratings_in_copy} of {RATERS} ratings"
    )

    code, out, err = await run_cli_async("db", "restore", chosen, env=env, cwd=tmp_path)
    assert code == 0, err
    assert count(database, "SELECT count(*) FROM reminder_deliveries WHERE status = 'sent'") == sent_in_copy
    assert count(database, "SELECT count(*) FROM ratings") == ratings_in_copy
    assert snapshot_problems(database) == []
    replaced = out.splitlines()[1].rsplit(" ", 1)[1]
    assert count(Path(replaced), "SELECT count(*) FROM ratings") == RATERS, "the replaced database is kept whole"

    bot.env.pop("BACKUP_DIR")
    try:
        await bot.start()  # the restored database runs
        rater = raters[-1]
        before = len(await standin.remote.messages(rater))
        await standin.remote.send_text(rater, "4")

        async def answered() -> bool:
            return len(await standin.remote.messages(rater)) > before

        await wait_until(answered, 20)
        bot.terminate()
        assert await bot.wait(30) == 0
    finally:
        await bot.stop()
    assert count(database, f"SELECT count(*) FROM ratings WHERE user_id = {rater} AND value = 4") == 1


async def test_restore_is_refused_while_the_bot_runs(database: Path, standin: StandInProcess, tmp_path: Path) -> None:
    env = cli_env(DATABASE_URL=sqlite_url(database))
    code, out, err = await run_cli_async("db", "backup", tmp_path / "backups", env=env, cwd=tmp_path)
    assert code == 0, err
    backup = Path(out.split()[2])
    bot = BotProcess(database, standin.url, TOKEN, tmp_path)
    try:
        await bot.start()
        await asyncio.sleep(0.5)  # idle: no transaction open, only its pooled connections
        code, out, err = await run_cli_async("db", "restore", backup, env=env, cwd=tmp_path)
        assert code == 1
        assert "is open in another process: is the bot running? Stop it first" in err
        assert sorted(p.name for p in database.parent.iterdir() if "before-restore" in p.name) == []
        await standin.remote.add_chats([1])
        await standin.remote.send_text(1, "/start")
        await wait_until(lambda: count(database, "SELECT count(*) FROM users") == 1, 20)
        bot.terminate()
        assert await bot.wait(30) == 0
    finally:
        await bot.stop()
    code, out, err = await run_cli_async("db", "restore", backup, env=env, cwd=tmp_path)
    assert code == 0, err
    assert count(database, "SELECT count(*) FROM users") == 0
