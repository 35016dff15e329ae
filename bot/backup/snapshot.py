"""One consistent, checked copy of a SQLite database that may be in use, with SQLite's online backup API.

Why one backup step and not pages: `Connection.backup(pages=N)` copies N pages per step, and SQLite restarts the
copy from the first page whenever another connection writes between two steps; under a running bot's writes it
never finishes (measured: 611 restarts in 3,000 steps of 100 pages against a writer committing every 2 ms).
(Python's `sleep=` only applies when a step is refused as busy, not between steps.) A single step reads the whole
database in one read transaction: one consistent snapshot. In WAL mode (the bot's) a reader never blocks writers,
so the bot keeps writing meanwhile; and the call releases the GIL, so run in a worker thread (as the scheduled
backup does) it does not stop the event loop.

The copy is written to a hidden partial file (mode 0600: it holds users' health data), checked with
`PRAGMA integrity_check`, switched from WAL to a plain rollback journal so that it is one self-contained file,
flushed to disk, and only then renamed to its name.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from bot.backup.errors import BackupError
from bot.backup.schema import read_revision

PARTIAL_SUFFIX = ".partial"
BUSY_TIMEOUT_SECONDS = 30.0  # a read can wait briefly for another process (WAL recovery); never in the event loop


@dataclass(frozen=True)
class Snapshot:
    """A checked copy: where it is, its size in bytes and its schema revision (None: no schema)."""

    path: Path
    size: int
    revision: str | None


def partial_path(destination: Path) -> Path:
    """Where a copy to `destination` is written before it is complete (hidden, named after this process)."""
    return destination.with_name(f".{destination.name}.{os.getpid()}{PARTIAL_SUFFIX}")


@contextlib.contextmanager
def open_database(path: Path, *, read_only: bool = True) -> Iterator[sqlite3.Connection]:
    """A connection to an existing database file (never creates one)."""
    mode = "ro" if read_only else "rw"
    try:
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode={mode}", uri=True, timeout=BUSY_TIMEOUT_SECONDS)
    except sqlite3.OperationalError as exc:
        raise BackupError(f"cannot open the database {path}: {exc}") from None
    try:
        yield connection
    finally:
        connection.close()


def integrity_problems(connection: sqlite3.Connection) -> list[str]:
    """`PRAGMA integrity_check`: [] when the database is sound, else its findings (page and index names only)."""
    try:
        rows = connection.execute("PRAGMA integrity_check").fetchall()
    except sqlite3.DatabaseError as exc:
        return [str(exc)]
    findings = [str(row[0]) for row in rows]
    return [] if findings == ["ok"] else findings


def check_database(path: Path) -> Snapshot:
    """Check an existing database file: sound (`integrity_check`), and its schema revision."""
    if not path.is_file():
        raise BackupError(f"there is no file at {path}")
    with open_database(path) as connection:
        problems = integrity_problems(connection)
        if problems:
            raise BackupError(f"{path} failed the integrity check: {'; '.join(problems[:3])}")
        try:
            revision = read_revision(connection)
        except sqlite3.DatabaseError as exc:
            raise BackupError(f"{path} is not a readable SQLite database: {exc}") from None
    return Snapshot(path, path.stat().st_size, revision)


def copy_database(source: Path, destination: Path) -> Snapshot:
    """Copy the database `source` (in use or not) to `destination` (replaced if it exists), checked. Blocks for
    as long as the copy takes: call it from a worker thread inside the bot."""
    if not source.is_file():
        raise BackupError(f"there is no database at {source}")
    partial = partial_path(destination)
    partial.parent.mkdir(parents=True, exist_ok=True)
    os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600))
    try:
        with open_database(source) as reader:
            target = sqlite3.connect(partial)
            try:
                reader.backup(target)  # one step: one read transaction, one consistent snapshot
                target.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
                problems = integrity_problems(target)
                revision = read_revision(target)
            except sqlite3.DatabaseError as exc:
                raise BackupError(f"cannot copy {source}: {exc}") from None
            finally:
                target.close()
        if problems:
            raise BackupError(f"the copy of {source} failed the integrity check: {'; '.join(problems[:3])}")
        _flush(partial)
        os.replace(partial, destination)
        _flush(destination.parent)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return Snapshot(destination, destination.stat().st_size, revision)


def _flush(path: Path) -> None:
    """fsync a file, or a directory (so that a rename in it survives a power cut)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
