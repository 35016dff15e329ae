"""AiohttpRequest maps transport failures to the telegram.error types HTTPXRequest uses."""

from __future__ import annotations

import asyncio
import socket

import pytest
from telegram import Bot
from telegram.error import NetworkError, TimedOut

from bot.standin import BotApiStandIn, ChatUser
from bot.telegram_io.aiohttp_request import AiohttpRequest
from tests.standin.conftest import TOKEN, USER_ID


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


async def test_connection_refused_is_network_error() -> None:
    request = AiohttpRequest(connect_timeout=1)
    bot = Bot(TOKEN, base_url=f"http://127.0.0.1:{free_port()}/bot", request=request)
    with pytest.raises(NetworkError) as info:
        await bot.initialize()
    assert not isinstance(info.value, TimedOut)
    assert "aiohttp." in str(info.value)
    await bot.shutdown()


async def test_pool_timeout_when_all_connections_busy(standin: BotApiStandIn) -> None:
    await ChatUser(standin, USER_ID).send("/start")
    standin.faults.add(method="sendMessage", kind="timeout", delay=1.0)
    request = AiohttpRequest(connection_pool_size=1, pool_timeout=0.1, read_timeout=3)
    async with Bot(TOKEN, base_url=standin.api_url, request=request) as bot:
        stalled = asyncio.create_task(bot.send_message(USER_ID, "hold"))
        await asyncio.sleep(0.1)
        with pytest.raises(TimedOut, match="Pool timeout"):
            await bot.send_message(USER_ID, "queued")
        with pytest.raises(NetworkError, match="Bad Gateway"):
            await stalled


async def test_uninitialized_request_refuses() -> None:
    with pytest.raises(RuntimeError, match="not initialized"):
        await AiohttpRequest().do_request("http://127.0.0.1:1/", "POST")


async def test_shutdown_is_idempotent_and_reinitializes(standin: BotApiStandIn) -> None:
    request = AiohttpRequest()
    await request.initialize()
    await request.shutdown()
    await request.shutdown()
    await request.initialize()
    status, body = await request.do_request(f"{standin.api_url}{TOKEN}/getMe", "POST")
    assert status == 200
    assert b"stretchbot_local_bot" in body
    await request.shutdown()
