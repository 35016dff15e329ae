"""Logging an outage (Telegram unreachable, the database unavailable) once a minute instead of once per request.

A failing dependency fails every request: thousands of identical log lines hide what happened and when. An
`OutageReport` logs the first failure, then at most one summary a minute while the outage lasts (how long, how many
failures, the last kind of failure), then one line when it is over. Nothing here sees a message or a parameter: the
caller passes only the kind of failure (an exception type, an HTTP status, a database error name).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

SUMMARY_EVERY_SECONDS = 60.0


def describe_duration(seconds: float) -> str:
    """`42 s`, `3 min 5 s`, `2 h 10 min`: for people reading a log."""
    whole = int(seconds)
    if whole < 60:
        return f"{seconds:.0f} s" if seconds >= 10 else f"{seconds:.1f} s"
    if whole < 3600:
        return f"{whole // 60} min {whole % 60} s"
    return f"{whole // 3600} h {whole % 3600 // 60} min"


class OutageReport:
    """The log of one dependency's outages: `failed(kind)` for each failure, `recovered()` on the next success."""

    def __init__(
        self,
        logger: logging.Logger,
        name: str,
        consequence: str,
        *,
        clock: Callable[[], float] = time.monotonic,
        every: float = SUMMARY_EVERY_SECONDS,
    ) -> None:
        """`name` is what is away ("the Telegram Bot API"); `consequence` what that means ("reminders wait")."""
        self._log = logger
        self._name = name
        self._consequence = consequence
        self._clock = clock
        self._every = every
        self.since: float | None = None  # monotonic time of the outage's first failure; None while all is well
        self.failures = 0
        self.last_kind = ""
        self._last_logged = 0.0

    @property
    def ongoing(self) -> bool:
        return self.since is not None

    def failed(self, kind: str, *, since: float | None = None, detail: str = "") -> None:
        """Count a failure; the first one of an outage is logged at once, later ones once a minute."""
        now = self._clock()
        self.failures += 1
        self.last_kind = kind
        if self.since is None:
            self.since = now if since is None else since
            self._last_logged = now
            self._log.warning(
                "%s is unavailable (%s): %s. Logged once a minute while it lasts.%s",
                self._name,
                kind,
                self._consequence,
                f"\n{detail}" if detail else "",
            )
            return
        if now - self._last_logged >= self._every:
            self._last_logged = now
            self._log.warning(
                "%s still unavailable after %s (%d failures, the last: %s)",
                self._name,
                describe_duration(now - self.since),
                self.failures,
                kind,
            )

    def recovered(self) -> None:
        """A success: if an outage was going on, log that it is over and how long it lasted."""
        if self.since is None:
            self.failures = 0
            return
        self._log.warning(
            "%s is available again after %s (%d failures)",
            self._name,
            describe_duration(self._clock() - self.since),
            self.failures,
        )
        self.since = None
        self.failures = 0
