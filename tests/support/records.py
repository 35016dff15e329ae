"""Watching the fan-out's "mark sent" statements (one per record transaction) as SQLAlchemy runs them."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

MARK_SENT = "UPDATE reminder_deliveries SET status=?, lease_until=?, sent_at=?"


@contextmanager
def on_mark_sent(seen: Callable[[int], None]) -> Iterator[None]:
    """Call `seen(rows)` before each "mark sent" statement runs, with the number of deliveries it writes; an
    exception `seen` raises fails that statement."""

    def hook(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, executemany: bool) -> None:
        if statement.startswith(MARK_SENT):
            seen(len(parameters) if executemany else 1)

    event.listen(Engine, "before_cursor_execute", hook)
    try:
        yield
    finally:
        event.remove(Engine, "before_cursor_execute", hook)
