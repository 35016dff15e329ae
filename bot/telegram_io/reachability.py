"""`TelegramReachability`: whether the Bot API answers, learnt from every request the bot makes.

Every Bot API request passes through `AiohttpRequest`, which reports here: an answer (any HTTP status below 500,
429 included) means Telegram is reachable; a refused or reset connection, a time-out or a 5xx is a failure.
`DOWN_AFTER` failures in a row with no answer between them make an outage: the reminder dispatcher then stops
sending (it would only burn its retries) and probes once a tick until Telegram answers again. The outage is logged
once when it begins, once a minute while it lasts and once when it ends (`OutageReport`), instead of a line for
every request, reminder and poll that fails meanwhile.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from bot.outage_report import OutageReport

log = logging.getLogger("bot.telegram")

DOWN_AFTER = 3  # failures in a row; a single chat's failing send (3 attempts) may trip it: that costs one probe


class TelegramReachability:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._in_a_row = 0
        self._first_failure = 0.0
        self.failed_requests = 0
        self.last_answer: float | None = None  # on `clock`: when Telegram last answered (for readiness)
        self.rejected = False
        # Off while the runner reaches Telegram at start: it says so itself, one line an attempt.
        self.reporting = True
        self._rejection_listeners: list[Callable[[], None]] = []
        self.report = OutageReport(
            log,
            "The Telegram Bot API",
            "reminders wait and go out, marked late, when it is back",
            clock=clock,
        )

    @property
    def reachable(self) -> bool:
        return not self.report.ongoing

    def on_token_rejected(self, listener: Callable[[], None]) -> None:
        """Call `listener` (once) when Telegram answers 401: the token was revoked (the runner stops the bot)."""
        self._rejection_listeners.append(listener)

    def token_rejected(self) -> None:
        if not self.rejected:
            self.rejected = True
            for listener in self._rejection_listeners:
                listener()

    def succeeded(self) -> None:
        self.last_answer = self._clock()
        self._in_a_row = 0
        self.report.recovered()

    def failed(self, kind: str) -> None:
        """A request got no answer from Telegram (`kind`: an exception type or an HTTP status, never a URL)."""
        self.failed_requests += 1
        if self._in_a_row == 0:
            self._first_failure = self._clock()
        self._in_a_row += 1
        if self.reporting and (self.report.ongoing or self._in_a_row >= DOWN_AFTER):
            self.report.failed(kind, since=self._first_failure)
