"""`backup_database`: what `stretchbot db backup` and the scheduled backup run.

The destination is a directory (a new timestamped copy goes into it, then the oldest are pruned to `keep`) or,
when it ends in `.sqlite3`, one file. Never the database's own directory: a backup there is lost with the
database (a full disk, a deleted directory, a lost machine). Move copies off the machine as well.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import make_url

from bot.backup.errors import BackupError
from bot.backup.generations import SUFFIX, generations, new_generation_path, prune, remove_abandoned_partials
from bot.backup.snapshot import Snapshot, copy_database

POSTGRES_ADVICE = (
    "the database is PostgreSQL: back it up with pg_dump and restore it with pg_restore "
    "(the recipe is in docs/deployment.md, section Backups and restore)"
)


@dataclass(frozen=True)
class BackupResult:
    snapshot: Snapshot
    kept: int  # copies now in the directory (1 for a single file)
    pruned: list[Path] = field(default_factory=list)


def sqlite_database_path(database_url: str) -> Path:
    """The file a `sqlite+aiosqlite:///` URL names (relative paths from the working directory, like the bot)."""
    url = make_url(database_url)
    if not url.drivername.startswith("sqlite"):
        raise BackupError(POSTGRES_ADVICE, exit_code=2)
    database = url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        raise BackupError(f"DATABASE_URL names no database file ({database or 'in memory'})", exit_code=2)
    return Path(database).expanduser().resolve()


def is_single_file(destination: Path) -> bool:
    return destination.suffix == SUFFIX and not destination.is_dir()


def backup_database(database: Path, destination: Path, *, keep: int, now: datetime | None = None) -> BackupResult:
    """Copy `database` (which may be in use) into `destination`, checked; prune a directory to `keep` copies."""
    database = database.resolve()
    if not database.is_file():
        raise BackupError(f"there is no database at {database}")
    destination = destination.expanduser().resolve()
    directory = destination.parent if is_single_file(destination) else destination
    if directory == database.parent:
        raise BackupError(
            f"{directory} is the database's own directory: a backup there is lost with the database. "
            "Choose another directory (BACKUP_DIR, or a path after `stretchbot db backup`).",
            exit_code=2,
        )
    try:
        if is_single_file(destination):
            return BackupResult(copy_database(database, destination), kept=1)
        stem = database.stem
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        remove_abandoned_partials(directory, stem)
        target = new_generation_path(directory, stem, now or datetime.now(UTC))
        snapshot = copy_database(database, target)
        pruned = prune(directory, stem, keep)
    except OSError as exc:  # a full disk, a missing permission, a file where the directory should be
        raise BackupError(f"cannot write the backup into {directory}: {exc.strerror or exc}") from None
    return BackupResult(snapshot, kept=len(generations(directory, stem)), pruned=pruned)
