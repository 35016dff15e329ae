"""Pacing sends to stay inside Telegram's broadcast limit (about 30 messages per second overall)."""

from __future__ import annotations

import asyncio
import math
import time
from collections import deque
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

# Spacing sleeps shorter than this are skipped: at thousands per second they would cost more than they pace.
_MIN_SLEEP = 0.0005
# Added to the one-second window, for clock granularity between our monotonic clock and the server's.
_WINDOW_MARGIN = 0.001
# A sender that starts late (the event loop was busy) lets the next ones catch up by this many intervals, so small
# delays do not add up over a long fan-out; the slots still bound every window.
_CATCH_UP_INTERVALS = 3

# What a sender gets to wrap each Bot API request in: `async with paced(): ...`.
Paced = Callable[[], AbstractAsyncContextManager[None]]


class RatePacer:
    """At most `rate` requests per second, evenly spaced, shared by all senders; provably never more than
    `floor(rate)` arriving at the server inside any one-second window.

    Telegram (and the stand-in) count requests in sliding one-second windows by when they *arrive*, which is
    somewhere between the moment we send and the moment the response comes back. Evenly spaced starts are not
    enough: a request delayed in flight (a busy machine, a slow network) lands next to the one after it, and the
    window holds one too many. So each request holds one of `floor(rate)` slots from the moment it starts until one
    second after its response came back. Whatever the latencies, the request that takes a freed slot arrives at
    least a second after the one that held it, so no window can ever hold more than `floor(rate)`; the cost is
    one round trip per second (29/s becomes about 28.9/s on a loopback network).
    """

    def __init__(self, rate: float, *, window: float = 1.0) -> None:
        """`rate` per second, counted in sliding windows of `window` seconds (Telegram's: one second)."""
        if rate <= 0 or window <= 0:
            raise ValueError("rate and window must be positive")
        self._interval = 1.0 / rate
        self._slots = max(1, math.floor(rate * window + 1e-9))
        self._window = window + _WINDOW_MARGIN
        self._in_flight = 0
        self._finished: deque[float] = deque()  # when the responses of recent requests came back, oldest first
        self._next = 0.0
        self._lock = asyncio.Lock()
        self._freed = asyncio.Event()

    @property
    def slots(self) -> int:
        return self._slots

    @asynccontextmanager
    async def request(self) -> AsyncIterator[None]:
        """Wrap exactly one Bot API request (retries take a new slot each)."""
        await self._acquire()
        try:
            yield
        finally:
            self._in_flight -= 1
            self._finished.append(time.monotonic())
            self._freed.set()

    async def _acquire(self) -> None:
        async with self._lock:
            while True:
                now = time.monotonic()
                while self._finished and self._finished[0] + self._window <= now:
                    self._finished.popleft()
                if self._in_flight + len(self._finished) >= self._slots:
                    if self._finished:  # the oldest finished request frees its slot a window after its response
                        await asyncio.sleep(self._finished[0] + self._window - now)
                    else:  # every slot is in flight: wait for a response
                        self._freed.clear()
                        await self._freed.wait()
                    continue
                wait = self._next - now  # even spacing (and any hold())
                if wait >= _MIN_SLEEP:
                    await asyncio.sleep(wait)
                    continue
                break
            self._next = max(self._next, now - _CATCH_UP_INTERVALS * self._interval) + self._interval
            self._in_flight += 1

    def hold(self, seconds: float) -> None:
        """Telegram said "retry after": nobody sends again before then."""
        self._next = max(self._next, time.monotonic() + seconds)
