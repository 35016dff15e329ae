"""`Metrics`: the bot's Prometheus metrics, in a registry of their own per application (never the global one, so
several applications in one process, as in the tests, do not collide).

The seams report here through small protocols of their own, so none of them imports this module: the reminder
dispatcher (`ReminderObserver`), every Bot API request (`RequestObserver`), the update processor (a latency
callback), the routine runtime (`RoutineObserver`) and the error handler. What is exported is counts and
durations only: no user id, no chat id, no rating, no text, in a value or a label. The Bot API method label is
checked against the shape of a method name (letters only), so a URL or a token can never become a label.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

__all__ = ["CONTENT_TYPE_LATEST", "Metrics"]

_METHOD = re.compile(r"[A-Za-z]{1,40}")
_STATUSES = frozenset({"network_error", "timeout"})

LATENESS_BUCKETS = (1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200, float("inf"))
UPDATE_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, float("inf"))


def method_label(method: str) -> str:
    """A Bot API method name as a label ("sendMessage"), or "other" for anything else."""
    return method if _METHOD.fullmatch(method) else "other"


def status_label(status: int | str) -> str:
    """An HTTP status ("200", "429") or "network_error" / "timeout" (no answer)."""
    if isinstance(status, int) and 100 <= status <= 599:
        return str(status)
    return status if isinstance(status, str) and status in _STATUSES else "other"


class Metrics:
    def __init__(self, *, monotonic: Callable[[], float] = time.monotonic) -> None:
        self.registry = CollectorRegistry()
        self._monotonic = monotonic
        r = self.registry
        # Reminders (the dispatcher's outcomes).
        self.reminders_due = Counter(
            "stretchbot_reminders_due", "Reminders claimed for their first send (snoozed ones count again)", registry=r
        )
        self.reminders_sent = Counter("stretchbot_reminders_sent", "Reminders Telegram accepted", registry=r)
        self.reminders_late = Counter(
            "stretchbot_reminders_late", "Reminders sent with a note that they come late", registry=r
        )
        self.reminders_failed = Counter(
            "stretchbot_reminders_failed", "Reminders Telegram refused (400): not sent, not retried", registry=r
        )
        self.reminders_blocked = Counter(
            "stretchbot_reminders_blocked", "Reminders to users who blocked the bot (403)", registry=r
        )
        self.reminders_retried = Counter(
            "stretchbot_reminders_retried",
            "Reminder sends that got no answer (network, time-out, 5xx, repeated 429): tried again later",
            registry=r,
        )
        self.reminders_missed = Counter(
            "stretchbot_reminders_missed", "Reminders more than CATCH_UP_HOURS late: recorded as missed", registry=r
        )
        self.reminder_lateness = Histogram(
            "stretchbot_reminder_lateness_seconds",
            "From a reminder's time to Telegram accepting it",
            buckets=LATENESS_BUCKETS,
            registry=r,
        )
        # The scheduler.
        self.scheduler_ticks = Counter("stretchbot_scheduler_ticks", "Reminder dispatcher ticks", registry=r)
        self._tick_interval = 0.0
        self._last_tick: float | None = None
        self._scheduler_started: float | None = None
        lag = Gauge(
            "stretchbot_scheduler_tick_lag_seconds",
            "How far the reminder dispatcher's tick is behind its schedule (0 when on time; grows while it is stuck)",
            registry=r,
        )
        lag.set_function(self.scheduler_lag)
        # Telegram.
        self.telegram_requests = Counter(
            "stretchbot_telegram_requests",
            "Bot API requests by method and HTTP status (network_error/timeout: no answer)",
            ["method", "status"],
            registry=r,
        )
        self.telegram_retry_after = Counter(
            "stretchbot_telegram_retry_after_seconds",
            "Seconds Telegram's flood control asked to wait (retry_after of its 429 answers), added up",
            registry=r,
        )
        # Updates, routines, users, errors.
        self.update_seconds = Histogram(
            "stretchbot_update_handling_seconds",
            "From an update's arrival to the end of its handling (waiting behind the user's earlier ones included)",
            buckets=UPDATE_BUCKETS,
            registry=r,
        )
        self.routine_started = Counter(
            "stretchbot_routine_sessions_started", "Guided routine walkthroughs begun", registry=r
        )
        self.routine_finished = Counter(
            "stretchbot_routine_sessions_finished",
            "Guided routine walkthroughs over: completed (every step walked through) or stopped early",
            ["how"],
            registry=r,
        )
        for how in ("completed", "stopped"):
            self.routine_finished.labels(how)
        self.active_users = Gauge(
            "stretchbot_active_users", "Users who finished /start and have not stopped or blocked the bot", registry=r
        )
        self.ready = Gauge(
            "stretchbot_ready", "1 when /readyz answers 200 (checked at each scrape and /readyz)", registry=r
        )
        self.ready_checks = Gauge(
            "stretchbot_ready_check", "Each check of /readyz: 1 ok, 0 failing", ["check"], registry=r
        )
        self.errors = Counter(
            "stretchbot_errors", "Unhandled errors (logged once each), by where they happened", ["where"], registry=r
        )
        for where in ("update", "job"):
            self.errors.labels(where)

    # --- the reminder dispatcher (bot.reminders.dispatcher.ReminderObserver) --------------------------

    def scheduler_started(self, interval: float) -> None:
        self._tick_interval = interval
        self._scheduler_started = self._monotonic()

    def ticked(self) -> None:
        self._last_tick = self._monotonic()
        self.scheduler_ticks.inc()

    @property
    def ticks_seen(self) -> bool:
        return self._last_tick is not None

    def seconds_since_tick(self) -> float | None:
        """Since the last tick (or the dispatcher's start, before its first); None before it starts."""
        since = self._last_tick if self._last_tick is not None else self._scheduler_started
        return None if since is None else max(0.0, self._monotonic() - since)

    def scheduler_lag(self) -> float:
        since = self.seconds_since_tick()
        return 0.0 if since is None else max(0.0, since - self._tick_interval)

    def reminders_claimed(self, first_sends: int) -> None:
        self.reminders_due.inc(first_sends)

    def reminder_sent(self, lateness_seconds: float, *, marked_late: bool) -> None:
        self.reminders_sent.inc()
        self.reminder_lateness.observe(max(0.0, lateness_seconds))
        if marked_late:
            self.reminders_late.inc()

    def reminder_not_sent(self, outcome: str) -> None:
        """`outcome`: "failed", "blocked" or "retry"."""
        counter = {"failed": self.reminders_failed, "blocked": self.reminders_blocked}.get(outcome)
        (counter or self.reminders_retried).inc()

    def reminders_given_up(self, missed: int) -> None:
        self.reminders_missed.inc(missed)

    # --- Bot API requests (bot.telegram_io.aiohttp_request.RequestObserver) ----------------------------

    def request_done(self, method: str, status: int | str, retry_after: float | None) -> None:
        self.telegram_requests.labels(method_label(method), status_label(status)).inc()
        if retry_after is not None and retry_after > 0:
            self.telegram_retry_after.inc(retry_after)

    # --- updates, routines, errors ---------------------------------------------------------------------

    def update_handled(self, seconds: float) -> None:
        self.update_seconds.observe(seconds)

    def routine_began(self) -> None:
        self.routine_started.inc()

    def routine_over(self, *, completed: bool) -> None:
        self.routine_finished.labels("completed" if completed else "stopped").inc()

    def error(self, where: str) -> None:
        self.errors.labels("update" if where == "update" else "job").inc()

    def readiness_checked(self, checks: dict[str, str | None]) -> None:
        """The outcome of /readyz's checks (name -> None when fine, else the reason; the reason is not exported)."""
        for check, reason in checks.items():
            self.ready_checks.labels(check).set(1 if reason is None else 0)
        self.ready.set(1 if all(reason is None for reason in checks.values()) else 0)

    def exposition(self) -> bytes:
        """The text format Prometheus scrapes."""
        return generate_latest(self.registry)
