"""SQLite run from the event loop's own thread, and the per-file write queue that makes that safe.

Why: aiosqlite runs every call on a worker thread and hands the result back through the event loop. A write
transaction is about eight such calls (BEGIN, INSERT, COMMIT, cursors, the pool's reset), and under load each one
waits for a full turn of a busy event loop, while SQLite's one write lock is held. On a 2-core machine with 250
taps in flight, a 25 µs insert became a 4 ms transaction and throughput stopped at ~190 taps/s (bench/). SQLite
itself is an in-process library whose calls take microseconds, so they run inline here instead: the same
aiosqlite `Connection` (and SQLAlchemy's aiosqlite dialect), with its calls made at once, not queued to a thread.

What makes that safe, since nothing may block the event loop:
- Writers of one process never meet inside SQLite: they queue on an asyncio lock per database file
  (`write_lock`), so SQLite's busy handler, which would now sleep in the event loop's thread, is never reached
  from this process.
- Another process (a second instance, `stretchbot db upgrade`, a backup) may hold the write lock: `BEGIN
  IMMEDIATE` is then tried with no busy wait and retried after an asyncio sleep (`begin_immediate`), up to the
  usual busy timeout. Other statements keep a short busy timeout for the rare transient lock.
- Reads stay small (one user's rows, indexed queries); nothing here reads a whole table on the event loop.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
import weakref
from collections.abc import Callable
from typing import Any

import aiosqlite
from sqlalchemy.util import await_only

BUSY_TIMEOUT_SECONDS = 30.0  # how long a writer waits for another process's write lock before giving up
STATEMENT_BUSY_TIMEOUT_MS = 200  # the rare transient lock on other statements (may block the loop this long)
_FIRST_RETRY, _LONGEST_RETRY = 0.001, 0.05


class _RunNow:
    """Stands in for aiosqlite's queue to its worker thread: runs each call at once, in the caller's thread."""

    def put_nowait(self, item: tuple[asyncio.Future[Any] | None, Callable[[], Any]]) -> None:
        future, function = item
        try:
            result = function()
        except BaseException as exc:  # handed to the awaiting side, as aiosqlite's thread does
            if future is not None and not future.done():
                future.set_exception(exc)
            return
        if future is not None and not future.done():
            future.set_result(result)


class InlineConnection(aiosqlite.Connection):
    """aiosqlite's connection with no worker thread: every call runs at once in the event loop's thread."""

    def __init__(self, connector: Callable[[], sqlite3.Connection], iter_chunk_size: int = 64) -> None:
        super().__init__(connector, iter_chunk_size)
        self._tx = _RunNow()  # type: ignore[assignment]

    async def _execute(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        if not self._running or not self._connection:
            raise ValueError("Connection closed")
        return fn(*args, **kwargs)

    def __await__(self) -> Any:
        return self._connect().__await__()  # no thread to start


def inline_connect(database: str, **kwargs: Any) -> InlineConnection:
    """`connect_args={"async_creator_fn": inline_connect}` for SQLAlchemy's sqlite+aiosqlite dialect."""
    kwargs["check_same_thread"] = False  # used from one thread, but the pool may close it from another (GC)
    return InlineConnection(lambda: sqlite3.connect(database, **kwargs))


def begin_immediate(raw: sqlite3.Connection) -> None:
    """`BEGIN IMMEDIATE`, waiting for another process's write lock in asyncio sleeps, never in SQLite's busy
    handler (which would stop the event loop). Must run inside SQLAlchemy's async bridge (an event handler)."""
    deadline = time.monotonic() + BUSY_TIMEOUT_SECONDS
    delay = _FIRST_RETRY
    raw.execute("PRAGMA busy_timeout=0")
    try:
        while True:
            try:
                raw.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) and "busy" not in str(exc):
                    raise
                if time.monotonic() + delay > deadline:
                    raise
            await_only(asyncio.sleep(delay))
            delay = min(delay * 2, _LONGEST_RETRY)
    finally:
        raw.execute(f"PRAGMA busy_timeout={STATEMENT_BUSY_TIMEOUT_MS}")


_write_locks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[str, asyncio.Lock]] = (
    weakref.WeakKeyDictionary()
)


def write_lock(database: str) -> asyncio.Lock:
    """The one write queue for `database` (a file path) in the running event loop, shared by every engine."""
    loop = asyncio.get_running_loop()
    locks = _write_locks.setdefault(loop, {})
    lock = locks.get(database)
    if lock is None:
        lock = locks[database] = asyncio.Lock()
    return lock


async def acquire_write_lock(database: str) -> asyncio.Lock:
    """Wait for our turn to write to `database` (at most the busy timeout, as SQLite itself would); the lock,
    to release when the transaction is over."""
    lock = write_lock(database)
    if lock.locked():
        try:
            await asyncio.wait_for(lock.acquire(), BUSY_TIMEOUT_SECONDS)
        except TimeoutError:
            raise sqlite3.OperationalError("database is locked (waited for this process's other writers)") from None
    else:
        await lock.acquire()
    return lock
