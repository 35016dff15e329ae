"""Secrets out of every line the process writes: the bot token and the webhook secret.

`register_secrets(...)` names them once at start (`stretchbot run`); from then on `redact(text)` replaces each of
them (the whole token, and its secret part after the colon, which URL-quoting does not change) and anything else
shaped like a bot token. Three layers use it:

- `RedactSecrets`, the logging filter: the message, the `exc_info` traceback text and the stack text of each record
  are redacted before any formatter sees them (the traceback is formatted here, once, into `exc_text`).
- `redact_standard_streams()`: `sys.stdout` and `sys.stderr` become `RedactingStream`s, so whatever else writes
  there is redacted too: an uncaught exception's traceback (`sys.excepthook`, `threading.excepthook`), warnings,
  "Exception ignored in" reports, asyncio's exception handler, a library's `print`.
- `logging.captureWarnings(True)` (in `configure_logging`) sends warnings through the filter as well.
"""

from __future__ import annotations

import logging
import re
import sys
from typing import Any, TextIO

TOKEN_SHAPE = re.compile(r"\d{5,}:[A-Za-z0-9_-]{20,}")
REDACTED = "<redacted>"
_secrets: list[str] = []


def register_secrets(*secrets: str | None) -> None:
    """Add secrets to redact from now on (the token also by its part after the colon)."""
    for secret in secrets:
        if not secret or len(secret.strip()) < 8:
            continue
        secret = secret.strip()
        parts = [secret]
        head, colon, tail = secret.partition(":")
        if colon and head.isdigit() and len(tail) >= 8:
            parts.append(tail)
        for part in parts:
            if part not in _secrets:
                _secrets.append(part)
    _secrets.sort(key=len, reverse=True)  # the whole token before its tail


def forget_secrets() -> None:
    """For tests: redact nothing but token-shaped text again."""
    _secrets.clear()


def redact(text: str) -> str:
    for secret in _secrets:
        if secret in text:
            text = text.replace(secret, REDACTED)
    return TOKEN_SHAPE.sub(REDACTED, text) if ":" in text else text


class RedactSecrets(logging.Filter):
    """Redact a record's message, traceback and stack text (a handler filter: it sees every record)."""

    _formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        clean = redact(message)
        if clean != message or record.args:
            record.msg, record.args = clean, None
        if record.exc_info and not record.exc_text:
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


class RedactingStream:
    """A text stream that redacts each write before passing it on (everything else is the wrapped stream's)."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(redact(text))
        return len(text)

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def redact_standard_streams() -> None:
    """Wrap `sys.stdout` and `sys.stderr` (once)."""
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if stream is not None and not isinstance(stream, RedactingStream):
            setattr(sys, name, RedactingStream(stream))
