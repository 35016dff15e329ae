"""Updates of different users run concurrently; updates of one user run one after another, in order; one user's
flood cannot delay anyone else.

python-telegram-bot's `concurrent_updates` alone would let a user's double tap or two quick messages race. Each
update first waits for its user's earlier ones (the user's lock), and only then takes one of the global concurrency
slots: a user's queued updates never hold slots while they wait (PTB's own order, slot first, let one flooding user
fill all 256 slots with updates waiting on their own lock, stalling everyone). A user's updates beyond their
`UserThrottle` (a burst, then a few a second; a bounded backlog) are not handled: `on_throttled(update, note)`
answers a tap (a "slow down" toast) so no spinner hangs and, to a message, says "slow down" once per episode.

Each update is handled inside its own `around_each()` context (the application passes the database's
`recording_commits`, so the error handler knows whether the update stored anything). `on_handled(seconds)`, if
given, hears how long each handled update took from its arrival here to the end of its handling (the metrics).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Coroutine
from contextlib import AbstractContextManager, nullcontext
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

from bot.telegram_io.throttle import UserThrottle

log = logging.getLogger("bot.telegram.updates")

Throttled = Callable[[Update, bool], Awaitable[None]]


def update_owner(update: object) -> int | None:
    if not isinstance(update, Update):
        return None
    if update.effective_user is not None:
        return update.effective_user.id
    if update.effective_chat is not None:
        return update.effective_chat.id
    return None


_UNBOUNDED = 1 << 30


async def _nothing(_update: Update, _note: bool) -> None:
    return None


def _never(_update: Update) -> bool:
    return False


class PerUserUpdateProcessor(BaseUpdateProcessor):
    def __init__(
        self,
        max_concurrent_updates: int = 256,
        *,
        around_each: Callable[[], AbstractContextManager[object]] = nullcontext,
        throttle: UserThrottle | None = None,
        on_handled: Callable[[float], None] | None = None,
    ) -> None:
        # PTB's own semaphore (taken before `do_process_update`, `process_update` is final) is made too large to bind:
        # the real limit, `_slots`, is taken inside, after the user's lock.
        super().__init__(_UNBOUNDED)
        self.slots = max_concurrent_updates
        self._slots = asyncio.BoundedSemaphore(max_concurrent_updates)
        self._locks: dict[int, tuple[asyncio.Lock, int]] = {}
        self._around_each = around_each
        self._throttle = throttle
        self.on_throttled: Throttled = _nothing
        # An update the throttle never refuses (a typed report of pain: it is always answered, in its turn).
        self.exempt: Callable[[Update], bool] = _never
        self.on_handled = on_handled

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """The user's turn first, then a global slot (see the module docstring)."""
        arrived = time.perf_counter()
        owner = update_owner(update)
        if owner is None:
            async with self._slots:
                await self._handle(coroutine, arrived)
            return
        lock, users = self._locks.get(owner, (asyncio.Lock(), 0))
        if (
            self._throttle is not None
            and isinstance(update, Update)
            and not self._throttle.admit(owner, users)
            and not self.exempt(update)
        ):
            if isinstance(coroutine, Coroutine):
                coroutine.close()  # never run
            await self._refuse(owner, update)
            return
        self._locks[owner] = (lock, users + 1)
        try:
            async with lock, self._slots:
                await self._handle(coroutine, arrived)
        finally:
            lock, users = self._locks[owner]
            if users <= 1:
                del self._locks[owner]
            else:
                self._locks[owner] = (lock, users - 1)

    async def _refuse(self, owner: int, update: Update) -> None:
        assert self._throttle is not None
        # A tap is always answered with the note as a toast (no message, so nothing more in a limited chat); a
        # message gets the note as a message once per episode.
        note = update.callback_query is not None or self._throttle.note_due(owner)
        if note and update.callback_query is None:
            log.info("a user sends faster than %.0f updates a second: told to slow down", self._throttle.rate)
        try:
            await self.on_throttled(update, note)
        except Exception as exc:  # a refusal must not fail (it answers a flooding chat, which may be limited)
            log.debug("answering a throttled update failed: %s", type(exc).__name__)

    async def _handle(self, coroutine: Awaitable[Any], arrived: float) -> None:
        try:
            with self._around_each():
                await coroutine
        finally:
            if self.on_handled is not None:
                self.on_handled(time.perf_counter() - arrived)

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None
