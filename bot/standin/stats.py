"""Observability: a log of every request and counters per method, chat and HTTP status."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class RequestRecord:
    """One Bot API call as the stand-in saw it. `time` is `time.monotonic()` at arrival."""

    method: str
    params: dict[str, Any]
    time: float
    status: int
    chat_id: int | None
    description: str | None = None


@dataclass
class Stats:
    """Counters for tests and benchmarks; `sent_per_chat` counts messages actually delivered."""

    calls_per_method: Counter[str] = field(default_factory=Counter)
    status_counts: Counter[int] = field(default_factory=Counter)
    requests_per_chat: Counter[int] = field(default_factory=Counter)
    sent_per_chat: Counter[int] = field(default_factory=Counter)
    edits_per_chat: Counter[int] = field(default_factory=Counter)
    # Requests that arrived while a 429 they were told about was still in force.
    early_requests: list[RequestRecord] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "calls_per_method": dict(self.calls_per_method),
            "status_counts": {str(k): v for k, v in self.status_counts.items()},
            "requests_per_chat": {str(k): v for k, v in self.requests_per_chat.items()},
            "sent_per_chat": {str(k): v for k, v in self.sent_per_chat.items()},
            "edits_per_chat": {str(k): v for k, v in self.edits_per_chat.items()},
            "early_requests": [{"method": r.method, "chat_id": r.chat_id, "time": r.time} for r in self.early_requests],
        }
