"""What kind of database failure an exception is, named without its message (which can quote user data).

SQLite names its errors (`SQLITE_FULL`, `SQLITE_READONLY_DBMOVED`: Python 3.11's `sqlite3.Error.sqlite_errorname`);
PostgreSQL gives a SQLSTATE whose first two characters are its class (`57P01`, class 57: operator intervention).
A connection that cannot be made or was lost shows up as an `OSError` or a driver "interface" error. Those names
are safe to log: they never contain statement parameters or values.

`classify` tells apart a database that is *unavailable* (full, read-only, gone, restarting, unreachable: the same
statement would work later) from a failing statement (a bug, a constraint): both mean the input was not stored,
but only the first is an outage.
"""

from __future__ import annotations

import errno
import sqlite3
from dataclasses import dataclass
from types import TracebackType

from sqlalchemy import exc as sa_exc

# SQLite error names (primary codes; extended names start with these) that mean "the database is not usable right
# now", not "this statement is wrong".
_SQLITE_UNAVAILABLE = (
    "SQLITE_FULL",
    "SQLITE_READONLY",
    "SQLITE_IOERR",
    "SQLITE_CANTOPEN",
    "SQLITE_BUSY",
    "SQLITE_LOCKED",
    "SQLITE_CORRUPT",
    "SQLITE_NOTADB",
    "SQLITE_PERM",
    "SQLITE_NOLFS",
)
# PostgreSQL SQLSTATE classes (and single codes) of the same meaning.
_PG_UNAVAILABLE_CLASSES = {"08", "53", "57", "58"}
_PG_UNAVAILABLE_CODES = {"25006", "40P01"}  # read-only transaction (a standby); deadlock detected (retry works)
_PG_CLASS_NAMES = {
    "08": "connection exception",
    "22": "data exception",
    "23": "integrity constraint violation",
    "25": "invalid transaction state",
    "40": "transaction rollback",
    "42": "syntax error or access rule violation",
    "53": "insufficient resources",
    "54": "program limit exceeded",
    "57": "operator intervention",
    "58": "system error",
    "XX": "internal error",
}
_DRIVER_MODULES = ("sqlalchemy", "asyncpg", "aiosqlite", "sqlite3", "bot.db")


class DatabaseUnavailable(Exception):
    """The bot refuses to use the database: its file was deleted or replaced, or it turned read-only (see
    `bot.db.health`). Raised instead of writing where the data would be lost."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class DatabaseFailure:
    kind: str  # safe to log: an error name, a SQLSTATE, a connection failure
    unavailable: bool  # the database cannot be used right now (an outage), rather than a failing statement
    read_only: bool = False  # it cannot be written at all (a read-only file or server)


def _chain(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and all(current is not s for s in seen):
        seen.append(current)
        orig = getattr(current, "orig", None)  # SQLAlchemy's DBAPIError wraps the driver's error
        if isinstance(orig, BaseException) and all(orig is not s for s in seen):
            seen.append(orig)
        current = current.__cause__ or current.__context__
    return seen


def _raised_in_database_code(tb: TracebackType | None) -> bool:
    while tb is not None:
        module = str(tb.tb_frame.f_globals.get("__name__", ""))
        if module.startswith(_DRIVER_MODULES):
            return True
        tb = tb.tb_next
    return False


def _sqlite(error: sqlite3.Error) -> DatabaseFailure:
    name = getattr(error, "sqlite_errorname", None) or type(error).__name__
    if name == "unknown" or not name.startswith("SQLITE_"):
        # Raised by Python's module itself, or by our own write queue ("database is locked ... waited").
        name = "SQLITE_BUSY" if "locked" in str(error) else f"sqlite3.{type(error).__name__}"
    return DatabaseFailure(name, name.startswith(_SQLITE_UNAVAILABLE), read_only=name.startswith("SQLITE_READONLY"))


def _postgres(sqlstate: str) -> DatabaseFailure:
    group = sqlstate[:2]
    label = _PG_CLASS_NAMES.get(group)
    kind = f"SQLSTATE {sqlstate} (class {group}{': ' + label if label else ''})"
    unavailable = group in _PG_UNAVAILABLE_CLASSES or sqlstate in _PG_UNAVAILABLE_CODES
    return DatabaseFailure(kind, unavailable, read_only=sqlstate == "25006")


def classify(exc: BaseException) -> DatabaseFailure | None:
    """The database failure `exc` is (looking through its causes), or None if it is not one."""
    chain = _chain(exc)
    for error in chain:
        if isinstance(error, DatabaseUnavailable):
            return DatabaseFailure(f"refused: {error.reason}", True, read_only=True)
        if isinstance(error, sqlite3.Error):
            return _sqlite(error)
        sqlstate = getattr(error, "sqlstate", None)
        if isinstance(sqlstate, str) and len(sqlstate) == 5:
            return _postgres(sqlstate)
    for error in chain:
        module = type(error).__module__
        if module.startswith("asyncpg"):  # InterfaceError, ConnectionDoesNotExistError...: the connection is gone
            return DatabaseFailure(f"connection lost ({type(error).__name__})", True)
        if isinstance(error, OSError) and _raised_in_database_code(error.__traceback__):
            code = errno.errorcode.get(error.errno or 0, type(error).__name__)
            return DatabaseFailure(f"cannot connect ({code})", True)
        if isinstance(error, sa_exc.TimeoutError):  # no connection free in the pool
            return DatabaseFailure("connection pool timeout", True)
    for error in chain:
        if isinstance(error, sa_exc.DBAPIError):
            return DatabaseFailure(type(error.orig).__name__ if error.orig is not None else type(error).__name__, False)
    return None
