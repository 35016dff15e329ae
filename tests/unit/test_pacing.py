"""The reminder pacer: never more than its slots inside any sliding window at the server, whatever the latencies.

A scaled window (50 ms instead of Telegram's second) keeps this fast; the rule is the same at any scale.
"""

from __future__ import annotations

import asyncio
import random
import time

import pytest

from bot.reminders.pacing import RatePacer

WINDOW = 0.05  # seconds
RATE = 200.0  # per second: 10 per window


def most_in_any_window(arrivals: list[float], window: float) -> int:
    """Telegram's count: the largest number of arrivals in any half-open window (t - window, t]."""
    arrivals = sorted(arrivals)
    most, first = 0, 0
    for last, at in enumerate(arrivals):
        while arrivals[first] <= at - window:
            first += 1
        most = max(most, last - first + 1)
    return most


async def paced_requests(pacer: RatePacer, count: int, senders: int, max_latency: float, seed: int) -> list[float]:
    """`senders` concurrent senders send `count` requests; each "arrives" at a random point of its round trip."""
    rng = random.Random(seed)
    arrivals: list[float] = []
    left = list(range(count))

    async def sender() -> None:
        while left:
            left.pop()
            async with pacer.request():
                started = time.monotonic()
                latency = rng.uniform(0, max_latency)
                await asyncio.sleep(latency)
                arrivals.append(started + rng.uniform(0, latency))  # the server saw it somewhere in between

    await asyncio.gather(*(sender() for _ in range(senders)))
    return arrivals


@pytest.mark.parametrize("seed", [1, 2, 3])
async def test_no_window_at_the_server_ever_holds_more_than_the_slots_despite_jittery_latency(seed: int) -> None:
    pacer = RatePacer(RATE, window=WINDOW)
    assert pacer.slots == 10
    # Latencies up to 4 spacing intervals: evenly spaced starts alone would put 11+ in some windows.
    arrivals = await paced_requests(pacer, count=120, senders=8, max_latency=0.02, seed=seed)
    assert len(arrivals) == 120
    assert most_in_any_window(arrivals, WINDOW) <= 10


async def test_the_pace_stays_close_to_the_rate_when_latency_is_small() -> None:
    pacer = RatePacer(RATE, window=WINDOW)
    started = time.monotonic()
    await paced_requests(pacer, count=100, senders=8, max_latency=0.0005, seed=4)
    elapsed = time.monotonic() - started
    # 100 at 200/s is 0.5 s (never less); each slot costs one round trip more per window, plus event-loop slack.
    assert 0.45 <= elapsed < 1.5  # generous: a busy machine must not fail this; one slot would take 5 s


async def test_a_hold_stops_every_sender_until_it_ends() -> None:
    pacer = RatePacer(1000.0)
    async with pacer.request():
        pass
    pacer.hold(0.1)
    held_at = time.monotonic()
    async with pacer.request():
        assert time.monotonic() - held_at >= 0.099


async def test_when_every_slot_is_in_flight_the_next_request_waits_for_a_response() -> None:
    pacer = RatePacer(2.0, window=1.0)  # 2 slots
    release = asyncio.Event()
    started: list[int] = []

    async def slow(n: int) -> None:
        async with pacer.request():
            started.append(n)
            await release.wait()

    pacer._interval = 0.0  # only the slots matter here
    tasks = [asyncio.create_task(slow(n)) for n in range(3)]
    await asyncio.sleep(0.05)
    assert started == [0, 1]  # the third waits, though its spacing has long passed
    release.set()
    await asyncio.sleep(0.05)
    assert started == [0, 1]  # and its slot frees a whole window after the response, not at it
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


def test_rates_below_one_per_window_still_get_one_slot() -> None:
    assert RatePacer(0.5).slots == 1
    assert RatePacer(29.0).slots == 29
    with pytest.raises(ValueError, match="positive"):
        RatePacer(0)
