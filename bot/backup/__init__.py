"""Backups of the SQLite database and restoring them: `stretchbot db backup` / `db restore` and the scheduled backup.

- `snapshot`: one consistent, checked copy of a database that may be in use (SQLite's online backup API).
- `generations`: the timestamped copies in a backup directory, and pruning them to the newest N.
- `backup`: `backup_database`, what `stretchbot db backup` and the scheduled backup run.
- `in_use`: whether another process has the database open (a running bot).
- `schema`: the schema revision of a database file, compared with the migrations this code knows.
- `restore`: `restore_database`, with its refusals.
- `scheduled`: the backup every `BACKUP_INTERVAL_HOURS` inside the running bot.

PostgreSQL is backed up with its own tools (`pg_dump`, `pg_restore`; see docs/deployment.md).
"""
