"""`AiohttpRequest`: a python-telegram-bot `BaseRequest` on one aiohttp `ClientSession`.

It raises the same `telegram.error` types as PTB's `HTTPXRequest` (TimedOut for timeouts, NetworkError
for other transport failures), so PTB's retry and rate-limiter logic behaves the same. Timeouts map as:
connect -> `sock_connect`, read -> `sock_read`, pool -> waiting for one of `connection_pool_size` slots
(TimedOut "Pool timeout" if none frees up). aiohttp has no per-write timeout, so `write_timeout` (or
`media_write_timeout` for uploads) only enters a whole-request bound of connect + write + read seconds.

The `getUpdates` request screens each batch for updates PTB cannot parse (`update_screening`), and a 401 (the
token revoked while the bot runs) is reported to the `TelegramReachability`.

Every request's outcome (an answer, or no answer: a failed connection, a time-out, a 5xx) is reported to a
`TelegramReachability`, if one is given: the one place that sees them all. A `RequestObserver` (the metrics) hears
of each request too: the Bot API method (the last part of the URL, never the URL: it holds the token), the HTTP
status or the kind of failure, and a 429's retry_after.
"""

from __future__ import annotations

import asyncio
import functools
import json
from typing import Any, Protocol

import aiohttp
from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

from bot.telegram_io.reachability import TelegramReachability
from bot.telegram_io.update_screening import screen_batch

_POOL_TIMEOUT_MESSAGE = (
    "Pool timeout: All connections in the connection pool are occupied. Request was *not* sent to "
    "Telegram. Consider adjusting the connection pool size or the pool timeout."
)


_JSON_HEADERS = {"Content-Type": "application/json"}
_json_encoder = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


class RequestObserver(Protocol):
    def request_done(self, method: str, status: int | str, retry_after: float | None) -> None:
        """`status`: the HTTP status, or "network_error" / "timeout" when no answer came."""


def _bot_api_method(url: str) -> str:
    return url.rsplit("/", 1)[-1]


def _retry_after(payload: bytes) -> float | None:
    """The retry_after of a 429 answer (`{"parameters": {"retry_after": 5}}`), if it has one."""
    try:
        value = json.loads(payload).get("parameters", {}).get("retry_after")
    except (ValueError, AttributeError):
        return None
    return float(value) if isinstance(value, int | float) else None


def _json_bytes(parameters: Any) -> bytes:
    return _json_encoder.encode(parameters).encode()


@functools.lru_cache(maxsize=64)
def _timeout(total: float | None, connect: float | None, read: float | None) -> aiohttp.ClientTimeout:
    return aiohttp.ClientTimeout(total=total, sock_connect=connect, sock_read=read)


def _safe_detail(err: aiohttp.ClientError) -> str:
    """What went wrong, without the request's URL (which holds the bot token): the OS error of a failed
    connection ("Connection refused", "Name or service not known"), else nothing more than the type."""
    os_error = getattr(err, "os_error", None)
    if isinstance(os_error, OSError) and os_error.strerror:
        return os_error.strerror
    if isinstance(err, aiohttp.ClientResponseError):
        return f"HTTP {err.status}"
    return "no detail (it would quote the URL)"


