"""Start-up that explains itself, and no secret in any output (issue 15 point 3, issue 22 point 1).

A real bot process (`python -m bot run`) on each failure path, with real sockets: the token rejected at start and
revoked while running, an invalid API URL, a redirect loop, a DNS failure, Telegram away at start (retried with
backoff, then up once it answers; or given up after STARTUP_RETRY_SECONDS), a database that cannot be opened, a
webhook port in use, broken content. For each: the exit code is the one in `bot.failures`, the failure is one line
(`stretchbot: ...`) naming the cause and the fix, no traceback, and the token's secret part (and the webhook
secret) appear nowhere in what the process wrote (stdout and stderr go to its log file).
"""

from __future__ import annotations

import shutil
import socket
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web

from bot.failures import (
    EXIT_BAD_SETTING,
    EXIT_CANNOT_LISTEN,
    EXIT_DATABASE_REFUSED,
    EXIT_TELEGRAM_UNEXPECTED,
    EXIT_TELEGRAM_UNREACHABLE,
    EXIT_TOKEN_REJECTED,
)
from tests.conftest import TOKEN
from tests.support.processes import BotProcess, StandInProcess, wait_until

pytestmark = [pytest.mark.slow, pytest.mark.sqlite_only, pytest.mark.timeout(120)]

SECRET_PART = TOKEN.split(":", 1)[1]
WEBHOOK_SECRET = "hook-Secret-0123456789abcdef"
USER = 620_001


@pytest.fixture
async def telegram() -> AsyncIterator[StandInProcess]:
    async with StandInProcess(TOKEN, chats=[USER]) as standin:
        yield standin


@pytest.fixture
def database(tmp_path: Path, migrated_sqlite: Path) -> Path:
    path = tmp_path / "bot.sqlite3"
    shutil.copyfile(migrated_sqlite, path)
    return path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def bot(database: Path, api_url: str, tmp_path: Path, token: str = TOKEN, **settings: str) -> BotProcess:
    return BotProcess(database, api_url, token, tmp_path, WEBHOOK_SECRET=WEBHOOK_SECRET, **settings)


async def run_to_exit(process: BotProcess, *args: str, timeout: float = 60) -> tuple[int, str]:  # noqa: ASYNC109
    offset = await process.launch(*args)
    code = await process.wait(timeout)
    return code, process.log(offset)


def assert_one_clear_line(log: str, *fragments: str) -> str:
    """Exactly one `stretchbot: ...` line, naming what is given; no traceback, no secret."""
    assert SECRET_PART not in log and WEBHOOK_SECRET not in log, log
    assert "Traceback" not in log, log
    [line] = [line for line in log.splitlines() if line.startswith("stretchbot: ")]
    for fragment in fragments:
        assert fragment in line, line
    assert not [x for x in log.splitlines() if " ERROR " in x or (" CRITICAL " in x and "stretchbot:" not in x)], log
    return line


async def test_a_rejected_token_is_one_line_and_its_own_exit_code(
    database: Path, telegram: StandInProcess, tmp_path: Path
) -> None:
    wrong = "987654321:AAH-a-token-BotFather-revoked-0123456789"
    code, log = await run_to_exit(bot(database, telegram.url, tmp_path, token=wrong))
    assert code == EXIT_TOKEN_REJECTED
    line = assert_one_clear_line(log, "rejected TELEGRAM_BOT_TOKEN", "@BotFather")
    assert wrong.split(":")[1] not in log
    print(f"\n{line}")


async def test_a_token_revoked_while_running_stops_the_bot_with_one_line(
    database: Path, telegram: StandInProcess, tmp_path: Path
) -> None:
    process = bot(database, telegram.url, tmp_path)
    try:
        await process.start()
        offset = process.log_path.stat().st_size
        await telegram.remote.add_fault(None, "unauthorized", times=1_000_000)
        await telegram.remote.send_text(USER, "/start")  # the reply gets 401 (so would the next getUpdates)
        assert await process.wait(30) == EXIT_TOKEN_REJECTED
        log = process.log(offset)
    finally:
        await process.stop()
    assert SECRET_PART not in log and "Traceback" not in log, log
    [line] = [x for x in log.splitlines() if "CRITICAL" in x]
    assert "revoked" in line and "@BotFather" in line
    assert not [x for x in log.splitlines() if " ERROR " in x], log


async def test_an_invalid_api_url_is_a_setting_error(database: Path, tmp_path: Path) -> None:
    code, log = await run_to_exit(bot(database, "http://localhost:99999", tmp_path))
    assert code == EXIT_BAD_SETTING
    assert_one_clear_line(log, "TELEGRAM_API_URL", "not a valid URL")


async def test_a_redirect_loop_is_named_and_not_retried(database: Path, tmp_path: Path) -> None:
    async def loop(request: web.Request) -> web.Response:
        raise web.HTTPFound(str(request.url))  # the same URL again, token and all

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", loop)
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        code, log = await run_to_exit(bot(database, f"http://127.0.0.1:{port}", tmp_path))
    finally:
        await runner.cleanup()
    assert code == EXIT_TELEGRAM_UNEXPECTED
    assert_one_clear_line(log, "redirects in a loop", "TELEGRAM_API_URL")


