"""Webhook hardening (issue 15, point 4), on a real bot process (`stretchbot run --webhook`) against the stand-in:
the secret header is checked before the body is read, bodies over WEBHOOK_MAX_BODY_BYTES get 413 unread,
"stretchbot is up" is logged once the server listens, and 100 parallel 5 MB requests without the secret leave
the process's memory where it was (tornado buffered each body: +428 MB)."""

from __future__ import annotations

import asyncio
import shutil
import socket
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import psutil
import pytest

from tests.conftest import TOKEN
from tests.support.processes import BotProcess, StandInProcess, wait_until

pytestmark = [pytest.mark.slow, pytest.mark.sqlite_only, pytest.mark.timeout(180)]

SECRET = "hook-Secret-0123456789abcdef"
HEADER = "X-Telegram-Bot-Api-Secret-Token"
USER = 640_001
MB = 1024 * 1024


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
async def telegram() -> AsyncIterator[StandInProcess]:
    async with StandInProcess(TOKEN, chats=[USER]) as standin:
        yield standin


@pytest.fixture
async def webhook_bot(
    tmp_path: Path, migrated_sqlite: Path, telegram: StandInProcess
) -> AsyncIterator[tuple[BotProcess, str]]:
    database = tmp_path / "bot.sqlite3"
    shutil.copyfile(migrated_sqlite, database)
    port = free_port()
    url = f"http://127.0.0.1:{port}/telegram/hook"
    bot = BotProcess(database, telegram.url, TOKEN, tmp_path, WEBHOOK_SECRET=SECRET)
    offset = await bot.launch("--webhook", url, "--listen", "127.0.0.1", "--port", str(port))
    try:
        await wait_until(lambda: "stretchbot is up" in bot.log(offset) or bot.process.returncode is not None, 30)
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            pass  # "up" means listening: the first connection after the line is taken
        yield bot, url
    finally:
        await bot.stop()


def rss(bot: BotProcess) -> int:
    assert bot.process is not None
    return int(psutil.Process(bot.process.pid).memory_info().rss)


async def post(session: aiohttp.ClientSession, url: str, body: bytes, headers: dict[str, str]) -> int | str:
    try:
        async with session.post(url, data=body, headers=headers) as response:
            return response.status
    except aiohttp.ClientError as exc:  # the server closed the connection without reading the body
        return type(exc).__name__


async def test_100_parallel_5_mb_requests_without_the_secret_do_not_raise_memory(
    webhook_bot: tuple[BotProcess, str],
) -> None:
    bot, url = webhook_bot
    body = b"x" * (5 * MB)
    async with aiohttp.ClientSession() as session:  # warm up: the code paths of a refusal, loaded once
        await asyncio.gather(*(post(session, url, body, {}) for _ in range(10)))
    await asyncio.sleep(0.5)
    before = rss(bot)
    peak = before
    async with aiohttp.ClientSession() as session:
        requests = asyncio.gather(*(post(session, url, body, {}) for _ in range(100)))
        while not requests.done():
            peak = max(peak, rss(bot))
            await asyncio.sleep(0.02)
        outcomes = await requests
    after = rss(bot)
    peak = max(peak, after)
    refused = sum(o == 403 or isinstance(o, str) for o in outcomes)
    assert refused == 100, outcomes
    assert peak - before < 20 * MB, f"RSS rose by {(peak - before) / MB:.1f} MB"
    print(
        f"\n100 parallel 5 MB requests without the secret: {outcomes.count(403)} answered 403, the rest cut off "
        f"unread; RSS {before / MB:.0f} MB before, peak +{(peak - before) / MB:.1f} MB, after +{(after - before) / MB:.1f} MB"
    )


async def test_bodies_over_the_limit_get_413_unread_and_a_real_update_still_works(
    webhook_bot: tuple[BotProcess, str], telegram: StandInProcess
) -> None:
    _bot, url = webhook_bot
    headers = {HEADER: SECRET, "Content-Type": "application/json"}
    async with aiohttp.ClientSession() as session:
        assert await post(session, url, b"{" + b" " * (2 * MB) + b"}", headers) in (413, "ClientOSError")

        async def chunked() -> AsyncIterator[bytes]:
            for _ in range(3):
                yield b" " * MB

        async with session.post(url, data=chunked(), headers=headers) as response:
            assert response.status == 413, "no declared length: read only up to the limit"
        assert await post(session, url, b"[1,2,3]", headers) == 400
        assert await post(session, url, b"\xff\xfe", headers) == 400
    await telegram.remote.send_text(USER, "/help")  # queued at the stand-in: a webhook bot never polls it
    [update] = await telegram.remote.pending_updates()
    async with aiohttp.ClientSession() as session, session.post(url, json=update, headers=headers) as response:
        assert response.status == 200

    async def answered() -> bool:
        return bool(await telegram.remote.messages(USER))

    await wait_until(answered, 20)
