"""The one error of backups and restores: its message is for the operator and safe to log (paths, revisions,
never database contents)."""

from __future__ import annotations


class BackupError(Exception):
    """A backup or restore could not be done, or was refused; the message says why and what to do."""

    def __init__(self, message: str, *, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code


class RestoreRefused(BackupError):
    """`stretchbot db restore` refused to replace the database (it is in use, or the schemas do not allow it)."""