async def test_a_dns_failure_is_retried_with_backoff_then_exits_with_its_code(database: Path, tmp_path: Path) -> None:
    process = bot(database, "http://api.stretchbot-test.invalid", tmp_path, STARTUP_RETRY_SECONDS="4")
    code, log = await run_to_exit(process)
    assert code == EXIT_TELEGRAM_UNREACHABLE
    line = assert_one_clear_line(log, "did not answer", "STARTUP_RETRY_SECONDS")
    retries = [x for x in log.splitlines() if "trying again in" in x]
    assert 1 <= len(retries) <= 4, log  # one short line per attempt, 1 s, 2 s, ... apart
    assert all(len(x) < 300 for x in retries)
    print(f"\n{retries[0]}\n{line}")


async def test_telegram_away_at_start_is_waited_for_and_the_bot_comes_up(
    database: Path, telegram: StandInProcess, tmp_path: Path
) -> None:
    await telegram.stop()  # its port now refuses connections
    health_port = free_port()
    process = bot(database, telegram.url, tmp_path, STARTUP_RETRY_SECONDS="60", HEALTH_PORT=str(health_port))
    try:
        offset = await process.launch()
        await wait_until(lambda: "trying again in" in process.log(offset), 20)
        # While start-up still waits for Telegram, the process answers its health checks: alive, not ready.
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=15)) as http:
            async with http.get(f"http://127.0.0.1:{health_port}/healthz") as response:
                assert response.status == 200
            async with http.get(f"http://127.0.0.1:{health_port}/readyz") as response:
                assert response.status == 503
                checks = (await response.json())["checks"]
        assert checks["scheduler"] == "not started" and checks["telegram"] != "ok", checks
        await telegram.start()
        await wait_until(lambda: "stretchbot is up" in process.log(offset), 40)
        await telegram.remote.send_text(USER, "/help")

        async def answered() -> bool:
            return bool(await telegram.remote.messages(USER))

        await wait_until(answered, 20)
        log = process.log(offset)
    finally:
        await process.stop()
    assert SECRET_PART not in log and "Traceback" not in log
    retries = [x for x in log.splitlines() if "trying again in" in x]
    assert retries and all("Connection refused" in x or "does not answer" in x for x in retries)


async def test_a_database_that_cannot_be_opened_is_one_line(telegram: StandInProcess, tmp_path: Path) -> None:
    unreachable = f"postgresql+asyncpg://stretchbot:pw@127.0.0.1:{free_port()}/stretchbot"
    process = bot(tmp_path / "unused.sqlite3", telegram.url, tmp_path, DATABASE_URL=unreachable)
    code, log = await run_to_exit(process)
    assert code == EXIT_DATABASE_REFUSED
    assert_one_clear_line(log, "refusing to start", "reachable")
    assert ":pw@" not in log, "no database password either"


async def test_a_webhook_port_in_use_is_one_line(database: Path, telegram: StandInProcess, tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        webhook = ("--webhook", f"http://127.0.0.1:{port}/hook", "--listen", "127.0.0.1", "--port", str(port))
        code, log = await run_to_exit(bot(database, telegram.url, tmp_path), *webhook)
    assert code == EXIT_CANNOT_LISTEN
    assert_one_clear_line(log, f"127.0.0.1:{port}", "--port")


async def test_a_health_port_in_use_is_one_line(database: Path, telegram: StandInProcess, tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code, log = await run_to_exit(bot(database, telegram.url, tmp_path, HEALTH_PORT=str(port)))
    assert code == EXIT_CANNOT_LISTEN
    assert_one_clear_line(log, f"127.0.0.1:{port}", "HEALTH_PORT")


async def test_broken_content_is_a_setting_error(database: Path, telegram: StandInProcess, tmp_path: Path) -> None:
    (tmp_path / "content").mkdir()
    code, log = await run_to_exit(bot(database, telegram.url, tmp_path, CONTENT_DIR=str(tmp_path / "content")))
    assert code == EXIT_BAD_SETTING
    assert SECRET_PART not in log and "Traceback" not in log
    assert "content problems" in log


async def test_sigterm_while_telegram_is_awaited_at_start_stops_at_once(
    database: Path, telegram: StandInProcess, tmp_path: Path
) -> None:
    await telegram.stop()
    process = bot(database, telegram.url, tmp_path, STARTUP_RETRY_SECONDS="300")
    offset = await process.launch()
    try:
        await wait_until(lambda: "trying again in" in process.log(offset), 20)
        process.terminate()
        code = await process.wait(10)
        log = process.log(offset)
    finally:
        await process.stop()
    assert code == 0
    assert "Traceback" not in log and " ERROR " not in log, log
