"""Settings: read from the environment and `.env` (pydantic-settings), validated once at start.

`load_settings()` turns a missing or invalid setting into `SettingsError`, whose message names the variable and
how to fix it; the CLI prints that one line and exits with code 2.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.domain.timezones import UnknownTimezone, resolve_zone

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./data/stretchbot.sqlite3"
DEFAULT_API_URL = "https://api.telegram.org"
PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONTENT_DIR = PROJECT_ROOT / "content"


class SettingsError(Exception):
    """A setting is missing or invalid; the message says which and how to fix it."""


class Settings(BaseSettings):
    """Every setting of the bot. Each field is documented in `.env.example` and the README."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore", case_sensitive=False)

    telegram_bot_token: SecretStr | None = None
    webhook_secret: SecretStr | None = None
    database_url: str = DEFAULT_DATABASE_URL
    telegram_api_url: str = DEFAULT_API_URL
    default_timezone: str = "Europe/London"
    admin_user_ids: Annotated[frozenset[int], NoDecode] = frozenset()
    log_level: str = "INFO"
    content_dir: Path = DEFAULT_CONTENT_DIR
    catch_up_hours: float = Field(default=2.0, ge=0, le=48)
    time_scale: float = Field(default=1.0, gt=0, le=100_000)
    scheduler_tick_seconds: float = Field(default=10.0, gt=0, le=300)
    # The first tick after start (catch up on what fell due while the bot was down, soon).
    scheduler_first_tick_seconds: float = Field(default=1.0, ge=0, le=3600)
    send_concurrency: int = Field(default=8, ge=1, le=256)
    broadcast_per_second: float = Field(default=29.0, gt=0, le=1000)
    # How long a claimed reminder belongs to one instance; after a crash, others send it once this has passed.
    reminder_lease_seconds: float = Field(default=120.0, ge=1, le=3600)
    # A reminder whose send failed (Telegram unreachable, 5xx, a time-out) is tried again after this, then after twice
    # as long each time, up to the ceiling; never given up before it is CATCH_UP_HOURS old.
    send_retry_seconds: float = Field(default=30.0, gt=0, le=3600)
    send_retry_max_seconds: float = Field(default=300.0, gt=0, le=86400)
    # A reminder that goes out more than this after its time says that it comes late, and why not.
    late_note_minutes: float = Field(default=5.0, ge=0, le=120)
    # How often the database is checked: still the file the bot started with, and writable (at most a minute).
    database_check_seconds: float = Field(default=15.0, gt=0, le=60)
    # Scheduled backups of a SQLite database (off unless BACKUP_DIR is set): every BACKUP_INTERVAL_HOURS into
    # BACKUP_DIR, keeping the newest BACKUP_KEEP. Also the default destination of `stretchbot db backup`.
    backup_dir: Path | None = None
    backup_keep: int = Field(default=7, ge=1, le=10_000)
    backup_interval_hours: float = Field(default=24.0, gt=0, le=24 * 366)
    # /healthz, /readyz and /metrics (bot.health): in polling mode a small server on HEALTH_LISTEN:HEALTH_PORT,
    # off while HEALTH_PORT is empty; in webhook mode on the webhook's own port as well.
    health_port: int | None = Field(default=None, ge=0, le=65535)
    health_listen: str = "127.0.0.1"
    # "plain" (one line per record, for people) or "json" (one JSON object per line, for log shippers).
    log_format: Literal["plain", "json"] = "plain"
    # Unhandled errors (types and places, never user content) to this Telegram chat, at most one message per
    # OPERATOR_ALERT_MINUTES (the ones in between are counted into the next). Off while empty.
    operator_chat_id: int | None = None
    operator_alert_minutes: float = Field(default=10.0, gt=0, le=24 * 60)
    # Unhandled errors to Sentry (needs `pip install .[sentry]`); personal data and user content stripped.
    sentry_dsn: SecretStr | None = None
    # Telegram away at start: `stretchbot run` tries again with backoff for this long, then exits with code 4.
    startup_retry_seconds: float = Field(default=300.0, ge=0, le=86400)
    # After SIGTERM the bot stops within this (answering what it holds, giving back claimed reminders), else hard.
    stop_timeout_seconds: float = Field(default=9.0, gt=0, le=600)
    # The largest webhook request body taken (Telegram's updates are a few KB); larger ones get 413 unread.
    webhook_max_body_bytes: int = Field(default=1024 * 1024, ge=1024, le=100 * 1024 * 1024)
    # A user's updates beyond this many a second (after a burst of UPDATE_BURST) are not handled: one "slow down"
    # note, taps still answered.
    update_rate_per_user: float = Field(default=2.0, gt=0, le=1000)
    update_burst_per_user: int = Field(default=8, ge=1, le=10_000)
    # Charts and reports are drawn in this many worker processes (0: one per core, at most 4); with all of them busy
    # and RENDER_QUEUE more waiting, a request is answered "busy, try again in a minute" (bot.charts.pool).
    render_workers: int = Field(default=0, ge=0, le=64)
    render_queue: int = Field(default=12, ge=0, le=1000)
    # ... or sooner, when the renders ahead would keep this one waiting for a worker longer than this (0: no bound).
    render_max_wait_seconds: float = Field(default=2.0, ge=0, le=600)
    # Workers that drew nothing for this long retire (the next chart forks new ones); 0: they stay for good.
    render_idle_seconds: float = Field(default=300.0, ge=0, le=86_400)
    # Start and warm the workers with the bot (the first chart is quick), or only at the first chart.
    render_warm_at_start: bool = True

    @field_validator("telegram_api_url")
    @classmethod
    def _api_url(cls, value: str) -> str:
        value = value.strip().rstrip("/")
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://, e.g. https://api.telegram.org")
        try:
            parts = urlsplit(value)
            parts.port  # noqa: B018 - raises ValueError for a port out of range or not a number
        except ValueError:
            raise ValueError("is not a valid URL, e.g. https://api.telegram.org") from None
        if not parts.hostname or any(c.isspace() for c in value) or parts.query or parts.fragment:
            raise ValueError("is not a valid URL (a host, no spaces, no ?query), e.g. https://api.telegram.org")
        return value

    @field_validator("default_timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        try:
            resolve_zone(value)
        except UnknownTimezone as exc:
            raise ValueError("must be an IANA timezone name such as Europe/Berlin") from exc
        return value

    @field_validator("backup_dir", mode="before")
    @classmethod
    def _backup_dir(cls, value: Any) -> Any:
        if isinstance(value, str) and not value.strip():
            return None  # BACKUP_DIR= (empty) means off, not the working directory
        return value

    @field_validator("health_port", "operator_chat_id", "sentry_dsn", mode="before")
    @classmethod
    def _empty_is_off(cls, value: Any) -> Any:
        if isinstance(value, str) and not value.strip():
            return None  # HEALTH_PORT= (empty) means off
        return value

    @field_validator("log_format", mode="before")
    @classmethod
    def _log_format(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = value.strip().lower() or "plain"
            if value not in ("plain", "json"):
                raise ValueError("must be plain or json")
        return value

    @field_validator("admin_user_ids", mode="before")
    @classmethod
    def _admins(cls, value: Any) -> Any:
        if isinstance(value, str):
            parts = [p for p in value.replace(";", ",").replace(" ", ",").split(",") if p]
            try:
                return frozenset(int(p) for p in parts)
            except ValueError as exc:
                raise ValueError("must be Telegram user ids separated by commas, e.g. 12345,67890") from exc
        return value

    @field_validator("log_level")
    @classmethod
    def _log_level(cls, value: str) -> str:
        upper = value.strip().upper()
        if upper not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise ValueError("must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL")
        return upper

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        if not value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError(
                "must start with sqlite+aiosqlite:/// or postgresql+asyncpg:// "
                "(e.g. sqlite+aiosqlite:///./data/stretchbot.sqlite3)"
            )
        return value

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    def require_token(self) -> str:
        """The bot token, or a `SettingsError` that says how to get one."""
        if self.telegram_bot_token is None or not self.telegram_bot_token.get_secret_value().strip():
            raise SettingsError(
                "TELEGRAM_BOT_TOKEN is not set: create a bot with @BotFather, put "
                "TELEGRAM_BOT_TOKEN=<token> into .env (see .env.example), "
                "or run `stretchbot preview` to try the bot locally without a token."
            )
        token = self.telegram_bot_token.get_secret_value().strip()
        head, _, tail = token.partition(":")
        if not head.isdigit() or len(tail) < 10:
            raise SettingsError(
                "TELEGRAM_BOT_TOKEN does not look like a bot token (expected 123456789:AA...): "
                "copy it again from @BotFather into .env."
            )
        return token


def load_settings(**overrides: Any) -> Settings:
    """Read settings from the environment and `.env`; `overrides` win (used by the CLI, preview and tests)."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        error = exc.errors()[0]
        field = str(error["loc"][0]) if error["loc"] else "?"
        message = str(error["msg"]).removeprefix("Value error, ")
        raise SettingsError(f"{field.upper()} {message} (set it in .env or the environment)") from None
