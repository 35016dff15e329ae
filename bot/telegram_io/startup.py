"""Reaching Telegram at start: `getMe` until it answers, with backoff, or a failure that says what to fix.

- The token is rejected (401 or 404 on `getMe`): `TokenRejected` at once (retrying cannot help).
- No answer (refused, reset, DNS, time-out, a 5xx): tried again after 1 s, 2 s, 4 s... (at most 30 s apart), one
  short WARNING line per attempt, until `window` seconds have passed: then `TelegramUnreachable`.
- `TELEGRAM_API_URL` is not a usable URL: `BadApiUrl`; it redirects in a loop, or answers but not like a Bot API:
  `TelegramAnsweredOddly` (retrying cannot help either).

No message here quotes a request URL (it holds the token): `AiohttpRequest`'s errors name the failure only.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

import aiohttp
from telegram import Bot
from telegram.error import InvalidToken, NetworkError, RetryAfter, TelegramError

log = logging.getLogger("bot.telegram")

T = TypeVar("T")
MAX_DELAY = 30.0


class StartupProblem(Exception):
    """Telegram cannot be used; the message is the one line to log (cause and fix)."""


class TokenRejected(StartupProblem):
    pass


class TelegramUnreachable(StartupProblem):
    pass


class TelegramAnsweredOddly(StartupProblem):
    pass


class BadApiUrl(StartupProblem):
    pass


def _permanent(exc: NetworkError, api_url: str) -> StartupProblem | None:
    cause = exc.__cause__
    if isinstance(cause, aiohttp.InvalidURL):
        return BadApiUrl(f"TELEGRAM_API_URL ({api_url}) is not a valid URL: set it to e.g. https://api.telegram.org")
    if isinstance(cause, aiohttp.TooManyRedirects):
        return TelegramAnsweredOddly(
            f"TELEGRAM_API_URL ({api_url}) redirects in a loop: set it to the Bot API server's own address "
            "(e.g. https://api.telegram.org), not a page that forwards elsewhere"
        )
    return None


async def with_retries(
    call: Callable[[], Awaitable[T]],
    *,
    what: str,
    api_url: str,
    window: float,
    clock: Callable[[], float] = time.monotonic,
) -> T:
    """`call()` until it works, retrying what may pass (see the module docstring) for up to `window` seconds."""
    started = clock()
    delay = 1.0
    attempt = 0
    while True:
        attempt += 1
        try:
            return await call()
        except InvalidToken as exc:
            answer = exc.__cause__.message if isinstance(exc.__cause__, InvalidToken) else "Unauthorized"
            raise TokenRejected(
                f"Telegram rejected TELEGRAM_BOT_TOKEN ({answer}): it was revoked or mistyped. Copy the current "
                "token from @BotFather (/mybots > API Token) into TELEGRAM_BOT_TOKEN and start again"
                + ("" if "api.telegram.org" in api_url else f"; check that TELEGRAM_API_URL ({api_url}) is a Bot API")
            ) from None
        except RetryAfter as exc:
            wait, reason = exc._retry_after.total_seconds() + 0.5, "flood control (429)"
        except NetworkError as exc:  # TimedOut too
            problem = _permanent(exc, api_url)
            if problem is not None:
                raise problem from None
            wait, reason = delay, exc.message
            delay = min(delay * 2, MAX_DELAY)
        except TelegramError as exc:
            raise TelegramAnsweredOddly(
                f"{what}: TELEGRAM_API_URL ({api_url}) answered, but not like the Telegram Bot API "
                f"({type(exc).__name__}: {exc.message}); check the URL"
            ) from None
        elapsed = clock() - started
        wait = min(wait, window - elapsed)  # the last attempt comes at the end of the window
        if wait <= 0:
            raise TelegramUnreachable(
                f"{what}: the Telegram Bot API at {api_url} did not answer for {elapsed:.0f} s ({attempt} attempts, "
                f"last: {reason}). Check the network, DNS and firewall (and TELEGRAM_API_URL); "
                "STARTUP_RETRY_SECONDS sets how long to try"
            )
        log.warning(
            "%s: the Telegram Bot API at %s does not answer (%s); trying again in %.0f s (attempt %d)",
            what, api_url, reason, wait, attempt,
        )  # fmt: skip
        await asyncio.sleep(wait)


async def reach_telegram(bot: Bot, *, api_url: str, window: float) -> None:
    """Initialise `bot` (its `getMe`), retrying as `with_retries` does; on failure its connections are closed."""
    try:
        await with_retries(bot.initialize, what="start-up", api_url=api_url, window=window)
    except BaseException:
        for request in bot._request:  # Bot.shutdown does nothing for a bot whose initialize failed
            await request.shutdown()
        raise
