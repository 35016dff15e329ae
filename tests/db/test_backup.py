"""`stretchbot db backup`: a checked copy of the SQLite database in a directory of generations (or one file).

The copy under a running bot's load is tested with real processes in tests/e2e/test_backup_restore.py.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.backup.backup import backup_database
from bot.backup.errors import BackupError
from bot.backup.generations import generations, new_generation_path
from tests.db.migration_samples import head_revision
from tests.support.cli import cli_env, run_cli, run_main, sqlite_url

pytestmark = pytest.mark.sqlite_only

NOW = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)


@pytest.fixture
def database(tmp_path: Path, migrated_sqlite: Path) -> Path:
    path = tmp_path / "data" / "stretchbot.sqlite3"
    path.parent.mkdir()
    shutil.copyfile(migrated_sqlite, path)
    return path


def add_users(database: Path, *user_ids: int) -> None:
    connection = sqlite3.connect(database)
    with connection:
        connection.executemany(
            "INSERT INTO users (id, chat_id, created_at, updated_at) VALUES (?, ?, '2026-03-02', '2026-03-02')",
            [(uid, uid) for uid in user_ids],
        )
    connection.close()


def user_ids(database: Path) -> list[int]:
    connection = sqlite3.connect(database)
    try:
        return [row[0] for row in connection.execute("SELECT id FROM users ORDER BY id")]
    finally:
        connection.close()


def test_the_copy_holds_what_is_still_only_in_the_write_ahead_log(database: Path, tmp_path: Path) -> None:
    """Committed rows that are not yet checkpointed live in the -wal file: copying the main file alone (as `cp`
    would) loses them; the backup has them."""
    writer = sqlite3.connect(database, isolation_level=None)
    writer.execute("PRAGMA journal_mode=WAL")
    writer.execute("PRAGMA wal_autocheckpoint=0")
    writer.execute("INSERT INTO users (id, chat_id, created_at, updated_at) VALUES (7, 7, 'x', 'x')")
    try:
        naive = tmp_path / "naive.sqlite3"
        shutil.copyfile(database, naive)
        assert user_ids(naive) == []  # what `cp` gives while the bot runs
        result = backup_database(database, tmp_path / "backups", keep=3, now=NOW)
    finally:
        writer.close()
    assert user_ids(result.snapshot.path) == [7]
    assert result.snapshot.revision == head_revision()


def test_the_copy_is_one_private_checked_file(database: Path, tmp_path: Path) -> None:
    add_users(database, 1, 2)
    result = backup_database(database, tmp_path / "backups", keep=3, now=NOW)
    path = result.snapshot.path
    assert path == tmp_path / "backups" / "stretchbot-20260302T060000Z.sqlite3"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600  # users' health data
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]  # no -wal, -shm or partial beside it
    connection = sqlite3.connect(path)
    try:
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("delete",)
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    finally:
        connection.close()
    assert user_ids(path) == [1, 2]


def test_generations_are_pruned_to_keep_and_no_other_file_is_touched(database: Path, tmp_path: Path) -> None:
    backups = tmp_path / "backups"
    backups.mkdir()
    others = ["notes.txt", "stretchbot-manual.sqlite3", "other-20200101T000000Z.sqlite3"]
    for name in others:
        (backups / name).write_text("keep me")
    for day in range(5):
        backup_database(database, backups, keep=3, now=NOW + timedelta(days=day))
    names = sorted(p.name for p in backups.iterdir())
    assert names == sorted([*others, *(f"stretchbot-2026030{d}T060000Z.sqlite3" for d in (4, 5, 6))])


def test_two_copies_in_one_second_get_their_own_names(database: Path, tmp_path: Path) -> None:
    backups = tmp_path / "backups"
    first = backup_database(database, backups, keep=5, now=NOW).snapshot.path
    second = backup_database(database, backups, keep=5, now=NOW).snapshot.path
    third = backup_database(database, backups, keep=5, now=NOW + timedelta(seconds=1)).snapshot.path
    assert [g.path for g in generations(backups, "stretchbot")] == [first, second, third]
    assert second.name == "stretchbot-20260302T060000Z-1.sqlite3"
    assert new_generation_path(backups, "stretchbot", NOW).name == "stretchbot-20260302T060000Z-2.sqlite3"


def test_a_file_destination_is_one_copy_without_pruning(database: Path, tmp_path: Path) -> None:
    add_users(database, 3)
    target = tmp_path / "before-upgrade.sqlite3"
    result = backup_database(database, target, keep=1)
    assert result.snapshot.path == target
    assert user_ids(target) == [3]


def test_the_databases_own_directory_is_refused(database: Path) -> None:
    for destination in (database.parent, database.parent / "copy.sqlite3"):
        with pytest.raises(BackupError, match="the database's own directory"):
            backup_database(database, destination, keep=3)
    assert sorted(p.name for p in database.parent.iterdir()) == ["stretchbot.sqlite3"]


def test_a_missing_database_is_an_error_and_creates_nothing(tmp_path: Path) -> None:
    missing = tmp_path / "data" / "nothing.sqlite3"
    with pytest.raises(BackupError, match="there is no database at"):
        backup_database(missing, tmp_path / "backups", keep=3)
    assert not missing.exists()
    assert not (tmp_path / "backups").exists()


def test_a_corrupt_database_fails_the_check_and_leaves_no_copy(database: Path, tmp_path: Path) -> None:
    add_users(database, *range(1, 2000))
    with database.open("r+b") as file:  # overwrite the middle of the file: pages of the users table and index
        file.seek(database.stat().st_size // 2)
        file.write(os.urandom(8192))
    backups = tmp_path / "backups"
    with pytest.raises(BackupError, match=r"integrity check|malformed|not a database"):
        backup_database(database, backups, keep=3)
    assert list(backups.iterdir()) == []


def test_a_partial_copy_of_a_killed_backup_is_removed_by_the_next(database: Path, tmp_path: Path) -> None:
    backups = tmp_path / "backups"
    backups.mkdir()
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    abandoned = backups / f".stretchbot-20260301T060000Z.sqlite3.{dead.stdout.strip()}.partial"
    abandoned.write_text("half a copy")
    mine = backups / f".stretchbot-20260301T070000Z.sqlite3.{os.getpid()}.partial"  # a copy still being made
    mine.write_text("in progress")
    backup_database(database, backups, keep=3, now=NOW)
    assert not abandoned.exists()
    assert mine.exists()


def test_cli_backup_into_backup_dir_and_its_output(
    database: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = {"DATABASE_URL": sqlite_url(database), "BACKUP_DIR": str(tmp_path / "backups"), "BACKUP_KEEP": "2"}
    for _ in range(3):
        code, out, err = run_main(
            "db", "backup", settings=settings, cwd=tmp_path, monkeypatch=monkeypatch, capsys=capsys
        )
        assert code == 0, err
    assert "integrity ok); 2 kept, 1 pruned" in out
    assert out.startswith(f"backup written: {tmp_path / 'backups' / 'stretchbot-'}")
    assert len(generations(tmp_path / "backups", "stretchbot")) == 2
    code, _, err = run_main(
        "db", "backup", tmp_path / "elsewhere", "--keep", "1",
        settings=settings, cwd=tmp_path, monkeypatch=monkeypatch, capsys=capsys,
    )  # fmt: skip
    assert code == 0, err
    assert len(generations(tmp_path / "elsewhere", "stretchbot")) == 1


def test_cli_backup_as_a_process(database: Path, tmp_path: Path) -> None:
    result = run_cli("db", "backup", tmp_path / "backups", env=cli_env(DATABASE_URL=sqlite_url(database)), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("backup written: ") and result.stderr == ""


@pytest.mark.parametrize(
    ("settings", "args", "code", "message"),
    [
        ({}, [], 2, "say where the backup goes: `stretchbot db backup DIRECTORY`"),
        ({"BACKUP_DIR": ""}, [], 2, "say where the backup goes"),
        ({}, ["{data}"], 2, "is the database's own directory"),
        ({}, ["{tmp}/b", "--keep", "0"], 2, "--keep must be 1 or more"),
        ({"DATABASE_URL": "sqlite+aiosqlite:///{tmp}/none.sqlite3"}, ["{tmp}/b"], 1, "there is no database at"),
        (
            {"DATABASE_URL": "postgresql+asyncpg://u:secret@db/x"},
            ["{tmp}/b"],
            2,
            "the database is PostgreSQL: back it up with pg_dump",
        ),
    ],
)
def test_cli_backup_refusals_are_one_clear_line(
    database: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    settings: dict[str, str],
    args: list[str],
    code: int,
    message: str,
) -> None:
    def fill(text: str) -> str:
        return text.format(tmp=tmp_path, data=database.parent)

    values = {"DATABASE_URL": sqlite_url(database)} | {k: fill(v) for k, v in settings.items()}
    exit_code, _, err = run_main(
        "db", "backup", *map(fill, args), settings=values, cwd=tmp_path, monkeypatch=monkeypatch, capsys=capsys
    )
    assert exit_code == code, err
    assert err.count("\n") == 1 and err.startswith("stretchbot: "), err
    assert message in err
    assert "secret" not in err
    assert not (tmp_path / "b").exists()
