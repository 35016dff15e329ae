"""Telegram-like flood control: sliding 1-second windows globally and per chat, plus 429 windows in force."""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass

# Methods that count as "sending" for flood control and 429 windows.
SEND_METHODS = frozenset(
    {
        "sendmessage",
        "sendphoto",
        "senddocument",
        "editmessagetext",
        "editmessagereplymarkup",
        "editmessagecaption",
        "copymessage",
        "forwardmessage",
    }
)


@dataclass(frozen=True)
class RateLimit:
    """Limits as Telegram documents them: ~30 messages/s overall, ~1 message/s in one chat."""

    global_per_second: int = 30
    per_chat_per_second: int = 1


class RateLimiter:
    """Decides whether a send may go now; returns a whole-second retry_after (>= 1) when it may not."""

    def __init__(self, limit: RateLimit) -> None:
        self.limit = limit
        self._global: deque[float] = deque()
        self._per_chat: dict[int, deque[float]] = {}

    @staticmethod
    def _wait(window: deque[float], cap: int, now: float) -> float:
        while window and window[0] <= now - 1.0:
            window.popleft()
        if len(window) < cap:
            return 0.0
        return window[0] + 1.0 - now

    def check(self, chat_id: int | None, now: float) -> tuple[int, bool] | None:
        """None if the send is allowed (and then it is counted), else (whole seconds to wait,
        whether the per-chat limit rather than the global one is the binding one)."""
        chat_window = self._per_chat.setdefault(chat_id, deque()) if chat_id is not None else None
        global_wait = self._wait(self._global, self.limit.global_per_second, now)
        chat_wait = 0.0
        if chat_window is not None:
            chat_wait = self._wait(chat_window, self.limit.per_chat_per_second, now)
        wait = max(global_wait, chat_wait)
        if wait > 0:
            return max(1, math.ceil(wait)), chat_wait >= global_wait
        self._global.append(now)
        if chat_window is not None:
            chat_window.append(now)
        return None

    def reset(self) -> None:
        self._global.clear()
        self._per_chat.clear()


class RetryWindows:
    """429s in force, by scope (a chat id, a method name, or "global"): until their time is up,
    a request in the same scope is an early retry."""

    GLOBAL = "global"

    def __init__(self) -> None:
        self._until: dict[int | str, float] = {}

    def open(self, scope: int | str, seconds: int, now: float) -> None:
        self._until[scope] = max(self._until.get(scope, 0.0), now + seconds)

    def remaining(self, scopes: list[int | str], now: float) -> float:
        """Seconds left in the longest window covering any of `scopes` (0 if none)."""
        return max([0.0, *(self._until.get(scope, 0.0) - now for scope in scopes)])

    def reset(self) -> None:
        self._until.clear()
