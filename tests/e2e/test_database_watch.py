"""The database is watched: deleted, replaced or read-only under a running bot, it is noticed within a check interval,
logged once, its data rescued, input refused with a message, and the process exits with code 4; at start, a new empty
database is created only with a WARNING naming its absolute path, never when the real one is evidently elsewhere
(exit 3), and never before the bot has proved it can write.

Real processes (`python -m bot run` against the stand-in in its own process), except the first test, which checks
the refusal message in-process where the moment between detection and exit can be held still.
"""

from __future__ import annotations

import os
import shutil
import stat
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import make_url

from bot.config import PROJECT_ROOT, Settings
from bot.db.health import EXIT_DATABASE_LOST, EXIT_DATABASE_REFUSED
from bot.health.database_watcher import DatabaseWatcher
from bot.standin import ChatUser
from tests.conftest import TOKEN
from tests.e2e.helpers import AnyApp, ctx_of, onboard, read_until
from tests.support.processes import (
    BotProcess,
    StandInProcess,
    integrity_check,
    seed_reminder_users,
    sql,
    wait_until,
)

pytestmark = [pytest.mark.sqlite_only]

USER = 600_000
CHECK_SECONDS = "0.5"


def watcher_of(app: AnyApp) -> DatabaseWatcher:
    return ctx_of(app).watcher


async def test_once_the_file_is_deleted_input_is_refused_with_a_message_and_the_data_is_rescued(
    app: AnyApp, user: ChatUser, settings: Settings
) -> None:
    await onboard(user)
    path = Path(str(make_url(settings.database_url).database))
    path.unlink()  # noqa: ASYNC240
    await watcher_of(app).check()
    health = ctx_of(app).db.health.snapshot()
    assert (health.state, health.reason, health.ready) == ("lost", "was deleted", False)
    await user.send("6")
    reply = await read_until(user, "Sorry")
    assert "couldn't save what you sent" in (reply.text or "")
    [rescued] = path.parent.glob(f"{path.name}.rescued-*")
    assert sql(rescued, "SELECT count(*) FROM users WHERE id = ?", user.user_id) == [(1,)], "onboarded, kept"
    assert sql(rescued, "SELECT count(*) FROM ratings") == [(0,)], "the refused rating was not stored anywhere"


# --------------------------------------------------------------------------------------------- real processes


@pytest.fixture
async def telegram() -> AsyncIterator[StandInProcess]:
    async with StandInProcess(TOKEN, chats=[USER]) as standin:
        yield standin


