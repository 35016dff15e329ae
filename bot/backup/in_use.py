"""Whether another process has a SQLite database open: a running bot, a backup, a `db upgrade`.

A restore must not replace the file under a process that has it open: that process would keep writing to the old
file (or mix its write-ahead log into the new one). Every connection to a database in WAL mode (the bot's mode)
holds a shared POSIX lock on the "DMS" byte (offset 128) of the `-shm` file for as long as it is open, idle or not
(https://www.sqlite.org/walformat.html, "the DMS lock"), and a shared lock in the database file's locking bytes
(from 0x40000000; in WAL mode SQLite keeps it between transactions; in rollback mode only during one). Either
lock alone reveals an idle bot (the tests were run with each check alone); if this process can take an exclusive
lock on both, no other process has the database open. The bot's pool keeps its connections open while it runs,
so a running bot is seen.

This needs no cooperation from the bot, no pid file that could go stale, and it sees any SQLite user, not only
the bot. POSIX locks never conflict within one process, so call it before this process opens the database itself.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

WAL_INDEX_DMS_OFFSET = 128  # UNIX_SHM_DMS in SQLite's os_unix.c
DATABASE_LOCK_OFFSET = 0x40000000  # PENDING_BYTE; RESERVED and the 510 SHARED bytes follow it
DATABASE_LOCK_LENGTH = 512


def _locked_by_another_process(path: Path, length: int, offset: int) -> bool:
    try:
        fd = os.open(path, os.O_RDWR)
    except FileNotFoundError:
        return False
    try:
        try:
            fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, length, offset)
        except OSError:
            return True
        fcntl.lockf(fd, fcntl.LOCK_UN, length, offset)
        return False
    finally:
        os.close(fd)


def database_in_use(database: Path) -> bool:
    """True if another process has `database` open (in WAL mode) or is in a transaction on it."""
    shm = database.with_name(database.name + "-shm")
    return _locked_by_another_process(shm, 1, WAL_INDEX_DMS_OFFSET) or _locked_by_another_process(
        database, DATABASE_LOCK_LENGTH, DATABASE_LOCK_OFFSET
    )
