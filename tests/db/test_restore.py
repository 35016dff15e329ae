"""`stretchbot db restore`: a backup replaces the SQLite database, the replaced one is kept; and the refusals
(nothing changes): a backup from a newer stretchbot, a newer schema in place, the database open in another process,
a file that is not a sound stretchbot backup.

The restore of a backup made under a running bot's load is in tests/e2e/test_backup_restore.py.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from bot.backup.backup import backup_database
from bot.backup.errors import RestoreRefused
from bot.backup.restore import restore_database
from bot.backup.schema import SchemaHistory
from bot.db.migrate import MIGRATIONS_DIR
from tests.db.migration_samples import LATER_REVISION, head_revision
from tests.db.test_backup import add_users, user_ids
from tests.support.cli import run_main, sqlite_url

pytestmark = pytest.mark.sqlite_only


@pytest.fixture
def database(tmp_path: Path, migrated_sqlite: Path) -> Path:
    path = tmp_path / "data" / "stretchbot.sqlite3"
    path.parent.mkdir()
    shutil.copyfile(migrated_sqlite, path)
    add_users(path, 1, 2)
    return path


@pytest.fixture
def backup(database: Path, tmp_path: Path) -> Path:
    """A backup holding users 1 and 2; the database then gets user 3."""
    path = backup_database(database, tmp_path / "backups", keep=3).snapshot.path
    add_users(database, 3)
    return path


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def set_revision(path: Path, revision: str) -> None:
    connection = sqlite3.connect(path)
    with connection:
        connection.execute("UPDATE alembic_version SET version_num = ?", (revision,))
    connection.close()


def test_restore_puts_the_backup_in_place_and_keeps_the_replaced_database(database: Path, backup: Path) -> None:
    # The bot was killed: its last commit is still only in the write-ahead log, which must move with the file.
    writer = sqlite3.connect(database, isolation_level=None)
    writer.execute("PRAGMA journal_mode=WAL")
    writer.execute("PRAGMA wal_autocheckpoint=0")
    writer.execute("INSERT INTO users (id, chat_id, created_at, updated_at) VALUES (4, 4, 'x', 'x')")
    os.chmod(database, 0o640)
    wal_copy = database.with_name("wal-copy")
    shutil.copyfile(database.with_name(database.name + "-wal"), wal_copy)
    main_copy = database.with_name("main-copy")
    shutil.copyfile(database, main_copy)
    writer.close()  # the last connection checkpoints: put the files back as a killed process leaves them
    shutil.copyfile(main_copy, database)
    shutil.copyfile(wal_copy, database.with_name(database.name + "-wal"))
    main_copy.unlink()
    wal_copy.unlink()

    result = restore_database(database, backup)

    assert user_ids(database) == [1, 2]
    assert stat.S_IMODE(database.stat().st_mode) == 0o640  # the mode of the file it replaced
    assert result.replaced is not None and result.replaced.name.startswith("stretchbot.before-restore-")
    assert user_ids(result.replaced) == [1, 2, 3, 4]  # with what was only in its write-ahead log
    assert (result.revision, result.replaced_schema) == (head_revision(), head_revision())
    leftovers = {p.name for p in database.parent.iterdir()} - {database.name, result.replaced.name}
    assert leftovers <= {database.name + "-wal", database.name + "-shm"}, leftovers  # no partial or staged copy


def test_restore_onto_a_machine_without_a_database(database: Path, backup: Path) -> None:
    database.unlink()
    result = restore_database(database, backup)
    assert result.replaced is None
    assert user_ids(database) == [1, 2]


@pytest.mark.skipif(os.geteuid() != 0, reason="giving a file to another user needs root")
def test_a_restore_run_as_root_leaves_a_file_the_service_user_owns(database: Path, backup: Path) -> None:
    os.chown(database, 4242, 4343)
    restore_database(database, backup)
    assert (database.stat().st_uid, database.stat().st_gid) == (4242, 4343)


def test_refuses_a_backup_made_by_a_newer_stretchbot(database: Path, backup: Path) -> None:
    set_revision(backup, "9999_future")
    before = digest(database)
    with pytest.raises(RestoreRefused, match="has schema 9999_future, which this stretchbot does not know"):
        restore_database(database, backup)
    assert digest(database) == before


def test_refuses_to_take_a_newer_schema_back_unless_asked(database: Path, backup: Path) -> None:
    set_revision(database, "9999_future")  # upgraded by a newer stretchbot than the one restoring
    before = digest(database)
    with pytest.raises(RestoreRefused, match=f"has schema 9999_future, newer than the backup's {head_revision()}"):
        restore_database(database, backup)
    assert digest(database) == before
    result = restore_database(database, backup, allow_older_schema=True)
    assert user_ids(database) == [1, 2]
    assert result.replaced_schema == "9999_future"


def test_refuses_while_another_process_has_the_database_open(database: Path, backup: Path) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", (
            "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute('PRAGMA journal_mode=WAL');"
            "c.execute('SELECT count(*) FROM users').fetchall(); print('open', flush=True); sys.stdin.read()"
        ), str(database)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "open\n"
        with pytest.raises(RestoreRefused, match="is open in another process: is the bot running"):
            restore_database(database, backup)
        assert user_ids(database) == [1, 2, 3]
    finally:
        holder.communicate("", timeout=10)
    restore_database(database, backup)  # closed: now it goes
    assert user_ids(database) == [1, 2]


def test_refuses_a_file_that_is_not_a_sound_backup(database: Path, tmp_path: Path) -> None:
    before = digest(database)
    text = tmp_path / "notes.sqlite3"
    text.write_text("not a database " * 100)
    empty = tmp_path / "empty.sqlite3"
    sqlite3.connect(empty).execute("CREATE TABLE t (x)").connection.close()
    with pytest.raises(RestoreRefused, match=r"not a database|failed the integrity check"):
        restore_database(database, text)
    with pytest.raises(RestoreRefused, match="has no stretchbot schema"):
        restore_database(database, empty)
    with pytest.raises(RestoreRefused, match="there is no file at"):
        restore_database(database, tmp_path / "missing.sqlite3")
    assert digest(database) == before


def two_revision_history(tmp_path: Path) -> SchemaHistory:
    """This code's migrations plus a later one, as a newer stretchbot would have them."""
    migrations = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS_DIR, migrations, ignore=shutil.ignore_patterns("__pycache__"))
    (migrations / "versions" / f"{LATER_REVISION}_later.py").write_text(
        f'revision = "{LATER_REVISION}"\ndown_revision = "{head_revision()}"\nbranch_labels = None\n'
        "depends_on = None\n\n\ndef upgrade() -> None:\n    pass\n\n\ndef downgrade() -> None:\n    pass\n"
    )
    return SchemaHistory(migrations)


