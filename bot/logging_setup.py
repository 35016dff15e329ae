"""Logging: one format, the level from settings, and the guarantees that secrets and health data stay out.

httpx logs every request URL at INFO, and Bot API URLs contain the token: those loggers are raised to WARNING.
A filter on the root handler also replaces anything that looks like a bot token, as a second line of defence.
Handlers never log rating values or message texts.
"""

from __future__ import annotations

import logging
import re

_TOKEN_RE = re.compile(r"\d{5,}:[A-Za-z0-9_-]{20,}")
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


class RedactTokens(logging.Filter):
    """Replace anything shaped like a Telegram bot token in a log record."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if _TOKEN_RE.search(message):
            record.msg = _TOKEN_RE.sub("<token>", message)
            record.args = None
        return True


def configure_logging(level: str) -> None:
    root = logging.getLogger()
    root.setLevel(level)
    if not any(getattr(h, "_stretchbot", False) for h in root.handlers):
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        handler.addFilter(RedactTokens())
        handler._stretchbot = True  # type: ignore[attr-defined]
        root.addHandler(handler)
    for name, floor in _QUIET_LOGGERS.items():
        logging.getLogger(name).setLevel(max(floor, logging.getLevelNamesMapping()[level]))
