"""Logging: plain lines (the default) or JSON lines (`LOG_FORMAT=json`, python-json-logger), the level from
settings, and the guarantees that secrets and health data stay out.

httpx logs every request URL at INFO, and Bot API URLs contain the token: those loggers are raised to WARNING.
A filter on the root handler redacts the token and the webhook secret from every record, traceback text included
(`bot.redaction`), and `stretchbot run` redacts stdout and stderr as a whole. python-telegram-bot's own dumps that
would repeat what the bot says better (`PtbNoise`) are dropped.
Handlers never log rating values or message texts. Failures are logged with `log_failure`: the exception types
and where they happened (the stack), never their messages, which can quote user data (a database error quotes
its statement's parameters, e.g. a rating value).
"""

from __future__ import annotations

import logging
import traceback
import warnings

from pythonjsonlogger.json import JsonFormatter
from telegram.error import InvalidToken

from bot.redaction import RedactSecrets, register_secrets

# httpx/httpcore log URLs (with the token); python-telegram-bot logs request parameters and updates (message texts,
# ratings) at DEBUG. None of them may log below these levels, whatever LOG_LEVEL says.
_QUIET_LOGGERS = {
    "httpx": logging.WARNING,
    "httpcore": logging.WARNING,
    "aiohttp.access": logging.WARNING,
    "apscheduler.executors.default": logging.WARNING,
    "apscheduler.scheduler": logging.WARNING,
    "telegram": logging.INFO,
    "aiosqlite": logging.INFO,
    "sqlalchemy.engine": logging.WARNING,
}


def _error_code(exc: BaseException) -> str:
    """A database error's code, safe to log: SQLite's error name (SQLITE_FULL), PostgreSQL's SQLSTATE (57P01)."""
    code = getattr(exc, "sqlite_errorname", None) or getattr(exc, "sqlstate", None)
    return f" [{code}]" if isinstance(code, str) and code.replace("_", "").isalnum() and len(code) <= 40 else ""


def describe_failure(exc: BaseException) -> str:
    """`exc` and its causes as type names (with a database error's code) and stack frames (file, line, function,
    source line), no messages."""
    parts: list[str] = []
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        frames = "".join(traceback.format_tb(current.__traceback__))
        name = f"{type(current).__module__}.{type(current).__qualname__}{_error_code(current)}"
        parts.append(f"{name} (message not logged)\n{frames}")
        orig = getattr(current, "orig", None)  # a SQLAlchemy error's driver error, when not chained as its cause
        chained = current.__cause__ or (None if current.__suppress_context__ else current.__context__)
        current = chained or (orig if isinstance(orig, BaseException) else None)
    return "Traceback, most recent exception first:\n" + "caused by ".join(parts)


def log_failure(logger: logging.Logger, message: str, exc: BaseException, *args: object) -> None:
    """Log an unexpected failure at ERROR: `message % args`, then `describe_failure(exc)`."""
    logger.error(message + ": %s\n%s", *args, type(exc).__name__, describe_failure(exc))


RedactTokens = RedactSecrets  # the name the preview uses


# python-telegram-bot's records the bot replaces with one line of its own (no raw data, no traceback):
# a batch it cannot parse (skipped update by update: bot.telegram_io.update_screening; the record quotes the batch),
# the revoked token (the runner's line and exit code 3).
_PTB_NOISE = ("Error while parsing updates", "Something went wrong processing the data received from Telegram")


class PtbNoise(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and isinstance(record.exc_info[1], InvalidToken):
            return False  # PTB's tracebacks of a revoked token (the polling task's, its clean-up's): said once
        if not record.name.startswith("telegram"):
            return True
        message = str(record.msg)
        if message.startswith(_PTB_NOISE):
            return False
        return not ("Invalid token" in message and "Aborting retry loop" in message)


PLAIN_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def formatter(log_format: str = "plain") -> logging.Formatter:
    """The formatter of LOG_FORMAT: plain lines, or one JSON object per record (time, level, logger, message, and
    exc_info when there is one)."""
    if log_format == "json":
        return _JsonLines(
            "%(asctime)s %(levelname)s %(name)s %(message)s",
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
        )
    return logging.Formatter(PLAIN_FORMAT)


class _JsonLines(JsonFormatter):
    """python-json-logger's formatter, except that a traceback already formatted into `exc_text` (by a redacting
    filter) is used as it is: the plain formatter does so, the JSON one would format `exc_info` again."""

    def format(self, record: logging.LogRecord) -> str:
        if not (record.exc_info and record.exc_text):
            return str(super().format(record))
        exc_info, record.exc_info = record.exc_info, None
        try:
            return str(super().format(record))
        finally:
            record.exc_info = exc_info


def configure_logging(level: str, *, secrets: tuple[str | None, ...] = (), log_format: str = "plain") -> None:
    """The root handler (stderr) with LOG_FORMAT's formatter, the level, the quiet loggers; `secrets` are redacted
    from then on."""
    register_secrets(*secrets)
    logging.captureWarnings(True)  # warnings go through the handler's filters too
    # PTB's own RetryAfter constructor reads its deprecated `retry_after`: a warning on every 429, nothing to act on.
    warnings.filterwarnings("ignore", message=".*attribute `retry_after` will be of type", category=DeprecationWarning)
    root = logging.getLogger()
    root.setLevel(level)
    ours: list[logging.Handler] = [h for h in root.handlers if getattr(h, "_stretchbot", False)]
    if not ours:
        handler = logging.StreamHandler()
        handler.addFilter(PtbNoise())
        handler.addFilter(RedactSecrets())
        handler._stretchbot = True  # type: ignore[attr-defined]
        root.addHandler(handler)
        ours = [handler]
    for each in ours:
        each.setFormatter(formatter(log_format))
    for name, floor in _QUIET_LOGGERS.items():
        logging.getLogger(name).setLevel(max(floor, logging.getLevelNamesMapping()[level]))
