"""`PerChatRetry`: the bot's python-telegram-bot rate limiter. A 429 holds only the chat it was about.

PTB's `AIORateLimiter` pauses every request of the bot while it waits out any 429: one flooding user whose replies
hit their chat's limit (1 message a second) held every other user's answers. Here a 429 on a request to a chat
makes later requests to that chat wait (and this one is tried again after the wait, up to `max_retries` times);
requests to other chats go on. A 429 without a chat waits for that request alone. A wait longer than `max_wait` is not
waited out: the 429 reaches the caller (the handler's error reply, the reminder pipeline's own pacing).
Reminders do not come through here (`Sender.send_prepared` goes straight to the request and paces itself).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram._utils.types import JSONDict
from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

log = logging.getLogger("bot.telegram")

_PRUNE_AT = 1000


class PerChatRetry(BaseRateLimiter[int]):
    def __init__(self, max_retries: int = 3, max_wait: float = 10.0) -> None:
        self._max_retries = max_retries
        self._max_wait = max_wait
        self._until: dict[int | str, float] = {}

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    def _hold(self, chat: int | str, seconds: float, now: float) -> None:
        if len(self._until) >= _PRUNE_AT:
            self._until = {key: until for key, until in self._until.items() if until > now}
        self._until[chat] = max(self._until.get(chat, 0.0), now + seconds)

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | JSONDict | list[JSONDict]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | JSONDict | list[JSONDict]:
        loop = asyncio.get_running_loop()
        chat = data.get("chat_id")
        key = chat if isinstance(chat, int | str) else None
        retries = rate_limit_args if rate_limit_args is not None else self._max_retries
        attempt = 0
        while True:
            if key is not None:
                wait = self._until.get(key, 0.0) - loop.time()
                if wait > 0:
                    await asyncio.sleep(wait)
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as exc:
                seconds = exc._retry_after.total_seconds() + 0.1
                if attempt >= retries or seconds > self._max_wait:
                    raise
                attempt += 1
                log.debug("%s: 429, retry after %.1f s (only this chat waits)", endpoint, seconds)
                if key is not None:
                    self._hold(key, seconds, loop.time())
                else:
                    await asyncio.sleep(seconds)
