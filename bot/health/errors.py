"""`ErrorReporter`: every unhandled error (a handler's, a job's) is counted, and, if set up, told to the operator.

The caller has already logged it once, without user data (`bot.logging_setup.log_failure`). Here it is:
- counted in `stretchbot_errors_total{where}`;
- sent to the operator's Telegram chat (`OPERATOR_CHAT_ID`): the exception's type and the place in the bot's code
  where it happened (file, line, function), never its message or anything a user sent. At most one message per
  `OPERATOR_ALERT_MINUTES`: errors in between are counted into one message at the end of that window;
- captured by Sentry when `SENTRY_DSN` is set (`bot.health.sentry` strips user content first).
"""

from __future__ import annotations

import asyncio
import logging
import time
import traceback
from collections.abc import Callable
from typing import TYPE_CHECKING, Literal

from bot.health import sentry
from bot.views import operator as views

if TYPE_CHECKING:
    from bot.config import Settings
    from bot.content.loader import Content
    from bot.health.metrics import Metrics
    from bot.telegram_io.sender import Sender

log = logging.getLogger(__name__)

Where = Literal["update", "job"]


_PLUMBING = ("bot/db/", "bot/telegram_io/", "bot/logging_setup.py")


def _relative(filename: str) -> str:
    path = filename.replace("\\", "/")
    return "bot/" + path.rsplit("/bot/", 1)[1] if "/bot/" in path else path.rsplit("/", 1)[-1]


def place_of(exc: BaseException) -> str:
    """Where in the bot's own code `exc` was raised: the innermost frame under `bot/` ("bot/x.py:42 (f)"), after the
    innermost one outside the plumbing (database, Bot API) when that is another: the use case that failed."""
    frames = traceback.extract_tb(exc.__traceback__)
    own = [f for f in frames if "/bot/" in f.filename.replace("\\", "/")] or frames
    if not own:
        return "unknown"

    def where(frame: traceback.FrameSummary) -> str:
        return f"{_relative(frame.filename)}:{frame.lineno} ({frame.name})"

    innermost = own[-1]
    logic = [f for f in own if not _relative(f.filename).startswith(_PLUMBING)]
    if logic and logic[-1] is not innermost:
        return f"{where(logic[-1])} → {where(innermost)}"
    return where(innermost)


class ErrorReporter:
    def __init__(
        self,
        metrics: Metrics,
        sender: Sender,
        content: Content,
        settings: Settings,
        *,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._metrics = metrics
        self._sender = sender
        self._content = content
        self._chat = settings.operator_chat_id
        self._every = settings.operator_alert_minutes * 60
        self._monotonic = monotonic
        self._last_sent: float | None = None
        self._unsent = 0
        self._latest: tuple[str, Where, str] | None = None
        self._flush: asyncio.Task[None] | None = None
        self.alerts_sent = 0

    async def report(self, where: Where, exc: BaseException) -> None:
        """Count `exc`, tell Sentry and the operator's chat (rate-limited). Never raises."""
        self._metrics.error(where)
        sentry.capture(exc)
        if self._chat is None:
            return
        self._unsent += 1
        self._latest = (type(exc).__name__, where, place_of(exc))
        now = self._monotonic()
        if self._last_sent is None or now - self._last_sent >= self._every:
            await self._send()
        elif self._flush is None:  # the rest of the window's errors go out in one message at its end
            delay = self._every - (now - self._last_sent)
            self._flush = asyncio.create_task(self._send_later(delay))

    async def _send_later(self, delay: float) -> None:
        await asyncio.sleep(delay)
        self._flush = None
        await self._send()

    async def _send(self) -> None:
        if self._chat is None or self._latest is None or not self._unsent:
            return
        error, where, place = self._latest
        count, self._unsent = self._unsent, 0
        self._last_sent = self._monotonic()
        minutes = self._every / 60
        message = views.error_alert(self._content, count=count, minutes=minutes, error=error, where=where, place=place)
        try:
            await self._sender.send(self._chat, message)
            self.alerts_sent += 1
        except Exception as exc:  # the operator's chat away must not add errors of its own
            log.warning("could not send the error alert to OPERATOR_CHAT_ID: %s", type(exc).__name__)

    async def start(self, application: object) -> None:
        return None

    async def stop(self) -> None:
        if self._flush is not None:
            self._flush.cancel()
            self._flush = None
