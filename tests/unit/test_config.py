"""Settings: defaults, parsing, and one clear line (exit code 2) for a missing or invalid setting."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import DEFAULT_DATABASE_URL, Settings, SettingsError, load_settings


def test_defaults_need_no_environment() -> None:
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.database_url == DEFAULT_DATABASE_URL
    assert settings.telegram_api_url == "https://api.telegram.org"
    assert settings.admin_user_ids == frozenset()
    assert settings.is_sqlite


def test_values_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADMIN_USER_IDS", "12, 34;56")
    monkeypatch.setenv("TELEGRAM_API_URL", "http://127.0.0.1:8081/")
    monkeypatch.setenv("LOG_LEVEL", "debug")
    settings = load_settings(_env_file=None)
    assert settings.admin_user_ids == frozenset({12, 34, 56})
    assert settings.telegram_api_url == "http://127.0.0.1:8081"
    assert settings.log_level == "DEBUG"


def test_values_from_dotenv_file(tmp_path: Path) -> None:
    env = tmp_path / ".env"
    env.write_text("TELEGRAM_BOT_TOKEN=123456789:ABCDEFGHIJKLMNOPQRSTUVWXYZ\nDEFAULT_TIMEZONE=Europe/Berlin\n")
    settings = load_settings(_env_file=env)
    assert settings.require_token() == "123456789:ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    assert settings.default_timezone == "Europe/Berlin"


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("DEFAULT_TIMEZONE", "Mars/Olympus", "DEFAULT_TIMEZONE must be an IANA timezone name"),
        ("ADMIN_USER_IDS", "alice,bob", "ADMIN_USER_IDS must be Telegram user ids"),
        ("TELEGRAM_API_URL", "ftp://example", "TELEGRAM_API_URL must start with http:// or https://"),
        ("DATABASE_URL", "mysql://x", "DATABASE_URL must start with sqlite+aiosqlite:///"),
        ("LOG_LEVEL", "LOUD", "LOG_LEVEL must be one of"),
        ("CATCH_UP_HOURS", "-1", "CATCH_UP_HOURS"),
    ],
)
def test_invalid_setting_names_the_variable(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, message: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError, match=message.replace("+", r"\+")):
        load_settings(_env_file=None)


def test_missing_or_malformed_token() -> None:
    with pytest.raises(SettingsError, match="TELEGRAM_BOT_TOKEN is not set: create a bot with @BotFather"):
        Settings(_env_file=None).require_token()  # type: ignore[call-arg]
    with pytest.raises(SettingsError, match="does not look like a bot token"):
        Settings(_env_file=None, telegram_bot_token="nonsense").require_token()  # type: ignore[call-arg]


def _cli(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], capture_output=True, text=True, env=env, cwd=cwd, timeout=60, check=False
    )


def _clean_env(tmp_path: Path) -> dict[str, str]:
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DATABASE_URL", "ADMIN_"))}
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[2])
    env["CONTENT_DIR"] = str(Path(__file__).resolve().parents[2] / "content")
    return env


def test_cli_run_without_token_is_one_clear_line_and_exit_2(tmp_path: Path) -> None:
    result = _cli("run", env=_clean_env(tmp_path), cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0, result.stderr
    assert "TELEGRAM_BOT_TOKEN is not set" in result.stderr
    assert "Traceback" not in result.stderr


def test_cli_invalid_setting_is_one_clear_line_and_exit_2(tmp_path: Path) -> None:
    env = _clean_env(tmp_path) | {"DEFAULT_TIMEZONE": "Nowhere/Land"}
    result = _cli("db", "upgrade", env=env, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "stretchbot: DEFAULT_TIMEZONE must be an IANA timezone name such as Europe/Berlin "
        "(set it in .env or the environment)"
    )


def test_cli_help_lists_subcommands(tmp_path: Path) -> None:
    result = _cli("--help", env=_clean_env(tmp_path), cwd=tmp_path)
    assert result.returncode == 0
    for command in ("run", "preview", "db", "content"):
        assert command in result.stdout


def test_cli_db_upgrade_creates_the_schema(tmp_path: Path) -> None:
    import sqlite3

    env = _clean_env(tmp_path) | {"DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/data/bot.sqlite3"}
    result = _cli("db", "upgrade", env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    tables = {
        row[0] for row in sqlite3.connect(tmp_path / "data" / "bot.sqlite3").execute("select name from sqlite_master")
    }
    assert {"users", "reminder_slots", "reminder_deliveries", "routine_sessions", "ratings", "skipped_days"} <= tables
