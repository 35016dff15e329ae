"""Running the real application against a Bot API (the stand-in) inside an existing event loop.

`run_polling()` owns the event loop, so tests, the preview and the benchmarks use this instead: the same
start-up (`post_init`), polling and shutdown, just driven from a coroutine.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from telegram import Update
from telegram.ext import Application, Updater

from bot.lifecycle import running_application


@asynccontextmanager
async def running(
    application: Application[Any, Any, Any, Any, Any, Any], *, poll_timeout: int = 1
) -> AsyncIterator[Application[Any, Any, Any, Any, Any, Any]]:
    """Initialise, start and poll `application`; stop and shut it down on exit."""

    async def start_polling(updater: Updater) -> None:
        await updater.start_polling(poll_interval=0.0, timeout=poll_timeout, allowed_updates=Update.ALL_TYPES)

    async with running_application(application, start_polling) as started:
        yield started
