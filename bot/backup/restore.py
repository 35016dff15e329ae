"""`restore_database`: put a backup in place of the SQLite database, with the bot stopped.

Refused (nothing changes) when:
- the backup fails its integrity check or has no stretchbot schema;
- the backup's schema is one this code does not know (made by a newer stretchbot: this one could not run it);
- another process has the database open (the bot is running: stop it first; see `in_use`);
- the database's schema is newer than the backup's, unless `allow_older_schema` (rolling back an upgrade): the
  restore would silently take the schema back and lose what was written since.

The backup is first copied next to the database and checked there (a full disk fails before anything is
touched); then the current database, with its write-ahead log, is renamed to
`<stem>.before-restore-<UTC time>.sqlite3` (kept, not deleted), and the copy is renamed into place. The restored
file gets the owner and mode of the file it replaces, so a restore run as root leaves a file the bot can write.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bot.backup.errors import BackupError, RestoreRefused
from bot.backup.generations import STAMP_FORMAT
from bot.backup.in_use import database_in_use
from bot.backup.schema import SchemaHistory, read_revision
from bot.backup.snapshot import check_database, copy_database, open_database

SIDE_FILES = ("-wal", "-journal")  # belong to the database file and move with it; -shm is rebuilt by SQLite


@dataclass(frozen=True)
class RestoreResult:
    database: Path
    revision: str  # the restored schema
    head: str  # the newest schema this code knows (the bot upgrades to it at start)
    replaced: Path | None  # where the database that was there is kept
    replaced_schema: str  # its revision, "no schema" or "unreadable"


def in_use_message(database: Path) -> str:
    return (
        f"{database} is open in another process: is the bot running? Stop it first "
        "(sudo systemctl stop stretchbot), and any `stretchbot db` command still running, then try again."
    )


def _current_revision(database: Path) -> tuple[bool, str | None]:
    """(readable, revision) of the database being replaced."""
    try:
        with open_database(database, read_only=False) as connection:
            return True, read_revision(connection)
    except (BackupError, sqlite3.DatabaseError):
        return False, None


def restore_database(
    database: Path, backup: Path, *, allow_older_schema: bool = False, history: SchemaHistory | None = None
) -> RestoreResult:
    history = history or SchemaHistory()
    database = database.resolve()
    backup = backup.expanduser().resolve()
    if backup == database:
        raise RestoreRefused(f"{backup} is the database itself")
    try:
        checked = check_database(backup)
    except BackupError as exc:
        raise RestoreRefused(str(exc)) from None
    if checked.revision is None:
        raise RestoreRefused(f"{backup} has no stretchbot schema (no alembic_version table): is it a backup?")
    if not history.knows(checked.revision):
        raise RestoreRefused(
            f"{backup} has schema {checked.revision}, which this stretchbot does not know (it knows up to "
            f"{history.head}): it was made by a newer version. Install that version (or a newer one) to restore it."
        )
    if database_in_use(database):
        raise RestoreRefused(in_use_message(database))
    replaced_revision: str | None = None
    readable = True
    if database.exists():
        readable, replaced_revision = _current_revision(database)
        if readable and history.is_newer(replaced_revision, checked.revision) and not allow_older_schema:
            raise RestoreRefused(
                f"{database} has schema {replaced_revision}, newer than the backup's {checked.revision}: restoring "
                "it takes the schema back and loses everything written since the backup. If that is what you want "
                "(rolling back an upgrade, see docs/deployment.md), run again with --allow-older-schema."
            )

    staged = database.with_name(f".{database.name}.{os.getpid()}.restoring")
    try:
        copy_database(backup, staged)
        if database.exists():
            _copy_owner_and_mode(database, staged)
        if database_in_use(database):  # started meanwhile?
            raise RestoreRefused(in_use_message(database))
        replaced = _move_aside(database) if database.exists() else None
        database.with_name(database.name + "-shm").unlink(missing_ok=True)
        os.replace(staged, database)
    finally:
        staged.unlink(missing_ok=True)
    _fsync_directory(database.parent)
    replaced_schema = (replaced_revision or "no schema") if readable else "unreadable"
    return RestoreResult(database, checked.revision, history.head, replaced, replaced_schema)


def _move_aside(database: Path) -> Path:
    stamp = datetime.now(UTC).strftime(STAMP_FORMAT)
    kept = database.with_name(f"{database.stem}.before-restore-{stamp}{database.suffix}")
    counter = 0
    while kept.exists():
        counter += 1
        kept = database.with_name(f"{database.stem}.before-restore-{stamp}-{counter}{database.suffix}")
    os.replace(database, kept)
    for side in SIDE_FILES:
        source = database.with_name(database.name + side)
        if source.exists():
            os.replace(source, kept.with_name(kept.name + side))
    return kept


def _copy_owner_and_mode(original: Path, new: Path) -> None:
    status = original.stat()
    os.chmod(new, status.st_mode & 0o777)
    with contextlib.suppress(PermissionError):  # only root may give a file away; others already own both
        os.chown(new, status.st_uid, status.st_gid)


def _fsync_directory(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
