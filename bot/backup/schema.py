"""The schema revision (Alembic's `alembic_version`) of a SQLite file, and how it compares with the migrations
this code knows: a backup made by a newer stretchbot cannot be run by this one, and restoring an older backup over
a newer schema is a rollback that loses what was written since."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from alembic.script import ScriptDirectory
from alembic.util import CommandError

from bot.backup.errors import BackupError
from bot.db.migrate import MIGRATIONS_DIR


def read_revision(connection: sqlite3.Connection) -> str | None:
    """The schema revision stored in the database; None if it has no schema (no `alembic_version` table)."""
    try:
        rows = connection.execute("SELECT version_num FROM alembic_version").fetchall()
    except sqlite3.OperationalError as exc:
        if "no such table" in str(exc):
            return None
        raise
    if not rows:
        return None
    if len(rows) > 1:
        raise BackupError(f"the database records {len(rows)} schema revisions at once; expected one")
    return str(rows[0][0])


class SchemaHistory:
    """The migrations of this code (bot/db/migrations/versions), as a history of revisions."""

    def __init__(self, migrations: Path = MIGRATIONS_DIR) -> None:
        self._script = ScriptDirectory(str(migrations))

    @property
    def head(self) -> str:
        head = self._script.get_current_head()
        assert head is not None, "the migrations have no head"
        return head

    def knows(self, revision: str) -> bool:
        try:
            return self._script.get_revision(revision) is not None
        except CommandError:
            return False

    def is_newer(self, revision: str | None, than: str | None) -> bool:
        """Whether schema `revision` comes after schema `than` (None: no schema). A revision this code does not
        know was written by a newer stretchbot, so it is newer than every revision this code knows."""
        if revision is None or revision == than:
            return False
        if not self.knows(revision):
            return than is None or self.knows(than)
        if than is None:
            return True
        return any(script.revision == than for script in self._script.iterate_revisions(revision, "base"))