def test_schema_order(tmp_path: Path) -> None:
    history = two_revision_history(tmp_path)
    head, later = head_revision(), LATER_REVISION
    assert history.head == later
    assert history.is_newer(later, head)
    assert not history.is_newer(head, later)
    assert not history.is_newer(head, head)
    assert history.is_newer("0001", None)
    assert not history.is_newer(None, "0001")
    assert history.is_newer("abcd_unknown", later)  # only a newer stretchbot writes a revision this one lacks
    assert not history.is_newer(later, "abcd_unknown")


def test_refuses_to_take_a_known_newer_schema_back_unless_asked(database: Path, backup: Path, tmp_path: Path) -> None:
    set_revision(database, LATER_REVISION)
    history = two_revision_history(tmp_path)
    with pytest.raises(RestoreRefused, match=f"has schema {LATER_REVISION}, newer than the backup's {head_revision()}"):
        restore_database(database, backup, history=history)
    restore_database(database, backup, history=history, allow_older_schema=True)
    assert user_ids(database) == [1, 2]


def test_cli_restore_and_its_refusals(
    database: Path, backup: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def stretchbot(*args: str | Path, url: str = sqlite_url(database)) -> tuple[int, str, str]:
        return run_main(*args, settings={"DATABASE_URL": url}, cwd=tmp_path, monkeypatch=monkeypatch, capsys=capsys)

    set_revision(database, "9999_future")
    code, _, err = stretchbot("db", "restore", backup)
    assert code == 1
    assert err.startswith("stretchbot: ") and err.count("\n") == 1, err
    assert "run again with --allow-older-schema" in err
    code, out, err = stretchbot("db", "restore", backup, "--allow-older-schema")
    assert code == 0, err
    lines = out.splitlines()
    head = head_revision()
    assert lines[0] == f"restored {backup} (schema {head}) into {database}"
    assert lines[1].startswith("the database it replaced (schema: 9999_future) is kept as ")
    assert user_ids(database) == [1, 2]
    assert stretchbot("db", "current")[1] == f"schema {head} (newest known: {head}): up to date\n"
    code, _, err = stretchbot("db", "restore", backup, url="postgresql+asyncpg://u@h/x")
    assert code == 2
    assert "restore it with pg_restore" in err
