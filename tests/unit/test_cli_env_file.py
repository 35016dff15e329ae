"""`stretchbot --env-file FILE`: the service's settings file for commands run by hand (`db backup` as the service
user). The environment still wins, as it does over `.env`; a file that cannot be read is one clear line."""

from __future__ import annotations

from pathlib import Path

from tests.support.cli import cli_env, run_cli


def test_settings_come_from_the_env_file(tmp_path: Path) -> None:
    env_file = tmp_path / "stretchbot.env"
    env_file.write_text(f"# the service's settings\nDATABASE_URL=sqlite+aiosqlite:///{tmp_path}/from-file.sqlite3\n")
    result = run_cli("--env-file", env_file, "db", "upgrade", env=cli_env(), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "from-file.sqlite3").exists()


def test_the_environment_wins_over_the_env_file(tmp_path: Path) -> None:
    env_file = tmp_path / "stretchbot.env"
    env_file.write_text(f"DATABASE_URL=sqlite+aiosqlite:///{tmp_path}/from-file.sqlite3\n")
    env = cli_env(DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path}/from-env.sqlite3")
    result = run_cli("--env-file", env_file, "db", "upgrade", env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "from-env.sqlite3").exists()
    assert not (tmp_path / "from-file.sqlite3").exists()


def test_an_unreadable_env_file_is_one_clear_line(tmp_path: Path) -> None:
    result = run_cli("--env-file", tmp_path / "missing.env", "db", "upgrade", env=cli_env(), cwd=tmp_path)
    assert result.returncode == 2
    assert (
        result.stderr
        == f"stretchbot: cannot read the settings file {tmp_path / 'missing.env'}: No such file or directory\n"
    )
