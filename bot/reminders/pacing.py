"""Pacing sends to stay inside Telegram's broadcast limit (about 30 messages per second overall)."""

from __future__ import annotations

import asyncio
import time


class RatePacer:
    """Lets at most `rate` acquisitions through per second, evenly spaced, shared by all senders."""

    def __init__(self, rate: float) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self._interval = 1.0 / rate
        self._next = 0.0
        self._lock = asyncio.Lock()

    async def acquire(self) -> None:
        async with self._lock:
            now = time.monotonic()
            wait = self._next - now
            self._next = max(now, self._next) + self._interval
        if wait > 0:
            await asyncio.sleep(wait)

    def hold(self, seconds: float) -> None:
        """Telegram said "retry after": nobody sends again before then."""
        self._next = max(self._next, time.monotonic() + seconds)
