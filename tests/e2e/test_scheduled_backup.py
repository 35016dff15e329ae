"""The backup inside the running bot (`BACKUP_DIR`): due one interval after the newest copy, so a restart neither
skips nor repeats one; a failed backup is logged, changes nothing else, and is tried again; off for PostgreSQL.

The scheduled backup under load, in a real bot process, is in tests/e2e/test_backup_restore.py.
"""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, cast

import pytest

from bot.app import build_application
from bot.backup.generations import generations
from bot.backup.scheduled import FIRST_BACKUP_DELAY, ScheduledBackup
from bot.domain.clock import FakeClock
from bot.standin import BotApiStandIn, ChatUser
from bot.standin.harness import running
from tests.conftest import TOKEN, make_settings
from tests.support.processes import wait_until

NOW = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)


def settings_for(database_url: str, **values: Any) -> Any:
    return make_settings(telegram_bot_token=TOKEN, database_url=database_url, **values)


def stem_of(database_url: str) -> str:
    return Path(database_url.rsplit("/", 1)[1]).stem


@pytest.mark.sqlite_only
def test_the_next_backup_is_due_one_interval_after_the_newest_copy(database_url: str, tmp_path: Path) -> None:
    backups = tmp_path / "backups"
    backups.mkdir()
    component = ScheduledBackup(settings_for(database_url, backup_dir=backups, backup_interval_hours=24))
    assert component._first_delay(backups, NOW) == FIRST_BACKUP_DELAY  # no copy yet: soon after start
    (backups / f"{stem_of(database_url)}-20260301T120000Z.sqlite3").write_bytes(b"")
    assert component._first_delay(backups, NOW) == timedelta(hours=6)  # the newest is 18 h old
    (backups / f"{stem_of(database_url)}-20260228T120000Z.sqlite3").write_bytes(b"")
    assert component._first_delay(backups, NOW) == timedelta(hours=6)  # older copies do not matter
    assert component._first_delay(backups, NOW + timedelta(days=2)) == FIRST_BACKUP_DELAY  # overdue: soon


@pytest.mark.sqlite_only
async def test_the_running_bot_backs_up_and_prunes(
    database_url: str, standin: BotApiStandIn, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.backup")
    backups = tmp_path / "backups"
    settings = settings_for(
        database_url, telegram_api_url=standin.url, backup_dir=backups, backup_keep=2,
        backup_interval_hours=0.2 / 3600, scheduler_tick_seconds=300.0, scheduler_first_tick_seconds=3600.0,
    )  # fmt: skip
    application = build_application(settings, clock=FakeClock(NOW))
    async with running(application):
        user = ChatUser(standin, 1001, "Alex")
        await user.send("/start")  # the bot answers while it backs up
        await wait_until(lambda: user.messages, 10)
        await wait_until(lambda: caplog.text.count("backup written") >= 4, 30)
    copies = generations(backups, stem_of(database_url))
    assert len(copies) == 2
    assert "scheduled backup: every 0.2 s into" in caplog.text
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


@pytest.mark.sqlite_only
async def test_a_failed_backup_is_logged_and_tried_again(
    database_url: str, standin: BotApiStandIn, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.backup")
    not_a_directory = tmp_path / "backups"
    not_a_directory.write_text("a file where the directory should be")
    settings = settings_for(
        database_url, telegram_api_url=standin.url, backup_dir=not_a_directory, backup_interval_hours=0.1 / 3600,
        scheduler_tick_seconds=300.0, scheduler_first_tick_seconds=3600.0,
    )  # fmt: skip
    application = build_application(settings, clock=FakeClock(NOW))
    async with running(application):
        await wait_until(lambda: caplog.text.count("scheduled backup failed") >= 2, 30)
        user = ChatUser(standin, 1001, "Alex")
        await user.send("/start")
        await wait_until(lambda: user.messages, 10)
    assert not_a_directory.read_text() == "a file where the directory should be"
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    expected = (
        f"scheduled backup failed: cannot write the backup into {not_a_directory}: File exists; next try in 0.1 s"
    )
    assert errors and all(message == expected for message in errors), errors


async def test_no_scheduled_backup_without_backup_dir_or_on_postgresql(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="bot.backup")
    no_application = cast(Any, None)  # neither case gets as far as the job queue
    await ScheduledBackup(settings_for("sqlite+aiosqlite:///x.sqlite3")).start(no_application)
    assert caplog.text == ""
    postgres = settings_for("postgresql+asyncpg://u@db/x", backup_dir="/backups")
    await ScheduledBackup(postgres).start(no_application)
    assert "BACKUP_DIR is set, but the database is PostgreSQL: back it up with pg_dump instead" in caplog.text


@pytest.mark.sqlite_only
async def test_a_backup_that_comes_due_while_the_event_loop_is_busy_still_runs(
    database_url: str, standin: BotApiStandIn, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A job that starts more than a second late must not be dropped: each backup schedules the next one, so a
    dropped run would end the backups for good (a long reminder fan-out can keep the event loop that busy)."""
    caplog.set_level(logging.INFO, logger="bot.backup")
    settings = settings_for(
        database_url, telegram_api_url=standin.url, backup_dir=tmp_path / "backups", backup_interval_hours=0.2 / 3600,
        scheduler_tick_seconds=300.0, scheduler_first_tick_seconds=3600.0,
    )  # fmt: skip
    application = build_application(settings, clock=FakeClock(NOW))
    async with running(application):
        await wait_until(lambda: "backup written" in caplog.text, 30)
        time.sleep(1.5)  # noqa: ASYNC251  (the point: the event loop is blocked while the next backup comes due)
        written = caplog.text.count("backup written")
        await wait_until(lambda: caplog.text.count("backup written") >= written + 2, 10)
