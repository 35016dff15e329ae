"""The upgrade procedure of docs/deployment.md with real processes, and its rollback: stop the bot, back up,
install the new version, `stretchbot db upgrade`, start; to roll back, stop, restore the backup, start.

The schema step of each migration (up, down, up again, with data, on both databases) is tested on its own in
tests/db/test_migrations.py; this test is the operator's path around it, with the commands the guide gives.
"""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.conftest import TOKEN
from tests.db.migration_samples import head_revision
from tests.support.cli import cli_env, run_cli_async, run_main, sqlite_url
from tests.support.processes import BotProcess, StandInProcess, seed_reminder_users, sql, wait_until

pytestmark = [pytest.mark.slow, pytest.mark.sqlite_only]

USER = 300_001


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


def ratings(database: Path) -> list[float]:
    return [row[0] for row in sql(database, "SELECT value FROM ratings WHERE user_id = ? ORDER BY id", USER)]


async def test_upgrade_and_roll_back_as_the_guide_says(database: Path, standin: StandInProcess, tmp_path: Path) -> None:
    seed_reminder_users(database, [USER], datetime.now(UTC) + timedelta(hours=12))
    await standin.remote.add_chats([USER])
    env = cli_env(DATABASE_URL=sqlite_url(database), BACKUP_DIR=str(tmp_path / "backups"))
    bot = BotProcess(database, standin.url, TOKEN, tmp_path)

    async def rate(text: str, value: float) -> None:
        await standin.remote.send_text(USER, text)
        await wait_until(lambda: value in ratings(database), 20)

    async def cli(*args: str | Path) -> str:
        code, out, err = await run_cli_async(*args, env=env, cwd=tmp_path)
        assert code == 0, f"stretchbot {' '.join(map(str, args))}: {err}"
        return out

    try:
        await bot.start()  # the version in production, with a user's data
        await rate("6", 6.0)
        code, _, err = await run_cli_async("db", "downgrade", "base", env=env, cwd=tmp_path)
        assert code == 1 and "is open in another process" in err  # never under a running bot

        bot.terminate()  # 1. stop
        assert await bot.wait(30) == 0
        backup = Path((await cli("db", "backup")).split()[2])  # 2. back up (into BACKUP_DIR)
        # 3. install the new version: `git pull && make install` (the same code here)
        assert await cli("db", "upgrade") == "database is up to date\n"  # 4. upgrade the schema
        assert (await cli("db", "current")).endswith(": up to date\n")
        await bot.start()  # 5. start
        await rate("3", 3.0)
        assert ratings(database) == [6.0, 3.0]

        bot.terminate()  # rollback: stop, restore the backup (then reinstall the old version), start
        assert await bot.wait(30) == 0
        restored = await cli("db", "restore", backup)
        assert restored.splitlines()[0] == f"restored {backup} (schema {head_revision()}) into {database}"
        await bot.start()
        assert ratings(database) == [6.0]  # the state before the upgrade
        await rate("5", 5.0)
        bot.terminate()
        assert await bot.wait(30) == 0
    finally:
        await bot.stop()
    assert ratings(database) == [6.0, 5.0]


def test_db_downgrade_and_db_current(
    database: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def stretchbot(*args: str) -> tuple[int, str, str]:
        settings = {"DATABASE_URL": sqlite_url(database)}
        return run_main(*args, settings=settings, cwd=tmp_path, monkeypatch=monkeypatch, capsys=capsys)

    assert stretchbot("db", "downgrade", "9999") == (
        2,
        "",
        "stretchbot: this stretchbot knows no schema revision '9999' (see `stretchbot db current`)\n",
    )
    head = head_revision()
    assert stretchbot("db", "downgrade", head) == (0, f"schema {head} is not newer than {head}: nothing to do\n", "")
    assert stretchbot("db", "downgrade", "base") == (0, f"schema downgraded from {head} to base\n", "")
    assert stretchbot("db", "current")[1].startswith(f"schema none (newest known: {head}): no schema yet")
    assert stretchbot("db", "upgrade")[1] == "database is up to date\n"
    assert stretchbot("db", "current")[1] == f"schema {head} (newest known: {head}): up to date\n"
