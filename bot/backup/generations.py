"""The copies in a backup directory: `<stem>-<UTC time>.sqlite3` (stem: the database file's name without its
suffix), oldest first by the time in the name; pruning keeps the newest N and touches no other file."""

from __future__ import annotations

import contextlib
import os
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from bot.backup.snapshot import PARTIAL_SUFFIX

SUFFIX = ".sqlite3"
STAMP_FORMAT = "%Y%m%dT%H%M%SZ"


@dataclass(frozen=True, order=True)
class Generation:
    taken_at: datetime
    counter: int  # a second copy within the same second gets -1, -2, ...
    path: Path = field(compare=False)


def _pattern(stem: str) -> re.Pattern[str]:
    return re.compile(rf"^{re.escape(stem)}-(?P<stamp>\d{{8}}T\d{{6}}Z)(?:-(?P<counter>\d+))?{re.escape(SUFFIX)}$")


def generations(directory: Path, stem: str) -> list[Generation]:
    """The copies of database `stem` in `directory`, oldest first."""
    if not directory.is_dir():
        return []
    pattern = _pattern(stem)
    found: list[Generation] = []
    for path in directory.iterdir():
        match = pattern.match(path.name)
        if match and path.is_file():
            taken_at = datetime.strptime(match["stamp"], STAMP_FORMAT).replace(tzinfo=UTC)
            found.append(Generation(taken_at, int(match["counter"] or 0), path))
    return sorted(found)


def new_generation_path(directory: Path, stem: str, now: datetime) -> Path:
    """A name for a new copy taken at `now` that no existing file has."""
    base = f"{stem}-{now.astimezone(UTC).strftime(STAMP_FORMAT)}"
    path = directory / f"{base}{SUFFIX}"
    counter = 0
    while path.exists():
        counter += 1
        path = directory / f"{base}-{counter}{SUFFIX}"
    return path


def prune(directory: Path, stem: str, keep: int) -> list[Path]:
    """Delete all but the newest `keep` copies of `stem`; the deleted paths, oldest first."""
    if keep < 1:
        raise ValueError("keep at least one backup")
    old = generations(directory, stem)[:-keep]
    for generation in old:
        generation.path.unlink(missing_ok=True)
    return [generation.path for generation in old]


def remove_abandoned_partials(directory: Path, stem: str) -> list[Path]:
    """Delete partial copies of `stem` left by a backup process that no longer runs (killed mid-copy)."""
    pattern = re.compile(rf"^\.{re.escape(stem)}-.*{re.escape(SUFFIX)}\.(?P<pid>\d+){re.escape(PARTIAL_SUFFIX)}$")
    removed: list[Path] = []
    if not directory.is_dir():
        return removed
    for path in directory.iterdir():
        match = pattern.match(path.name)
        if match and not _process_exists(int(match["pid"])):
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
                removed.append(path)
    return removed


def _process_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    return True
