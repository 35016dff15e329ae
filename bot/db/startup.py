"""The database at start-up, before the bot says it is up: the right file, the schema, and proof that it can write.

1. SQLite: if the configured file is missing or has no schema yet, `bot.db.location` looks for signs that the real
   database is elsewhere and refuses if it finds any; otherwise a WARNING names the absolute path of the new,
   empty database. PostgreSQL: a WARNING when the schema is created in an empty database.
2. The schema is brought up to date (Alembic; `migrate=False` skips it).
3. A real write (a no-op UPDATE of `alembic_version`, committed) proves the database takes writes: a read-only
   file, a full disk or a read-only server stop the start here, instead of failing every input later.

Anything that stops the start is a `DatabaseRefused` with one line to print; `stretchbot run` exits with 3.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from sqlalchemy import text

from bot.db.errors import classify
from bot.db.location import DatabaseRefused, SqliteLocation, holds_schema, refuse_new_database, sqlite_location
from bot.db.migrate import upgrade_database
from bot.db.unit_of_work import Database

log = logging.getLogger("bot.db")

TOUCH = text("UPDATE alembic_version SET version_num = version_num")


async def prove_writable(database: Database) -> None:
    """Commit a write that changes nothing; raises what the database raises."""
    async with database.write_connection() as connection:
        await connection.execute(TOUCH)


async def _postgres_schema_missing(database: Database) -> bool:
    async with database.engine.connect() as connection:
        found = (await connection.execute(text("SELECT to_regclass('alembic_version')"))).scalar()
    return found is None


async def prepare_database(database: Database, *, migrate: bool = True) -> None:
    """Check, migrate and prove the database writable; `DatabaseRefused` if the bot must not start on it."""
    where = database.health.description
    location = sqlite_location(database.url) if database.is_sqlite else None
    try:
        if location is not None:
            existing = location.path.exists() and location.path.stat().st_size > 0
            has_schema = holds_schema(location.path, immutable=False) if existing else False
            if has_schema is False:
                refuse_new_database(location)
                log.warning(
                    "%s at %s (DATABASE_URL: %s). If the bot should have data already, stop it and fix DATABASE_URL.",
                    "Creating the schema in the database" if existing else "Creating a new, empty database",
                    location.path,
                    location.configured,
                )
        elif migrate and not database.is_sqlite and await _postgres_schema_missing(database):
            log.warning("Creating the schema in the empty database %s", where)
        if migrate:
            await upgrade_database(database)
        await prove_writable(database)
    except DatabaseRefused:
        raise
    except Exception as exc:
        failure = classify(exc)
        if failure is None or not failure.unavailable:
            raise
        blocked = _not_writable(location) if location is not None else []
        if blocked:
            advice = "not writable for this process: " + ", ".join(str(p) for p in blocked)
        else:
            advice = "check that it is reachable, that the disk is not full and not mounted read-only"
        raise DatabaseRefused(f"cannot use the database {where} ({failure.kind}): {advice}.") from None


def _not_writable(location: SqliteLocation) -> list[Path]:
    """The database file, its `-wal` and `-shm` (SQLite creates them with the file's permissions, so a file once
    read-only leaves read-only companions behind) and its directory, where this process may not write."""
    path = location.path
    candidates = [path, *(path.with_name(path.name + suffix) for suffix in ("-wal", "-shm")), path.parent]
    return [p for p in candidates if p.exists() and not os.access(p, os.W_OK)]
