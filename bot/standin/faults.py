"""Fault injection: make chosen calls fail like Telegram or the network does (429, 502, stalls, 403)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

FaultKind = Literal["retry_after", "server_error", "timeout", "blocked", "unauthorized"]
FAULT_KINDS: tuple[FaultKind, ...] = ("retry_after", "server_error", "timeout", "blocked", "unauthorized")


@dataclass
class Fault:
    """One armed fault. It matches calls of `method` (None = any) to `chat_id` (None = any chat), after letting
    the first `after` matching calls through untouched (e.g. "the 500th send times out").

    - retry_after: 429 with `parameters.retry_after = retry_after`
    - server_error: 502 "Bad Gateway"
    - timeout: hold the response `delay` seconds; with `apply=True` the call takes effect first
    - blocked: 403 "Forbidden: bot was blocked by the user"
    - unauthorized: 401 "Unauthorized" (the token revoked with @BotFather while the bot runs)
    """

    kind: FaultKind
    method: str | None = None
    times: int = 1
    chat_id: int | None = None
    retry_after: int = 1
    delay: float = 10.0
    apply: bool = False
    after: int = 0
    hits: int = field(default=0)
    passed: int = field(default=0)

    @property
    def remaining(self) -> int:
        return self.times - self.hits

    def matches(self, method: str, chat_id: int | None) -> bool:
        if self.remaining <= 0:
            return False
        if self.method is not None and self.method.lower() != method.lower():
            return False
        return self.chat_id is None or self.chat_id == chat_id


class FaultRegistry:
    """Armed faults, first added first matched; each expires after `times` hits."""

    def __init__(self) -> None:
        self._faults: list[Fault] = []

    def add(
        self,
        method: str | None = "sendMessage",
        kind: FaultKind = "server_error",
        times: int = 1,
        chat_id: int | None = None,
        *,
        retry_after: int = 1,
        delay: float = 10.0,
        apply: bool = False,
        after: int = 0,
    ) -> Fault:
        if kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {kind!r}; expected one of {FAULT_KINDS}")
        if retry_after < 1:
            raise ValueError("retry_after must be >= 1 (Telegram sends whole seconds)")
        if after < 0:
            raise ValueError("after must be >= 0")
        fault = Fault(kind, method, times, chat_id, retry_after, delay, apply, after)
        self._faults.append(fault)
        return fault

    def take(self, method: str, chat_id: int | None) -> Fault | None:
        """The first armed fault matching this call, with its hit counted (None while it lets calls through)."""
        for fault in self._faults:
            if fault.matches(method, chat_id):
                if fault.passed < fault.after:
                    fault.passed += 1
                    continue
                fault.hits += 1
                return fault
        return None

    @property
    def pending(self) -> list[Fault]:
        return [f for f in self._faults if f.remaining > 0]

    @property
    def all(self) -> list[Fault]:
        return list(self._faults)

    def clear(self) -> None:
        self._faults.clear()
