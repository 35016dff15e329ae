"""`ChatPacer`: concurrent sends to one chat go one at a time, at least a gap apart (counted from when the previous
send was done); another chat never waits for them. A scaled gap (20 ms instead of Telegram's second)."""

from __future__ import annotations

import asyncio
import itertools

from bot.telegram_io.chat_pacer import ChatPacer

GAP = 0.02


async def test_concurrent_sends_to_one_chat_are_a_gap_apart_and_other_chats_do_not_wait() -> None:
    pacer = ChatPacer(GAP)
    loop = asyncio.get_running_loop()
    arrivals: dict[int, list[float]] = {1: [], 2: []}

    async def send(chat: int, latency: float) -> None:
        async with pacer.slot(chat):
            arrivals[chat].append(loop.time())  # the request reaches the server ...
            await asyncio.sleep(latency)  # ... and is answered later

    started = loop.time()
    await asyncio.gather(*(send(1, 0.005) for _ in range(6)), send(2, 0.0))
    gaps = [later - earlier for earlier, later in itertools.pairwise(arrivals[1])]
    assert len(arrivals[1]) == 6
    assert min(gaps) >= GAP + 0.005 - 0.001  # the gap counts from the answer, not from the request
    assert arrivals[2][0] - started < GAP  # chat 2 went at once, not after chat 1's queue
