"""Updates of different users run concurrently; updates of one user run one after another, in order.

python-telegram-bot's `concurrent_updates` alone would let a user's double tap or two quick messages race.
Each update is handled inside its own `around_each()` context (the application passes the database's
`recording_commits`, so the error handler knows whether the update stored anything). `on_handled(seconds)`, if
given, hears how long each update took from its arrival here to the end of its handling (the metrics).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from contextlib import AbstractContextManager, nullcontext
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor


def update_owner(update: object) -> int | None:
    if not isinstance(update, Update):
        return None
    if update.effective_user is not None:
        return update.effective_user.id
    if update.effective_chat is not None:
        return update.effective_chat.id
    return None


class PerUserUpdateProcessor(BaseUpdateProcessor):
    def __init__(
        self,
        max_concurrent_updates: int = 256,
        *,
        around_each: Callable[[], AbstractContextManager[object]] = nullcontext,
        on_handled: Callable[[float], None] | None = None,
    ) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[int, tuple[asyncio.Lock, int]] = {}
        self._around_each = around_each
        self.on_handled = on_handled

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        started = time.perf_counter()
        try:
            with self._around_each():
                await self._in_turn(update, coroutine)
        finally:
            if self.on_handled is not None:
                self.on_handled(time.perf_counter() - started)

    async def _in_turn(self, update: object, coroutine: Awaitable[Any]) -> None:
        owner = update_owner(update)
        if owner is None:
            await coroutine
            return
        lock, users = self._locks.get(owner, (asyncio.Lock(), 0))
        self._locks[owner] = (lock, users + 1)
        try:
            async with lock:
                await coroutine
        finally:
            lock, users = self._locks[owner]
            if users <= 1:
                del self._locks[owner]
            else:
                self._locks[owner] = (lock, users - 1)

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None
