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
    # Per chat with two or more new messages: the shortest time between two of them arriving (Telegram's per-chat
    # limit is about one a second), in the stand-in's clock's seconds.
    smallest_gap_per_chat: dict[int, float] = field(default_factory=dict)
    _last_new_message_at: dict[int, float] = field(default_factory=dict, repr=False)

    def new_message(self, chat_id: int, arrived: float) -> None:
        """Count a message created in `chat_id` that arrived at `arrived`."""
        self.sent_per_chat[chat_id] += 1
        last = self._last_new_message_at.get(chat_id)
        if last is not None:
            gap = arrived - last
            if gap < self.smallest_gap_per_chat.get(chat_id, gap + 1):
                self.smallest_gap_per_chat[chat_id] = gap
        self._last_new_message_at[chat_id] = arrived

    def as_json(self) -> dict[str, Any]:
        return {
            "calls_per_method": dict(self.calls_per_method),
            "status_counts": {str(k): v for k, v in self.status_counts.items()},
            "requests_per_chat": {str(k): v for k, v in self.requests_per_chat.items()},
            "sent_per_chat": {str(k): v for k, v in self.sent_per_chat.items()},
            "edits_per_chat": {str(k): v for k, v in self.edits_per_chat.items()},
            "smallest_gap_per_chat": {str(k): v for k, v in self.smallest_gap_per_chat.items()},
            "early_requests": [{"method": r.method, "chat_id": r.chat_id, "time": r.time} for r in self.early_requests],
        }