def obeying_file_permissions() -> list[str]:
    """A command prefix under which the bot is bound by file permissions: root (which ignores them) runs it without
    the capabilities that override them."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root, and without setpriv a read-only file is not read-only for the bot")
    return [setpriv, "--bounding-set=-dac_override,-dac_read_search"]


def bot_process(database: Path, telegram: StandInProcess, workdir: Path, **options: Any) -> BotProcess:
    return BotProcess(
        database, telegram.url, TOKEN, workdir, DATABASE_CHECK_SECONDS=CHECK_SECONDS, SCHEDULER_TICK_SECONDS="0.5",
        **options,
    )  # fmt: skip


async def replies(telegram: StandInProcess) -> list[str]:
    return [str(m.get("text", "")) for m in await telegram.remote.messages(USER)]


async def reply_with(telegram: StandInProcess, fragment: str, after: int = 0) -> str:
    async def found() -> str | None:
        return next((t for t in (await replies(telegram))[after:] if fragment in t), None)

    text: str = await wait_until(found, 20, interval=0.05)
    return text


async def confirmed(telegram: StandInProcess) -> list[float]:
    """The ratings the user was told are saved, in order."""
    return [float(t.split("Saved: ")[1].split("/")[0]) for t in await replies(telegram) if "Saved: " in t]


def ratings(database: Path) -> list[float]:
    return [row[0] for row in sql(database, "SELECT value FROM ratings WHERE user_id = ? ORDER BY id", USER)]


@pytest.mark.slow
async def test_a_database_file_deleted_under_the_running_bot_stops_it_and_it_will_not_start_empty(
    tmp_path: Path, migrated_sqlite: Path, telegram: StandInProcess
) -> None:
    database = tmp_path / "data" / "bot.sqlite3"
    database.parent.mkdir()
    shutil.copyfile(migrated_sqlite, database)
    seed_reminder_users(database, [USER], datetime.now(UTC) + timedelta(hours=12))
    bot = bot_process(database, telegram, tmp_path)
    try:
        await bot.start()
        await telegram.remote.send_text(USER, "6")
        await reply_with(telegram, "Saved: 6/10")
        offset = bot.log_path.stat().st_size
        database.unlink()
        # Typed while the check has not looked yet, or just has: kept (in the rescued data) or refused, never
        # confirmed and lost. (Or not fetched before the exit: then the next run answers it.)
        await telegram.remote.send_text(USER, "7")
        assert await bot.wait(30) == EXIT_DATABASE_LOST
        log = bot.log(offset)
        [rescued] = database.parent.glob("bot.sqlite3.rescued-*")
        assert integrity_check(rescued) == "ok"
        confirmed_before_exit = await confirmed(telegram)
        assert ratings(rescued) == confirmed_before_exit
        [critical] = [line for line in log.splitlines() if "CRITICAL" in line]
        assert str(database) in critical and "was deleted" in critical
        assert str(rescued) in critical and f"exit code {EXIT_DATABASE_LOST}" in critical

        # The service manager starts it again: it refuses to create an empty database beside the rescued one.
        offset = await bot.launch()
        assert await bot.wait(30) == EXIT_DATABASE_REFUSED
        refusal = bot.log(offset)
        assert "refusing to start" in refusal and str(rescued) in refusal and "stretchbot is up" not in refusal
        assert not database.exists(), "no new empty database was created"

        rescued.rename(database)  # what the log line said to do
        await bot.start()
        await telegram.remote.send_text(USER, "8")
        await reply_with(telegram, "Saved: 8/10")
        refused = [t for t in await replies(telegram) if "couldn't save what you sent" in t]
    finally:
        await bot.stop()
    assert ratings(database) == await confirmed(telegram), "every confirmed rating kept, none twice"
    print(f"\nrating typed as the file was deleted: {'refused' if refused else 'kept'}")


@pytest.mark.slow
async def test_a_database_turned_read_only_stops_the_bot_and_it_starts_only_once_writable(
    tmp_path: Path, migrated_sqlite: Path, telegram: StandInProcess
) -> None:
    database = tmp_path / "bot.sqlite3"
    shutil.copyfile(migrated_sqlite, database)
    seed_reminder_users(database, [USER], datetime.now(UTC) + timedelta(hours=12))
    bot = bot_process(database, telegram, tmp_path, wrapper=obeying_file_permissions())
    try:
        await bot.start()
        await telegram.remote.send_text(USER, "6")
        await reply_with(telegram, "Saved: 6/10")
        offset = bot.log_path.stat().st_size
        database.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
        assert await bot.wait(30) == EXIT_DATABASE_LOST
        log = bot.log(offset)
        [critical] = [line for line in log.splitlines() if "CRITICAL" in line]
        assert "turned read-only" in critical and str(database) in critical

        offset = await bot.launch()  # restarted: it cannot write, so it does not say it is up
        assert await bot.wait(30) == EXIT_DATABASE_REFUSED
        refusal = bot.log(offset)
        assert "refusing to start" in refusal and "SQLITE_READONLY" in refusal
        assert "stretchbot is up" not in refusal
        # It names the files to fix: SQLite made the -shm it created meanwhile read-only like the database.
        unwritable = refusal.split("not writable for this process: ")[1].split(". (exit code")[0].split(", ")
        assert str(database) in unwritable
        for name in unwritable:
            Path(name).chmod(0o644)  # noqa: ASYNC240
        await bot.start()
        await telegram.remote.send_text(USER, "7")
        await reply_with(telegram, "Saved: 7/10")
    finally:
        await bot.stop()
    assert ratings(database) == [6.0, 7.0]


@pytest.mark.slow
async def test_a_new_database_is_created_with_a_warning_naming_its_absolute_path(
    tmp_path: Path, telegram: StandInProcess
) -> None:
    workdir = tmp_path / "run"
    workdir.mkdir()
    bot = bot_process(tmp_path / "unused", telegram, workdir, DATABASE_URL="sqlite+aiosqlite:///./data/new.sqlite3")
    try:
        await bot.start()
    finally:
        await bot.stop()
    created = workdir / "data" / "new.sqlite3"
    [warning] = [line for line in bot.log().splitlines() if "WARNING" in line]
    assert f"Creating a new, empty database at {created}" in warning
    assert sql(created, "SELECT count(*) FROM alembic_version") == [(1,)]


@pytest.mark.slow
async def test_a_relative_path_from_another_working_directory_is_refused_when_the_database_is_under_the_checkout(
    tmp_path: Path, migrated_sqlite: Path, telegram: StandInProcess
) -> None:
    database = tmp_path / "bot.sqlite3"
    shutil.copyfile(migrated_sqlite, database)
    relative = os.path.relpath(database, PROJECT_ROOT)  # noqa: ASYNC240 - right from the checkout (where `make run` starts it)
    elsewhere = tmp_path / "some" / "other" / "directory"
    elsewhere.mkdir(parents=True)
    bot = bot_process(database, telegram, elsewhere, DATABASE_URL=f"sqlite+aiosqlite:///{relative}")
    offset = await bot.launch()
    try:
        assert await bot.wait(30) == EXIT_DATABASE_REFUSED
    finally:
        await bot.stop()
    refusal = bot.log(offset)
    assert "refusing to start" in refusal and str(database) in refusal and "stretchbot is up" not in refusal
    assert not (elsewhere / relative).resolve().exists()
