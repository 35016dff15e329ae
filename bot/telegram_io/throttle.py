"""`UserThrottle`: how many updates one user may have handled, so one loud user cannot stall everyone.

Each user has a token bucket (`burst` updates at once, then `rate` a second) and a backlog bound (updates admitted
but still waiting for that user's earlier ones). An update over either is not handled: the processor answers a tap
(so no spinner hangs) and says "slow down" once per episode. Normal use, a few taps and messages a minute, never
comes near it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

MAX_TRACKED = 10_000  # users with a bucket in memory before the full (idle) ones are forgotten
NOTE_EVERY = 30.0  # seconds: at most one "slow down" note a user in this long


@dataclass(slots=True)
class _Bucket:
    tokens: float
    at: float
    noted_at: float | None = None


class UserThrottle:
    def __init__(
        self, rate: float, burst: int, *, backlog: int = 4, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.rate, self.burst, self.backlog = rate, float(burst), backlog
        self._clock = clock
        self._buckets: dict[int, _Bucket] = {}
        self.refused = 0

    def admit(self, user: int, waiting: int) -> bool:
        """Whether this user's next update is handled (`waiting`: their updates admitted and not done yet)."""
        now = self._clock()
        bucket = self._buckets.get(user)
        if bucket is None:
            if len(self._buckets) >= MAX_TRACKED:
                self._forget_idle(now)
            bucket = self._buckets[user] = _Bucket(self.burst, now)
        bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.at) * self.rate)
        bucket.at = now
        if bucket.tokens < 1.0 or waiting >= self.backlog:
            self.refused += 1
            return False
        bucket.tokens -= 1.0
        return True

    def note_due(self, user: int) -> bool:
        """True once per episode: whether the refused user should now be told to slow down."""
        bucket = self._buckets.get(user)
        now = self._clock()
        if bucket is None or (bucket.noted_at is not None and now - bucket.noted_at < NOTE_EVERY):
            return False
        bucket.noted_at = now
        return True

    def _forget_idle(self, now: float) -> None:
        for user, bucket in list(self._buckets.items()):
            full = bucket.tokens + (now - bucket.at) * self.rate >= self.burst
            if full and (bucket.noted_at is None or now - bucket.noted_at >= NOTE_EVERY):
                del self._buckets[user]
