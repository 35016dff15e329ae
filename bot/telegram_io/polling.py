"""Starting long polling, and what its errors say: a second poller is named once a minute, not a traceback a second.

Telegram answers 409 Conflict to `getUpdates` when another process polls the same token (each poll ends the
other's): PTB's default would log a 30-line traceback for each, labelled as a job's error.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from telegram import Update
from telegram.error import Conflict, TelegramError
from telegram.ext import Updater

log = logging.getLogger("bot.telegram")

CONFLICT_EVERY = 60.0  # seconds between two lines about the other poller


class PollingErrors:
    """PTB's polling `error_callback` (it must not raise)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._last_conflict: float | None = None
        self.conflicts = 0

    def __call__(self, exc: TelegramError) -> None:
        if isinstance(exc, Conflict):
            self.conflicts += 1
            now = self._clock()
            if self._last_conflict is None or now - self._last_conflict >= CONFLICT_EVERY:
                self._last_conflict = now
                log.warning(
                    "another instance is polling this bot: 409 Conflict from getUpdates (%d since the last line). "
                    "Only one process may poll a token: stop the other one (or run several behind a webhook)",
                    self.conflicts,
                )
                self.conflicts = 0
            return
        # Telegram unreachable and 5xx are reported by TelegramReachability (one line an outage).
        log.debug("polling failed (%s); PTB tries again", type(exc).__name__)


async def start_polling(updater: Updater, *, poll_seconds: int = 10) -> None:
    """Long polling with the bot's error reporting; the start is retried until Telegram answers (PTB's bootstrap)."""
    await updater.start_polling(
        poll_interval=0.0,
        timeout=poll_seconds,
        allowed_updates=Update.ALL_TYPES,
        bootstrap_retries=-1,
        error_callback=PollingErrors(),
    )
