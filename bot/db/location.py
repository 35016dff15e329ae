"""Where the SQLite database file is, and whether creating a new, empty one there is what the operator wants.

SQLite creates a missing file without a word, so a wrong `DATABASE_URL` (or the relative default `./data/...`
resolved from another working directory, or a file deleted by mistake) silently starts the bot with no users.
Before a new database is created, `refuse_new_database` looks for evidence that the real one is elsewhere:

- the write-ahead log of the configured file is still there (`<name>-wal`, not empty): its database is gone;
- another file in the same directory holds a stretchbot schema (its `alembic_version` table): a renamed file, a
  backup, or the copy the bot saved when its file was deleted while it ran (`<name>.rescued-<time>`);
- the path is relative, and the same relative path under the stretchbot checkout (where `make run` starts it)
  holds a stretchbot database: the bot was started from another working directory.

Each of these refuses with one line that names both paths and what to do. None of them can be wrong about data:
they only look, and `stretchbot db upgrade` still creates a new database on purpose.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from sqlalchemy.engine import make_url

from bot.config import PROJECT_ROOT

SQLITE_HEADER = b"SQLite format 3\x00"
_COMPANIONS = ("-wal", "-shm", "-journal")


class DatabaseRefused(Exception):
    """The bot will not use this database (the message says why and what to do); `stretchbot run` exits with 3."""


@dataclass(frozen=True, slots=True)
class SqliteLocation:
    path: Path  # absolute
    configured: str  # as DATABASE_URL writes it

    @property
    def relative(self) -> bool:
        return not Path(self.configured).expanduser().is_absolute()


def sqlite_location(url: str, cwd: Path | None = None) -> SqliteLocation | None:
    """The file a sqlite URL names, resolved from `cwd` (default: the working directory); None for `:memory:`."""
    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    path = Path(database).expanduser()
    if not path.is_absolute():
        path = (cwd or Path.cwd()) / path
    return SqliteLocation(path.resolve(), database)


def _uri(path: Path, *, immutable: bool) -> str:
    return f"file:{quote(str(path))}?mode=ro" + ("&immutable=1" if immutable else "")


def holds_schema(path: Path, *, immutable: bool = True) -> bool | None:
    """Whether `path` is a SQLite database with stretchbot's schema; None if it exists but cannot be read.

    Opened read-only; `immutable` (for files the bot does not own) also takes no lock and creates no `-shm`.
    """
    try:
        with path.open("rb") as file:
            if file.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
                return False
    except FileNotFoundError:
        return False
    except OSError:
        return None
    try:
        connection = sqlite3.connect(_uri(path, immutable=immutable), uri=True)
        try:
            found = connection.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
            ).fetchone()
        finally:
            connection.close()
    except sqlite3.Error:
        return None
    return found is not None


def _other_databases(location: SqliteLocation) -> list[Path]:
    directory = location.path.parent
    if not directory.is_dir():
        return []
    found = []
    for candidate in sorted(directory.iterdir()):
        if candidate == location.path or candidate.name.endswith(_COMPANIONS) or not candidate.is_file():
            continue
        if holds_schema(candidate):
            found.append(candidate)
    return found


def refuse_new_database(location: SqliteLocation, *, project_root: Path = PROJECT_ROOT) -> None:
    """Raise `DatabaseRefused` if creating a new database at `location` would most likely hide the real one."""
    path = location.path
    wal = path.with_name(path.name + "-wal")
    if wal.exists() and wal.stat().st_size > 0:
        raise DatabaseRefused(
            f"the database {path} is missing, but its write-ahead log {wal} is still there: the database file was "
            f"deleted or moved. Restore it (or the newest backup) to {path}; to start with a new, empty database "
            f"instead, delete {wal} and {path.name}-shm."
        )
    others = _other_databases(location)
    if others:
        listed = ", ".join(str(p) for p in others[:3]) + (" and more" if len(others) > 3 else "")
        raise DatabaseRefused(
            f"the database {path} does not exist (or is empty), but the same directory holds stretchbot data: "
            f"{listed}. If it should be the bot's database, move it to {path} (or point DATABASE_URL at it); to "
            f"start with a new, empty database anyway, create it with `stretchbot db upgrade` first."
        )
    if location.relative:
        elsewhere = (project_root / Path(location.configured).expanduser()).resolve()
        if elsewhere != path and holds_schema(elsewhere, immutable=False):
            raise DatabaseRefused(
                f"DATABASE_URL names the relative path {location.configured}, which from the working directory "
                f"{Path.cwd()} is {path}: there is no database there, but {elsewhere} is one. Start the bot from "
                f"{project_root}, or put the absolute path into DATABASE_URL "
                f"(sqlite+aiosqlite:///{elsewhere})."
            )
