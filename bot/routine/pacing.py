"""`ChatPacer`: at most one new message per `gap` seconds in each chat from a routine (Telegram allows about one
message per second in a single chat; a hands-free routine can want a release cue, the next step and its hold cue
at the same moment). A send waits for its chat's slot; the gap is divided by the time scale, like every routine
timer, so tests at scaled time check the same rule."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

MESSAGE_GAP_SECONDS = 1.0  # Telegram: "no more than one message per second" in a single chat


class ChatPacer:
    def __init__(self, gap_seconds: float = MESSAGE_GAP_SECONDS) -> None:
        self.gap = gap_seconds
        self._last: dict[int, float] = {}  # chat id -> loop time its last send was done

    @asynccontextmanager
    async def slot(self, chat_id: int) -> AsyncIterator[None]:
        """Wait until `chat_id` may get its next message, send it inside, and count the gap from when the send
        is done (so Telegram, which counts arrivals, sees them at least `gap` apart)."""
        loop = asyncio.get_running_loop()
        last = self._last.get(chat_id)
        if last is not None:
            wait = last + self.gap - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
        try:
            yield
        finally:
            now = loop.time()
            self._last[chat_id] = now
            if len(self._last) > 1024:  # forget chats whose gap is long over
                self._last = {chat: t for chat, t in self._last.items() if now - t < self.gap}
