"""`UserThrottle` (a burst, then a few updates a second, a bounded backlog, one note an episode) and `PerChatRetry`
(a 429 holds only its own chat)."""

from __future__ import annotations

import asyncio
import datetime as dtm
import time

from telegram.error import RetryAfter

from bot.telegram_io.chat_rate_limiter import PerChatRetry
from bot.telegram_io.throttle import UserThrottle


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_burst_then_the_rate_then_refused_and_noted_once() -> None:
    clock = Clock()
    throttle = UserThrottle(rate=2, burst=8, clock=clock)
    assert [throttle.admit(1, 0) for _ in range(10)] == [True] * 8 + [False] * 2
    assert throttle.admit(2, 0), "another user is not affected"
    assert throttle.note_due(1) and not throttle.note_due(1)
    clock.now = 0.5
    assert throttle.admit(1, 0) and not throttle.admit(1, 0), "2 a second after the burst"
    clock.now = 31.0
    assert throttle.note_due(1), "a new episode after 30 s"


def test_a_backlog_of_waiting_updates_is_bounded() -> None:
    throttle = UserThrottle(rate=100, burst=100, backlog=4, clock=Clock())
    assert throttle.admit(1, 3) and not throttle.admit(1, 4)


async def test_a_429_holds_only_its_own_chat() -> None:
    limiter = PerChatRetry(max_retries=3)
    calls: list[tuple[int, float]] = []
    started = time.monotonic()
    first = True

    async def send(chat: int) -> bool:
        nonlocal first
        calls.append((chat, time.monotonic() - started))
        if chat == 1 and first:
            first = False
            raise RetryAfter(dtm.timedelta(seconds=1))
        return True

    async def request(chat: int) -> object:
        return await limiter.process_request(send, (chat,), {}, "sendMessage", {"chat_id": chat}, None)

    flooded = asyncio.create_task(request(1))
    await asyncio.sleep(0.05)
    assert await request(2) is True
    other_at = calls[-1][1]
    assert await flooded is True
    assert other_at < 0.5, "chat 2 did not wait for chat 1's 429"
    assert calls[-1][0] == 1 and calls[-1][1] >= 1.0, "chat 1 was tried again after its wait"
