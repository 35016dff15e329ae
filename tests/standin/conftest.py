"""Fixtures for stand-in tests: a started BotApiStandIn, PTB Bots over httpx and aiohttp, a ChatUser."""

from __future__ import annotations

import struct
import zlib
from collections.abc import AsyncIterator

import pytest
from telegram import Bot
from telegram.request import BaseRequest, HTTPXRequest

from bot.standin import BotApiStandIn, ChatUser
from bot.telegram_io.aiohttp_request import AiohttpRequest

TOKEN = "123456:standin-test-token"
USER_ID = 1001


def make_request(kind: str, read_timeout: float = 5.0) -> BaseRequest:
    if kind == "aiohttp":
        return AiohttpRequest(read_timeout=read_timeout)
    return HTTPXRequest(read_timeout=read_timeout)


def make_bot(standin: BotApiStandIn, kind: str = "httpx", read_timeout: float = 5.0) -> Bot:
    return Bot(
        TOKEN,
        base_url=standin.api_url,
        base_file_url=standin.file_url,
        request=make_request(kind, read_timeout),
        get_updates_request=make_request(kind, read_timeout),
    )


def tiny_png(width: int, height: int) -> bytes:
    """A valid grey PNG of the given size, built with zlib/struct only."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


@pytest.fixture
async def standin() -> AsyncIterator[BotApiStandIn]:
    server = BotApiStandIn(TOKEN)
    await server.start()
    yield server
    await server.stop()


@pytest.fixture(params=["httpx", "aiohttp"])
async def bot(request: pytest.FixtureRequest, standin: BotApiStandIn) -> AsyncIterator[Bot]:
    async with make_bot(standin, request.param) as the_bot:
        yield the_bot


@pytest.fixture
async def user(standin: BotApiStandIn) -> ChatUser:
    """A user who has already said /start, so the bot may write to them."""
    alex = ChatUser(standin, USER_ID, "Alex", username="alex")
    await alex.send("/start")
    return alex
