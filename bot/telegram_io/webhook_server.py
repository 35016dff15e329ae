"""The webhook server: an aiohttp server that takes Telegram's updates, refusing anything else cheaply.

Replaces python-telegram-bot's tornado server, which read a whole body (up to 100 MB) before it checked the secret.
For each POST to the webhook path, in this order:

1. the `X-Telegram-Bot-Api-Secret-Token` header is checked before a byte of the body is read: 403, the connection
   closed, the body never read;
2. a declared body over `max_body` bytes (1 MB by default: Telegram's updates are a few KB) is refused unread with
   413; a body without a declared length is read only up to `max_body` (aiohttp's `client_max_size`);
3. a body that is not UTF-8 JSON, or JSON but not an object, gets 400 (nothing logged but its shape);
4. an update python-telegram-bot cannot parse is logged (id, kind, error type) and answered 200, so Telegram does not
   send it again (`update_screening.parse_update`); the others go to the application's update queue.

Other routes (health, metrics) share the port: pass them as `routes`, or add them to `server.app` before `start()`.
`start()` returns once the server listens (`CannotListen` if it cannot).
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import socket
from collections.abc import Sequence
from typing import Any

from aiohttp import web
from telegram import Bot, Update

from bot.telegram_io.update_screening import parse_update

log = logging.getLogger("bot.telegram.webhook")

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
DEFAULT_MAX_BODY = 1024 * 1024
# What a connection buffers of a body before the handler takes it (aiohttp pauses reading above twice this): small,
# so that many unwanted bodies arriving at once cost little before they are refused.
READ_BUFFER = 16 * 1024
SOCKET_RECEIVE_BUFFER = 32 * 1024


class CannotListen(Exception):
    """The server cannot listen on its address and port (the message says which and why)."""


def _refuse(status: int, text: str) -> web.Response:
    response = web.Response(status=status, text=text)
    response.force_close()  # the rest of an unwanted body is never read
    return response


class WebhookServer:
    def __init__(
        self,
        bot: Bot,
        update_queue: asyncio.Queue[Any],
        *,
        path: str,
        secret: str,
        listen: str = "0.0.0.0",
        port: int = 8443,
        max_body: int = DEFAULT_MAX_BODY,
        routes: Sequence[web.RouteDef] = (),
    ) -> None:
        self._bot = bot
        self._queue = update_queue
        self._secret = secret.encode()
        self._max_body = max_body
        self.listen, self.port = listen, port
        self.path = "/" + path.strip("/")
        self.app = web.Application(client_max_size=max_body)
        self.app.router.add_post(self.path, self._receive)
        self.app.router.add_routes(routes)
        self._runner: web.AppRunner | None = None

    async def _receive(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, self._secret):
            return _refuse(403, "forbidden")
        if request.content_length is not None and request.content_length > self._max_body:
            return _refuse(413, "body too large")
        try:
            body = await request.read()
        except web.HTTPRequestEntityTooLarge:
            return _refuse(413, "body too large")
        try:
            data = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return web.Response(status=400, text="the body is not UTF-8 JSON")
        if not isinstance(data, dict):
            return web.Response(status=400, text="the body is not a JSON object")
        update: Update | None = parse_update(data, self._bot)
        if update is not None:
            await self._queue.put(update)
        return web.Response(status=200)

    async def start(self) -> None:
        runner = web.AppRunner(self.app, access_log=None, handle_signals=False, read_bufsize=READ_BUFFER)
        await runner.setup()
        try:
            await web.SockSite(runner, self._listening_socket()).start()
        except OSError as exc:
            await runner.cleanup()
            raise CannotListen(
                f"the webhook server cannot listen on {self.listen}:{self.port} ({exc.strerror or type(exc).__name__}):"
                " another process uses the port, or the address is not this machine's; choose --listen/--port"
            ) from None
        self._runner = runner

    def _listening_socket(self) -> socket.socket:
        """The server's socket, with a small receive buffer (inherited by every connection): the kernel hands the
        server at most that much of a body per read, so many unwanted bodies at once cost little memory."""
        family, kind, proto, _name, address = socket.getaddrinfo(
            self.listen, self.port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
        sock = socket.socket(family, kind, proto)
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, SOCKET_RECEIVE_BUFFER)
            sock.bind(address)
            sock.listen(128)
            sock.setblocking(False)
        except OSError:
            sock.close()
            raise
        return sock

    async def stop(self) -> None:
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()