class AiohttpRequest(BaseRequest):
    """Drop-in alternative to `HTTPXRequest`: `Bot(token, request=AiohttpRequest(), ...)`.

    `proxy` is an explicit proxy URL. Unlike httpx, environment proxies/netrc are read only with
    `trust_env=True`, because aiohttp then spends two thread hand-offs on every request.
    """

    def __init__(
        self,
        connection_pool_size: int = 256,
        read_timeout: float | None = 5.0,
        write_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        pool_timeout: float | None = 1.0,
        media_write_timeout: float | None = 20.0,
        proxy: str | None = None,
        trust_env: bool = False,
        reachability: TelegramReachability | None = None,
        observer: RequestObserver | None = None,
        screen_updates: bool = False,
    ) -> None:
        if connection_pool_size < 1:
            raise ValueError("connection_pool_size must be >= 1")
        self._pool_size = connection_pool_size
        self._read_timeout = read_timeout
        self._write_timeout = write_timeout
        self._connect_timeout = connect_timeout
        self._pool_timeout = pool_timeout
        self._media_write_timeout = media_write_timeout
        self._proxy = proxy
        self._trust_env = trust_env
        self._reachability = reachability
        self._observer = observer
        self._screen_updates = screen_updates
        self._session: aiohttp.ClientSession | None = None
        self._slots: asyncio.Semaphore | None = None

    @property
    def read_timeout(self) -> float | None:
        """The default read timeout in seconds (PTB adds the getUpdates long-poll timeout to it)."""
        return self._read_timeout

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(limit=self._pool_size)
            self._session = aiohttp.ClientSession(
                connector=connector,
                headers={"User-Agent": self.USER_AGENT},
                proxy=self._proxy,
                trust_env=self._trust_env,
            )
            self._slots = asyncio.Semaphore(self._pool_size)

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None

    @staticmethod
    def _pick(value: ODVInput[float], default: float | None) -> float | None:
        return default if isinstance(value, DefaultValue) else value

    def _body(self, request_data: RequestData | None) -> Any:
        if request_data is None:
            return None
        if not request_data.contains_files:
            # One JSON document (Bot API: application/json), not a urlencoded form of JSON strings: encoding
            # the form (percent-quoting every character of a keyboard) cost more than the rest of the request.
            return _json_bytes(request_data.parameters)
        form = aiohttp.FormData(quote_fields=False)
        for name, value in request_data.json_parameters.items():
            form.add_field(name, value)
        for name, field in request_data.multipart_data.items():
            filename, content, mime_type = field if len(field) == 3 else (*field, None)
            form.add_field(name, content, filename=filename, content_type=mime_type)
        return form

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """See `BaseRequest.do_request`: returns (HTTP status, body bytes)."""
        session, slots = self._session, self._slots
        if session is None or session.closed or slots is None:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        has_files = request_data is not None and request_data.contains_files
        read = self._pick(read_timeout, self._read_timeout)
        write = self._pick(write_timeout, self._media_write_timeout if has_files else self._write_timeout)
        connect = self._pick(connect_timeout, self._connect_timeout)
        pool = self._pick(pool_timeout, self._pool_timeout)
        phases = (connect, write, read)
        total = None if any(t is None for t in phases) else sum(t for t in phases if t is not None)
        timeout = _timeout(total, connect, read)
        if slots.locked():  # only then wait
            try:
                async with asyncio.timeout(pool):  # unlike wait_for, no task per call
                    await slots.acquire()
            except TimeoutError as err:
                raise TimedOut(_POOL_TIMEOUT_MESSAGE) from err
        else:
            await slots.acquire()
        try:
            body = self._body(request_data)
            headers = _JSON_HEADERS if isinstance(body, bytes) else None
            async with session.request(method, url, data=body, headers=headers, timeout=timeout) as response:
                status, payload = response.status, await response.read()
        except TimeoutError as err:  # aiohttp's timeout errors subclass TimeoutError
            self._report_failure("TimedOut")
            self._observe(url, "timeout")
            raise TimedOut from err
        except aiohttp.ClientError as err:
            self._report_failure(err.__class__.__name__)
            self._observe(url, "network_error")
            raise NetworkError(f"aiohttp.{err.__class__.__name__}: {_safe_detail(err)}") from err
        finally:
            slots.release()
        self._observe(url, status, _retry_after(payload) if status == 429 else None)
        if status == 401 and self._reachability is not None:
            self._reachability.token_rejected()  # revoked while the bot runs: the runner stops it (exit code 3)
        if self._screen_updates and status == 200 and url.endswith("/getUpdates"):
            payload = screen_batch(payload)
        if self._reachability is not None:
            if status >= 500:
                self._reachability.failed(f"HTTP {status}")
            else:
                self._reachability.succeeded()
        return status, payload

    def _observe(self, url: str, status: int | str, retry_after: float | None = None) -> None:
        if self._observer is not None:
            self._observer.request_done(_bot_api_method(url), status, retry_after)

    def _report_failure(self, kind: str) -> None:
        if self._reachability is not None:
            self._reachability.failed(kind)
