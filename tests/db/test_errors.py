"""Database failures named by kind (never by message), from real SQLite errors: a full database, a read-only one, a
failing statement; and PostgreSQL's SQLSTATE classes."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import exc as sa_exc

from bot.db.errors import DatabaseUnavailable, classify
from bot.logging_setup import describe_failure


def _raised(action: object) -> BaseException:
    try:
        action()  # type: ignore[operator]
    except BaseException as exc:
        return exc
    raise AssertionError("nothing raised")


def test_a_full_database_is_sqlite_full_and_unavailable(tmp_path: Path) -> None:
    connection = sqlite3.connect(tmp_path / "full.sqlite3")
    connection.execute("CREATE TABLE t (x)")
    connection.execute("PRAGMA max_page_count = 3")  # as full as a full disk, for SQLite

    def fill() -> None:
        for _ in range(100):
            connection.execute("INSERT INTO t VALUES (?)", ("x" * 2000,))

    error = _raised(fill)
    failure = classify(
        sa_exc.OperationalError("INSERT ...", {"x": "rating-value-marker"}, error)
    )  # as SQLAlchemy wraps it
    assert failure is not None and (failure.kind, failure.unavailable, failure.read_only) == (
        "SQLITE_FULL",
        True,
        False,
    )
    logged = describe_failure(sa_exc.OperationalError("INSERT ...", {"x": "rating-value-marker"}, error))
    assert "[SQLITE_FULL]" in logged and "rating-value-marker" not in logged


def test_a_read_only_database_is_sqlite_readonly(tmp_path: Path) -> None:
    path = tmp_path / "ro.sqlite3"
    sqlite3.connect(path).execute("CREATE TABLE t (x)")
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    failure = classify(_raised(lambda: connection.execute("INSERT INTO t VALUES (1)")))
    assert failure is not None and failure.kind == "SQLITE_READONLY" and failure.unavailable and failure.read_only


def test_a_failing_statement_is_a_database_error_but_not_an_outage(tmp_path: Path) -> None:
    connection = sqlite3.connect(tmp_path / "c.sqlite3")
    connection.execute("CREATE TABLE t (x UNIQUE)")
    connection.execute("INSERT INTO t VALUES (1)")
    failure = classify(_raised(lambda: connection.execute("INSERT INTO t VALUES (1)")))
    assert failure is not None and failure.kind == "SQLITE_CONSTRAINT_UNIQUE" and not failure.unavailable


class _PgError(Exception):
    def __init__(self, sqlstate: str) -> None:
        super().__init__("message with user data 7.5")
        self.sqlstate = sqlstate


@pytest.mark.parametrize(
    ("sqlstate", "unavailable", "label"),
    [
        ("57P01", True, "class 57: operator intervention"),  # admin shutdown: a restart
        ("08006", True, "class 08: connection exception"),
        ("53100", True, "class 53: insufficient resources"),  # disk full
        ("25006", True, "class 25: invalid transaction state"),  # read-only transaction (a standby)
        ("23505", False, "class 23: integrity constraint violation"),
    ],
)
def test_postgres_errors_are_named_by_sqlstate_and_class(sqlstate: str, unavailable: bool, label: str) -> None:
    failure = classify(sa_exc.DBAPIError("UPDATE ...", None, _PgError(sqlstate)))
    assert failure is not None and failure.kind == f"SQLSTATE {sqlstate} ({label})"
    assert failure.unavailable is unavailable
    assert "7.5" not in failure.kind


def test_a_refused_database_and_other_errors() -> None:
    refused = classify(DatabaseUnavailable("was deleted"))
    assert refused is not None and refused.unavailable and refused.kind == "refused: was deleted"
    assert classify(ValueError("not a database error")) is None
    assert classify(ConnectionRefusedError(111, "refused")) is None, "an OSError outside database code is not one"
