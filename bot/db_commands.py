"""`stretchbot db ...`: upgrade, downgrade and show the schema; back up and restore the database.

    stretchbot db upgrade                   create or upgrade the schema (the bot also does it at start)
    stretchbot db current                   the schema revision of the database, and the newest this code knows
    stretchbot db downgrade REV             take the schema back to REV (rolling back an upgrade), bot stopped
    stretchbot db backup [PATH] [--keep N]  a checked copy of the SQLite database, while the bot runs
    stretchbot db restore PATH              put a backup in place of the SQLite database, bot stopped

Exit codes: 0 done, 1 refused or failed (the message says why), 2 a setting or argument is wrong.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from bot.backup.errors import BackupError
from bot.config import Settings, load_settings


def add_db_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    db = commands.add_parser("db", help="database commands: upgrade, current, downgrade, backup, restore")
    db_commands = db.add_subparsers(dest="db_command", metavar="DB_COMMAND")
    db_commands.add_parser("upgrade", help="create or upgrade the schema (also done at start)")
    db_commands.add_parser("current", help="show the schema revision of the database and the newest one known")
    downgrade = db_commands.add_parser(
        "downgrade", help="take the schema back to an older revision (rolling back an upgrade; stop the bot first)"
    )
    downgrade.add_argument("revision", metavar="REV", help="the revision to go back to (see `db current`)")
    backup = db_commands.add_parser("backup", help="make a checked copy of the SQLite database (the bot may run)")
    backup.add_argument(
        "path",
        metavar="PATH",
        nargs="?",
        type=Path,
        help="a directory for timestamped copies (default: BACKUP_DIR), or a file ending in .sqlite3",
    )
    backup.add_argument("--keep", type=int, metavar="N", help="copies to keep in the directory (default: BACKUP_KEEP)")
    restore = db_commands.add_parser("restore", help="replace the SQLite database with a backup (stop the bot first)")
    restore.add_argument("backup", metavar="PATH", type=Path, help="the backup file")
    restore.add_argument(
        "--allow-older-schema",
        action="store_true",
        help="restore even though the database's schema is newer than the backup's (rolling back an upgrade)",
    )


def run_db_command(args: argparse.Namespace) -> int | None:
    """Run `stretchbot db <command>`; None if no command was given (the caller prints the help)."""
    command = args.db_command
    if command is None:
        return None
    settings = load_settings()
    try:
        if command == "upgrade":
            return _upgrade(settings)
        if command == "current":
            return _current(settings)
        if command == "downgrade":
            return _downgrade(settings, args.revision)
        if command == "backup":
            return _backup(settings, args.path, args.keep)
        if command == "restore":
            return _restore(settings, args.backup, args.allow_older_schema)
    except BackupError as exc:
        print(f"stretchbot: {exc}", file=sys.stderr)
        return exc.exit_code
    return None


def _upgrade(settings: Settings) -> int:
    from bot.db.migrate import upgrade_database
    from bot.db.unit_of_work import Database

    async def upgrade() -> None:
        database = Database(settings.database_url)
        try:
            await upgrade_database(database)
        finally:
            await database.dispose()

    asyncio.run(upgrade())
    print("database is up to date")
    return 0


def _revision(settings: Settings) -> str | None:
    from bot.db.migrate import current_revision
    from bot.db.unit_of_work import Database

    async def read() -> str | None:
        database = Database(settings.database_url)
        try:
            return await current_revision(database)
        finally:
            await database.dispose()

    return asyncio.run(read())


def _current(settings: Settings) -> int:
    from bot.backup.schema import SchemaHistory

    if settings.is_sqlite:
        from bot.backup.backup import sqlite_database_path

        if not sqlite_database_path(settings.database_url).exists():
            raise BackupError(f"there is no database at {sqlite_database_path(settings.database_url)}")
    history = SchemaHistory()
    revision = _revision(settings)
    if revision is None:
        state = "no schema yet: `stretchbot db upgrade` (or starting the bot) creates it"
    elif revision == history.head:
        state = "up to date"
    elif history.is_newer(revision, history.head):
        state = "newer than this code knows: it was upgraded by a newer stretchbot"
    else:
        state = "older: `stretchbot db upgrade` (or starting the bot) upgrades it"
    print(f"schema {revision or 'none'} (newest known: {history.head}): {state}")
    return 0


def _downgrade(settings: Settings, target: str) -> int:
    from bot.backup.schema import SchemaHistory
    from bot.db.migrate import downgrade_database
    from bot.db.unit_of_work import Database

    history = SchemaHistory()
    if target != "base" and not history.knows(target):
        raise BackupError(
            f"this stretchbot knows no schema revision {target!r} (see `stretchbot db current`)", exit_code=2
        )
    if settings.is_sqlite:
        from bot.backup.backup import sqlite_database_path
        from bot.backup.in_use import database_in_use
        from bot.backup.restore import in_use_message

        path = sqlite_database_path(settings.database_url)
        if not path.exists():
            raise BackupError(f"there is no database at {path}")
        if database_in_use(path):
            raise BackupError(in_use_message(path))
    revision = _revision(settings)
    wanted = None if target == "base" else target
    if revision is not None and not history.knows(revision):
        raise BackupError(
            f"the database has schema {revision}, which this stretchbot does not know: run `stretchbot db downgrade` "
            "with the newer version that upgraded it (before installing the older one)"
        )
    if not history.is_newer(revision, wanted):
        print(f"schema {revision or 'none'} is not newer than {target}: nothing to do")
        return 0

    async def downgrade() -> None:
        database = Database(settings.database_url)
        try:
            await downgrade_database(database, target)
        finally:
            await database.dispose()

    asyncio.run(downgrade())
    print(f"schema downgraded from {revision} to {target}")
    return 0


def _backup(settings: Settings, path: Path | None, keep: int | None) -> int:
    from bot.backup.backup import backup_database, sqlite_database_path

    database = sqlite_database_path(settings.database_url)
    destination = path if path is not None else settings.backup_dir
    if destination is None:
        raise BackupError(
            "say where the backup goes: `stretchbot db backup DIRECTORY` (or FILE.sqlite3), or set BACKUP_DIR "
            "(a directory other than the database's own)",
            exit_code=2,
        )
    if keep is not None and keep < 1:
        raise BackupError("--keep must be 1 or more", exit_code=2)
    result = backup_database(database, destination, keep=keep if keep is not None else settings.backup_keep)
    snapshot = result.snapshot
    print(
        f"backup written: {snapshot.path} ({snapshot.size / 1e6:.1f} MB, schema {snapshot.revision or 'none'}, "
        f"integrity ok); {result.kept} kept, {len(result.pruned)} pruned"
    )
    return 0


def _restore(settings: Settings, backup: Path, allow_older_schema: bool) -> int:
    from bot.backup.backup import sqlite_database_path
    from bot.backup.restore import restore_database

    result = restore_database(
        sqlite_database_path(settings.database_url), backup, allow_older_schema=allow_older_schema
    )
    print(f"restored {backup} (schema {result.revision}) into {result.database}")
    if result.replaced is not None:
        print(f"the database it replaced (schema: {result.replaced_schema}) is kept as {result.replaced}")
    if result.revision != result.head:
        print(f"the bot upgrades the schema from {result.revision} to {result.head} when it starts")
    return 0
