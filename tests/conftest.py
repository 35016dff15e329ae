"""Shared fixtures: a migrated database per test, the Bot API stand-in, a fake clock, and the running bot.

Every end-to-end test runs the real application (`build_application`) with real python-telegram-bot polling the
stand-in over HTTP: real Update JSON in, real Bot API requests out.

The database is SQLite by default; `--db=postgres` or `STRETCHBOT_TEST_DB=postgres` runs every test against the
PostgreSQL server at `TEST_POSTGRES_URL` instead (a fresh database per test, copied from a migrated template).
Markers: `postgres` tests run only on PostgreSQL, `sqlite_only` tests only on SQLite.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import multiprocessing.forkserver
import os
import shutil
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from telegram.ext import Application

from bot.app import build_application
from bot.charts.pool import PRELOAD
from bot.config import Settings
from bot.db.migrate import upgrade_database
from bot.db.unit_of_work import Database
from bot.domain.clock import FakeClock
from bot.standin import BotApiStandIn, ChatUser
from bot.standin.harness import running
from tests import databases

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


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--db",
        choices=databases.DIALECTS,
        default=None,
        help="database for the tests: sqlite (default) or postgres (TEST_POSTGRES_URL); env STRETCHBOT_TEST_DB",
    )


def selected_db(config: pytest.Config) -> str:
    chosen = config.getoption("--db") or os.environ.get("STRETCHBOT_TEST_DB") or "sqlite"
    if chosen not in databases.DIALECTS:
        raise pytest.UsageError(f"STRETCHBOT_TEST_DB must be one of {databases.DIALECTS}, not {chosen!r}")
    return str(chosen)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "sqlite_only: inspects SQLite specifics; skipped on PostgreSQL")


def pytest_report_header(config: pytest.Config) -> str:
    db = selected_db(config)
    return f"stretchbot test database: {db}" + (f" ({databases.admin_url()})" if db == "postgres" else "")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    db = selected_db(config)
    for item in items:
        if db != "postgres" and item.get_closest_marker("postgres"):
            item.add_marker(pytest.mark.skip(reason="needs PostgreSQL: run with --db=postgres or make test-postgres"))
        if db == "postgres" and item.get_closest_marker("sqlite_only"):
            item.add_marker(pytest.mark.skip(reason="inspects SQLite specifics; not applicable to PostgreSQL"))
        elif db == "postgres" and not item.get_closest_marker("postgres") and not _uses_test_database(item):
            # Pure code (domain, views, content, the preview on its own SQLite file): the same run as the SQLite pass.
            item.add_marker(pytest.mark.skip(reason="does not use the test database: runs in the SQLite pass"))


_TEST_DATABASE_FIXTURES = frozenset({"database_url", "empty_database_url", "test_db", "postgres_template"})


def _uses_test_database(item: pytest.Item) -> bool:
    """Whether `item` runs against the database chosen for this run (through one of the database fixtures)."""
    return bool(_TEST_DATABASE_FIXTURES.intersection(getattr(item, "fixturenames", ())))


@pytest.fixture(scope="session", autouse=True)
def render_forkserver() -> None:
    """This test process's render workers fork from a forkserver that imported matplotlib once, so a test's first
    chart does not wait for its worker to import it (the bot itself does not preload it, to keep its memory at rest
    low: `bot.charts.pool`). Started before any pool, which then finds it running."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload([*PRELOAD, "matplotlib", "matplotlib.backends.backend_agg", "matplotlib.figure"])
        multiprocessing.forkserver.ensure_running()


@pytest.fixture(scope="session")
def test_db(pytestconfig: pytest.Config) -> str:
    """ "sqlite" or "postgres": the database every test runs against."""
    return selected_db(pytestconfig)


@pytest.fixture(scope="session")
def postgres_template() -> Iterator[str]:
    """This session's migrated template database on the PostgreSQL server (dropped at the end)."""
    try:
        databases.run_sync(databases.check_server)
    except Exception as exc:
        pytest.exit(
            f"PostgreSQL is not reachable at {databases.admin_url()} ({type(exc).__name__}: {exc}); "
            "start it or set TEST_POSTGRES_URL",
            returncode=3,
        )
    name = databases.run_sync(databases.create_template)
    yield name
    databases.run_sync(lambda: databases.drop_database(name))


@pytest.fixture
def database_url(request: pytest.FixtureRequest, test_db: str, tmp_path: Path) -> Iterator[str]:
    """A migrated, empty database for one test: a copy of the SQLite template file, or a PostgreSQL database
    created from the session's template and dropped afterwards."""
    if test_db == "postgres":
        template = request.getfixturevalue("postgres_template")
        name = databases.fresh_name()
        url = databases.run_sync(lambda: databases.create_database(name, template=template))
        yield url
        databases.run_sync(lambda: databases.drop_database(name))
        return
    migrated: Path = request.getfixturevalue("migrated_sqlite")
    path = tmp_path / "bot.sqlite3"
    shutil.copyfile(migrated, path)
    yield f"sqlite+aiosqlite:///{path}"


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
        # Tests drive the dispatcher with `run_once` and a fake clock; the real tick stays out of the way
        # (tests/e2e/test_scheduler_tick.py proves the scheduled tick itself).
        scheduler_tick_seconds=300.0,
        scheduler_first_tick_seconds=3600.0,
        # Property tests type hundreds of inputs as one user, faster than a person can: the per-user throttle
        # (proven in tests/e2e/test_fairness.py and tests/unit/test_throttle.py) stays out of their way.
        update_rate_per_user=1000.0,
        update_burst_per_user=10_000,
        # One render worker per test application, started only when a test draws a chart or report (a worker
        # imports matplotlib): pytest-xdist workers do not start a process per core, nor one per application.
        render_workers=1,
        render_warm_at_start=False,
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
        if name.startswith(("TELEGRAM_", "DATABASE_URL", "ADMIN_USER_IDS", "DEFAULT_TIMEZONE", "LOG_LEVEL", "BACKUP_")):
            monkeypatch.delenv(name, raising=False)
