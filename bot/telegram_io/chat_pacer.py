"""`ChatPacer`: at most one new message per `gap` seconds in each chat (Telegram allows about one message per second
in a single chat). Every new message the bot sends through its `Sender` takes its chat's slot: a hands-free
routine's release cue, the next step and its hold cue, and the answers to what the user types meanwhile, all queue
for the same chat's turn, one at a time; other chats never wait for it. The gap is divided by the time scale, like
every routine timer, so tests at scaled time check the same rule. (The reminder fan-out paces itself: one message
per chat, `bot.reminders.pacing`.)"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

MESSAGE_GAP_SECONDS = 1.0  # Telegram: "no more than one message per second" in a single chat


@dataclass
class _Chat:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    last: float | None = None  # loop time the chat's last send was done
    users: int = 0  # sends holding or waiting for the lock


class ChatPacer:
    def __init__(self, gap_seconds: float = MESSAGE_GAP_SECONDS) -> None:
        self.gap = gap_seconds
        self._chats: dict[int, _Chat] = {}

    @asynccontextmanager
    async def slot(self, chat_id: int) -> AsyncIterator[None]:
        """Wait until `chat_id` may get its next message, send it inside, and count the gap from when the send
        is done (so Telegram, which counts arrivals, sees them at least `gap` apart). Sends to one chat go one at
        a time, in the order they asked; a send held by a 429 in its chat holds only that chat."""
        loop = asyncio.get_running_loop()
        chat = self._chats.get(chat_id)
        if chat is None:
            chat = self._chats[chat_id] = _Chat()
        chat.users += 1
        try:
            async with chat.lock:
                if chat.last is not None:
                    wait = chat.last + self.gap - loop.time()
                    if wait > 0:
                        await asyncio.sleep(wait)
                try:
                    yield
                finally:
                    chat.last = loop.time()
        finally:
            chat.users -= 1
            if len(self._chats) > 1024:  # forget idle chats whose gap is over
                now = loop.time()
                self._chats = {
                    key: value
                    for key, value in self._chats.items()
                    if value.users or value.last is None or now - value.last < self.gap
                }
