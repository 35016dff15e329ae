"""`DatabaseWatcher`: notices within `DATABASE_CHECK_SECONDS` that the database file was deleted, replaced, or turned
read-only under the running bot, and then stops it before it confirms input it cannot keep.

A process that has a SQLite file open keeps reading and writing it after the file was deleted (the data lives on
until the last handle closes) or replaced; new connections would open, or create, whatever is at the path now. So
every check:
1. stats the path: gone means deleted, another inode means replaced (SQLite: compared with the file the watcher's
   own connection has held open since start);
2. asks whether the file and its directory are still writable for this process (permissions, a read-only mount);
3. commits a write that changes nothing (SQLite and PostgreSQL): a read-only database or server fails it.
A database that is only *unavailable* (a full disk, a PostgreSQL restart) is reported to `DatabaseHealth` and the bot
carries on; it recovers by itself. A deleted, replaced or read-only one is *lost*: `DatabaseHealth.mark_lost` refuses
all further use, logs it once and tells the runner, which exits with `EXIT_DATABASE_LOST`.

A deleted or replaced file still holds the bot's data, readable through the watcher's open connection: before it
stops, the watcher copies it (SQLite's online backup) next to it as `<name>.rescued-<UTC time>`, and the log says how
to put it back. After a deletion it also removes the `-wal` and `-shm` files left at the path: they belong to the
deleted file (their content is in the copy) and SQLite would replay them into the next file there. Start-up then
refuses to create a new empty database while the copy is there.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from apscheduler.jobstores.base import JobLookupError
from telegram.ext import Application, ContextTypes

from bot.db.errors import classify
from bot.db.location import sqlite_location
from bot.db.startup import prove_writable
from bot.db.unit_of_work import Database
from bot.logging_setup import log_failure

log = logging.getLogger("bot.db")


@dataclass(frozen=True, slots=True)
class Loss:
    reason: str  # "was deleted", "was replaced by another file", "turned read-only (...)"
    rescue: bool  # the bot's data is only in the open file: copy it out before stopping


class DatabaseWatcher:
    def __init__(self, database: Database, interval: float) -> None:
        self.database = database
        self.interval = interval
        location = sqlite_location(database.url) if database.is_sqlite else None
        self.path: Path | None = location.path if location is not None else None
        self._anchor: sqlite3.Connection | None = None
        self._identity: tuple[int, int] | None = None
        self._job: Any = None

    async def start(self, application: Application[Any, Any, Any, Any, Any, Any]) -> None:
        if self.path is not None:
            # Held open for the whole run: it keeps the started-with file readable even after it is deleted.
            self._anchor = sqlite3.connect(str(self.path), check_same_thread=False)
            self._anchor.execute("SELECT count(*) FROM alembic_version").fetchone()  # opens its -wal and -shm too
            stat = self.path.stat()
            self._identity = (stat.st_dev, stat.st_ino)
        if application.job_queue is None:
            raise RuntimeError("the database watcher needs python-telegram-bot[job-queue]")
        self._job = application.job_queue.run_repeating(
            self._tick,
            interval=self.interval,
            first=self.interval,
            name="database-watcher",
            job_kwargs={"misfire_grace_time": None, "coalesce": True, "max_instances": 1},
        )

    async def stop(self) -> None:
        if self._job is not None:
            with contextlib.suppress(JobLookupError):
                self._job.schedule_removal()
            self._job = None
        if self._anchor is not None:
            self._anchor.close()
            self._anchor = None

    async def _tick(self, _context: ContextTypes.DEFAULT_TYPE) -> None:
        try:
            await self.check()
        except Exception as exc:
            log_failure(log, "database check failed", exc)

    async def check(self) -> None:
        """One check (the job runs it every `interval` seconds); marks the database lost if it is."""
        health = self.database.health
        if health.lost:
            return
        loss = self._file_loss()
        if loss is None:
            try:
                await prove_writable(self.database)
            except Exception as exc:
                failure = classify(exc)
                if failure is not None and failure.read_only:
                    loss = Loss(f"turned read-only ({failure.kind})", rescue=False)
                elif not health.record_failure(exc):
                    log_failure(log, "database check failed", exc)
        health.checked()
        if loss is not None:
            self._lose(loss)

    def _file_loss(self) -> Loss | None:
        if self.path is None:
            return None
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            return Loss("was deleted", rescue=True)
        if self._identity is not None and (stat.st_dev, stat.st_ino) != self._identity:
            return Loss("was replaced by another file", rescue=True)
        if not os.access(self.path, os.W_OK):
            return Loss("turned read-only (the file is not writable for this process)", rescue=False)
        if not os.access(self.path.parent, os.W_OK | os.X_OK):
            return Loss("turned read-only (its directory is not writable for this process)", rescue=False)
        return None

    def _lose(self, loss: Loss) -> None:
        health = self.database.health
        health.block(loss.reason)  # before the copy: nothing else writes meanwhile
        advice = "Make it writable again (owner, permissions, a read-only mount, a failing disk); until then the bot "
        advice += "will not start."
        if loss.rescue:
            rescued = self._rescue()
            assert self.path is not None
            if rescued is None:
                advice = "Its data could not be saved (see above); restore the newest backup."
            elif loss.reason == "was deleted":
                self._remove_stale_companions()
                advice = (
                    f"The data it held until now was saved to {rescued}: to go on with it, move that file to "
                    f"{self.path}. Until then the bot will not start (it will not create an empty database there)."
                )
            else:
                advice = (
                    f"The data the bot had in the old file was saved to {rescued}; after its restart the bot uses the "
                    f"new file at {self.path}."
                )
        health.mark_lost(loss.reason, advice)

    def _remove_stale_companions(self) -> None:
        """The deleted database's `-wal` and `-shm` (now in the rescued copy) would be replayed into whatever file
        comes next at the path: remove them."""
        assert self.path is not None
        for suffix in ("-wal", "-shm"):
            with contextlib.suppress(FileNotFoundError):
                self.path.with_name(self.path.name + suffix).unlink()

    def _rescue(self) -> Path | None:
        """Copy the database as the watcher's open connection sees it (the file the bot started with)."""
        if self._anchor is None or self.path is None:
            return None
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        target_path = self.path.with_name(f"{self.path.name}.rescued-{stamp}")
        try:
            target = sqlite3.connect(str(target_path))
            try:
                self._anchor.backup(target)
            finally:
                target.close()
        except (sqlite3.Error, OSError) as exc:
            failure = classify(exc)
            kind = failure.kind if failure is not None else type(exc).__name__
            log.error("could not save the database's data to %s (%s)", target_path, kind)
            return None
        return target_path
