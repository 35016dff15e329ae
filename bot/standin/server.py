"""`BotApiStandIn`: a local Telegram Bot API on aiohttp.web, with request log, stats, faults, rate limits."""

from __future__ import annotations

import json
import logging
import math
import re
import time
from typing import TYPE_CHECKING, Any

from aiohttp import web

from bot.standin import errors
from bot.standin.control import add_control_routes
from bot.standin.errors import ApiError
from bot.standin.faults import Fault, FaultRegistry
from bot.standin.methods import MESSAGE_CREATING, MESSAGE_EDITING, Handler, lookup
from bot.standin.params import Params, parse_request
from bot.standin.ratelimit import SEND_METHODS, RateLimit, RateLimiter, RetryWindows
from bot.standin.state import ChatState, StandInState, StoredFile
from bot.standin.stats import RequestRecord, Stats

if TYPE_CHECKING:
    from bot.domain.clock import Clock
    from bot.standin.user import ChatUser

_LOG = logging.getLogger(__name__)
TOKEN_RE = re.compile(r"^\d+:[A-Za-z0-9_-]+$")
MAX_UPLOAD = 50 * 1024 * 1024


_compact_json = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode  # as Telegram answers


class BotApiStandIn:
    """A Telegram Bot API stand-in. Reach it like Telegram: `{url}/bot{token}/{method}`.

    With `token`, other tokens get 401; with None any well-formed token works. `rate_limit` turns on
    Telegram-like flood control (429 with retry_after). `clock` (optional) supplies message dates.
    """

    def __init__(
        self, token: str | None = None, *, rate_limit: RateLimit | None = None, clock: Clock | None = None
    ) -> None:
        self.token = token
        self.rate_limit = rate_limit
        self.state = StandInState(now=(lambda: clock.now().timestamp()) if clock else time.time)
        self.faults = FaultRegistry()
        self.stats = Stats()
        self.requests: list[RequestRecord] = []
        self._limiter = RateLimiter(rate_limit) if rate_limit else None
        self._windows = RetryWindows()
        self._runner: web.AppRunner | None = None
        self._url: str | None = None

    # ----- lifecycle -------------------------------------------------------------------------
    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        """Starts serving; returns the root URL, e.g. `http://127.0.0.1:34567`."""
        if self._runner is not None:
            raise RuntimeError("stand-in already started")
        app = web.Application(client_max_size=MAX_UPLOAD)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        add_control_routes(app, self)
        self.state.closing = False
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await runner.setup()
        site = web.TCPSite(runner, host, port)
        await site.start()
        self._runner = runner
        bound_host, bound_port = runner.addresses[0][:2]
        self._url = f"http://{bound_host}:{bound_port}"
        return self._url

    async def stop(self) -> None:
        """Ends long polls and stalled responses, then closes the server."""
        self.state.closing = True
        self.state.changed()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @property
    def url(self) -> str:
        if self._url is None:
            raise RuntimeError("stand-in not started")
        return self._url

    @property
    def api_url(self) -> str:
        """`base_url` for PTB: `Bot(token, base_url=standin.api_url, base_file_url=standin.file_url)`."""
        return f"{self.url}/bot"

    @property
    def file_url(self) -> str:
        return f"{self.url}/file/bot"

    # ----- inspection ------------------------------------------------------------------------
    def reset_stats(self) -> None:
        """Clears the request log, counters, 429 windows and flood-control history (not chats)."""
        self.stats = Stats()
        self.requests.clear()
        self._windows.reset()
        if self._limiter is not None:
            self._limiter.reset()

    def user(self, user_id: int, first_name: str = "Alex", **kwargs: Any) -> ChatUser:
        from bot.standin.user import ChatUser

        return ChatUser(self, user_id, first_name, **kwargs)

    def chat(self, chat_id: int) -> ChatState:
        return self.state.chats[chat_id]

    def bot_messages(self, chat_id: int) -> list[dict[str, Any]]:
        """Current JSON of the bot's undeleted messages in a chat, oldest first."""
        chat = self.state.chats.get(chat_id)
        if chat is None:
            return []
        return [m.json for m in chat.messages.values() if m.from_bot and not m.deleted]

    def calls(self, method: str) -> list[RequestRecord]:
        return [r for r in self.requests if r.method.lower() == method.lower()]

    def file(self, file_id: str) -> StoredFile:
        return self.state.files[file_id.removesuffix("_t")]

    # ----- HTTP ------------------------------------------------------------------------------
    async def _handle_api(self, request: web.Request) -> web.Response:
        arrived = time.monotonic()
        token, method = request.match_info["token"], request.match_info["method"]
        if not TOKEN_RE.match(token):
            return self._reject(method, arrived, ApiError(404, errors.NOT_FOUND))
        if self.token is not None and token != self.token:
            return self._reject(method, arrived, ApiError(401, errors.UNAUTHORIZED))
        found = lookup(method)
        name = found[0] if found else method
        params = Params()
        early = False
        try:
            params = await parse_request(request)
            if found is None:
                raise ApiError(404, errors.NOT_FOUND)
            chat_id = params.int_or_none("chat_id")
            self._check_retry_window(name, chat_id, arrived)
            result = await self._call(name, found[1], params, chat_id, arrived)
            status, body = 200, {"ok": True, "result": result}
        except ApiError as exc:
            status, body = exc.code, exc.payload()
            early = isinstance(exc, _EarlyRetry)
        self._record(name, params, arrived, status, body.get("description"), early)
        _LOG.debug("%s -> %s", name, status)
        return web.json_response(body, status=status, dumps=_compact_json)

    def _reject(self, method: str, arrived: float, error: ApiError) -> web.Response:
        """A request refused before reading it (bad or wrong token): logged without its parameters."""
        self._record(method, Params(), arrived, error.code, error.description, early=False)
        return web.json_response(error.payload(), status=error.code)

    async def _handle_file(self, request: web.Request) -> web.Response:
        token = request.match_info["token"]
        if self.token is not None and token != self.token:
            return web.json_response(ApiError(401, errors.UNAUTHORIZED).payload(), status=401)
        path = request.match_info["path"]
        for stored in self.state.files.values():
            if stored.file_path == path:
                return web.Response(body=stored.data, content_type=stored.mime_type or "application/octet-stream")
        return web.json_response(ApiError(404, errors.NOT_FOUND).payload(), status=404)

    # ----- call pipeline: 429 windows -> faults -> flood control -> method ---------------------
    @staticmethod
    def _scopes(name: str, chat_id: int | None) -> list[int | str]:
        if name.lower() in SEND_METHODS:
            return [RetryWindows.GLOBAL] + ([chat_id] if chat_id is not None else [])
        return [name.lower()]

    def _check_retry_window(self, name: str, chat_id: int | None, now: float) -> None:
        left = self._windows.remaining(self._scopes(name, chat_id), now)
        if left > 0:
            raise _EarlyRetry(max(1, math.ceil(left)))

    async def _call(self, name: str, handler: Handler, params: Params, chat_id: int | None, now: float) -> Any:
        fault = self.faults.take(name, chat_id)
        if fault is not None:
            return await self._apply_fault(fault, name, handler, params, chat_id, now)
        if self._limiter is not None and name.lower() in SEND_METHODS:
            verdict = self._limiter.check(chat_id, now)
            if verdict is not None:
                wait, per_chat = verdict
                scope: int | str = chat_id if per_chat and chat_id is not None else RetryWindows.GLOBAL
                self._windows.open(scope, wait, now)
                raise errors.retry_after(wait)
        return await self._invoke(name, handler, params, chat_id, now)

    async def _invoke(self, name: str, handler: Handler, params: Params, chat_id: int | None, arrived: float) -> Any:
        result = handler(self.state, params)
        if hasattr(result, "__await__"):
            result = await result
        lower = name.lower()
        if chat_id is not None and lower in MESSAGE_CREATING:
            self.stats.new_message(chat_id, arrived)
        if chat_id is not None and lower in MESSAGE_EDITING:
            self.stats.edits_per_chat[chat_id] += 1
        return result

    async def _apply_fault(
        self, fault: Fault, name: str, handler: Handler, params: Params, chat_id: int | None, now: float
    ) -> Any:
        if fault.kind == "retry_after":
            scope = self._scopes(name, chat_id)[-1]
            self._windows.open(scope, fault.retry_after, now)
            raise errors.retry_after(fault.retry_after)
        if fault.kind == "server_error":
            raise ApiError(502, errors.BAD_GATEWAY)
        if fault.kind == "blocked":
            raise ApiError(403, errors.BLOCKED)
        if fault.kind == "unauthorized":
            raise ApiError(401, errors.UNAUTHORIZED)
        outcome: Any = None
        failure: ApiError | None = None
        if fault.apply:
            try:
                outcome = await self._invoke(name, handler, params, chat_id, now)
            except ApiError as exc:
                failure = exc
        state = self.state
        await state.signal.wait_for(lambda: True if state.closing else None, fault.delay)
        if failure is not None:
            raise failure
        if not fault.apply:
            raise ApiError(502, errors.BAD_GATEWAY)
        return outcome

    def _record(self, name: str, params: Params, arrived: float, status: int, description: Any, early: bool) -> None:
        chat_id = params.int_or_none("chat_id")
        record = RequestRecord(
            name,
            params.decoded(),
            arrived,
            status,
            chat_id,
            description if isinstance(description, str) else None,
        )
        self.requests.append(record)
        self.stats.calls_per_method[name] += 1
        self.stats.status_counts[status] += 1
        if chat_id is not None:
            self.stats.requests_per_chat[chat_id] += 1
        if early:
            self.stats.early_requests.append(record)


class _EarlyRetry(ApiError):
    """A request inside a 429 window it was told about: answered with 429 again and recorded."""

    def __init__(self, seconds: int) -> None:
        super().__init__(429, errors.TOO_MANY_REQUESTS.format(seconds=seconds), {"retry_after": seconds})
