"""`DatabaseHealth`: what the bot knows about its database right now, for the log, the handlers and readiness.

Three states:
- `ok`: the last use of the database worked.
- `unavailable`: it failed for a reason that passes (a full disk, a PostgreSQL restart, a lost connection). Input is
  answered with "not stored, send it again"; reminders wait; the outage is logged once a minute (`OutageReport`).
  The next success makes it `ok` again.
- `lost`: the database file was deleted or replaced under the running bot, or it turned read-only. Nothing more is
  written (every unit of work raises `DatabaseUnavailable`), it is logged once at CRITICAL, and whoever registered
  with `on_lost` (the runner) stops the process with `EXIT_DATABASE_LOST`, so the service manager restarts it
  loudly instead of the bot confirming input it cannot keep.

`snapshot()` is the plain data a readiness endpoint reports.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from bot.db.errors import DatabaseUnavailable, classify
from bot.failures import EXIT_DATABASE_LOST, EXIT_DATABASE_REFUSED  # the exit codes' one table
from bot.logging_setup import describe_failure
from bot.outage_report import OutageReport

log = logging.getLogger("bot.db")

__all__ = ["EXIT_DATABASE_LOST", "EXIT_DATABASE_REFUSED", "DatabaseHealth", "HealthSnapshot"]

State = Literal["ok", "unavailable", "lost"]


@dataclass(frozen=True, slots=True)
class HealthSnapshot:
    state: State
    reason: str | None  # the last failure's kind (unavailable) or what happened (lost); None when ok
    since: datetime | None  # when the current problem began
    last_success: datetime | None
    last_check: datetime | None  # the watcher's last check (deleted? replaced? writable?)

    @property
    def ready(self) -> bool:
        return self.state == "ok"


class DatabaseHealth:
    def __init__(self, description: str) -> None:
        """`description` names the database for the log: an absolute file path, or host/database."""
        self.description = description
        self.state: State = "ok"
        self.reason: str | None = None
        self.since: datetime | None = None
        self.last_success: datetime | None = None
        self.last_check: datetime | None = None
        self.exit_code: int | None = None
        self._listeners: list[Callable[[], None]] = []
        self._report = OutageReport(
            log,
            f"The database ({description})",
            "input is answered with 'not stored, please send it again', reminders wait",
        )

    def snapshot(self) -> HealthSnapshot:
        return HealthSnapshot(self.state, self.reason, self.since, self.last_success, self.last_check)

    @property
    def lost(self) -> bool:
        return self.state == "lost"

    def ensure_usable(self) -> None:
        """Raise `DatabaseUnavailable` once the database is lost (nothing more is written to it)."""
        if self.state == "lost":
            raise DatabaseUnavailable(self.reason or "lost")

    def record_success(self) -> None:
        """A unit of work committed (or read) fine."""
        if self.state == "unavailable":
            self._report.recovered()
            self.state, self.reason, self.since = "ok", None, None
        if self.state == "ok":
            self.last_success = datetime.now(UTC)

    def record_failure(self, exc: BaseException) -> bool:
        """Note a failure; True if it was the database being unavailable (counted and logged once a minute here),
        False if it is something else for the caller to log (a failing statement, not a database error at all)."""
        failure = classify(exc)
        if failure is None or not failure.unavailable:
            return False
        if self.state == "lost":
            return True  # said once already; the process is on its way out
        if self.state == "ok":
            self.state, self.since = "unavailable", datetime.now(UTC)
        self.reason = failure.kind
        self._report.failed(failure.kind, detail=describe_failure(exc) if not self._report.ongoing else "")
        return True

    def on_lost(self, listener: Callable[[], None]) -> None:
        """Call `listener` (once) when the database is lost: the runner stops the process."""
        self._listeners.append(listener)

    def block(self, reason: str) -> None:
        """Refuse all further use at once (`mark_lost` follows, once the watcher has saved what it can)."""
        if self.state != "lost":
            self.state, self.reason, self.since = "lost", reason, datetime.now(UTC)

    def mark_lost(self, reason: str, advice: str) -> None:
        """The database cannot be trusted any more: refuse all further use, log it once, tell the listeners."""
        if self.exit_code is not None:
            return
        self.block(reason)
        self.exit_code = EXIT_DATABASE_LOST
        log.critical(
            "The database %s %s. Nothing more is written and input is refused; stopping with exit code %d. %s",
            self.description,
            reason,
            EXIT_DATABASE_LOST,
            advice,
        )
        for listener in self._listeners:
            listener()

    def checked(self) -> None:
        self.last_check = datetime.now(UTC)
