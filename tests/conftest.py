"""Shared fixtures: a migrated database per test, the Bot API stand-in, a fake clock, and the running bot.

Every end-to-end test runs the real application (`build_application`) with real python-telegram-bot polling the
stand-in over HTTP: real Update JSON in, real Bot API requests out.
"""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from telegram.ext import Application

from bot.app import build_application
from bot.config import Settings
from bot.db.migrate import upgrade_database
from bot.db.unit_of_work import Database
from bot.domain.clock import FakeClock
from bot.standin import BotApiStandIn, ChatUser
from bot.standin.harness import running

TOKEN = "123456789:TEST-token-for-the-local-stand-in-000"
# A Monday, 06:00 UTC (07:00 in Berlin, 01:00 in New York) in early March 2026.
START = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)


def _migrate(url: str) -> None:
    async def go() -> None:
        database = Database(url)
        try:
            await upgrade_database(database)
        finally:
            await database.dispose()

    asyncio.run(go())


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated once per run; each test gets a copy (migrations are tested on their own)."""
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    _migrate(f"sqlite+aiosqlite:///{path}")
    return path


@pytest.fixture
def database_url(tmp_path: Path, migrated_sqlite: Path) -> str:
    path = tmp_path / "bot.sqlite3"
    shutil.copyfile(migrated_sqlite, path)
    return f"sqlite+aiosqlite:///{path}"


@pytest.fixture
async def standin() -> AsyncIterator[BotApiStandIn]:
    server = BotApiStandIn(TOKEN)
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


def make_settings(**values: Any) -> Settings:
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@pytest.fixture
def settings(standin: BotApiStandIn, database_url: str) -> Settings:
    return make_settings(
        telegram_bot_token=TOKEN,
        telegram_api_url=standin.url,
        database_url=database_url,
        admin_user_ids="999",
        time_scale=1000.0,
        scheduler_tick_seconds=300.0,
    )


@pytest.fixture
async def app(settings: Settings, clock: FakeClock) -> AsyncIterator[Application[Any, Any, Any, Any, Any, Any]]:
    application = build_application(settings, clock=clock)
    async with running(application):
        yield application


@pytest.fixture
def user(standin: BotApiStandIn, app: Application[Any, Any, Any, Any, Any, Any]) -> ChatUser:
    return ChatUser(standin, 1001, "Alex")


@pytest.fixture(autouse=True)
def _no_real_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never read a developer's real token or database from the environment."""
    for name in list(os.environ):
        if name.startswith(("TELEGRAM_", "DATABASE_URL", "ADMIN_USER_IDS", "DEFAULT_TIMEZONE", "LOG_LEVEL")):
            monkeypatch.delenv(name, raising=False)
