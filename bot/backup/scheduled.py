"""`ScheduledBackup`: with `BACKUP_DIR` set (SQLite), the running bot copies its database there every
`BACKUP_INTERVAL_HOURS` (default 24) and keeps the newest `BACKUP_KEEP` copies.

The next backup is due one interval after the newest copy in the directory, so restarts neither skip a backup nor
add one; with no copy yet (or an overdue one) the first comes `FIRST_BACKUP_DELAY` after start. A failed backup is
logged and tried again after `RETRY_DELAY` (or the interval, if shorter). The copy runs in a worker thread (see
`bot.backup.snapshot`), so the event loop keeps handling updates and sending reminders meanwhile; at shutdown a
copy in progress is finished (it takes about a second per 200 MB) rather than left half-written.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from apscheduler.jobstores.base import JobLookupError
from telegram.ext import Application, ContextTypes, Job

from bot.backup.backup import backup_database, sqlite_database_path
from bot.backup.errors import BackupError
from bot.backup.generations import generations
from bot.config import Settings
from bot.logging_setup import log_failure

log = logging.getLogger(__name__)

FIRST_BACKUP_DELAY = timedelta(minutes=1)
RETRY_DELAY = timedelta(hours=1)
JOB_NAME = "database-backup"


def describe(delay: timedelta) -> str:
    seconds = delay.total_seconds()
    if seconds < 10:
        return f"{seconds:.1f} s"
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 2 * 3600:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


class ScheduledBackup:
    """A component (see `bot.context.Component`); does nothing unless `BACKUP_DIR` is set."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._interval = timedelta(hours=settings.backup_interval_hours)
        self._lock = asyncio.Lock()
        self._stopping = False
        self._job: Job[Any] | None = None
        self._application: Application[Any, Any, Any, Any, Any, Any] | None = None

    async def start(self, application: Application[Any, Any, Any, Any, Any, Any]) -> None:
        directory = self._settings.backup_dir
        if directory is None:
            return
        if not self._settings.is_sqlite:
            log.warning("BACKUP_DIR is set, but the database is PostgreSQL: back it up with pg_dump instead")
            return
        self._application = application
        delay = self._first_delay(directory, datetime.now(UTC))
        log.info(
            "scheduled backup: every %s into %s, keeping %d; the next in %s",
            describe(self._interval), directory, self._settings.backup_keep, describe(delay),
        )  # fmt: skip
        self._schedule(delay)

    def _first_delay(self, directory: Path, now: datetime) -> timedelta:
        stem = sqlite_database_path(self._settings.database_url).stem
        existing = generations(directory, stem)
        soon = min(FIRST_BACKUP_DELAY, self._interval)
        if not existing:
            return soon
        return max(existing[-1].taken_at + self._interval - now, soon)

    def _schedule(self, delay: timedelta) -> None:
        if self._stopping or self._application is None or self._application.job_queue is None:
            return
        # No misfire grace: a job that starts late (a busy event loop) still runs. With APScheduler's default of 1 s
        # it would be dropped, and as each backup schedules the next, the backups would stop for good.
        self._job = self._application.job_queue.run_once(
            self._run, when=delay, name=JOB_NAME, job_kwargs={"misfire_grace_time": None}
        )

    async def _run(self, _context: ContextTypes.DEFAULT_TYPE) -> None:
        async with self._lock:
            if self._stopping:
                return
            next_delay = self._interval
            try:
                await self.back_up_now()
            except BackupError as exc:
                next_delay = min(RETRY_DELAY, self._interval)
                log.error("scheduled backup failed: %s; next try in %s", exc, describe(next_delay))
            except Exception as exc:
                next_delay = min(RETRY_DELAY, self._interval)
                log_failure(log, "scheduled backup failed; next try in %s", exc, describe(next_delay))
            self._schedule(next_delay)

    async def back_up_now(self) -> None:
        """One backup into `BACKUP_DIR`, in a worker thread."""
        directory = self._settings.backup_dir
        assert directory is not None
        database = sqlite_database_path(self._settings.database_url)
        result = await asyncio.to_thread(backup_database, database, directory, keep=self._settings.backup_keep)
        log.info(
            "backup written: %s (%.1f MB, schema %s, integrity ok); %d kept, %d pruned",
            result.snapshot.path, result.snapshot.size / 1e6, result.snapshot.revision, result.kept, len(result.pruned),
        )  # fmt: skip

    async def stop(self) -> None:
        self._stopping = True
        if self._job is not None:
            with contextlib.suppress(JobLookupError):  # the job queue may be stopped already
                self._job.schedule_removal()
            self._job = None
        async with self._lock:  # a copy in progress finishes
            pass
