"""Pacing sends to stay inside Telegram's broadcast limit (about 30 messages per second overall)."""

from __future__ import annotations

import asyncio
import time
from collections import deque

# Sleeps shorter than this are skipped: at a pacing of thousands per second they would cost more than they pace.
_MIN_SLEEP = 0.0005


class RatePacer:
    """Lets at most `rate` acquisitions through per second, evenly spaced, shared by all senders.

    Telegram (and the stand-in) count sends in sliding one-second windows, so even spacing alone is not enough: if
    the event loop stalls (a database write, a busy machine), senders whose slots passed during the stall would
    all go at once, and a window could hold 31. So releases are also serialised and checked against the actual
    release times: any `int(rate) + 1` consecutive releases span at least 99.5% of their nominal time (for 29/s:
    30 releases never closer than 1.029 s), which leaves about 30 ms for network jitter and never slows the
    steady pace.
    """

    def __init__(self, rate: float) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self._interval = 1.0 / rate
        window = min(int(rate) + 1, 1024)
        self._released: deque[float] = deque(maxlen=window)
        self._min_span = window * self._interval * 0.995
        self._next = 0.0
        self._lock = asyncio.Lock()

    async def acquire(self) -> None:
        async with self._lock:
            at = max(self._next, time.monotonic())
            while True:
                if len(self._released) == self._released.maxlen:
                    at = max(at, self._released[0] + self._min_span)
                at = max(at, self._next)  # a hold() while this one slept moves it on
                wait = at - time.monotonic()
                if wait < _MIN_SLEEP:
                    break
                await asyncio.sleep(wait)
            self._next = at + self._interval
            self._released.append(max(at, time.monotonic()))

    def hold(self, seconds: float) -> None:
        """Telegram said "retry after": nobody sends again before then."""
        self._next = max(self._next, time.monotonic() + seconds)
