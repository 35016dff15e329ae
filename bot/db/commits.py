"""Whether the update being handled has committed anything yet, so an error reply can tell the truth.

An error before the first commit means what the user sent was not stored; an error after it (a reply that could not
be sent, say) means it was. The update processor opens a `CommitRecord` for each update (`recording_commits`);
every read-write unit of work that commits adds to it (`note_commit`), and the error handler reads it
(`current_commits`). A context variable, so concurrent updates each see their own.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass
class CommitRecord:
    commits: int = 0


_current: ContextVar[CommitRecord | None] = ContextVar("stretchbot_commit_record", default=None)


@contextmanager
def recording_commits() -> Iterator[CommitRecord]:
    """A fresh record for the code run inside (one update)."""
    record = CommitRecord()
    token = _current.set(record)
    try:
        yield record
    finally:
        _current.reset(token)


def note_commit() -> None:
    record = _current.get()
    if record is not None:
        record.commits += 1


def current_commits() -> CommitRecord | None:
    """The record of the update being handled (None outside one)."""
    return _current.get()
