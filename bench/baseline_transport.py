"""Plain sends through python-telegram-bot: its default HTTPXRequest against our AiohttpRequest.

The same `Bot.send_message` calls (a short HTML text, no buttons) from `concurrency` tasks; what differs is only the
transport. The httpx side is PTB's default (`HTTPXRequest()`, pool of 1 connection as `Bot()` makes it) and, for a
fair second figure, httpx with the same pool size as ours.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from telegram import Bot
from telegram.request import BaseRequest, HTTPXRequest

from bench.common import TOKEN, create_chats, standin_process
from bot import app as bot_app
from bot.config import Settings
from bot.telegram_io.aiohttp_request import AiohttpRequest


@dataclass
class SendsResult:
    transport: str
    sent: int
    failed: int
    seconds: float

    @property
    def per_second(self) -> float:
        return self.sent / self.seconds if self.seconds > 0 else 0.0


async def _blast(
    url: str, request: BaseRequest, name: str, chats: list[int], messages: int, concurrency: int
) -> SendsResult:
    bot = Bot(TOKEN, base_url=f"{url}/bot", request=request, get_updates_request=HTTPXRequest())
    sent = failed = 0
    async with bot:
        counter = iter(range(messages))

        async def worker() -> None:
            nonlocal sent, failed
            for index in counter:
                try:
                    await bot.send_message(
                        chats[index % len(chats)], f"<b>Plain</b> message {index}", parse_mode="HTML"
                    )
                    sent += 1
                except Exception:
                    failed += 1

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        seconds = time.perf_counter() - started
    return SendsResult(name, sent, failed, seconds)


@contextmanager
def transport_patch(transport: str) -> Iterator[None]:
    """Build the real application with PTB's HTTPXRequest instead of our AiohttpRequest (same pool and timeouts)."""
    if transport == "aiohttp":
        yield
        return
    original = bot_app._request

    def httpx_request(settings: Settings, *, pool: int, read_timeout: float, **_reporting: object) -> BaseRequest:
        # HTTPXRequest reports to no TelegramReachability: the usual approach has none.
        return HTTPXRequest(connection_pool_size=pool, read_timeout=read_timeout, pool_timeout=10.0)

    bot_app._request = httpx_request
    try:
        yield
    finally:
        bot_app._request = original


async def run_plain_sends(*, messages: int, concurrency: int = 8) -> dict[str, SendsResult]:
    chats = list(range(1, 201))
    results: dict[str, SendsResult] = {}
    async with standin_process() as standin:
        url, remote = standin.url, standin.remote
        await create_chats(remote, chats)
        for name, make in (
            ("httpx (PTB default)", lambda: HTTPXRequest()),
            (f"httpx pool {concurrency * 2}", lambda: HTTPXRequest(connection_pool_size=concurrency * 2)),
            ("aiohttp (ours)", lambda: AiohttpRequest(connection_pool_size=concurrency * 2)),
        ):
            results[name] = await _blast(url, make(), name, chats, messages, concurrency)
            await remote.reset(everything=False)
    return results
